-- wrk script for scripts/load_test.sh: POST the JSON body in the file $BODY to /v1/quotes.
local f = assert(io.open(os.getenv("BODY"), "rb"))
wrk.method = "POST"
wrk.path = "/v1/quotes"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
