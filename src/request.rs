//! Quote requests: reading a request file (YAML or JSON) and a census CSV, and checking them
//! against a product's declared inputs into a typed [`Request`].
//!
//! Invariants of a [`Request`]: every input slot of the product has a value of its declared
//! type inside its declared range (or its default); every chosen coverage term is one the
//! product allows; the term is inside the product's term rules. Every problem is reported with
//! its place: file, line and column for the request, file, row and column for a census.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::diagnostics::{Diagnostic, Diagnostics, Span, did_you_mean};
use crate::formula::Value;
use crate::product::check::{choice_allows, coerce};
use crate::product::{Choice, FieldType, InputGroup, Product, parse_date, parse_decimal};
use crate::yaml::{self, Node, NodeKind};

/// Most members a census may hold.
pub const MAX_MEMBERS: usize = 1_000_000;

/// A party's identity fields, printed on documents.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Party {
    pub name: String,
    pub id: Option<String>,
}

/// One insured member, or one declared item.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub party: Party,
    /// Values of the product's member inputs, by slot.
    pub inputs: Vec<Value>,
    /// Census row (1-based line in the CSV), when read from one.
    pub row: Option<usize>,
}

/// A checked request.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    pub start: NaiveDate,
    /// Term in the product's unit.
    pub term: u32,
    pub term_months: u32,
    pub policyholder: Party,
    /// Values of the product's policy inputs (policyholder fields and options), by slot.
    pub policy: Vec<Value>,
    pub members: Vec<Member>,
    /// Chosen coverages, by product coverage index.
    pub selected: Vec<bool>,
    /// Values of the product's coverage terms, by slot.
    pub terms: Vec<Value>,
    /// Payment plan asked for.
    pub plan: Option<String>,
    /// Flexible contributions: premium holidays (first and last day).
    pub pauses: Vec<(NaiveDate, NaiveDate)>,
    /// Flexible contributions: top-ups (date, amount).
    pub top_ups: Vec<(NaiveDate, Decimal)>,
}

impl Request {
    /// The last day of cover: start + term months − 1 day.
    pub fn end(&self) -> Option<NaiveDate> {
        crate::schedule::add_months_clamped(self.start, self.term_months)?.pred_opt()
    }
}

/// Where the request came from, for diagnostics.
pub struct Source<'a> {
    pub file: &'a Path,
}

fn err(file: &Path, span: Span, code: &'static str, msg: impl Into<String>) -> Diagnostic {
    Diagnostic::error(code, msg).in_file(file).at(span)
}

/// Reads and checks a request file, with an optional census file.
pub fn load(product: &Product, path: &Path, census: Option<&Path>) -> Result<Request, Diagnostics> {
    let mut diags = Diagnostics::new();
    let text = match std::fs::read(path) {
        Ok(b) => match String::from_utf8(b) {
            Ok(s) => s,
            Err(_) => {
                diags.push(
                    Diagnostic::error("E0202", "the request is not UTF-8 text").in_file(path),
                );
                return Err(diags);
            }
        },
        Err(e) => {
            diags.push(
                Diagnostic::error("E0201", format!("cannot read the request: {e}")).in_file(path),
            );
            return Err(diags);
        }
    };
    let node = match yaml::parse(&text) {
        Ok(n) => n,
        Err(d) => {
            diags.push(d.in_file(path));
            return Err(diags);
        }
    };
    check_with_census(product, &node, path, census)
}

/// Checks a parsed request read from `path`, reading the census it names (relative to
/// `path`'s folder) or `census`, which overrides it.
pub fn check_with_census(
    product: &Product,
    node: &Node,
    path: &Path,
    census: Option<&Path>,
) -> Result<Request, Diagnostics> {
    let mut diags = Diagnostics::new();
    // A census named in the request is relative to the request file; `--census` overrides it.
    let named = node
        .get("census")
        .and_then(|n| n.as_str())
        .map(|c| path.parent().unwrap_or(Path::new(".")).join(c));
    let census_path = census.map(Path::to_path_buf).or(named);
    let census = match &census_path {
        Some(c) => match read_census_file(product, c) {
            Ok(m) => Some(m),
            Err(d) => {
                diags.extend(d);
                // Check the rest of the request all the same, without members.
                Some(Vec::new())
            }
        },
        None => None,
    };
    match check(product, node, path, census) {
        Ok(r) if !diags.has_errors() => Ok(r),
        Ok(_) => Err(diags),
        Err(d) => {
            diags.extend(d);
            Err(diags)
        }
    }
}

