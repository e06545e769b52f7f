//! Coverage of a product by its test cases (and optionally a book): which table rows,
//! eligibility rules (passed and failed), formula branches (each arm of `if`, each side of
//! `and`/`or` that decided), coverages, coverage term options and payment plans are
//! exercised, each item at its line in the product file (table rows in their CSV file).
//!
//! Branches come from the evaluation trace with [`crate::formula::record_branches`] on; it is
//! off for every other command, so rating without a trace pays nothing for it. A plan counts
//! as exercised by a quoted request that names it, or by any quoted request that names none
//! (a quote lays out every plan). Items are listed in file order; the same input gives the
//! same report.

use std::collections::HashMap;
use std::path::Path;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::formula::{Expr, Frame, Scope, Trace, TraceItem, Value};
use crate::product::{Choice, Product, ShortPeriod};
use crate::request::Request;

/// One thing that can be covered.
#[derive(Clone, Debug, Serialize)]
pub struct Item {
    /// `table row`, `rule passed`, `rule failed`, `branch`, `coverage`, `option`, `plan`.
    pub kind: &'static str,
    pub name: String,
    pub file: String,
    pub line: u32,
    pub hits: u64,
    /// For branches and rules: the branch point on the line and the arm (lcov `BRDA`).
    #[serde(skip)]
    pub branch: Option<(u32, u32)>,
}

/// The coverage of one product version.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub product: String,
    pub file: String,
    pub requests: u64,
    pub covered: usize,
    pub total: usize,
    pub percent: Decimal,
    pub items: Vec<Item>,
}

/// Counts hits while requests are observed.
pub struct Collector<'p> {
    p: &'p Product,
    items: Vec<Item>,
    rows: HashMap<(u16, u32), usize>,
    branches: HashMap<(usize, u8), usize>,
    /// Per rule: the passed and failed items.
    rules: Vec<(usize, usize)>,
    coverages: Vec<usize>,
    options: HashMap<(u16, Decimal), usize>,
    plans: Vec<usize>,
    requests: u64,
}

/// The line of a list item under `key` whose `field` is `value`.
fn item_line(root: &crate::yaml::Node, key: &[&str], field: &str, value: &str) -> u32 {
    let mut n = root;
    for k in key {
        match n.get(k) {
            Some(x) => n = x,
            None => return n.span.line,
        }
    }
    match &n.kind {
        crate::yaml::NodeKind::Seq(items) => items
            .iter()
            .find(|i| i.get(field).and_then(|x| x.as_str()) == Some(value))
            .map(|i| i.span.line)
            .unwrap_or(n.span.line),
        _ => n.span.line,
    }
}

