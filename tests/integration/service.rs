//! The quoting service (`coverwright serve`), run as the built binary on an ephemeral port and
//! spoken to over plain HTTP/1.1: every endpoint's happy path, quotes byte for byte the CLI's
//! JSON for every shipped example, a problem+json answer with the right status for each bad
//! input, reload that refuses a broken product set, SIGTERM draining an in-flight request,
//! and the committed `docs/openapi.json`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use coverwright::yaml::{Node, NodeKind};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// A running service; killed when dropped.
struct Service {
    child: Child,
    addr: String,
}

impl Service {
    fn start(products: &Path, extra: &[&str]) -> Service {
        Service::start_env(products, extra, &[])
    }

    fn start_env(products: &Path, extra: &[&str], env: &[(&str, &str)]) -> Service {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_coverwright"));
        cmd.current_dir(ROOT)
            .args(["serve", "--listen", "127.0.0.1:0", "--log-level", "warn"])
            .arg("--products")
            .arg(products)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("the service starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the listening line");
        let addr = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("not a listening line: {line:?}"))
            .to_string();
        Service { child, addr }
    }

    fn get(&self, path: &str) -> Reply {
        http(&self.addr, "GET", path, &[], b"")
    }

    fn post(&self, path: &str, body: &[u8]) -> Reply {
        http(&self.addr, "POST", path, &[], body)
    }

    fn signal(&self, sig: i32) {
        // SAFETY: kill(2) on the child's own process id.
        let r = unsafe { libc::kill(self.child.id() as i32, sig) };
        assert_eq!(r, 0, "the signal is sent");
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An answer: status, headers (lower-case names), body.
#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> &str {
        std::str::from_utf8(&self.body).expect("utf-8 body")
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

fn request_bytes(method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    let mut bytes = req.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

fn read_reply(mut s: TcpStream) -> Reply {
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("the answer is read");
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a header block");
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .expect("a status line");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Reply {
        status,
        headers,
        body: raw[end + 4..].to_vec(),
    }
}

fn connect(addr: &str) -> TcpStream {
    let s = TcpStream::connect(addr).expect("the service takes connections");
    s.set_read_timeout(Some(Duration::from_secs(60)))
        .expect("timeout");
    s
}

fn http(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let mut s = connect(addr);
    s.write_all(&request_bytes(method, path, headers, body))
        .expect("the request is sent");
    read_reply(s)
}

/// The shipped products folder, named as the CLI names it from the package root (worksheet
/// lines name product files by the path they were loaded from).
fn products() -> PathBuf {
    PathBuf::from("products")
}

/// A YAML request as JSON text: numbers keep their source text, quoted and other plain
/// scalars become strings (a YAML date is written as its text).
fn node_json(n: &Node, src: &str, out: &mut String) {
    match &n.kind {
        NodeKind::Null => out.push_str("null"),
        NodeKind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        NodeKind::Scalar(s) => {
            let quoted = matches!(src.as_bytes().get(n.span.start), Some(b'"' | b'\''));
            if !quoted && serde_json::from_str::<serde_json::Number>(s).is_ok() {
                out.push_str(s);
            } else {
                out.push_str(&serde_json::to_string(s).expect("a string"));
            }
        }
        NodeKind::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                node_json(item, src, out);
            }
            out.push(']');
        }
        NodeKind::Map(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(k.as_str().unwrap_or("")).expect("a key"));
                out.push(':');
                node_json(v, src, out);
            }
            out.push('}');
        }
    }
}

/// The quote body for an example request file: its request as JSON, its census (if it names
/// one) as CSV text.
fn body_of(example: &Path, product: &str) -> String {
    let src = std::fs::read_to_string(example).expect("the example");
    let node = coverwright::yaml::parse(&src).expect("YAML");
    let NodeKind::Map(entries) = &node.kind else {
        panic!("a request is a mapping")
    };
    let mut request = String::from("{");
    let mut census = None;
    let mut first = true;
    for (k, v) in entries {
        let key = k.as_str().expect("a key");
        if key == "census" {
            let file = example.with_file_name(v.as_str().expect("a census name"));
            census = Some(std::fs::read_to_string(file).expect("the census"));
            continue;
        }
        if !first {
            request.push(',');
        }
        first = false;
        request.push_str(&serde_json::to_string(key).expect("key"));
        request.push(':');
        node_json(v, &src, &mut request);
    }
    request.push('}');
    let census = census
        .map(|c| format!(",\"census\":{}", serde_json::to_string(&c).expect("text")))
        .unwrap_or_default();
    format!("{{\"product\":\"{product}\",\"request\":{request}{census}}}")
}

const EXAMPLES: [(&str, &str); 7] = [
    ("bo-ann.yaml", "BO-ANN"),
    ("ec-sme.yaml", "EC-SME"),
    ("ga-sme.yaml", "GA-SME"),
    ("gig-med.yaml", "GIG-MED"),
    ("gsm-sme.yaml", "GSM-SME"),
    ("pa-flex.yaml", "PA-FLEX"),
    ("sp-acc.yaml", "SP-ACC"),
];

fn cli_quote(args: &[&str], stdin: Option<&str>) -> Vec<u8> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_coverwright"))
        .args(["quote", "--format", "json"])
        .args(args)
        .current_dir(ROOT)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the CLI runs");
    let mut input = child.stdin.take().expect("stdin");
    input
        .write_all(stdin.unwrap_or("").as_bytes())
        .expect("stdin written");
    drop(input);
    child.wait_with_output().expect("the CLI ends").stdout
}