const REQUEST_KEYS: [&str; 10] = [
    "contributions",
    "product",
    "start",
    "term",
    "policyholder",
    "members",
    "census",
    "coverages",
    "options",
    "plan",
];

/// Checks a parsed request against the product. `census` replaces `members` when given.
pub fn check(
    product: &Product,
    node: &Node,
    file: &Path,
    census: Option<Vec<Member>>,
) -> Result<Request, Diagnostics> {
    let mut d = Diagnostics::new();
    let NodeKind::Map(entries) = &node.kind else {
        d.push(err(
            file,
            node.span,
            "E0203",
            "a request is a mapping with `start`, `policyholder`, `members`, `coverages`",
        ));
        return Err(d);
    };
    for (k, _) in entries {
        let key = k.as_str().unwrap_or("");
        if !REQUEST_KEYS.contains(&key) {
            let help = did_you_mean(key, REQUEST_KEYS)
                .map(|s| format!("did you mean `{s}`?"))
                .unwrap_or_else(|| {
                    format!("the keys of a request are: {}", REQUEST_KEYS.join(", "))
                });
            d.push(err(file, k.span, "E0204", format!("unknown key `{key}`")).with_help(help));
        }
    }
    if let Some(p) = node.get("product")
        && let Some(code) = p.as_str()
    {
        let base = code.split('@').next().unwrap_or(code);
        if base != product.code {
            d.push(err(
                file,
                p.span,
                "E0205",
                format!("this request is for `{code}`, not `{}`", product.code),
            ));
        }
    }
    let start = match node.get("start") {
        Some(n) => match n.as_str().map(parse_date) {
            Some(Ok(date)) => Some(date),
            Some(Err(e)) => {
                d.push(err(file, n.span, "E0206", e));
                None
            }
            None => {
                d.push(err(file, n.span, "E0206", "`start` is a date, YYYY-MM-DD"));
                None
            }
        },
        None => {
            d.push(
                err(file, node.span, "E0207", "missing key `start`")
                    .with_help("add `start: YYYY-MM-DD`, the first day of cover"),
            );
            None
        }
    };
    let term = match node.get("term") {
        None => product.term.default,
        Some(n) => match n.as_str().and_then(|s| s.parse::<u32>().ok()) {
            Some(t) if t >= product.term.min && t <= product.term.max => t,
            _ => {
                let unit = if product.term.unit == crate::product::TermUnit::Month {
                    "months"
                } else {
                    "years"
                };
                d.push(
                    err(
                        file,
                        n.span,
                        "E0208",
                        format!(
                            "the term must be {} to {} {unit}",
                            product.term.min, product.term.max
                        ),
                    )
                    .with_help(format!(
                        "the product's default is {} {unit}",
                        product.term.default
                    )),
                );
                product.term.default
            }
        },
    };
    let term_months = product.term.months(term);
    // The cover must end on a date `YYYY-MM-DD` can write.
    if let (Some(s), Some(n)) = (start, node.get("start"))
        && crate::schedule::add_months_clamped(s, term_months)
            .and_then(|d| d.pred_opt())
            .is_none_or(|end| end > crate::product::LAST_DATE)
    {
        d.push(err(
            file,
            n.span,
            "E0206",
            format!("a cover of {term_months} months from {s} ends after 9999-12-31"),
        ));
    }

    // Policyholder and options.
    let mut policy = Vec::new();
    let mut policyholder = Party::default();
    let ph = node.get("policyholder");
    let opts = node.get("options");
    if ph.is_none() {
        d.push(
            err(file, node.span, "E0207", "missing key `policyholder`")
                .with_help("add `policyholder: {name: ..., ...}`"),
        );
    }
    for (group, section, key) in [
        (InputGroup::Policyholder, ph, "policyholder"),
        (InputGroup::Options, opts, "options"),
    ] {
        let Some(section) = section else {
            // Options may be left out when all have defaults.
            if group == InputGroup::Options {
                for f in product.fields.iter().filter(|f| f.group == group) {
                    match f.default {
                        Some(v) => policy.push(v),
                        None => {
                            d.push(
                                err(
                                    file,
                                    node.span,
                                    "E0207",
                                    format!("missing option `{}`", f.name),
                                )
                                .with_help(format!("add `options: {{{}: ...}}`", f.name)),
                            );
                            policy.push(Value::Bool(false));
                        }
                    }
                }
            }
            continue;
        };
        let NodeKind::Map(entries) = &section.kind else {
            d.push(err(
                file,
                section.span,
                "E0203",
                format!("`{key}` is a mapping of fields"),
            ));
            continue;
        };
        let allowed: Vec<String> = product
            .fields
            .iter()
            .filter(|f| f.group == group)
            .map(|f| f.name.clone())
            .chain(if group == InputGroup::Policyholder {
                vec!["name".to_string(), "id".to_string()]
            } else {
                vec![]
            })
            .collect();
        for (k, v) in entries {
            let name = k.as_str().unwrap_or("");
            if !allowed.iter().any(|a| a == name) {
                let help = did_you_mean(name, allowed.iter().map(String::as_str))
                    .map(|s| format!("did you mean `{s}`?"))
                    .unwrap_or_else(|| format!("the fields here are: {}", allowed.join(", ")));
                d.push(
                    err(
                        file,
                        k.span,
                        "E0204",
                        format!("unknown field `{name}` in `{key}`"),
                    )
                    .with_help(help),
                );
            } else if group == InputGroup::Policyholder && name == "name" {
                policyholder.name = v.as_str().unwrap_or("").to_string();
            } else if group == InputGroup::Policyholder && name == "id" {
                policyholder.id = v.as_str().map(str::to_string);
            }
        }
        if group == InputGroup::Policyholder && policyholder.name.trim().is_empty() {
            d.push(err(
                file,
                section.span,
                "E0207",
                "the policyholder needs a `name`",
            ));
        }
        let fields: Vec<_> = product
            .fields
            .iter()
            .filter(|f| f.group == group)
            .cloned()
            .collect();
        for f in fields {
            let v = match section.get(&f.name) {
                Some(n) => value_of(product, &f.ty, n, file, &mut d, &f.name),
                None => match f.default {
                    Some(v) => v,
                    None => {
                        d.push(err(
                            file,
                            section.span,
                            "E0207",
                            format!("missing field `{}` in `{key}`", f.name),
                        ));
                        Value::Bool(false)
                    }
                },
            };
            policy.push(v);
        }
    }

    // Members.
    let members = match census {
        Some(m) => m,
        None => match node.get("members") {
            Some(n) => match &n.kind {
                NodeKind::Seq(items) => {
                    let mut out = Vec::new();
                    for it in items {
                        out.push(member_of(product, it, file, &mut d));
                    }
                    out
                }
                _ => {
                    d.push(err(file, n.span, "E0203", "`members` is a list of members"));
                    Vec::new()
                }
            },
            None => {
                if product.fields.iter().any(|f| f.group == InputGroup::Member) {
                    d.push(
                        err(file, node.span, "E0207", "missing key `members`")
                            .with_help("list the insured members under `members:`, or give a census with `--census FILE`"),
                    );
                }
                Vec::new()
            }
        },
    };
    if members.len() > MAX_MEMBERS {
        d.push(err(
            file,
            node.span,
            "E0209",
            format!(
                "{} members is more than the {MAX_MEMBERS} a quote may have",
                members.len()
            ),
        ));
    }

    // Coverages and terms.
    let mut selected: Vec<bool> = product.coverages.iter().map(|c| !c.optional).collect();
    let mut terms: Vec<Value> = product
        .terms
        .iter()
        .map(|t| Value::Num(t.default.unwrap_or_default()))
        .collect();
    let mut given_term = vec![false; product.terms.len()];
    if let Some(cn) = node.get("coverages") {
        match &cn.kind {
            NodeKind::Map(entries) => {
                for (k, v) in entries {
                    let code = k.as_str().unwrap_or("");
                    let Some((ci, cov)) = product.coverage(code) else {
                        let codes: Vec<&str> =
                            product.coverages.iter().map(|c| c.code.as_str()).collect();
                        let help = did_you_mean(code, codes.iter().copied())
                            .map(|s| format!("did you mean `{s}`?"))
                            .unwrap_or_else(|| format!("the coverages are: {}", codes.join(", ")));
                        d.push(
                            err(file, k.span, "E0210", format!("unknown coverage `{code}`"))
                                .with_help(help),
                        );
                        continue;
                    };
                    selected[ci] = true;
                    let term_ids = cov.terms.clone();
                    match &v.kind {
                        NodeKind::Null => {}
                        NodeKind::Map(te) => {
                            for (tk, tv) in te {
                                let tname = tk.as_str().unwrap_or("");
                                let Some(&slot) = term_ids.iter().find(|&&s| product.terms[s as usize].name == tname) else {
                                    let names: Vec<&str> = term_ids.iter().map(|&s| product.terms[s as usize].name.as_str()).collect();
                                    let help = did_you_mean(tname, names.iter().copied())
                                        .map(|s| format!("did you mean `{s}`?"))
                                        .unwrap_or_else(|| format!("the terms of `{code}` are: {}", names.join(", ")));
                                    d.push(err(file, tk.span, "E0211", format!("coverage `{code}` has no term `{tname}`")).with_help(help));
                                    continue;
                                };
                                let slot_def = &product.terms[slot as usize];
                                match tv.as_str().map(parse_decimal) {
                                    Some(Ok(x)) if choice_allows(&slot_def.choice, x) => {
                                        terms[slot as usize] = Value::Num(x);
                                        given_term[slot as usize] = true;
                                    }
                                    Some(Ok(x)) => {
                                        d.push(
                                            err(file, tv.span, "E0212", format!("{x} is not an allowed `{code}.{tname}`"))
                                                .with_help(describe_choice(&slot_def.choice)),
                                        );
                                    }
                                    Some(Err(e)) => {
                                        d.push(err(file, tv.span, "E0212", format!("`{code}.{tname}`: {e}")).with_help(describe_choice(&slot_def.choice)));
                                    }
                                    None => {
                                        d.push(err(file, tv.span, "E0212", format!("`{code}.{tname}` is a number")).with_help(describe_choice(&slot_def.choice)));
                                    }
                                }
                            }
                        }
                        _ => d.push(err(file, v.span, "E0203", format!("the terms of `{code}` are a mapping, e.g. `{{sum_insured: 100000}}`"))),
                    }
                }
            }
            _ => d.push(err(
                file,
                cn.span,
                "E0203",
                "`coverages` is a mapping of coverage codes to terms",
            )),
        }
    }
    for (i, t) in product.terms.iter().enumerate() {
        if selected[t.coverage as usize] && !given_term[i] && t.default.is_none() {
            let code = &product.coverages[t.coverage as usize].code;
            let span = node.get("coverages").map(|n| n.span).unwrap_or(node.span);
            d.push(
                err(file, span, "E0207", format!("choose `{code}.{}`", t.name))
                    .with_help(describe_choice(&t.choice)),
            );
        }
    }
    let plan = node
        .get("plan")
        .and_then(|p| p.as_str())
        .map(str::to_string);
    if let (Some(code), Some(n)) = (&plan, node.get("plan"))
        && !product.plans.iter().any(|p| &p.code == code)
    {
        let codes: Vec<&str> = product.plans.iter().map(|p| p.code.as_str()).collect();
        d.push(
            err(
                file,
                n.span,
                "E0213",
                format!("the product offers no payment plan `{code}`"),
            )
            .with_help(format!("plans: {}", codes.join(", "))),
        );
    }
    let (pauses, top_ups) = contributions(node.get("contributions"), file, &mut d);
    if d.has_errors() {
        return Err(d);
    }
    Ok(Request {
        start: start.unwrap_or_default(),
        term,
        term_months,
        policyholder,
        policy,
        members,
        selected,
        terms,
        plan,
        pauses,
        top_ups,
    })
}

