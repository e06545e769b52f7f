//! Quote requests: reading a request file (YAML or JSON) and a census CSV, and checking them
//! against a product's declared inputs into a typed [`Request`].
//!
//! Invariants of a [`Request`]: every input slot of the product has a value of its declared
//! type inside its declared range (or its default); every chosen coverage term is one the
//! product allows; the term is inside the product's term rules. Every problem is reported with
//! its place: file, line and column for the request, file, row and column for a census.
//!
//! Parts: `header` (the request file read once, its start date, and the product version it
//! picks), `census` (census files), and here the full check of a request.

mod beneficiary;
mod header;

pub use beneficiary::{NamedBeneficiary, Relation};

pub use crate::census::layout::{CensusLayout, HeaderProblem, MAX_MEMBERS, RowProblem};
pub use header::{Header, PickError, ReadError, RequestFile, header, pick, read_input};

use std::path::Path;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::diagnostics::codes::*;
use crate::diagnostics::{Diagnostic, Diagnostics, Span, did_you_mean};
use crate::formula::Value;
use crate::product::check::{choice_allows, coerce};
use crate::product::{Choice, FieldType, InputGroup, Product, parse_date, parse_decimal};
use crate::yaml::{Node, NodeKind};

/// A party's identity fields, printed on documents.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Party {
    /// Name.
    pub name: String,
    /// Identity number (credit code, ID card), if given.
    pub id: Option<String>,
}

/// One insured member, or one declared item.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Member {
    /// Name and identity.
    pub party: Party,
    /// Values of the product's member inputs, by slot.
    pub inputs: Vec<Value>,
    /// Census row (1-based line in the CSV), when read from one.
    pub row: Option<usize>,
    /// Named beneficiaries of death cover; empty means 法定 (the heirs at law).
    pub beneficiaries: Vec<NamedBeneficiary>,
}

/// Members' inputs as the formulas read them, in place.
impl crate::formula::Rows for [Member] {
    fn count(&self) -> usize {
        self.len()
    }
    fn row(&self, r: usize) -> Option<&[Value]> {
        self.get(r).map(|m| m.inputs.as_slice())
    }
}

/// A checked request.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    /// First day of cover.
    pub start: NaiveDate,
    /// Term in the product's unit.
    pub term: u32,
    /// Term in months.
    pub term_months: u32,
    /// The policyholder.
    pub policyholder: Party,
    /// Values of the product's policy inputs (policyholder fields and options), by slot.
    pub policy: Vec<Value>,
    /// Insured members or declared items.
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

fn err(file: &Path, span: Span, code: &'static str, msg: impl Into<String>) -> Diagnostic {
    Diagnostic::error(code, msg).in_file(file).at(span)
}

/// Reads (once) and checks a request file, with an optional census file.
pub fn load(product: &Product, path: &Path, census: Option<&Path>) -> Result<Request, Diagnostics> {
    let file = RequestFile::read(path).map_err(|e| {
        let mut d = Diagnostics::new();
        d.extend(e.into_vec());
        d
    })?;
    check_with_census(product, &file.node, path, census, None)
}

/// The example request of each shipped product (`examples/`), checked against it, with its
/// file: for tests that go over them all. Run from the package folder.
#[cfg(test)]
pub(crate) fn examples(products: &[Product]) -> Vec<(&Product, &'static str, Request)> {
    [
        ("GA-SME", "examples/ga-sme.yaml"),
        ("GSM-SME", "examples/gsm-sme.yaml"),
        ("SP-ACC", "examples/sp-acc.yaml"),
        ("GIG-MED", "examples/gig-med.yaml"),
        ("BO-ANN", "examples/bo-ann.yaml"),
        ("PA-FLEX", "examples/pa-flex.yaml"),
        ("EC-SME", "examples/ec-sme.yaml"),
    ]
    .into_iter()
    .map(|(code, file)| {
        let path = Path::new(file);
        let rf = RequestFile::read(path).unwrap_or_else(|e| panic!("{file}: {e:?}"));
        let header = rf.header().unwrap_or_else(|e| panic!("{file}: {e:?}"));
        let p = pick(products, code, &header, path).unwrap_or_else(|e| panic!("{file}: {e:?}"));
        let r = check_with_census(p, &rf.node, path, None, None)
            .unwrap_or_else(|e| panic!("{file}: {:?}", e.into_vec()));
        (p, file, r)
    })
    .collect()
}