#[test]
fn quotes_equal_the_cli_json_byte_for_byte_for_every_shipped_example() {
    let svc = Service::start(&products(), &[]);
    let examples = Path::new(ROOT).join("examples");
    for (file, code) in EXAMPLES {
        let body = body_of(&examples.join(file), code);
        let reply = svc.post("/v1/quotes", body.as_bytes());
        assert_eq!(reply.status, 200, "{file}: {}", reply.text());
        assert_eq!(reply.header("content-type"), Some("application/json"));
        assert_eq!(reply.header("x-quote-outcome"), Some("quoted"), "{file}");
        let path = format!("examples/{file}");
        let cli = cli_quote(&["--product", code, "--request", &path], None);
        assert!(!cli.is_empty(), "{file}: the CLI quoted it");
        assert!(
            reply.body == cli,
            "{file}: the service's quote differs from the CLI's"
        );
    }
    // The JSON Lines example: each line is a request in JSON already.
    let lines = std::fs::read_to_string(examples.join("sp-acc-requests.jsonl")).expect("jsonl");
    for (i, line) in lines.lines().enumerate() {
        let body = format!("{{\"product\":\"SP-ACC\",\"request\":{line}}}");
        let reply = svc.post("/v1/quotes", body.as_bytes());
        let cli = cli_quote(&["--product", "SP-ACC", "--request", "-"], Some(line));
        assert_eq!(reply.status, 200, "line {}: {}", i + 1, reply.text());
        assert!(reply.body == cli, "line {}: differs from the CLI", i + 1);
    }
}

/// A GA-SME request for `n` members (the product declines fewer than three).
fn ga_sme_members(n: usize) -> String {
    let member = r#"{"name":"张伟","id":"330102198503071234","age":40,"gender":"male","occupation_class":1,"social_insurance":true}"#;
    let members = vec![member; n].join(",");
    format!(
        r#"{{"start":"2025-03-01","term":12,"policyholder":{{"name":"杭州某某餐饮有限公司","id":"91330100MA2XXXXXXX","industry":"catering","employees":12,"revenue":600}},"members":[{members}],"coverages":{{"add":{{"sum_insured":500000}}}}}}"#
    )
}

#[test]
fn a_declined_quote_is_a_result_with_every_reason_as_the_cli_prints_it() {
    let svc = Service::start(&products(), &[]);
    let request = ga_sme_members(1);
    let body = format!(r#"{{"product":"GA-SME","request":{request}}}"#);
    let reply = svc.post("/v1/quotes", body.as_bytes());
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.header("x-quote-outcome"), Some("declined"));
    let v = reply.json();
    assert_eq!(v["declined"], true);
    assert_eq!(v["product"], "GA-SME@2024.1");
    assert!(!v["failures"].as_array().expect("failures").is_empty());
    let cli = cli_quote(&["--product", "GA-SME", "--request", "-"], Some(&request));
    assert!(reply.body == cli, "the decline differs from the CLI's");
    let metrics = svc.get("/metrics");
    assert!(
        metrics.text().contains(
            "coverwright_quotes_total{product=\"GA-SME@2024.1\",outcome=\"declined\"} 1\n"
        ),
        "{}",
        metrics.text()
    );
}