type Pauses = Vec<(NaiveDate, NaiveDate)>;
type TopUps = Vec<(NaiveDate, Decimal)>;

/// Reads `contributions: {pauses: [{from, to}], top_ups: [{date, amount}]}`.
fn contributions(node: Option<&Node>, file: &Path, d: &mut Diagnostics) -> (Pauses, TopUps) {
    let (mut pauses, mut top_ups) = (Vec::new(), Vec::new());
    let Some(node) = node else {
        return (pauses, top_ups);
    };
    let NodeKind::Map(entries) = &node.kind else {
        d.push(err(
            file,
            node.span,
            "E0203",
            "`contributions` is a mapping with `pauses` and `top_ups`",
        ));
        return (pauses, top_ups);
    };
    let date = |n: Option<&Node>, what: &str, at: Span, d: &mut Diagnostics| -> Option<NaiveDate> {
        match n.and_then(|n| n.as_str().map(|s| (n.span, parse_date(s)))) {
            Some((_, Ok(x))) => Some(x),
            Some((span, Err(e))) => {
                d.push(err(file, span, "E0206", e));
                None
            }
            None => {
                d.push(err(
                    file,
                    at,
                    "E0207",
                    format!("missing `{what}` (YYYY-MM-DD)"),
                ));
                None
            }
        }
    };
    for (k, v) in entries {
        let items = match &v.kind {
            NodeKind::Seq(items) => items.as_slice(),
            _ => {
                d.push(err(file, v.span, "E0203", "a list is needed here"));
                continue;
            }
        };
        match k.as_str() {
            Some("pauses") => {
                for it in items {
                    if let (Some(a), Some(b)) = (
                        date(it.get("from"), "from", it.span, d),
                        date(it.get("to"), "to", it.span, d),
                    ) {
                        pauses.push((a, b));
                    }
                }
            }
            Some("top_ups") => {
                for it in items {
                    let when = date(it.get("date"), "date", it.span, d);
                    let amount = match it
                        .get("amount")
                        .and_then(|n| n.as_str().map(|s| (n.span, parse_decimal(s))))
                    {
                        Some((_, Ok(x))) if x > Decimal::ZERO => Some(x),
                        Some((span, _)) => {
                            d.push(err(
                                file,
                                span,
                                "E0214",
                                "a top-up amount is a positive number",
                            ));
                            None
                        }
                        None => {
                            d.push(err(file, it.span, "E0207", "missing `amount`"));
                            None
                        }
                    };
                    if let (Some(w), Some(a)) = (when, amount) {
                        top_ups.push((w, a));
                    }
                }
            }
            other => {
                let name = other.unwrap_or("");
                let help = did_you_mean(name, ["pauses", "top_ups"])
                    .map(|s| format!("did you mean `{s}`?"))
                    .unwrap_or_else(|| "use `pauses` and `top_ups`".into());
                d.push(
                    err(
                        file,
                        k.span,
                        "E0204",
                        format!("unknown key `{name}` in `contributions`"),
                    )
                    .with_help(help),
                );
            }
        }
    }
    (pauses, top_ups)
}