/// The `if` conditions and `and`/`or` left operands of `e`, in pre-order, by address.
fn branch_points(e: &Expr, out: &mut Vec<(usize, &'static str)>) {
    match e {
        Expr::If(c, a, b) => {
            out.push((&**c as *const Expr as usize, "if"));
            for x in [c, a, b] {
                branch_points(x, out);
            }
        }
        Expr::Bin(op, l, r) => {
            match op {
                crate::formula::BinOp::And => out.push((&**l as *const Expr as usize, "and")),
                crate::formula::BinOp::Or => out.push((&**l as *const Expr as usize, "or")),
                _ => {}
            }
            branch_points(l, out);
            branch_points(r, out);
        }
        Expr::Neg(x) | Expr::Not(x) | Expr::In(x, _) => branch_points(x, out),
        Expr::Lookup { keys: xs, .. } | Expr::Call(_, xs) => {
            for x in xs.iter() {
                branch_points(x, out);
            }
        }
        Expr::Const(_) | Expr::Ref(_) | Expr::LifeTable(_) => {}
    }
}

impl<'p> Collector<'p> {
    /// Lists every item of `p`, located with the node tree of its file.
    pub fn new(p: &'p Product, root: &crate::yaml::Node) -> Collector<'p> {
        let file = p.file.display().to_string();
        let mut c = Collector {
            p,
            items: Vec::new(),
            rows: HashMap::new(),
            branches: HashMap::new(),
            rules: Vec::new(),
            coverages: Vec::new(),
            options: HashMap::new(),
            plans: Vec::new(),
            requests: 0,
        };
        let mut push = |items: &mut Vec<Item>, kind, name: String, file: &str, line, branch| {
            items.push(Item {
                kind,
                name,
                file: file.to_string(),
                line,
                hits: 0,
                branch,
            });
            items.len() - 1
        };
        for r in &p.rules {
            let line = item_line(root, &["eligibility"], "rule", &r.name);
            let pass = push(
                &mut c.items,
                "rule passed",
                r.name.clone(),
                &file,
                line,
                Some((0, 0)),
            );
            let fail = push(
                &mut c.items,
                "rule failed",
                r.name.clone(),
                &file,
                line,
                Some((0, 1)),
            );
            c.rules.push((pass, fail));
            c.branch_items(&r.expr, &r.name, line, &file, &mut push);
        }
        for s in &p.steps {
            c.branch_items(&s.expr, &s.name, s.line, &file, &mut push);
        }
        for (ti, t) in p.tables.iter().enumerate() {
            let tfile = t.file.display().to_string();
            for (ri, row) in t.rows.iter().enumerate() {
                let keys: Vec<String> = row
                    .keys
                    .iter()
                    .zip(&t.keys)
                    .map(|(k, n)| format!("{n} {}", k.show(&p.interner)))
                    .collect();
                let i = push(
                    &mut c.items,
                    "table row",
                    format!("{} {}", t.name, keys.join(", ")),
                    &tfile,
                    row.line,
                    None,
                );
                c.rows.insert((ti as u16, ri as u32), i);
            }
        }
        for cov in &p.coverages {
            let line = item_line(root, &["coverages"], "code", &cov.code);
            let i = push(
                &mut c.items,
                "coverage",
                cov.code.clone(),
                &file,
                line,
                None,
            );
            c.coverages.push(i);
            for &slot in &cov.terms {
                let term = &p.terms[slot as usize];
                if let Choice::Options(opts) = &term.choice {
                    for o in opts {
                        let name = format!("{}.{} {}", cov.code, term.name, o.normalize());
                        let i = push(&mut c.items, "option", name, &file, line, None);
                        c.options.insert((slot, o.normalize()), i);
                    }
                }
            }
        }
        for plan in &p.plans {
            let line = item_line(root, &["payment_plans"], "code", &plan.code);
            let i = push(&mut c.items, "plan", plan.code.clone(), &file, line, None);
            c.plans.push(i);
        }
        c
    }

    fn branch_items(
        &mut self,
        e: &Expr,
        name: &str,
        line: u32,
        file: &str,
        push: &mut impl FnMut(
            &mut Vec<Item>,
            &'static str,
            String,
            &str,
            u32,
            Option<(u32, u32)>,
        ) -> usize,
    ) {
        let mut points = Vec::new();
        branch_points(e, &mut points);
        for (n, (at, kind)) in points.into_iter().enumerate() {
            let arms: [&str; 2] = match kind {
                "if" => ["then", "else"],
                _ => ["left decides", "right decides"],
            };
            for (arm, label) in arms.iter().enumerate() {
                let what = format!("{name}: {kind} #{} {label}", n + 1);
                let i = push(
                    &mut self.items,
                    "branch",
                    what,
                    file,
                    line,
                    Some((n as u32 + 1, arm as u32)),
                );
                self.branches.insert((at, arm as u8), i);
            }
        }
    }

    fn trace(&mut self, t: &Trace) {
        for item in t {
            match item {
                TraceItem::Lookup { table, row, .. } => {
                    if let Some(&i) = self.rows.get(&(*table, *row)) {
                        self.items[i].hits += 1;
                    }
                }
                TraceItem::Branch { at, arm } => {
                    if let Some(&i) = self.branches.get(&(*at, *arm)) {
                        self.items[i].hits += 1;
                    }
                }
                _ => {}
            }
        }
    }

    /// Evaluates the rules and rates `r`, counting what they use.
    pub fn observe(&mut self, r: &Request) {
        crate::formula::record_branches(true);
        self.requests += 1;
        let p = self.p;
        let lookup = crate::rating::ProductLookup(p);
        let mut declined = false;
        for (ri, rule) in p.rules.iter().enumerate() {
            let members: Vec<Option<usize>> = match rule.scope {
                Scope::Policy => vec![None],
                Scope::Member => (0..r.members.len()).map(Some).collect(),
            };
            for m in members {
                let frame = Frame {
                    policy: &r.policy,
                    terms: &r.terms,
                    policy_steps: &[],
                    member: m,
                    member_inputs: r.members.as_slice(),
                    member_steps: crate::formula::NO_ROWS,
                    term_months: r.term_months,
                    rounding: p.rounding.strategy,
                    lookup: &lookup,
                    year: None,
                };
                let mut t = Trace::new();
                let held = matches!(frame.eval(&rule.expr, Some(&mut t)), Ok(Value::Bool(true)));
                self.trace(&t);
                let (pass, fail) = self.rules[ri];
                self.items[if held { pass } else { fail }].hits += 1;
                declined |= !held;
            }
        }
        if !declined && let Ok(rated) = crate::rating::rate(p, r, true) {
            for w in &rated.worklines {
                self.trace(&w.trace);
            }
            if let Some(ShortPeriod::Table(t)) = &p.term.short_period
                && r.term_months < 12
                && let Some(row) =
                    p.tables[*t as usize].find(&[Value::Num(Decimal::from(r.term_months))])
                && let Some(&i) = self.rows.get(&(*t, row as u32))
            {
                self.items[i].hits += 1;
            }
            for (ci, &i) in self.coverages.iter().enumerate() {
                if r.selected.get(ci) == Some(&true) {
                    self.items[i].hits += 1;
                }
            }
            for (slot, v) in r.terms.iter().enumerate() {
                if let Value::Num(d) = v
                    && let Some(&i) = self.options.get(&(slot as u16, d.normalize()))
                {
                    self.items[i].hits += 1;
                }
            }
            for (pi, &i) in self.plans.iter().enumerate() {
                if r.plan.as_deref().is_none_or(|c| c == p.plans[pi].code) {
                    self.items[i].hits += 1;
                }
            }
        }
        crate::formula::record_branches(false);
    }

    /// The report, items in file order.
    pub fn finish(self) -> Report {
        let mut items = self.items;
        items.sort_by(|a, b| (a.file.as_str(), a.line).cmp(&(b.file.as_str(), b.line)));
        let covered = items.iter().filter(|i| i.hits > 0).count();
        let total = items.len();
        let percent = if total == 0 {
            Decimal::ONE_HUNDRED
        } else {
            super::impact::percent(Decimal::from(covered) / Decimal::from(total))
        };
        Report {
            product: self.p.id(),
            file: self.p.file.display().to_string(),
            requests: self.requests,
            covered,
            total,
            percent,
            items,
        }
    }
}

/// Observes every test case of `p` that checks as a request.
pub fn observe_cases(c: &mut Collector<'_>, p: &Product) {
    for t in &p.tests {
        let census = match &t.census {
            Some(path) => match crate::census::read_members(p, path, None) {
                Ok(m) => Some(m),
                Err(_) => continue,
            },
            None => None,
        };
        if let Ok(r) = crate::request::check(p, &t.request, &p.file, census) {
            c.observe(&r);
        }
    }
}

/// Observes every record of a book: a census (with the request giving the policy part and an
/// optional group column) or JSON Lines of requests. Records that do not check are skipped and
/// counted.
pub fn observe_book(
    c: &mut Collector<'_>,
    p: &Product,
    input: &Path,
    request: Option<&Path>,
    group_column: Option<&str>,
) -> Result<u64, String> {
    let mut skipped = 0u64;
    if input
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
    {
        let request = request.ok_or("a census needs --request FILE for the policy part")?;
        let file = crate::request::RequestFile::read(request)
            .map_err(|_| format!("{}: the request file cannot be read", request.display()))?;
        let base =
            crate::request::check(p, &file.node, request, Some(Vec::new())).map_err(|_| {
                format!(
                    "{}: the request file is invalid for {}",
                    request.display(),
                    p.id()
                )
            })?;
        let reader =
            crate::census::CensusReader::open(input, None, crate::census::MAX_CENSUS_BYTES)
                .map_err(|e| {
                    crate::census::census_error_diagnostics(input, e)
                        .first()
                        .map(|d| format!("{}: {}", input.display(), d.message))
                        .unwrap_or_default()
                })?;
        let extra: Vec<&str> = group_column.into_iter().collect();
        let layout = crate::request::CensusLayout::new(p, reader.header().to_vec(), &extra)
            .map_err(|e| {
                format!(
                    "{}: {}",
                    input.display(),
                    e.iter()
                        .map(|x| x.message.clone())
                        .collect::<Vec<_>>()
                        .join("; ")
                )
            })?;
        let col = match group_column {
            Some(g) => Some(
                layout
                    .column(g)
                    .ok_or_else(|| format!("the census has no column `{g}`"))?,
            ),
            None => None,
        };
        let mut chunker = crate::batch::Chunker::new(reader, col);
        let mut chunk = crate::batch::CensusChunk::default();
        let (records, members) = (crate::batch::CHUNK_RECORDS, crate::batch::CHUNK_MEMBERS);
        while chunker
            .fill(&mut chunk, records, members, || false)
            .map_err(|e| format!("{}: {e}", input.display()))?
        {
            for item in &chunk.items {
                let crate::batch::CensusItem::Rows(rows) = item else {
                    skipped += 1;
                    continue;
                };
                let members: Result<Vec<_>, _> = chunk
                    .rows(rows)
                    .filter_map(|row| layout.member(p, &row, row.row).transpose())
                    .collect();
                match members {
                    Ok(members) => c.observe(&Request {
                        members,
                        ..base.clone()
                    }),
                    Err(_) => skipped += 1,
                }
            }
        }
    } else {
        let bytes = crate::fsio::read_input(input, crate::fsio::MAX_STREAM_BYTES)
            .map_err(|e| e.to_string())?;
        let text = String::from_utf8(bytes)
            .map_err(|_| format!("{}: the file is not UTF-8 text", input.display()))?;
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let ok = crate::yaml::parse(line)
                .ok()
                .and_then(|n| crate::request::check(p, &n, input, None).ok());
            match ok {
                Some(r) => c.observe(&r),
                None => skipped += 1,
            }
        }
    }
    Ok(skipped)
}

/// The reports as text: a summary line per product with counts by kind, then the uncovered
/// items at their lines.
pub fn text(reports: &[Report]) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    for r in reports {
        let _ = writeln!(
            s,
            "{} ({}): {} of {} items covered ({:.2}%) by {} request(s)",
            r.product, r.file, r.covered, r.total, r.percent, r.requests
        );
        let mut kinds: Vec<&str> = Vec::new();
        for i in &r.items {
            if !kinds.contains(&i.kind) {
                kinds.push(i.kind);
            }
        }
        kinds.sort();
        let parts: Vec<String> = kinds
            .iter()
            .map(|k| {
                let all = r.items.iter().filter(|i| i.kind == *k);
                let n = all.clone().count();
                let hit = all.filter(|i| i.hits > 0).count();
                format!("{k} {hit}/{n}")
            })
            .collect();
        let _ = writeln!(s, "  {}", parts.join(", "));
        let uncovered: Vec<&Item> = r.items.iter().filter(|i| i.hits == 0).collect();
        if !uncovered.is_empty() {
            let _ = writeln!(s, "  uncovered:");
            for i in uncovered {
                let _ = writeln!(s, "    {}:{}  {} {}", i.file, i.line, i.kind, i.name);
            }
        }
    }
    s
}

