//! Claims test cases written in a product's `claims.tests`: the request is quoted by the
//! product, the history settled in order, then the claim; the settlement is compared with what
//! the author expects (decision, payable to the fen, per coverage, decline reasons, limits
//! reached, path). Run by `coverwright test` beside the pricing cases.

use rust_decimal::Decimal;

use super::{ClaimCase, Ledger, read_claim, settle};
use crate::cases::CaseResult;
use crate::product::Product;
use crate::quote::{self, Outcome, QuoteOptions};
use crate::request;

/// Runs every claims case of a product.
pub fn run_product(p: &Product) -> Vec<CaseResult> {
    let Some(rules) = &p.claims else {
        return Vec::new();
    };
    rules.tests.iter().map(|t| run_case(p, t)).collect()
}

fn run_case(p: &Product, t: &ClaimCase) -> CaseResult {
    let details = match check(p, t) {
        Ok(d) => d,
        Err(d) => d,
    };
    CaseResult {
        product: p.id(),
        name: format!("claim: {}", t.name),
        location: format!("{}:{}", p.file.display(), t.line),
        passed: details.iter().all(|d| {
            !d.starts_with("expected") && !d.contains(": expected") && !d.starts_with("error")
        }),
        details,
    }
}

fn check(p: &Product, t: &ClaimCase) -> Result<Vec<String>, Vec<String>> {
    let fail = |m: String| vec![format!("error: {m}")];
    let req = request::check(p, &t.request, &p.file, None).map_err(|d| {
        d.iter()
            .map(|x| format!("error: request: {x}"))
            .collect::<Vec<_>>()
    })?;
    let q = match quote::quote(p, &req, &QuoteOptions::default()) {
        Ok(Outcome::Quoted(q, _)) => q,
        Ok(Outcome::Declined(_)) => return Err(fail("the request is declined".into())),
        Err(e) => return Err(fail(e.to_string())),
    };
    let mut ledger = Ledger::default();
    let settle_node = |n: &crate::yaml::Node, ledger: &mut Ledger| {
        let c = read_claim(n, &p.file).map_err(|d| {
            fail(
                d.iter()
                    .map(|x| x.to_string())
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        })?;
        settle(p, &q, &c, ledger, false).map_err(|d| {
            fail(
                d.iter()
                    .map(|x| x.to_string())
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        })
    };
    for h in &t.history {
        settle_node(h, &mut ledger)?;
    }
    let s = settle_node(&t.claim, &mut ledger)?;
    let mut out = Vec::new();
    let mut cmp = |what: &str, want: String, got: String| {
        if want == got {
            out.push(format!("{what}: {got}"));
        } else {
            out.push(format!("{what}: expected {want}, got {got}"));
        }
    };
    let money = |d: Decimal| {
        let mut x = p.rounding.apply(d);
        x.rescale(p.rounding.places);
        x.to_string()
    };
    if let Some(d) = &t.decision {
        cmp("decision", d.clone(), s.decision.as_str().to_string());
    }
    if let Some(x) = t.payable {
        cmp("payable", money(x), s.payable.clone());
    }
    for (code, x) in &t.coverages {
        let got = s
            .coverages
            .iter()
            .find(|c| &c.code == code)
            .map(|c| c.payable.clone())
            .unwrap_or_else(|| "nothing".into());
        cmp(code, money(*x), got);
    }
    if !t.decline.is_empty() {
        let mut want = t.decline.clone();
        want.sort();
        let mut got: Vec<String> = s.reasons.iter().map(|r| r.rule.clone()).collect();
        got.sort();
        got.dedup();
        cmp("decline", want.join(", "), got.join(", "));
    }
    if !t.limited_by.is_empty() {
        let mut want = t.limited_by.clone();
        want.sort();
        let mut got: Vec<String> = s
            .coverages
            .iter()
            .flat_map(|c| c.limits.iter())
            .filter(|l| l.reached)
            .map(|l| l.limit.clone())
            .collect();
        got.sort();
        cmp("limits reached", want.join(", "), got.join(", "));
    }
    if let Some(path) = &t.path {
        let got = serde_json::to_value(s.path)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        cmp("path", path.clone(), got);
    }
    Ok(out)
}