fn describe_choice(c: &Choice) -> String {
    match c {
        Choice::Options(o) => format!(
            "allowed: {}",
            o.iter()
                .map(|d| d.normalize().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Choice::Range { min, max, step } => match step {
            Some(s) => format!(
                "allowed: {} to {} in steps of {}",
                min.normalize(),
                max.normalize(),
                s.normalize()
            ),
            None => format!("allowed: {} to {}", min.normalize(), max.normalize()),
        },
    }
}

fn value_of(
    product: &Product,
    ty: &FieldType,
    n: &Node,
    file: &Path,
    d: &mut Diagnostics,
    name: &str,
) -> Value {
    let text = match &n.kind {
        NodeKind::Scalar(s) => s.clone(),
        NodeKind::Bool(b) => b.to_string(),
        _ => {
            d.push(err(
                file,
                n.span,
                "E0214",
                format!("`{name}` needs a single value"),
            ));
            return Value::Bool(false);
        }
    };
    if matches!(ty, FieldType::Bool) && !matches!(n.kind, NodeKind::Bool(_)) {
        d.push(err(
            file,
            n.span,
            "E0214",
            format!("`{name}`: `{text}` is not true or false"),
        ));
        return Value::Bool(false);
    }
    match coerce(ty, &text, &product.interner) {
        Ok(v) => v,
        Err(e) => {
            d.push(err(file, n.span, "E0214", format!("`{name}`: {e}")));
            Value::Bool(false)
        }
    }
}

fn member_of(product: &Product, n: &Node, file: &Path, d: &mut Diagnostics) -> Member {
    let mut party = Party::default();
    let mut inputs = Vec::new();
    let NodeKind::Map(entries) = &n.kind else {
        d.push(err(
            file,
            n.span,
            "E0203",
            "a member is a mapping of fields",
        ));
        return Member {
            party,
            inputs,
            row: None,
        };
    };
    let fields: Vec<_> = product
        .fields
        .iter()
        .filter(|f| f.group == InputGroup::Member)
        .cloned()
        .collect();
    for (k, v) in entries {
        let name = k.as_str().unwrap_or("");
        match name {
            "name" => party.name = v.as_str().unwrap_or("").to_string(),
            "id" => party.id = v.as_str().map(str::to_string),
            _ if fields.iter().any(|f| f.name == name) => {}
            _ => {
                let names: Vec<&str> = fields
                    .iter()
                    .map(|f| f.name.as_str())
                    .chain(["name", "id"])
                    .collect();
                let help = did_you_mean(name, names.iter().copied())
                    .map(|s| format!("did you mean `{s}`?"))
                    .unwrap_or_else(|| format!("member fields: {}", names.join(", ")));
                d.push(
                    err(
                        file,
                        k.span,
                        "E0204",
                        format!("unknown member field `{name}`"),
                    )
                    .with_help(help),
                );
            }
        }
    }
    for f in &fields {
        let v = match n.get(&f.name) {
            Some(x) => value_of(product, &f.ty, x, file, d, &f.name),
            None => match f.default {
                Some(v) => v,
                None => {
                    d.push(err(
                        file,
                        n.span,
                        "E0207",
                        format!("this member has no `{}`", f.name),
                    ));
                    Value::Bool(false)
                }
            },
        };
        inputs.push(v);
    }
    Member {
        party,
        inputs,
        row: None,
    }
}

/// Decodes census bytes: UTF-8 (with or without BOM) or GBK as Excel saves it in China.
pub fn decode_census(bytes: &[u8]) -> (String, &'static str) {
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), "UTF-8"),
        Err(_) => {
            let (text, _, _) = encoding_rs::GBK.decode(bytes);
            (text.into_owned(), "GBK")
        }
    }
}