/// Checks a parsed request read from `path`, reading the census it names or `census`, which
/// overrides it, with the one census reader ([`crate::census::read_members`]; `encoding`
/// forces the census's encoding). A census named in the request resolves under the request's
/// folder (no absolute path, `..` or symbolic link out).
pub fn check_with_census(
    product: &Product,
    node: &Node,
    path: &Path,
    census: Option<&Path>,
    encoding: Option<crate::census::Encoding>,
) -> Result<Request, Diagnostics> {
    let mut diags = Diagnostics::new();
    let census_path = match (census, node.get("census")) {
        (Some(c), _) => Some(c.to_path_buf()),
        (None, Some(n)) => {
            let dir = path.parent().unwrap_or(Path::new("."));
            match n
                .as_str()
                .map(|name| crate::fsio::resolve_confined(dir, name))
            {
                Some(Ok(p)) => Some(p),
                Some(Err(e)) => {
                    diags.push(
                        Diagnostic::error(E0220, format!("the census: {e}"))
                            .in_file(path)
                            .at(n.span)
                            .with_help("name a census file in the request's folder or below"),
                    );
                    None
                }
                // Not text: reported by the check of the request's keys.
                None => None,
            }
        }
        (None, None) => None,
    };
    let census = match &census_path {
        Some(c) => match crate::census::read_members(product, c, encoding) {
            Ok(m) => Some(m),
            Err(d) => {
                diags.extend(d);
                // Check the rest of the request all the same, without members.
                Some(Vec::new())
            }
        },
        None if diags.has_errors() => Some(Vec::new()),
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
            E0203,
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
            d.push(err(file, k.span, E0204, format!("unknown key `{key}`")).with_help(help));
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
                E0205,
                format!("this request is for `{code}`, not `{}`", product.code),
            ));
        }
    }
    let start = header::start_date(node, file, &mut d).map(|(date, _)| date);
    let (term, term_months) = term_of(product, node, file, start, &mut d);
    let (policyholder, policy) = policy_of(product, node, file, &mut d);
    let members = members_of(product, node, file, census, &mut d);
    let (selected, terms) = coverages_of(product, node, file, &mut d);
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
                E0213,
                format!("the product offers no payment plan `{code}`"),
            )
            .with_help(if codes.is_empty() {
                "this product has no payment plans: leave `plan` out".to_string()
            } else {
                crate::diagnostics::suggest(code, codes.iter().copied())
            }),
        );
    }
    let (pauses, top_ups) = contributions(node.get("contributions"), file, &mut d);
    let Some(start) = start.filter(|_| !d.has_errors()) else {
        return Err(d);
    };
    Ok(Request {
        start,
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

/// The term (in the product's unit) and its months; the cover must end by 9999-12-31.
fn term_of(
    product: &Product,
    node: &Node,
    file: &Path,
    start: Option<NaiveDate>,
    d: &mut Diagnostics,
) -> (u32, u32) {
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
                        E0208,
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
            E0206,
            format!("a cover of {term_months} months from {s} ends after 9999-12-31"),
        ));
    }

    (term, term_months)
}