#[test]
fn products_health_metrics_and_headers() {
    let svc = Service::start(&products(), &[]);
    let list = svc.get("/v1/products");
    assert_eq!(list.status, 200);
    let set = list
        .header("x-product-set")
        .expect("the set's hash")
        .to_string();
    assert_eq!(set.len(), 64);
    let v = list.json();
    assert_eq!(v["product_set"], set.as_str());
    let sp = v["products"]
        .as_array()
        .expect("products")
        .iter()
        .find(|p| p["code"] == "SP-ACC" && p["version"] == "2025.1")
        .expect("SP-ACC 2025.1 is listed");
    assert_eq!(sp["line"], "accident");
    assert_eq!(sp["currency"], "CNY");
    assert_eq!(sp["content_hash"].as_str().map(str::len), Some(64));

    let detail = svc.get("/v1/products/SP-ACC/2025.1").json();
    let age = detail["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .find(|i| i["name"] == "age")
        .expect("an age input")
        .clone();
    assert_eq!(age["group"], "member");
    assert_eq!(age["type"], "integer");
    let add = &detail["coverages"][0];
    assert_eq!(add["code"], "add");
    assert!(!detail["plans"].as_array().expect("plans").is_empty());

    let schema = svc.get("/v1/products/SP-ACC/2025.1/request-schema");
    assert_eq!(schema.status, 200);
    let s = schema.json();
    assert_eq!(s["required"], serde_json::json!(["request"]));
    let member = &s["properties"]["request"]["properties"]["members"]["items"];
    assert_eq!(member["properties"]["age"]["type"], "integer");
    assert_eq!(member["additionalProperties"], false);
    // The body's members in the schema are the ones the service reads.
    let mut keys: Vec<&str> = s["properties"]
        .as_object()
        .expect("properties")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    let mut expected = coverwright::service::QUOTE_KEYS.to_vec();
    expected.sort_unstable();
    assert_eq!(keys, expected);

    let health = svc.get("/healthz");
    assert_eq!(
        (health.status, health.json()["status"].clone()),
        (200, "ok".into())
    );
    let ready = svc.get("/readyz");
    assert_eq!(
        (ready.status, ready.json()["product_set"].clone()),
        (200, set.clone().into())
    );

    // The caller's request id comes back; without one, the service makes one.
    let mine = http(
        &svc.addr,
        "GET",
        "/healthz",
        &[("X-Request-Id", "abc-123")],
        b"",
    );
    assert_eq!(mine.header("x-request-id"), Some("abc-123"));
    assert!(
        health
            .header("x-request-id")
            .is_some_and(|id| !id.is_empty())
    );
    assert_eq!(health.header("x-product-set"), Some(set.as_str()));

    let body = body_of(&Path::new(ROOT).join("examples/sp-acc.yaml"), "SP-ACC");
    assert_eq!(svc.post("/v1/quotes", body.as_bytes()).status, 200);
    let _ = svc.post("/v1/quotes", b"{");
    let m = svc.get("/metrics");
    assert_eq!(
        m.header("content-type"),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    let text = m.text();
    for line in [
        "coverwright_quotes_total{product=\"SP-ACC@2025.1\",outcome=\"quoted\"} 1\n",
        "coverwright_errors_total{code=\"E0260\"} 1\n",
        "coverwright_http_requests_total{route=\"/v1/quotes\",method=\"POST\",status=\"200\"} 1\n",
        "coverwright_http_requests_total{route=\"/v1/quotes\",method=\"POST\",status=\"400\"} 1\n",
        "coverwright_http_request_duration_seconds_bucket{route=\"/v1/quotes\",le=\"+Inf\"} 2\n",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
    // No CORS unless configured.
    assert!(health.header("access-control-allow-origin").is_none());
}

#[test]
fn the_committed_openapi_description_is_the_served_one() {
    let svc = Service::start(&products(), &[]);
    let served = svc.get("/openapi.json");
    assert_eq!(served.status, 200);
    let committed = std::fs::read_to_string(Path::new(ROOT).join("docs/openapi.json"))
        .expect("docs/openapi.json");
    assert!(
        served.text() == committed,
        "docs/openapi.json is stale: write it with `curl -s ADDR/openapi.json > docs/openapi.json`"
    );
    assert_eq!(served.text(), coverwright::service::openapi_json());
    let v = served.json();
    for path in [
        "/v1/products",
        "/v1/products/{code}/{version}",
        "/v1/products/{code}/{version}/request-schema",
        "/v1/quotes",
        "/v1/schedules",
        "/v1/declarations",
        "/v1/annuities",
        "/v1/documents",
        "/v1/claims",
        "/healthz",
        "/readyz",
        "/metrics",
        "/openapi.json",
        "/admin/reload",
    ] {
        assert!(v["paths"].get(path).is_some(), "{path} is described");
    }
    let body = &v["components"]["schemas"]["QuoteBody"]["properties"];
    let mut keys: Vec<&str> = body
        .as_object()
        .expect("properties")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    let mut expected = coverwright::service::QUOTE_KEYS.to_vec();
    expected.sort_unstable();
    assert_eq!(keys, expected, "the described body is the one read");
}

/// The problem of a reply: status, content type, first code and pointer.
fn problem(r: &Reply) -> (u16, String, String) {
    assert_eq!(
        r.header("content-type"),
        Some("application/problem+json"),
        "{}",
        r.text()
    );
    let v = r.json();
    assert_eq!(v["status"], r.status);
    let d = &v["diagnostics"][0];
    assert_eq!(
        v["type"],
        format!(
            "urn:coverwright:problem:{}",
            d["code"].as_str().unwrap_or("")
        )
    );
    assert!(v["title"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(d["message"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(d["help"].as_str().is_some_and(|t| !t.is_empty()));
    (
        r.status,
        d["code"].as_str().unwrap_or("").to_string(),
        d["pointer"].as_str().unwrap_or("-").to_string(),
    )
}

fn p(status: u16, code: &str, pointer: &str) -> (u16, String, String) {
    (status, code.to_string(), pointer.to_string())
}

#[test]
fn each_bad_input_gets_its_status_and_a_located_problem() {
    let svc = Service::start(
        &products(),
        &["--max-body-bytes", "65536", "--max-members", "50"],
    );
    let sp = |request: &str| format!(r#"{{"product":"SP-ACC","request":{request}}}"#);
    let good = r#"{"start":"2025-03-01","term":12,"policyholder":{"name":"周建华","industry":"catering"},"members":[{"name":"周建华","age":43,"gender":"male","occupation_class":2,"social_insurance":true}],"coverages":{"add":{"sum_insured":300000}}}"#;
    assert_eq!(svc.post("/v1/quotes", sp(good).as_bytes()).status, 200);

    // Malformed JSON: 400 at its line and column.
    let r = svc.post(
        "/v1/quotes",
        b"{\"product\": \"SP-ACC\",\n \"request\": {,}}",
    );
    assert_eq!(problem(&r), p(400, "E0260", "-"));
    assert_eq!(
        (
            r.json()["diagnostics"][0]["line"].clone(),
            r.json()["diagnostics"][0]["column"].clone()
        ),
        (2.into(), 14.into())
    );
    // YAML is not JSON.
    assert_eq!(
        problem(&svc.post("/v1/quotes", b"product: SP-ACC\n")),
        p(400, "E0260", "-")
    );
    // Not UTF-8.
    assert_eq!(
        problem(&svc.post("/v1/quotes", b"{\"a\": \"\xff\"}")),
        p(400, "E0260", "-")
    );

    // Wrong types, at the field.
    let r = svc.post(
        "/v1/quotes",
        sp(&good.replace("\"age\":43", "\"age\":\"old\"")).as_bytes(),
    );
    assert_eq!(problem(&r), p(422, "E0214", "/request/members/0/age"));
    let r = svc.post(
        "/v1/quotes",
        br#"{"product":5,"request":{"start":"2025-03-01"}}"#,
    );
    assert_eq!(problem(&r), p(422, "E0214", "/product"));
    let r = svc.post(
        "/v1/quotes",
        sp(&good.replace("2025-03-01", "2025-02-30")).as_bytes(),
    );
    assert_eq!(problem(&r), p(422, "E0206", "/request/start"));

    // Unknown fields, in the request and in the body; every one reported.
    let r = svc.post(
        "/v1/quotes",
        sp(&good.replace("\"members\"", "\"membres\"")).as_bytes(),
    );
    assert_eq!(problem(&r), p(422, "E0204", "/request/membres"));
    assert_eq!(
        r.json()["diagnostics"][0]["help"],
        "did you mean `members`?"
    );
    let with_extra = format!(
        r#"{{"product":"SP-ACC","extra":1,"request":{}}}"#,
        good.replace("\"age\":43", "\"age\":\"old\"")
    );
    let r = svc.post("/v1/quotes", with_extra.as_bytes());
    assert_eq!(problem(&r), p(422, "E0204", "/extra"));
    let codes: Vec<String> = r.json()["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["code"].as_str().map(str::to_string))
        .collect();
    assert_eq!(codes, ["E0204", "E0214"]);
    let r = svc.post("/v1/quotes", br#"["not an object"]"#);
    assert_eq!(problem(&r), p(422, "E0203", ""));

    // A request may not name a file.
    let r = svc.post(
        "/v1/quotes",
        sp(&good.replace("\"term\":12", "\"term\":12,\"census\":\"/etc/passwd\"")).as_bytes(),
    );
    assert_eq!(problem(&r), p(422, "E0263", "/request/census"));
    // A bad census cell points at the census.
    let census = r#"{"product":"GA-SME","census":"name,id,age,gender,occupation_class,social_insurance\nA,1,forty,male,1,true\n","request":{"start":"2025-03-01","term":12,"policyholder":{"name":"X","industry":"catering","employees":12,"revenue":600},"coverages":{"add":{"sum_insured":500000}}}}"#;
    let r = svc.post("/v1/quotes", census.as_bytes());
    assert_eq!(problem(&r), p(422, "E0224", "/census"));
    // Unknown plan.
    let r = svc.post(
        "/v1/quotes",
        format!(r#"{{"product":"SP-ACC","plan":"weekly","request":{good}}}"#).as_bytes(),
    );
    assert_eq!(problem(&r), p(422, "E0213", "/plan"));
    // Too many members.
    let r = svc.post(
        "/v1/quotes",
        format!(r#"{{"product":"GA-SME","request":{}}}"#, ga_sme_members(51)).as_bytes(),
    );
    assert_eq!(problem(&r), p(422, "E0209", "/request/members"));

    // Oversized: 413, and the connection is answered, not hung.
    let big = format!(
        r#"{{"product":"SP-ACC","request":{good},"census":"{}"}}"#,
        "x".repeat(70_000)
    );
    assert_eq!(
        problem(&svc.post("/v1/quotes", big.as_bytes())),
        p(413, "E0261", "-")
    );

    // Unknown products and versions: 404.
    let r = svc.post(
        "/v1/quotes",
        format!(r#"{{"product":"NOPE","request":{good}}}"#).as_bytes(),
    );
    assert_eq!(problem(&r), p(404, "E0262", "/product"));
    let r = svc.post(
        "/v1/quotes",
        format!(r#"{{"product":"SP-ACC@9.9","request":{good}}}"#).as_bytes(),
    );
    assert_eq!(problem(&r), p(404, "E0262", "/product"));
    assert_eq!(
        problem(&svc.get("/v1/products/SP-ACC/9.9")),
        p(404, "E0262", "-")
    );
    assert_eq!(
        problem(&svc.get("/v1/products/NOPE/1/request-schema")),
        p(404, "E0262", "-")
    );
    assert_eq!(problem(&svc.get("/v2/everything")), p(404, "E0262", "-"));
    // A version not in force on the start date: the request's `start`.
    let r = svc.post(
        "/v1/quotes",
        sp(&good.replace("2025-03-01", "2019-03-01")).as_bytes(),
    );
    assert_eq!(problem(&r), p(422, "E0215", "/request/start"));

    // Each answer still names the set.
    assert!(r.header("x-product-set").is_some());
}

#[test]
fn a_token_is_asked_for_when_configured_and_cors_only_when_configured() {
    let svc = Service::start_env(
        &products(),
        &[
            "--token-env",
            "CW_TEST_TOKEN",
            "--cors-origin",
            "https://agent.example",
        ],
        &[("CW_TEST_TOKEN", "s3cret")],
    );
    let r = svc.get("/v1/products");
    assert_eq!(problem(&r), p(401, "E0264", "-"));
    assert_eq!(r.header("www-authenticate"), Some("Bearer"));
    let wrong = http(
        &svc.addr,
        "GET",
        "/v1/products",
        &[("Authorization", "Bearer nope")],
        b"",
    );
    assert_eq!(wrong.status, 401);
    let ok = http(
        &svc.addr,
        "GET",
        "/v1/products",
        &[
            ("Authorization", "Bearer s3cret"),
            ("Origin", "https://agent.example"),
        ],
        b"",
    );
    assert_eq!(ok.status, 200);
    assert_eq!(
        ok.header("access-control-allow-origin"),
        Some("https://agent.example")
    );
    // Probes stay open for the load balancer.
    assert_eq!(svc.get("/healthz").status, 200);
}

#[test]
fn a_request_over_its_time_limit_gets_a_503_problem() {
    let svc = Service::start(
        &products(),
        &["--timeout-ms", "1", "--max-members", "20000"],
    );
    let row = "张伟,330102198503071234,40,male,1,true\n";
    let census = format!(
        "name,id,age,gender,occupation_class,social_insurance\n{}",
        row.repeat(15_000)
    );
    let body = format!(
        r#"{{"product":"GA-SME","census":{},"request":{{"start":"2025-03-01","term":12,"policyholder":{{"name":"X","industry":"catering","employees":12,"revenue":600}},"coverages":{{"add":{{"sum_insured":500000}}}}}}}}"#,
        serde_json::to_string(&census).expect("text")
    );
    let r = svc.post("/v1/quotes", body.as_bytes());
    assert_eq!(problem(&r), p(503, "E0265", "-"));
}

/// A copy of the products folder to break and mend.
fn products_copy(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cw-service-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&Path::new(ROOT).join("products"), &dir);
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("a folder");
    for e in std::fs::read_dir(from).expect("readable") {
        let e = e.expect("entry");
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copied");
        }
    }
}

#[test]
fn a_reload_with_a_broken_product_keeps_serving_the_old_set() {
    let dir = products_copy("reload");
    let svc = Service::start(&dir, &[]);
    let body = body_of(&Path::new(ROOT).join("examples/sp-acc.yaml"), "SP-ACC");
    let before = svc.post("/v1/quotes", body.as_bytes());
    assert_eq!(before.status, 200);
    let old = before.header("x-product-set").expect("hash").to_string();

    let file = dir.join("sp-acc-2025.yaml");
    let good = std::fs::read_to_string(&file).expect("the product");
    std::fs::write(
        &file,
        good.replacen("code: SP-ACC", "code: SP-ACC\nbogus_key: 1", 1),
    )
    .expect("broken");
    let r = svc.post("/admin/reload", b"");
    assert_eq!(problem(&r).0, 422);
    let v = r.json();
    let d = &v["diagnostics"][0];
    assert!(
        d["file"]
            .as_str()
            .is_some_and(|f| f.ends_with("sp-acc-2025.yaml")),
        "{v}"
    );
    assert_eq!(r.header("x-product-set"), Some(old.as_str()));
    // SIGHUP with the same broken folder: refused too (the reload runs in the background).
    svc.signal(libc::SIGHUP);
    let refused = "coverwright_product_set_reloads_total{result=\"refused\"} 2\n";
    let mut metrics = String::new();
    for _ in 0..200 {
        metrics = svc.get("/metrics").text().to_string();
        if metrics.contains(refused) {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(metrics.contains(refused), "{metrics}");
    let after = svc.post("/v1/quotes", body.as_bytes());
    assert_eq!(after.status, 200);
    assert_eq!(after.header("x-product-set"), Some(old.as_str()));
    assert!(after.body == before.body);

    // Mended (and changed): the next reload swaps the set in.
    std::fs::write(&file, format!("{good}# reloaded\n")).expect("mended");
    let r = svc.post("/admin/reload", b"");
    assert_eq!(r.status, 200, "{}", r.text());
    let new = r.json()["product_set"].as_str().expect("hash").to_string();
    assert_ne!(new, old);
    let q = svc.post("/v1/quotes", body.as_bytes());
    assert_eq!(q.header("x-product-set"), Some(new.as_str()));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sigterm_drains_an_in_flight_request() {
    let mut svc = Service::start(&products(), &["--drain-ms", "10000"]);
    let body = body_of(&Path::new(ROOT).join("examples/sp-acc.yaml"), "SP-ACC");
    let bytes = request_bytes("POST", "/v1/quotes", &[], body.as_bytes());
    // Headers and half the body now; SIGTERM; the rest after.
    let mut s = connect(&svc.addr);
    let half = bytes.len() - body.len() / 2;
    s.write_all(&bytes[..half]).expect("first half");
    std::thread::sleep(Duration::from_millis(300));
    svc.signal(libc::SIGTERM);
    std::thread::sleep(Duration::from_millis(300));
    s.write_all(&bytes[half..]).expect("second half");
    let r = read_reply(s);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("x-quote-outcome"), Some("quoted"));
    let status = svc.child.wait().expect("the service ends");
    assert_eq!(status.code(), Some(0));
    assert!(
        TcpStream::connect(&svc.addr).is_err(),
        "no longer accepting"
    );
}

/// What the CLI prints on standard output for `args` (run from the package root).
fn cli(args: &[&str]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_coverwright"))
        .args(args)
        .current_dir(ROOT)
        .stderr(Stdio::null())
        .output()
        .expect("the CLI runs");
    assert!(!out.stdout.is_empty(), "{args:?}: the CLI printed nothing");
    out.stdout
}

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(ROOT).join(path)).expect("a shipped file")
}

/// A YAML file of the repository as JSON text (numbers keep their source text).
fn yaml_json(path: &str) -> String {
    let src = read(path);
    let node = coverwright::yaml::parse(&src).expect("YAML");
    let mut out = String::new();
    node_json(&node, &src, &mut out);
    out
}

fn assert_same(reply: &Reply, cli: &[u8], what: &str) {
    assert_eq!(reply.status, 200, "{what}: {}", reply.text());
    assert_eq!(
        reply.header("content-type"),
        Some("application/json"),
        "{what}"
    );
    assert!(
        reply.body == cli,
        "{what}: the service's answer differs from the CLI's"
    );
}

#[test]
fn schedules_declarations_annuities_and_claims_equal_the_cli_byte_for_byte() {
    let svc = Service::start(&products(), &[]);
    for (product, plan, start, premium, years) in [
        ("GA-SME", "monthly", "2024-01-31", "1200.00", None),
        ("SP-ACC", "quarterly", "2025-03-01", "365.10", None),
        ("BO-ANN", "annual", "2025-03-01", "10000", Some("10")),
    ] {
        let body = serde_json::json!({"product": product, "plan": plan, "start": start,
            "premium": premium, "years": years.map(|y: &str| y.parse::<u32>().expect("years"))});
        let reply = svc.post("/v1/schedules", body.to_string().as_bytes());
        let mut args = vec![
            "schedule",
            "--format",
            "json",
            "--product",
            product,
            "--plan",
            plan,
            "--start",
            start,
            "--premium",
            premium,
        ];
        if let Some(y) = years {
            args.extend(["--years", y]);
        }
        assert_same(&reply, &cli(&args), &format!("schedule {product} {plan}"));
    }
    // A premium sent as a JSON number is read from its text.
    let reply = svc.post(
        "/v1/schedules",
        br#"{"product":"GA-SME","plan":"monthly","start":"2024-01-31","premium":1200.00}"#,
    );
    assert_eq!(reply.json()["total"], "1296.00");

    let quote = read("examples/claims/ec-sme-quote.json");
    let body = format!(
        r#"{{"quote":{quote},"declarations":{}}}"#,
        serde_json::to_string(&read("examples/ec-sme-declarations.csv")).expect("text")
    );
    let reply = svc.post("/v1/declarations", body.as_bytes());
    let args = [
        "declare",
        "--format",
        "json",
        "--quote",
        "examples/claims/ec-sme-quote.json",
        "--declarations",
        "examples/ec-sme-declarations.csv",
    ];
    assert_same(&reply, &cli(&args), "declarations");

    let table = "products/tables/cl_2010_2013_qx.csv";
    for (column, age, extra) in [
        ("CL5", "60", vec![]),
        (
            "CL6",
            "55",
            vec!["--defer", "5", "--term", "20", "--frequency", "12"],
        ),
        (
            "CL5",
            "60",
            vec!["--guaranteed", "10", "--frequency", "4", "--method", "udd"],
        ),
    ] {
        let mut body = serde_json::json!({"table": read(table), "table_name": table,
            "column": column, "age": age.parse::<u32>().expect("age"), "interest": "0.025"});
        for pair in extra.chunks(2) {
            let key = pair[0].trim_start_matches("--");
            body[key] = match pair[1].parse::<u32>() {
                Ok(n) => n.into(),
                Err(_) => pair[1].into(),
            };
        }
        let reply = svc.post("/v1/annuities", body.to_string().as_bytes());
        let mut args = vec![
            "annuity",
            "--format",
            "json",
            "--table",
            table,
            "--column",
            column,
            "--age",
            age,
            "--interest",
            "0.025",
        ];
        args.extend(extra.iter().copied());
        assert_same(&reply, &cli(&args), &format!("annuity {column} {age}"));
    }

    // Every claim example of docs/claims.md, with and without the worksheet.
    for (quote, claim) in [
        ("ga-sme-quote.json", "accident-two-injuries.yaml"),
        ("ga-sme-quote.json", "accident-medical.yaml"),
        ("gig-med-quote.json", "health-tiers.yaml"),
        ("gig-med-quote.json", "health-no-social.yaml"),
        ("ec-sme-quote.json", "credit-buyer-limit.yaml"),
    ] {
        let (q, c) = (
            format!("examples/claims/{quote}"),
            format!("examples/claims/{claim}"),
        );
        for explain in [false, true] {
            let body = format!(
                r#"{{"quote":{},"claim":{},"explain":{explain}}}"#,
                read(&q),
                yaml_json(&c)
            );
            let reply = svc.post("/v1/claims", body.as_bytes());
            let mut args = vec!["claim", "--format", "json", "--quote", &q, "--claim", &c];
            if explain {
                args.push("--explain");
            }
            assert_same(&reply, &cli(&args), &format!("claim {claim}"));
        }
    }
    // Earlier claims carry over, as with `--history`.
    let history: Vec<String> = read("examples/claims/health-history.jsonl")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    let claims = read("examples/claims/health-claims.jsonl");
    let dir = std::env::temp_dir().join(format!("cw-service-claims-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a folder");
    for (i, claim) in claims
        .lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .take(3)
    {
        let body = format!(
            r#"{{"quote":{},"history":[{}],"claim":{claim}}}"#,
            read("examples/claims/gig-med-quote.json"),
            history.join(",")
        );
        let reply = svc.post("/v1/claims", body.as_bytes());
        let file = dir.join(format!("claim-{i}.json"));
        std::fs::write(&file, claim).expect("written");
        let args = [
            "claim",
            "--format",
            "json",
            "--quote",
            "examples/claims/gig-med-quote.json",
            "--history",
            "examples/claims/health-history.jsonl",
            "--claim",
            file.to_str().expect("a path"),
        ];
        assert_same(&reply, &cli(&args), &format!("claim line {}", i + 1));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The file `coverwright render` writes for `args`.
fn cli_render(args: &[&str], ext: &str) -> Vec<u8> {
    let out = std::env::temp_dir().join(format!(
        "cw-service-render-{}-{}.{ext}",
        std::process::id(),
        args.join("-").replace(['/', '.'], "_")
    ));
    let status = Command::new(env!("CARGO_BIN_EXE_coverwright"))
        .arg("render")
        .args(args)
        .arg("--output")
        .arg(&out)
        .current_dir(ROOT)
        .stderr(Stdio::null())
        .status()
        .expect("the CLI runs");
    assert!(status.success(), "render {args:?}");
    let bytes = std::fs::read(&out).expect("the document");
    let _ = std::fs::remove_file(&out);
    bytes
}

#[test]
fn documents_equal_the_files_render_writes() {
    let svc = Service::start(&products(), &["--timeout-ms", "120000"]);
    let quote = read("examples/claims/ga-sme-quote.json");
    for (document, lang, format, media) in [
        ("quote", "zh", "html", "text/html; charset=utf-8"),
        ("policy", "en", "md", "text/markdown; charset=utf-8"),
        ("schedule", "zh", "md", "text/markdown; charset=utf-8"),
        ("worksheet", "en", "html", "text/html; charset=utf-8"),
        (
            "policy",
            "zh",
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("quote", "en", "pdf", "application/pdf"),
    ] {
        let body = format!(
            r#"{{"quote":{quote},"document":"{document}","lang":"{lang}","format":"{format}","plan":"monthly","special_clauses":["Clause A"]}}"#
        );
        let reply = svc.post("/v1/documents", body.as_bytes());
        assert_eq!(
            reply.status,
            200,
            "{document} {format}: {}",
            String::from_utf8_lossy(&reply.body)
        );
        assert_eq!(
            reply.header("content-type"),
            Some(media),
            "{document} {format}"
        );
        let file = cli_render(
            &[
                "--quote",
                "examples/claims/ga-sme-quote.json",
                "--document",
                document,
                "--lang",
                lang,
                "--format",
                format,
                "--plan",
                "monthly",
                "--special-clause",
                "Clause A",
            ],
            format,
        );
        assert!(
            reply.body == file,
            "{document} {lang} {format}: the service's document differs from the CLI's file"
        );
    }
    // The invoice of a declaration billing.
    let billing = String::from_utf8(cli(&[
        "declare",
        "--format",
        "json",
        "--quote",
        "examples/claims/ec-sme-quote.json",
        "--declarations",
        "examples/ec-sme-declarations.csv",
    ]))
    .expect("utf-8");
    let body = format!(
        r#"{{"quote":{},"document":"invoice","billing":{billing}}}"#,
        read("examples/claims/ec-sme-quote.json")
    );
    let reply = svc.post("/v1/documents", body.as_bytes());
    assert_eq!(reply.status, 200, "invoice: {}", reply.text());
    let path = std::env::temp_dir().join(format!("cw-service-billing-{}.json", std::process::id()));
    std::fs::write(&path, &billing).expect("written");
    let file = cli_render(
        &[
            "--quote",
            "examples/claims/ec-sme-quote.json",
            "--document",
            "invoice",
            "--billing",
            path.to_str().expect("a path"),
        ],
        "html",
    );
    let _ = std::fs::remove_file(&path);
    assert!(
        reply.body == file,
        "the invoice differs from the CLI's file"
    );
}

#[test]
fn each_bad_input_of_the_other_endpoints_gets_its_status_and_a_located_problem() {
    let svc = Service::start(&products(), &[]);
    let post = |path: &str, body: &str| svc.post(path, body.as_bytes());
    let schedule =
        r#"{"product":"GA-SME","plan":"monthly","start":"2024-01-31","premium":"1200.00"}"#;
    assert_eq!(post("/v1/schedules", schedule).status, 200);
    let r = post("/v1/schedules", &schedule.replace("monthly", "weekly"));
    assert_eq!(problem(&r), p(422, "E0213", "/plan"));
    let r = post("/v1/schedules", &schedule.replace("GA-SME", "NOPE"));
    assert_eq!(problem(&r), p(404, "E0262", "/product"));
    let r = post(
        "/v1/schedules",
        &schedule.replace("1200.00\"", "-5\",\"year\":2"),
    );
    assert_eq!(problem(&r), p(422, "E0204", "/year"));
    assert_eq!(r.json()["diagnostics"][0]["help"], "did you mean `years`?");
    assert_eq!(r.json()["diagnostics"][1]["pointer"], "/premium");
    let r = post(
        "/v1/schedules",
        r#"{"product":"GA-SME","plan":"monthly","start":"2024-02-30","premium":"x"}"#,
    );
    assert_eq!(problem(&r), p(422, "E0206", "/start"));
    assert_eq!(r.json()["diagnostics"][1]["pointer"], "/premium");
    let r = post(
        "/v1/schedules",
        r#"{"product":"GA-SME","start":"2024-01-31","premium":"1"}"#,
    );
    assert_eq!(problem(&r), p(422, "E0207", ""));
    assert_eq!(problem(&post("/v1/schedules", "{")), p(400, "E0260", "-"));

    let ec = read("examples/claims/ec-sme-quote.json");
    let decl = |quote: &str, csv: &str| {
        format!(
            r#"{{"quote":{quote},"declarations":{}}}"#,
            serde_json::to_string(csv).expect("text")
        )
    };
    let csv = "date,buyer,country_class,payment_method,credit_days,value\n2025-03-05,Acme GmbH,A,O/A,90,lots\n";
    let r = post("/v1/declarations", &decl(&ec, csv));
    assert_eq!(problem(&r), p(422, "E0224", "/declarations"));
    let d = &r.json()["diagnostics"][0];
    assert_eq!(
        (d["line"].clone(), d["column"].clone()),
        (2.into(), 31.into())
    );
    let ga = read("examples/claims/ga-sme-quote.json");
    let r = post("/v1/declarations", &decl(&ga, csv));
    assert_eq!(problem(&r), p(422, "E0231", "/quote"));
    let edited = ec.replacen("\"premium\": \"", "\"premium\": \"1", 1);
    let r = post("/v1/declarations", &decl(&edited, csv));
    assert_eq!(problem(&r), p(422, "E0242", "/quote"));
    let r = post("/v1/declarations", &decl(r#"{"product":1}"#, csv));
    assert_eq!(problem(&r), p(422, "E0241", "/quote"));

    let annuity = |table: &str, extra: &str| {
        format!(
            r#"{{"table":{},"age":60,"interest":"0.025"{extra}}}"#,
            serde_json::to_string(table).expect("text")
        )
    };
    let table = "age,qx\n60,0.01\n61,1.5\n62,1\n";
    let r = post("/v1/annuities", &annuity(table, ""));
    assert_eq!(problem(&r), p(422, "E0134", "/table"));
    let d = &r.json()["diagnostics"][0];
    assert_eq!(
        (d["line"].clone(), d["at"].clone()),
        (3.into(), "row 3, column `qx`".into())
    );
    let r = post(
        "/v1/annuities",
        &annuity(
            "age,qx\n60,0.5\n61,1\n",
            r#","frequency":3,"method":"exact""#,
        ),
    );
    assert_eq!(problem(&r), p(422, "E0214", "/method"));
    assert_eq!(r.json()["diagnostics"][1]["pointer"], "/frequency");
    let r = post(
        "/v1/annuities",
        &annuity("age,qx\n60,0.5\n61,1\n", "").replace("\"age\":60", "\"age\":\"old\""),
    );
    assert_eq!(problem(&r), p(422, "E0214", "/age"));

    let claim = yaml_json("examples/claims/accident-medical.yaml");
    let r = post(
        "/v1/claims",
        &format!(
            r#"{{"quote":{ga},"claim":{},"extra":true}}"#,
            claim.replace("2025-06-20", "2025-06-31")
        ),
    );
    assert_eq!(problem(&r), p(422, "E0204", "/extra"));
    let r = post(
        "/v1/claims",
        &format!(
            r#"{{"quote":{ga},"claim":{}}}"#,
            claim.replace("2025-06-20", "2025-06-31")
        ),
    );
    assert_eq!(problem(&r), p(422, "E0206", "/claim/date"));
    let r = post(
        "/v1/claims",
        &format!(
            r#"{{"quote":{ga},"history":[{}],"claim":{claim}}}"#,
            claim.replace("2025-06-20", "2025-06-31")
        ),
    );
    assert_eq!(problem(&r), p(422, "E0206", "/history/0/date"));
    let r = post("/v1/claims", &format!(r#"{{"quote":{ga}}}"#));
    assert_eq!(problem(&r), p(422, "E0207", ""));

    let doc = |document: &str, format: &str| {
        format!(r#"{{"quote":{ga},"document":"{document}","format":"{format}"}}"#)
    };
    let r = post("/v1/documents", &doc("brochure", "html"));
    assert_eq!(problem(&r), p(422, "E0214", "/document"));
    let r = post("/v1/documents", &doc("quote", "odt"));
    assert_eq!(problem(&r), p(422, "E0214", "/format"));
    let r = post(
        "/v1/documents",
        &doc("quote", "html").replace("\"format\"", "\"lang\":\"fr\",\"format\""),
    );
    assert_eq!(problem(&r), p(422, "E0214", "-"));
    let r = post(
        "/v1/documents",
        &doc("quote", "html").replacen("\"premium\": \"", "\"premium\": \"9", 1),
    );
    assert_eq!(problem(&r), p(422, "E0242", "/quote"));
}

/// With the typesetter (the default build) a PDF needs no browser.
#[cfg(feature = "typeset")]
#[test]
fn pdf_is_typeset_without_a_browser() {
    let svc = Service::start_env(
        &products(),
        &["--timeout-ms", "120000"],
        &[("PATH", "/nonexistent")],
    );
    let body = format!(
        r#"{{"quote":{},"document":"quote","format":"pdf"}}"#,
        read("examples/claims/ga-sme-quote.json")
    );
    let r = svc.post("/v1/documents", body.as_bytes());
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("content-type"), Some("application/pdf"));
    assert!(r.body.starts_with(b"%PDF-"));
}

#[cfg(not(feature = "typeset"))]
#[test]
fn pdf_without_a_browser_is_a_501_problem_not_a_hang() {
    let svc = Service::start_env(&products(), &[], &[("PATH", "/nonexistent")]);
    let body = format!(
        r#"{{"quote":{},"document":"quote","format":"pdf"}}"#,
        read("examples/claims/ga-sme-quote.json")
    );
    let r = svc.post("/v1/documents", body.as_bytes());
    assert_eq!(problem(&r), p(501, "E0266", "/format"));
    // HTML is still served.
    let r = svc.post(
        "/v1/documents",
        body.replace("\"pdf\"", "\"html\"").as_bytes(),
    );
    assert_eq!(r.status, 200);
}

#[test]
fn a_json_body_is_read_into_the_same_tree_as_the_yaml_reader_builds() {
    let examples = Path::new(ROOT).join("examples");
    let mut bodies: Vec<String> = EXAMPLES
        .iter()
        .map(|(file, code)| body_of(&examples.join(file), code))
        .collect();
    bodies.extend(
        read("examples/sp-acc-requests.jsonl")
            .lines()
            .map(|l| format!("{{\"product\":\"SP-ACC\",\"request\":{l}}}")),
    );
    bodies.push(read("examples/claims/gig-med-quote.json"));
    bodies.push(read("docs/openapi.json"));
    bodies.extend(
        [
            "{\"名字\": \"周建华\", \"b\":\n  [1,\r\n\t2.50, -0, 1E+5, 0.8e-3], \"c\":\"a\\/b\\ud83d\\ude00\\u00e9\\n\"}\r\n",
            " [true, false, null, {}, [], \"\", {\"a\": {\"b\": [ {\"c\" : \"null\"} ]}}] ",
            "\"just a string\"",
            "12.30",
            "{\"x\":\"\\\"quoted\\\" \\\\ \\b\\f\\r\\t\"}",
        ]
        .map(str::to_string),
    );
    for body in &bodies {
        let fast = coverwright::service::json_tree(body);
        let slow = coverwright::yaml::parse(body).expect("the YAML reader reads it");
        assert_eq!(fast.as_ref(), Some(&slow), "{body}");
    }
    // What it does not read plainly is left to the YAML reader and its diagnostics.
    for odd in [
        "{\"a\":1,\"a\":2}",
        "{\"a\":1,}",
        "[1 2]",
        "{'a':1}",
        "\"\\ud800\"",
        "\"tab\there\"",
        "01",
        "1.",
        "{\"a\":nul}",
        "",
        "{} {}",
        &"[".repeat(40),
    ] {
        assert_eq!(coverwright::service::json_tree(odd), None, "{odd}");
    }
}