/// Reads a census CSV file.
pub fn read_census_file(product: &Product, path: &Path) -> Result<Vec<Member>, Diagnostics> {
    let bytes = std::fs::read(path).map_err(|e| {
        let mut d = Diagnostics::new();
        d.push(Diagnostic::error("E0220", format!("cannot read the census: {e}")).in_file(path));
        d
    })?;
    let (text, _) = decode_census(&bytes);
    read_census(product, path, &text)
}

/// A census header checked against the product: the column of `name`, `id` and of each
/// member field. Built once per census, then used for every row.
#[derive(Clone, Debug)]
pub struct CensusLayout {
    /// The header cells, trimmed.
    pub header: Vec<String>,
    name: Option<usize>,
    id: Option<usize>,
    /// Each member field (in the product's order) with its column, if the census has one.
    fields: Vec<(crate::product::Field, Option<usize>)>,
}

/// A problem with a header cell: the column (0-based), the message and a hint.
#[derive(Clone, Debug, PartialEq)]
pub struct HeaderProblem {
    pub column: usize,
    pub message: String,
    pub help: String,
}

/// What is wrong with one census row.
#[derive(Clone, Debug, PartialEq)]
pub enum RowProblem {
    /// The row has `cells` cells, the header `columns`.
    Cells { cells: usize, columns: usize },
    /// A required cell is empty.
    Empty { field: String, column: usize },
    /// A cell's value is not one the field allows.
    Invalid {
        field: String,
        column: usize,
        message: String,
    },
}