/// Hits by line, and branches (line, block, branch, hits), of one file.
type FileHits = (
    std::collections::BTreeMap<u32, u64>,
    Vec<(u32, u32, u32, u64)>,
);

/// The reports as lcov tracefile records, one per file: `DA` for each line holding an item
/// (its hits: the most of the items on the line, so a line is covered when any item on it
/// is), `BRDA` for each rule outcome and formula branch.
pub fn lcov(reports: &[Report]) -> String {
    use std::collections::BTreeMap;
    use std::fmt::Write;
    let mut files: BTreeMap<&str, FileHits> = BTreeMap::new();
    for r in reports {
        for i in &r.items {
            let f = files.entry(i.file.as_str()).or_default();
            let e = f.0.entry(i.line).or_insert(0);
            *e = (*e).max(i.hits);
            if let Some((block, arm)) = i.branch {
                // A rule's outcomes are block 0; branches of a formula are numbered from 1.
                f.1.push((i.line, block, arm, i.hits));
            }
        }
    }
    let mut s = String::new();
    for (file, (lines, branches)) in files {
        let _ = writeln!(s, "TN:\nSF:{file}");
        let mut seen = std::collections::BTreeSet::new();
        let mut brf = 0;
        let mut brh = 0;
        for (line, block, arm, hits) in &branches {
            if !seen.insert((*line, *block, *arm)) {
                continue;
            }
            brf += 1;
            if *hits > 0 {
                brh += 1;
            }
            let taken = if *hits > 0 {
                hits.to_string()
            } else {
                "0".into()
            };
            let _ = writeln!(s, "BRDA:{line},{block},{arm},{taken}");
        }
        let _ = writeln!(s, "BRF:{brf}\nBRH:{brh}");
        for (line, hits) in &lines {
            let _ = writeln!(s, "DA:{line},{hits}");
        }
        let lh = lines.values().filter(|h| **h > 0).count();
        let _ = writeln!(s, "LF:{}\nLH:{lh}\nend_of_record", lines.len());
    }
    s
}