/// The policyholder's identity and the values of the policyholder inputs and options.
fn policy_of(
    product: &Product,
    node: &Node,
    file: &Path,
    d: &mut Diagnostics,
) -> (Party, Vec<Value>) {
    // Policyholder and options.
    let mut policy = Vec::new();
    let mut policyholder = Party::default();
    let ph = node.get("policyholder");
    let opts = node.get("options");
    if ph.is_none() {
        d.push(
            err(file, node.span, E0207, "missing key `policyholder`")
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
                                    E0207,
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
                E0203,
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
                    .unwrap_or_else(|| {
                        if allowed.is_empty() {
                            "nothing may be given here for this product: remove it".to_string()
                        } else {
                            format!("the fields here are: {}", allowed.join(", "))
                        }
                    });
                d.push(
                    err(
                        file,
                        k.span,
                        E0204,
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
                E0207,
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
                Some(n) => value_of(product, &f.ty, n, file, d, &f.name),
                None => match f.default {
                    Some(v) => v,
                    None => {
                        d.push(err(
                            file,
                            section.span,
                            E0207,
                            format!("missing field `{}` in `{key}`", f.name),
                        ));
                        Value::Bool(false)
                    }
                },
            };
            policy.push(v);
        }
    }

    (policyholder, policy)
}

/// The members: the census when given, else the request's `members`.
fn members_of(
    product: &Product,
    node: &Node,
    file: &Path,
    census: Option<Vec<Member>>,
    d: &mut Diagnostics,
) -> Vec<Member> {
    // Members.
    let members = match census {
        Some(m) => m,
        None => match node.get("members") {
            Some(n) => match &n.kind {
                NodeKind::Seq(items) => {
                    let mut out = Vec::new();
                    for it in items {
                        out.push(member_of(product, it, file, d));
                    }
                    out
                }
                _ => {
                    d.push(err(file, n.span, E0203, "`members` is a list of members"));
                    Vec::new()
                }
            },
            None => {
                if product.fields.iter().any(|f| f.group == InputGroup::Member) {
                    d.push(
                        err(file, node.span, E0207, "missing key `members`")
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
            E0209,
            format!(
                "{} members is more than the {MAX_MEMBERS} a quote may have",
                members.len()
            ),
        ));
    }

    members
}

/// The chosen coverages and the values of their terms.
fn coverages_of(
    product: &Product,
    node: &Node,
    file: &Path,
    d: &mut Diagnostics,
) -> (Vec<bool>, Vec<Value>) {
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
                            err(file, k.span, E0210, format!("unknown coverage `{code}`"))
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
                                    d.push(err(file, tk.span, E0211, format!("coverage `{code}` has no term `{tname}`")).with_help(help));
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
                                            err(file, tv.span, E0212, format!("{x} is not an allowed `{code}.{tname}`"))
                                                .with_help(describe_choice(&slot_def.choice)),
                                        );
                                    }
                                    Some(Err(e)) => {
                                        d.push(err(file, tv.span, E0212, format!("`{code}.{tname}`: {e}")).with_help(describe_choice(&slot_def.choice)));
                                    }
                                    None => {
                                        d.push(err(file, tv.span, E0212, format!("`{code}.{tname}` is a number")).with_help(describe_choice(&slot_def.choice)));
                                    }
                                }
                            }
                        }
                        _ => d.push(err(file, v.span, E0203, format!("the terms of `{code}` are a mapping, e.g. `{{sum_insured: 100000}}`"))),
                    }
                }
            }
            _ => d.push(err(
                file,
                cn.span,
                E0203,
                "`coverages` is a mapping of coverage codes to terms",
            )),
        }
    }
    for (i, t) in product.terms.iter().enumerate() {
        if selected[t.coverage as usize] && !given_term[i] && t.default.is_none() {
            let code = &product.coverages[t.coverage as usize].code;
            let span = node.get("coverages").map(|n| n.span).unwrap_or(node.span);
            d.push(
                err(file, span, E0207, format!("choose `{code}.{}`", t.name))
                    .with_help(describe_choice(&t.choice)),
            );
        }
    }
    (selected, terms)
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
            E0203,
            "`contributions` is a mapping with `pauses` and `top_ups`",
        ));
        return (pauses, top_ups);
    };
    let date = |n: Option<&Node>, what: &str, at: Span, d: &mut Diagnostics| -> Option<NaiveDate> {
        match n.and_then(|n| n.as_str().map(|s| (n.span, parse_date(s)))) {
            Some((_, Ok(x))) => Some(x),
            Some((span, Err(e))) => {
                d.push(err(file, span, E0206, e));
                None
            }
            None => {
                d.push(err(
                    file,
                    at,
                    E0207,
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
                d.push(err(file, v.span, E0203, "a list is needed here"));
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
                                E0214,
                                "a top-up amount is a positive number",
                            ));
                            None
                        }
                        None => {
                            d.push(err(file, it.span, E0207, "missing `amount`"));
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
                        E0204,
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
                E0214,
                format!("`{name}` needs a single value"),
            ));
            return Value::Bool(false);
        }
    };
    if matches!(ty, FieldType::Bool) && !matches!(n.kind, NodeKind::Bool(_)) {
        d.push(err(
            file,
            n.span,
            E0214,
            format!("`{name}`: `{text}` is not true or false"),
        ));
        return Value::Bool(false);
    }
    match coerce(ty, &text, &product.interner) {
        Ok(v) => v,
        Err(e) => {
            d.push(err(file, n.span, E0214, format!("`{name}`: {e}")));
            Value::Bool(false)
        }
    }
}

fn member_of(product: &Product, n: &Node, file: &Path, d: &mut Diagnostics) -> Member {
    let mut party = Party::default();
    let mut beneficiaries = Vec::new();
    let mut inputs = Vec::new();
    let NodeKind::Map(entries) = &n.kind else {
        d.push(err(file, n.span, E0203, "a member is a mapping of fields"));
        return Member {
            party,
            inputs,
            row: None,
            beneficiaries: Vec::new(),
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
            "beneficiaries" => beneficiaries = beneficiary::beneficiaries_of(v, file, d),
            _ if fields.iter().any(|f| f.name == name) => {}
            _ => {
                let names: Vec<&str> = fields
                    .iter()
                    .map(|f| f.name.as_str())
                    .chain(["name", "id", "beneficiaries"])
                    .collect();
                let help = did_you_mean(name, names.iter().copied())
                    .map(|s| format!("did you mean `{s}`?"))
                    .unwrap_or_else(|| format!("member fields: {}", names.join(", ")));
                d.push(
                    err(
                        file,
                        k.span,
                        E0204,
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
                        E0207,
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
        beneficiaries,
    }
}