impl RowProblem {
    /// The member field the problem is in, if it is in one cell.
    pub fn field(&self) -> Option<&str> {
        match self {
            RowProblem::Cells { .. } => None,
            RowProblem::Empty { field, .. } | RowProblem::Invalid { field, .. } => Some(field),
        }
    }

    /// The problem without its row, e.g. "the cell is empty".
    pub fn message(&self) -> String {
        match self {
            RowProblem::Cells { cells, columns } => {
                format!("the row has {cells} cells, but the header has {columns} columns")
            }
            RowProblem::Empty { .. } => "the cell is empty".to_string(),
            RowProblem::Invalid { message, .. } => message.clone(),
        }
    }
}

impl CensusLayout {
    /// Checks a header row: every column is a member field, `name`, `id` or one of `extra`
    /// (columns the caller reads itself); every field without a default has a column.
    pub fn new(
        product: &Product,
        header: Vec<String>,
        extra: &[&str],
    ) -> Result<CensusLayout, Vec<HeaderProblem>> {
        let mut problems = Vec::new();
        let member_fields: Vec<&crate::product::Field> = product
            .fields
            .iter()
            .filter(|f| f.group == InputGroup::Member)
            .collect();
        for (i, h) in header.iter().enumerate() {
            if h != "name"
                && h != "id"
                && !extra.contains(&h.as_str())
                && !member_fields.iter().any(|f| &f.name == h)
            {
                let names: Vec<&str> = member_fields
                    .iter()
                    .map(|f| f.name.as_str())
                    .chain(["name", "id"])
                    .collect();
                let help = did_you_mean(h, names.iter().copied())
                    .map(|s| format!("did you mean `{s}`?"))
                    .unwrap_or_else(|| format!("census columns: {}", names.join(", ")));
                problems.push(HeaderProblem {
                    column: i,
                    message: format!("row 1, column {}: unknown column `{h}`", i + 1),
                    help,
                });
            }
        }
        let col_of = |name: &str| header.iter().position(|h| h == name);
        for f in &member_fields {
            if col_of(&f.name).is_none() && f.default.is_none() {
                problems.push(HeaderProblem {
                    column: 0,
                    message: format!("row 1: the census has no column `{}`", f.name),
                    help: format!("add a `{}` column", f.name),
                });
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(CensusLayout {
            name: col_of("name"),
            id: col_of("id"),
            fields: member_fields
                .into_iter()
                .map(|f| (f.clone(), col_of(&f.name)))
                .collect(),
            header,
        })
    }

    /// The column named `name`, if the header has it.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// Reads one row into a member. `Ok(None)` for a row whose cells are all empty (skipped).
    /// Every bad cell of the row is reported, in column order of the product's fields.
    pub fn member(
        &self,
        product: &Product,
        rec: &csv::StringRecord,
        row: usize,
    ) -> Result<Option<Member>, Vec<RowProblem>> {
        if rec.iter().all(|c| c.trim().is_empty()) {
            return Ok(None);
        }
        if rec.len() != self.header.len() {
            return Err(vec![RowProblem::Cells {
                cells: rec.len(),
                columns: self.header.len(),
            }]);
        }
        let mut party = Party::default();
        if let Some(c) = self.name {
            party.name = rec.get(c).unwrap_or("").trim().to_string();
        }
        if let Some(c) = self.id {
            party.id = rec
                .get(c)
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty());
        }
        let mut inputs = Vec::with_capacity(self.fields.len());
        let mut problems = Vec::new();
        for (f, col) in &self.fields {
            let cell = col.and_then(|c| rec.get(c)).map(str::trim).unwrap_or("");
            let v = if cell.is_empty() {
                match f.default {
                    Some(v) => v,
                    None => {
                        problems.push(RowProblem::Empty {
                            field: f.name.clone(),
                            column: col.unwrap_or(0),
                        });
                        Value::Bool(false)
                    }
                }
            } else {
                match fast_coerce(&f.ty, cell)
                    .map_or_else(|| coerce(&f.ty, cell, &product.interner), Ok)
                {
                    Ok(v) => v,
                    Err(e) => {
                        problems.push(RowProblem::Invalid {
                            field: f.name.clone(),
                            column: col.unwrap_or(0),
                            message: e,
                        });
                        Value::Bool(false)
                    }
                }
            };
            inputs.push(v);
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Some(Member {
            party,
            inputs,
            row: Some(row),
        }))
    }
}

/// The common census cells (plain whole numbers, `true`/`false`) read without the general
/// parser; `None` sends the cell to [`coerce`], which gives the same value or the error.
#[inline]
fn fast_coerce(ty: &FieldType, cell: &str) -> Option<Value> {
    match ty {
        FieldType::Integer { min, max } | FieldType::Decimal { min, max } => {
            let b = cell.as_bytes();
            if b.is_empty() || b.len() > 18 || !b.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let n = b.iter().fold(0i64, |n, c| n * 10 + i64::from(c - b'0'));
            let d = Decimal::from(n);
            if min.is_some_and(|m| d < m) || max.is_some_and(|m| d > m) {
                return None;
            }
            Some(Value::Num(d))
        }
        FieldType::Bool => match cell {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        FieldType::Enum(_) => None,
    }
}

/// Reads census text: a header row naming member fields (plus `name` and `id`), then one row
/// per member. Every bad cell is reported with its row and column.
pub fn read_census(product: &Product, path: &Path, text: &str) -> Result<Vec<Member>, Diagnostics> {
    let mut d = Diagnostics::new();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match rdr.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_string()).collect(),
        Err(e) => {
            d.push(
                Diagnostic::error("E0221", format!("cannot read the header row: {e}"))
                    .in_file(path),
            );
            return Err(d);
        }
    };
    // Byte offset where each line starts, to point at a row and, for plain rows, at a cell.
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let at = |row: usize, col: usize| -> Span {
        let Some(&start) = line_starts.get(row.saturating_sub(1)) else {
            return Span::new(row as u32, col as u32 + 1, 0, 0);
        };
        let line = text[start..].lines().next().unwrap_or("");
        if line.contains('"') {
            return Span::new(row as u32, 1, start, line.len());
        }
        let mut offset = 0;
        for (i, cell) in line.split(',').enumerate() {
            if i == col {
                let chars = line[..offset].chars().count() as u32;
                return Span::new(row as u32, chars + 1, start + offset, cell.len().max(1));
            }
            offset += cell.len() + 1;
        }
        Span::new(
            row as u32,
            line.chars().count() as u32 + 1,
            start + line.len(),
            0,
        )
    };
    let layout = match CensusLayout::new(product, header, &[]) {
        Ok(l) => l,
        Err(problems) => {
            for p in problems {
                d.push(
                    Diagnostic::error("E0222", p.message)
                        .in_file(path)
                        .at(at(1, p.column))
                        .with_help(p.help),
                );
            }
            return Err(d);
        }
    };
    let mut members = Vec::new();
    // Rows read as members, bad ones included, for the size limit.
    let mut count = 0usize;
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let row = e.position().map(|p| p.line() as usize).unwrap_or(0);
                d.push(
                    Diagnostic::error("E0223", format!("row {row}: {e}"))
                        .in_file(path)
                        .at(at(row, 0)),
                );
                continue;
            }
        };
        let row = rec.position().map(|p| p.line() as usize).unwrap_or(0);
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if count >= MAX_MEMBERS {
            d.push(
                Diagnostic::error(
                    "E0209",
                    format!("row {row}: more than {MAX_MEMBERS} members"),
                )
                .in_file(path)
                .at(at(row, 0)),
            );
            break;
        }
        match layout.member(product, &rec, row) {
            Ok(Some(m)) => {
                count += 1;
                members.push(m);
            }
            Ok(None) => {}
            Err(problems) => {
                if !matches!(problems.first(), Some(RowProblem::Cells { .. })) {
                    count += 1;
                }
                for p in problems {
                    let diag = match &p {
                        RowProblem::Cells { cells, columns } => Diagnostic::error(
                            "E0223",
                            format!("row {row} has {cells} cells, but the header has {columns} columns"),
                        )
                        .in_file(path)
                        .at(at(row, (*cells).min(*columns)))
                        .with_help("every row needs a cell for every column (an empty cell is allowed where a default exists)"),
                        RowProblem::Empty { field, column } => Diagnostic::error(
                            "E0224",
                            format!("row {row}, column `{field}`: the cell is empty"),
                        )
                        .in_file(path)
                        .at(at(row, *column)),
                        RowProblem::Invalid {
                            field,
                            column,
                            message,
                        } => Diagnostic::error(
                            "E0224",
                            format!("row {row}, column `{field}`: {message}"),
                        )
                        .in_file(path)
                        .at(at(row, *column)),
                    };
                    d.push(diag);
                }
            }
        }
    }
    if d.has_errors() { Err(d) } else { Ok(members) }
}

/// The census file named by a test case, relative to the product.
pub fn census_path(product: &Product, name: &str) -> PathBuf {
    product.file.parent().unwrap_or(Path::new(".")).join(name)
}

/// Parses a decimal amount given on the command line.
pub fn parse_amount(s: &str) -> Result<Decimal, String> {
    parse_decimal(s)
}
