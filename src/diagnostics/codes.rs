//! The registry of diagnostic codes: one table of code, summary and help. Every diagnostic the
//! crate emits uses a constant from here, so a code cannot be misspelt and every code is
//! documented (`docs/product-format.md`, `docs/quote-format.md`; a test checks both ways).
//!
//! Ranges: `E00xx` YAML and file shape, `E01xx` product checks, `E02xx` requests, censuses,
//! declarations and quote files, `E03xx` formulas, `Wxxxx` warnings.

/// One registered code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The code, e.g. `E0206`.
    pub code: &'static str,
    /// What the code means.
    pub summary: &'static str,
    /// What to do about it, in general (diagnostics carry a specific help too).
    pub help: &'static str,
}

macro_rules! registry {
    ($($id:ident => $summary:literal, $help:literal;)*) => {
        $(
            #[doc = $summary]
            pub const $id: &str = stringify!($id);
        )*
        /// Every registered code, in order.
        pub const ALL: &[Entry] = &[$(Entry { code: $id, summary: $summary, help: $help }),*];
    };
}

registry! {
    E0000 => "Internal: an empty list of diagnostics was reported as a failure.", "report this as a bug";
    E0001 => "YAML syntax error.", "fix the YAML at the line and column shown";
    E0002 => "The file is too large (over 4 MiB), binary, or not UTF-8.", "fix the YAML at the line and column shown";
    E0003 => "The file is empty.", "fix the YAML at the line and column shown";
    E0004 => "A key appears twice in one mapping.", "fix the YAML at the line and column shown";
    E0005 => "A file or folder cannot be read.", "fix the YAML at the line and column shown";
    E0010 => "A value has the wrong shape (e.g. a list where a single value is expected, a float that cannot be read exactly).", "fix the YAML at the line and column shown";
    E0011 => "Unknown key; the help suggests the closest allowed key.", "fix the YAML at the line and column shown";
    E0012 => "Unknown value where a fixed set is expected.", "fix the YAML at the line and column shown";
    E0013 => "Missing required key.", "fix the YAML at the line and column shown";
    E0014 => "Wrong type of value (e.g. text where a whole number is expected).", "fix the YAML at the line and column shown";
    E0101 => "Not a decimal number (`1,5`, `0.3.5`).", "fix the product file at the line shown; `coverwright validate` lists every problem at once";
    E0102 => "Not a `YYYY-MM-DD` date.", "fix the product file at the line shown; `coverwright validate` lists every problem at once";
    E0103 => "Not a valid product code, version, input name or step name.", "fix the product file at the line shown; `coverwright validate` lists every problem at once";
    E0104 => "Unknown word: line, segment, VAT treatment, scope (`per`), input type, rounding mode or level (or more than 8 places), charge kind or basis, payment mode, remainder, business-day rule, interest basis, monthly method, document kind.", "fix the product file at the line shown; `coverwright validate` lists every problem at once";
    E0105 => "Not an ISO 4217 currency code.", "fix the product file at the line shown; `coverwright validate` lists every problem at once";
    E0106 => "`effective_to` is before `effective_from`.", "fix the product file at the line shown; `coverwright validate` lists every problem at once";
    E0107 => "Term rules: unknown unit; `min` below 1 or above `max`; more than 12 months; default outside min..max; terms under 12 months without a short-period rule.", "fix the product file at the line shown; `coverwright validate` lists every problem at once";
    E0108 => "Declared twice (input, enum value, coverage, term option, rule, step name, payment plan), or a reserved name used (`name`, `id`, `members`, `term_months`, `term_years`, a standard term inside `terms`).", "fix the product file at the line shown; `coverwright validate` lists every problem at once";
    E0109 => "Group cover without member inputs.", "fix the product file at the line shown; `coverwright validate` lists every problem at once";
    E0110 => "The short-period table has no row for a month the term allows.", "fix the product file at the line shown; `coverwright validate` lists every problem at once";
    E0111 => "Unknown table (short period), coverage (in a step or a test's `expect`), step (in a payment plan or a test's `expect`) or rule (in a test's `decline`).", "fix the product file at the line shown; `coverwright validate` lists every problem at once";
    E0112 => "No coverages, or no rating steps.", "fix the product file at the line shown; `coverwright validate` lists every problem at once";
    E0113 => "A share outside its range: ratios, tier ratios, benefit shares, indemnity percentages, fee and down-payment percentages and the deposit share in [0, 1]; modal factor in (0, 1]; VAT rate in [0, 1).", "fix the product file at the line shown; `coverwright validate` lists every problem at once";
    E0114 => "Reimbursement tiers leave a gap or overlap.", "fix the product file at the line shown; `coverwright validate` lists every problem at once";
    E0115 => "A negative value where none is allowed: limits, terms, table rates and factors, minimum premium, charges, loadings, interest.", "fix the product file at the line shown; `coverwright validate` lists every problem at once";
    E0116 => "A health waiting period over 180 days.", "fix the product file at the line shown; `coverwright validate` lists every problem at once";
    E0118 => "A coverage without a premium step, or with two.", "fix the product file at the line shown; `coverwright validate` lists every problem at once";
    E0119 => "A taxable coverage without `rating.vat_rate`; a charge without exactly one of `rate`/`amount`; a `declaration` plan without `declarations`.", "fix the product file at the line shown; `coverwright validate` lists every problem at once";
    E0120 => "A named file is outside the product's (or templates') folder.", "fix the product file at the line shown; `coverwright validate` lists every problem at once";
    E0121 => "A named file (table CSV, calendar, census, life table) does not exist or cannot be read.", "fix the product file at the line shown; `coverwright validate` lists every problem at once";
    E0122 => "A long-term health or pension product with a cooling-off period under 15 days.", "fix the product file at the line shown; `coverwright validate` lists every problem at once";
    E0123 => "A collection day outside 1–31; a declaration day outside 1–28; `max_credit_days` above `max_credit_days_approved`.", "fix the product file at the line shown; `coverwright validate` lists every problem at once";
    E0124 => "A document template does not exist in the templates folder.", "fix the product file at the line shown; `coverwright validate` lists every problem at once";
    E0125 => "An inconsistent input, term or plan definition: `max` below `min`; `enum` without `values`; `min`/`max` on a non-number or `values` on a non-enum; a default that does not fit; a term with both `options` and `min`/`max`, or neither; `step` not positive; a plan with both `modal_factor` and `loading`; a fee without exactly one of `flat`/`percent`.", "fix the product file at the line shown; `coverwright validate` lists every problem at once";
    E0126 => "A table without keys, without rows, or with both `rows` and `file`.", "fix the product file at the line shown; `coverwright validate` lists every problem at once";
    E0127 => "A table CSV without a header, missing a named column, or malformed.", "fix the product file at the line shown; `coverwright validate` lists every problem at once";
    E0128 => "A table row with the wrong number of cells.", "fix the product file at the line shown; `coverwright validate` lists every problem at once";
    E0129 => "A malformed band, or a key column mixing words and numbers.", "fix the product file at the line shown; `coverwright validate` lists every problem at once";
    E0130 => "Two rows of a table match the same key values.", "fix the product file at the line shown; `coverwright validate` lists every problem at once";
    E0131 => "The bands of a one-key table leave a gap.", "fix the product file at the line shown; `coverwright validate` lists every problem at once";
    E0132 => "A value the inputs or terms allow finds no row in a table a formula looks up.", "fix the product file at the line shown; `coverwright validate` lists every problem at once";
    E0133 => "A test case expects nothing.", "fix the product file at the line shown; `coverwright validate` lists every problem at once";
    E0134 => "A life table with a gap in ages, a qx outside [0, 1] or no closing qx = 1 (named by file and row).", "fix the product file at the line shown; `coverwright validate` lists every problem at once";
    E0135 => "A payment-plan setting the schedule would refuse (see `docs/payment-plans.md`): grace period over 366 days, amounts with more decimals than the currency, `minimum_instalment: 0`, a loading above 1, a down payment on a single or annual plan or of nothing.", "fix the product file at the line and column shown";
    E0136 => "A holiday calendar that cannot be read: YAML or format errors (in the calendar file, with line and column), a date both holiday and workday, a workday that is not a weekend day.", "fix the product file at the line and column shown";
    E0140 => "The same code and version are defined twice.", "fix the product files so each code and version is defined once and versions do not overlap";
    E0141 => "Two versions of one code are in force on the same date.", "fix the product files so each code and version is defined once and versions do not overlap";
    E0150 => "A document template named in `documents` fails to render against the product's first quoted test case (named by template file, line and column).", "fix the template at the line shown, or the test case it renders with";
    E0170 => "`pension:` names an input or step that does not exist, or an input of the wrong type (an age that is not an integer, a table or frequency input that is not an enum), or a flexible plan that does not exist.", "fix the `pension:` section at the line shown";
    E0171 => "`pension:` has an unknown word: design, death benefit, or a payout term that is neither `life` nor a number of years.", "fix the `pension:` section at the line shown";
    E0172 => "`pension.life_table` leaves a word of its input without a table, maps a word the input does not have or names an undeclared table; or the frequency input has a word other than `yearly` and `monthly`.", "fix the `pension:` section at the line shown";
    E0173 => "A surrender or withdrawal charge outside 0% to 100%; a guarantee longer than the payout term or over 100 years; scenarios not starting at the guaranteed rate, not increasing, or missing.", "fix the `pension:` section at the line shown";
    E0174 => "A test case's cash value is negative or above the reserve, or its pension cannot be valued (named by the case's line).", "fix the `pension:` section at the line shown";
    E0175 => "A design without what it needs: a deferred annuity without `yearly_pension`, `annual_premium` or an `actuarial` section; a universal account without `account`.", "fix the `pension:` section at the line shown";
    E0201 => "The request file cannot be read.", "fix the request at the line and column shown";
    E0202 => "The request is not UTF-8 text.", "fix the request at the line and column shown";
    E0203 => "A part of the request has the wrong shape (a list where a mapping is needed, ...).", "fix the request at the line and column shown";
    E0204 => "An unknown key or field (with \"did you mean\").", "fix the request at the line and column shown";
    E0205 => "The request names another product.", "fix the request at the line and column shown";
    E0206 => "A date that is not YYYY-MM-DD.", "write the date as YYYY-MM-DD, a day that exists in the calendar";
    E0207 => "A required key, field or term is missing.", "fix the request at the line and column shown";
    E0208 => "The term is outside the product's term rules.", "fix the request at the line and column shown";
    E0209 => "More members than a quote may have (1,000,000).", "fix the request at the line and column shown";
    E0210 => "An unknown coverage.", "fix the request at the line and column shown";
    E0211 => "A coverage term the coverage does not have.", "fix the request at the line and column shown";
    E0212 => "A term value that is not one of the allowed options or in the allowed range.", "fix the request at the line and column shown";
    E0213 => "A payment plan the product does not offer.", "fix the request at the line and column shown";
    E0214 => "A value of the wrong type or outside its range.", "fix the request at the line and column shown";
    E0215 => "No version of the product is in force on the request's cover start date.", "change `start` to a date in the product's effective period, or name a version with `--product CODE@VERSION`";
    E0216 => "A member's beneficiaries do not hold: the shares of a rank do not add up to 100%, a rank has no beneficiary, a share is not a percentage in (0%, 100%], an unknown relation.", "fix the beneficiary at the line and column shown";
    E0220 => "The census file cannot be read.", "fix the census cell at the row and column shown";
    E0221 => "The census has no readable header row.", "fix the census cell at the row and column shown";
    E0222 => "A census column that is not a member field, or a required member field without a column.", "fix the census cell at the row and column shown";
    E0223 => "A census row with the wrong number of cells.", "fix the census cell at the row and column shown";
    E0224 => "A census cell that does not fit its field (row and column named).", "fix the census cell at the row and column shown";
    E0230 => "The product has an item field that a declarations file has no column for.", "fix the declarations file at the row shown, or quote the policy with a declaration product";
    E0231 => "The product takes no declarations, or its declaration plan is invalid.", "fix the declarations file at the row shown, or quote the policy with a declaration product";
    E0232 => "The declared shipments cannot be rated or billed.", "fix the declarations file at the row shown, or quote the policy with a declaration product";
    E0233 => "A declared shipment is declined by the product's rules.", "fix the declarations file at the row shown, or quote the policy with a declaration product";
    E0240 => "A quote or billing file cannot be read.", "check the path; the file must exist and be readable";
    E0241 => "A quote file is not JSON, or not a quote of this format.", "pass the JSON written by `coverwright quote --format json`; quote it again with this version if it was made by another";
    E0242 => "A quote file does not tie out (coverages, charges and totals disagree): it was edited.", "quote the request again instead of editing the quote";
    E0250 => "A command-line value cannot be used: a bad flag value, an unknown product, version, plan or document.", "see the message and `coverwright <command> --help`";
    E0251 => "An input cannot be read or an output cannot be written.", "check the path (run from a project folder, or give `--root DIR`) and the permissions";
    E0252 => "A command failed on its input for a reason with no code of its own (an arithmetic overflow names its step).", "see the message";
    E0260 => "The quoting service: the body is not UTF-8 JSON, or cannot be read.", "send one JSON object; see docs/service.md";
    E0261 => "The quoting service: the body is over the size limit.", "send a smaller request (`--max-body-bytes`)";
    E0262 => "The quoting service: an unknown product, version or endpoint.", "`GET /v1/products` lists what is served";
    E0263 => "The quoting service: a request names a file (a census file).", "send the census rows as CSV text in the body's `census`";
    E0264 => "The quoting service: no or a wrong bearer token, or an admin call not from loopback.", "send `Authorization: Bearer <token>`; reload from the machine itself";
    E0265 => "The quoting service is busy, or the request ran over its time limit.", "retry later, or add processes behind the load balancer";
    E0266 => "The quoting service cannot make the document here: PDF without a headless Chromium (501), a browser that failed to print or templates that cannot be used (503).", "ask for `html`, or install chromium where the service runs";
    E0300 => "Syntax error, or a formula over the size limits.", "fix the formula at the place shown";
    E0301 => "Unknown name (the help suggests the closest; a step used above where it is computed is reported as such).", "fix the formula at the place shown";
    E0302 => "Type mismatch: arithmetic on a word, comparing different types, a rule that is not true/false, a step that is not a number, a table key of the wrong type, a non-constant in an `in` list.", "fix the formula at the place shown";
    E0303 => "A member value in a policy step or rule outside `sum`/`count`; `sum`/`count` in a member step or nested.", "fix the formula at the place shown";
    E0304 => "Division by a literal zero.", "fix the formula at the place shown";
    E0305 => "Unknown table or life table.", "fix the formula at the place shown";
    E0306 => "Wrong number of table keys, or a missing or unknown value column.", "fix the formula at the place shown";
    E0307 => "Unknown function.", "fix the formula at the place shown";
    E0308 => "Wrong number of arguments, or rounding places that are not a literal 0–12.", "fix the formula at the place shown";
    E0309 => "An actuarial function in a product without `actuarial`.", "fix the formula at the place shown";
    E0601 => "The baseline file: a bad rule name, date order, share outside [0, 1], blank source, a line named twice, contradictory credit limits.", "see the rule and its source named in the message (`coverwright rules`)";
    E0602 => "Two periods of one rule apply on the same date, or change the kind of limit.", "see the rule and its source named in the message (`coverwright rules`)";
    E0610 => "A group product does not decline groups under the minimum size.", "see the rule and its source named in the message (`coverwright rules`)";
    E0611 => "An occupation class outside the insurable ones is not declined.", "see the rule and its source named in the message (`coverwright rules`)";
    E0612 => "A waiting period over the limit.", "see the rule and its source named in the message (`coverwright rules`)";
    E0613 => "A cooling-off period under the limit.", "see the rule and its source named in the message (`coverwright rules`)";
    E0614 => "A pricing or guaranteed crediting rate above the cap in force on the product's `effective_from`.", "see the rule and its source named in the message (`coverwright rules`)";
    E0615 => "An illustration scenario rate above the cap in force on the product's `effective_from`.", "see the rule and its source named in the message (`coverwright rules`)";
    E0616 => "A life table the product type may not price on.", "see the rule and its source named in the message (`coverwright rules`)";
    E0617 => "A flexible plan without a yearly cap or above it, or a planned contribution over the cap that is not declined.", "see the rule and its source named in the message (`coverwright rules`)";
    E0618 => "Credit periods over the limit, declared or not declined.", "see the rule and its source named in the message (`coverwright rules`)";
    E0619 => "An indemnity percentage over the limit for its peril.", "see the rule and its source named in the message (`coverwright rules`)";
    E0620 => "A coverage's VAT treatment, or the VAT rate, differs from its line's.", "see the rule and its source named in the message (`coverwright rules`)";
    E0621 => "Terms under a year without a short-period rule.", "see the rule and its source named in the message (`coverwright rules`)";
    E0622 => "A plan whose instalments of a year do not add up to more than the annual premium.", "see the rule and its source named in the message (`coverwright rules`)";
    E0630 => "An acknowledgement names an unknown rule, one the law lets no contract differ from, or gives no reason.", "see the rule and its source named in the message (`coverwright rules`)";
    W0101 => "A pension product without an `actuarial` section (warning).", "see the message; the product is still valid";
    W0133 => "A product without test cases (warning): nothing shows it quotes what its author meant.", "add a `tests:` section; `coverwright test` runs it and `validate` checks its requests";
    W0135 => "A payment plan's holiday calendar does not cover every year in which the version can start cover (warning): due dates in other years move for weekends only.", "fix the product file at the line and column shown";
    W0150 => "A product names documents but none of its test cases gives a quote to render them with (warning).", "see the message; the product is still valid";
    W0610 => "The grace period differs from the law's, not acknowledged.", "see the rule and its source named in the message (`coverwright rules`)";
    W0611 => "A lower pricing or illustration-rate cap starts while the product is still effective.", "see the rule and its source named in the message (`coverwright rules`)";
    W0620 => "A rule that needs a probe cannot be checked: no test case of the product quotes.", "see the rule and its source named in the message (`coverwright rules`)";
}

/// The registry entry of a code.
pub fn lookup(code: &str) -> Option<&'static Entry> {
    ALL.iter().find(|e| e.code == code)
}
