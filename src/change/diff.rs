//! A structured diff of two checked versions of one product.
//!
//! Compares the typed products item by item (tables by name and rows by key cells, steps and
//! rules by name, coverages and plans by code, inputs by name) and locates each entry in both
//! files from the products' own lines and the YAML node tree. Entries come grouped (pricing,
//! eligibility, cover, payment, wording) and, within a group, in the order of the new file.
//!
//! Invariant: two products give no entry exactly when nothing the diff compares differs; the
//! relative change of a cell is exact decimal arithmetic rounded half up to two places.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use super::Side;
use crate::formula::Value;
use crate::product::{Choice, FieldType, Product, table::Table};
use crate::yaml::{Node, NodeKind};

/// What a change affects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    Pricing,
    Eligibility,
    Cover,
    Payment,
    Wording,
}

impl Group {
    pub fn name(self) -> &'static str {
        match self {
            Group::Pricing => "pricing",
            Group::Eligibility => "eligibility",
            Group::Cover => "cover",
            Group::Payment => "payment",
            Group::Wording => "wording",
        }
    }
}

/// A place in a file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Loc {
    pub file: String,
    pub line: u32,
}

impl std::fmt::Display for Loc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// A pricing item the impact attribution can swap: a table or a step, by name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum Item {
    Table(String),
    Step(String),
    /// Rounding, minimum premium, VAT and charges.
    Other(String),
}

impl std::fmt::Display for Item {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Item::Table(n) => write!(f, "table {n}"),
            Item::Step(n) => write!(f, "step {n}"),
            Item::Other(n) => f.write_str(n),
        }
    }
}

/// One change.
#[derive(Clone, Debug, Serialize)]
pub struct Entry {
    pub group: Group,
    /// What changed: `table social_factor`, `rule entry_age`, `coverage inpatient`, ...
    pub subject: String,
    /// How: `row [false], value`, `formula`, `added`, ...
    pub change: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<String>,
    /// Relative change of a number, `+12.50%`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relative: Option<String>,
    /// Widened or narrowed, for ranges and options.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<&'static str>,
    pub old_at: Option<Loc>,
    pub new_at: Option<Loc>,
    /// The pricing item this entry changes, for attribution.
    #[serde(skip)]
    pub item: Option<Item>,
}

/// The diff of two versions.
#[derive(Clone, Debug, Serialize)]
pub struct Diff {
    pub old: String,
    pub new: String,
    pub old_file: String,
    pub new_file: String,
    pub entries: Vec<Entry>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The changed tables and steps in rating-plan order: for each step of the new version in
    /// order, the changed tables it reads (first use) and then the step itself; then changed
    /// tables and steps no step of the new version reads (removed ones), then the other
    /// pricing items (rounding, minimum premium, VAT, charges).
    pub fn pricing_items(&self, new: &Product) -> Vec<Item> {
        let changed: std::collections::BTreeSet<&Item> = self
            .entries
            .iter()
            .filter_map(|e| e.item.as_ref())
            .collect();
        let mut out: Vec<Item> = Vec::new();
        for step in &new.steps {
            for t in &new.tables {
                let it = Item::Table(t.name.clone());
                if changed.contains(&it)
                    && !out.contains(&it)
                    && reads_table(&step.formula, &t.name)
                {
                    out.push(it);
                }
            }
            let it = Item::Step(step.name.clone());
            if changed.contains(&it) && !out.contains(&it) {
                out.push(it);
            }
        }
        for it in &changed {
            if !matches!(it, Item::Other(_)) && !out.contains(it) {
                out.push((*it).clone());
            }
        }
        for it in &changed {
            if matches!(it, Item::Other(_)) && !out.contains(it) {
                out.push((*it).clone());
            }
        }
        out
    }
}

/// Whether a formula's text names `table` as a table (`name[` or `name.`).
fn reads_table(formula: &str, table: &str) -> bool {
    let b = formula.as_bytes();
    let mut from = 0;
    while let Some(i) = formula[from..].find(table) {
        let at = from + i;
        let before_ok = at == 0 || !(b[at - 1].is_ascii_alphanumeric() || b[at - 1] == b'_');
        let next = b.get(at + table.len()).copied();
        if before_ok && matches!(next, Some(b'[') | Some(b'.')) {
            return true;
        }
        from = at + table.len();
    }
    false
}

/// Compares two versions.
pub fn diff(old: &Side, new: &Side) -> Diff {
    let mut d = Differ {
        a: old,
        b: new,
        out: Vec::new(),
    };
    d.tables();
    d.steps();
    d.rating();
    d.eligibility();
    d.cover();
    d.payment();
    d.wording();
    let mut entries = d.out;
    // Stable: within a group, the order the checks found them (the new file's order).
    entries.sort_by_key(|e| e.group);
    Diff {
        old: old.product.id(),
        new: new.product.id(),
        old_file: old.product.file.display().to_string(),
        new_file: new.product.file.display().to_string(),
        entries,
    }
}

/// A step along the node tree: a key of a mapping, or the item of a list whose `key` is `value`.
enum Seg<'s> {
    Key(&'s str),
    Item(&'s str, &'s str),
    Index(usize),
}

/// The line of the deepest node found along `path` (the parent's when a step is missing).
fn line_at(root: &Node, path: &[Seg]) -> u32 {
    let mut n = root;
    let mut line = root.span.line;
    for seg in path {
        let next = match (seg, &n.kind) {
            (Seg::Key(k), NodeKind::Map(entries)) => entries
                .iter()
                .find(|(kn, _)| kn.as_str() == Some(k))
                .map(|(kn, v)| {
                    line = kn.span.line;
                    v
                }),
            (Seg::Item(k, v), NodeKind::Seq(items)) => items
                .iter()
                .find(|it| it.get(k).and_then(Node::as_str) == Some(v)),
            (Seg::Index(i), NodeKind::Seq(items)) => items.get(*i),
            _ => None,
        };
        match next {
            Some(x) => {
                n = x;
                if !matches!(seg, Seg::Key(_)) {
                    line = x.span.line;
                }
            }
            None => break,
        }
    }
    line
}

struct Differ<'a> {
    a: &'a Side,
    b: &'a Side,
    out: Vec<Entry>,
}

fn show_dec(d: Decimal) -> String {
    d.normalize().to_string()
}

fn opt_dec(d: Option<Decimal>) -> String {
    d.map(show_dec).unwrap_or_else(|| "none".into())
}

/// `(new - old) / old` as a signed percentage to two places; `None` when old is zero.
pub fn relative(old: Decimal, new: Decimal) -> Option<String> {
    if old.is_zero() {
        return None;
    }
    let r = new
        .checked_sub(old)?
        .checked_div(old)?
        .checked_mul(Decimal::ONE_HUNDRED)?
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let sign = if r > Decimal::ZERO { "+" } else { "" };
    Some(format!("{sign}{r:.2}%"))
}

impl<'a> Differ<'a> {
    fn pa(&self) -> &'a Product {
        &self.a.product
    }
    fn pb(&self) -> &'a Product {
        &self.b.product
    }

    fn loc_a(&self, path: &[Seg]) -> Option<Loc> {
        Some(Loc {
            file: self.pa().file.display().to_string(),
            line: line_at(&self.a.root, path),
        })
    }
    fn loc_b(&self, path: &[Seg]) -> Option<Loc> {
        Some(Loc {
            file: self.pb().file.display().to_string(),
            line: line_at(&self.b.root, path),
        })
    }

    /// An item of the old version that the new one no longer has.
    fn removed(&mut self, group: Group, subject: String, old: Option<String>, at: &[Seg]) {
        self.push(group, subject, "removed", old, None, (at, &[]), None);
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        group: Group,
        subject: String,
        change: &str,
        old: Option<String>,
        new: Option<String>,
        at: (&[Seg], &[Seg]),
        item: Option<Item>,
    ) {
        let relative = match (&old, &new) {
            (Some(o), Some(n)) => match (o.parse::<Decimal>(), n.parse::<Decimal>()) {
                (Ok(o), Ok(n)) => relative(o, n),
                _ => None,
            },
            _ => None,
        };
        let old_at = if change == "added" {
            None
        } else {
            self.loc_a(at.0)
        };
        let new_at = if change == "removed" {
            None
        } else {
            self.loc_b(at.1)
        };
        self.out.push(Entry {
            group,
            subject,
            change: change.to_string(),
            old,
            new,
            relative,
            direction: None,
            old_at,
            new_at,
            item,
        });
    }

    /// Pushes a change of a value when the shown values differ.
    fn value(
        &mut self,
        group: Group,
        subject: &str,
        change: &str,
        (old, new): (String, String),
        at: (&[Seg], &[Seg]),
        item: Option<Item>,
    ) {
        if old != new {
            self.push(
                group,
                subject.to_string(),
                change,
                Some(old),
                Some(new),
                at,
                item,
            );
        }
    }

    fn set_direction(&mut self, dir: &'static str) {
        if let Some(e) = self.out.last_mut() {
            e.direction = Some(dir);
        }
    }

    // -----------------------------------------------------------------------------------------
    // Pricing.

    fn tables(&mut self) {
        let (pa, pb) = (self.pa(), self.pb());
        for tb in &pb.tables {
            let name = tb.name.as_str();
            let path = [Seg::Key("tables"), Seg::Key(name)];
            let item = Some(Item::Table(name.to_string()));
            let Some(ta) = pa.tables.iter().find(|t| t.name == tb.name) else {
                let subject = format!("table {name}");
                self.push(
                    Group::Pricing,
                    subject,
                    "added",
                    None,
                    None,
                    (&[], &path),
                    item,
                );
                continue;
            };
            self.table(ta, tb, &path, item);
        }
        for ta in &pa.tables {
            if !pb.tables.iter().any(|t| t.name == ta.name) {
                let path = [Seg::Key("tables"), Seg::Key(ta.name.as_str())];
                let subject = format!("table {}", ta.name);
                let item = Some(Item::Table(ta.name.clone()));
                self.push(
                    Group::Pricing,
                    subject,
                    "removed",
                    None,
                    None,
                    (&path, &[]),
                    item,
                );
            }
        }
    }

    fn row_loc(t: &Table, line: u32) -> Option<Loc> {
        Some(Loc {
            file: t.file.display().to_string(),
            line,
        })
    }

    fn table(&mut self, ta: &Table, tb: &Table, path: &[Seg], item: Option<Item>) {
        let (pa, pb) = (self.pa(), self.pb());
        let subject = format!("table {}", tb.name);
        if ta.keys != tb.keys || ta.columns != tb.columns {
            let show = |t: &Table| {
                format!(
                    "keys [{}] values [{}]",
                    t.keys.join(", "),
                    t.columns.join(", ")
                )
            };
            self.value(
                Group::Pricing,
                &subject,
                "columns",
                (show(ta), show(tb)),
                (path, path),
                item,
            );
            return;
        }
        let key = |t: &Table, p: &Product, i: usize| -> String {
            let cells: Vec<String> = t.rows[i]
                .keys
                .iter()
                .zip(&t.keys)
                .map(|(k, name)| format!("{name} {}", k.show(&p.interner)))
                .collect();
            cells.join(", ")
        };
        let keys_a: Vec<String> = (0..ta.rows.len()).map(|i| key(ta, pa, i)).collect();
        let keys_b: Vec<String> = (0..tb.rows.len()).map(|i| key(tb, pb, i)).collect();
        let mut entry = |e: Entry| self.out.push(e);
        for (ib, kb) in keys_b.iter().enumerate() {
            let rb = &tb.rows[ib];
            match keys_a.iter().position(|k| k == kb) {
                None => entry(Entry {
                    group: Group::Pricing,
                    subject: subject.clone(),
                    change: format!("row {kb} added"),
                    old: None,
                    new: Some(
                        rb.values
                            .iter()
                            .map(|v| show_dec(*v))
                            .collect::<Vec<_>>()
                            .join(", "),
                    ),
                    relative: None,
                    direction: None,
                    old_at: None,
                    new_at: Self::row_loc(tb, rb.line),
                    item: item.clone(),
                }),
                Some(ia) => {
                    let ra = &ta.rows[ia];
                    for (c, col) in tb.columns.iter().enumerate() {
                        let (va, vb) = (ra.values[c], rb.values[c]);
                        if va != vb {
                            let what = if tb.columns.len() == 1 && col == "value" {
                                format!("row {kb}")
                            } else {
                                format!("row {kb}, {col}")
                            };
                            entry(Entry {
                                group: Group::Pricing,
                                subject: subject.clone(),
                                change: what,
                                old: Some(show_dec(va)),
                                new: Some(show_dec(vb)),
                                relative: relative(va, vb),
                                direction: None,
                                old_at: Self::row_loc(ta, ra.line),
                                new_at: Self::row_loc(tb, rb.line),
                                item: item.clone(),
                            });
                        }
                    }
                }
            }
        }
        for (ia, ka) in keys_a.iter().enumerate() {
            if !keys_b.contains(ka) {
                let ra = &ta.rows[ia];
                entry(Entry {
                    group: Group::Pricing,
                    subject: subject.clone(),
                    change: format!("row {ka} removed"),
                    old: Some(
                        ra.values
                            .iter()
                            .map(|v| show_dec(*v))
                            .collect::<Vec<_>>()
                            .join(", "),
                    ),
                    new: None,
                    relative: None,
                    direction: None,
                    old_at: Self::row_loc(ta, ra.line),
                    new_at: None,
                    item: item.clone(),
                });
            }
        }
    }

    fn steps(&mut self) {
        let (pa, pb) = (self.pa(), self.pb());
        let file = |p: &Product| p.file.display().to_string();
        let loc = |p: &Product, line: u32| {
            Some(Loc {
                file: file(p),
                line,
            })
        };
        let common_a: Vec<&str> = pa
            .steps
            .iter()
            .map(|s| s.name.as_str())
            .filter(|n| pb.steps.iter().any(|s| s.name == *n))
            .collect();
        let common_b: Vec<&str> = pb
            .steps
            .iter()
            .map(|s| s.name.as_str())
            .filter(|n| pa.steps.iter().any(|s| s.name == *n))
            .collect();
        for (ib, sb) in pb.steps.iter().enumerate() {
            let item = Some(Item::Step(sb.name.clone()));
            let subject = format!("step {}", sb.name);
            let Some(sa) = pa.steps.iter().find(|s| s.name == sb.name) else {
                self.out.push(Entry {
                    group: Group::Pricing,
                    subject,
                    change: format!("added at position {}", ib + 1),
                    old: None,
                    new: Some(sb.formula.clone()),
                    relative: None,
                    direction: None,
                    old_at: None,
                    new_at: loc(pb, sb.line),
                    item,
                });
                continue;
            };
            let mut change = |what: &str, o: String, n: String| {
                if o != n {
                    self.out.push(Entry {
                        group: Group::Pricing,
                        subject: subject.clone(),
                        change: what.to_string(),
                        relative: match (o.parse::<Decimal>(), n.parse::<Decimal>()) {
                            (Ok(x), Ok(y)) => relative(x, y),
                            _ => None,
                        },
                        old: Some(o),
                        new: Some(n),
                        direction: None,
                        old_at: loc(pa, sa.line),
                        new_at: loc(pb, sb.line),
                        item: item.clone(),
                    });
                }
            };
            let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
            change("formula", norm(&sa.formula), norm(&sb.formula));
            change(
                "per",
                format!("{:?}", sa.scope).to_lowercase(),
                format!("{:?}", sb.scope).to_lowercase(),
            );
            let cov = |p: &Product, c: Option<u16>| {
                c.map(|c| p.coverages[c as usize].code.clone())
                    .unwrap_or_else(|| "none".into())
            };
            change("coverage", cov(pa, sa.coverage), cov(pb, sb.coverage));
            let pos_a = common_a.iter().position(|n| *n == sb.name);
            let pos_b = common_b.iter().position(|n| *n == sb.name);
            if let (Some(x), Some(y)) = (pos_a, pos_b)
                && x != y
            {
                change(
                    "reordered (position among the steps of both)",
                    (x + 1).to_string(),
                    (y + 1).to_string(),
                );
            }
        }
        for sa in &pa.steps {
            if !pb.steps.iter().any(|s| s.name == sa.name) {
                self.out.push(Entry {
                    group: Group::Pricing,
                    subject: format!("step {}", sa.name),
                    change: "removed".into(),
                    old: Some(sa.formula.clone()),
                    new: None,
                    relative: None,
                    direction: None,
                    old_at: loc(pa, sa.line),
                    new_at: None,
                    item: Some(Item::Step(sa.name.clone())),
                });
            }
        }
    }

    fn rating(&mut self) {
        let (pa, pb) = (self.pa(), self.pb());
        let r = |p: &Product| {
            format!(
                "{} places, {}, per {}",
                p.rounding.places,
                p.rounding.mode_name,
                p.rounding.level.as_str()
            )
        };
        let at = [Seg::Key("rating"), Seg::Key("rounding")];
        let other = |s: &str| Some(Item::Other(s.to_string()));
        self.value(
            Group::Pricing,
            "rounding",
            "changed",
            (r(pa), r(pb)),
            (&at, &at),
            other("rounding"),
        );
        let at = [Seg::Key("rating"), Seg::Key("minimum_premium")];
        self.value(
            Group::Pricing,
            "minimum premium",
            "changed",
            (opt_dec(pa.minimum_premium), opt_dec(pb.minimum_premium)),
            (&at, &at),
            other("minimum premium"),
        );
        let at = [Seg::Key("rating"), Seg::Key("vat_rate")];
        self.value(
            Group::Pricing,
            "VAT rate",
            "changed",
            (show_dec(pa.vat_rate), show_dec(pb.vat_rate)),
            (&at, &at),
            other("taxes"),
        );
        let charge = |p: &Product| -> Vec<(String, String)> {
            p.charges
                .iter()
                .map(|c| {
                    (
                        format!("{} {}", c.kind.as_str(), c.name.en),
                        format!(
                            "rate {} amount {} {}",
                            opt_dec(c.rate),
                            opt_dec(c.amount),
                            if c.included { "included" } else { "added" }
                        ),
                    )
                })
                .collect()
        };
        let (ca, cb) = (charge(pa), charge(pb));
        let at = [Seg::Key("rating"), Seg::Key("charges")];
        for (i, (name, v)) in cb.iter().enumerate() {
            let atb = [Seg::Key("rating"), Seg::Key("charges"), Seg::Index(i)];
            match ca.iter().position(|(n, _)| n == name) {
                Some(j) => {
                    let ata = [Seg::Key("rating"), Seg::Key("charges"), Seg::Index(j)];
                    self.value(
                        Group::Pricing,
                        &format!("charge {name}"),
                        "changed",
                        (ca[j].1.clone(), v.clone()),
                        (&ata, &atb),
                        other("charges"),
                    );
                }
                None => self.push(
                    Group::Pricing,
                    format!("charge {name}"),
                    "added",
                    None,
                    Some(v.clone()),
                    (&at, &atb),
                    other("charges"),
                ),
            }
        }
        for (j, (name, v)) in ca.iter().enumerate() {
            if !cb.iter().any(|(n, _)| n == name) {
                let ata = [Seg::Key("rating"), Seg::Key("charges"), Seg::Index(j)];
                self.push(
                    Group::Pricing,
                    format!("charge {name}"),
                    "removed",
                    Some(v.clone()),
                    None,
                    (&ata, &at),
                    other("charges"),
                );
            }
        }
        let vat = |p: &Product| -> String {
            let exempt: Vec<&str> = p
                .coverages
                .iter()
                .filter(|c| c.vat_exempt)
                .map(|c| c.code.as_str())
                .collect();
            if exempt.is_empty() {
                "none".into()
            } else {
                exempt.join(", ")
            }
        };
        let at = [Seg::Key("coverages")];
        self.value(
            Group::Pricing,
            "VAT-exempt coverages",
            "changed",
            (vat(pa), vat(pb)),
            (&at, &at),
            other("taxes"),
        );
        let sp = |p: &Product| format!("{:?}", p.term.short_period);
        let at = [Seg::Key("term"), Seg::Key("short_period")];
        self.value(
            Group::Pricing,
            "short period",
            "changed",
            (sp(pa), sp(pb)),
            (&at, &at),
            other("short period"),
        );
    }
}

mod sections;

/// The diff as text: a heading, then each group with its entries and their locations.
pub fn text(d: &Diff) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let n = d.entries.len();
    let _ = writeln!(
        s,
        "{} ({}) → {} ({}): {}",
        d.old,
        d.old_file,
        d.new,
        d.new_file,
        if n == 0 {
            "no changes".to_string()
        } else {
            format!("{n} change(s)")
        }
    );
    let mut group = None;
    for e in &d.entries {
        if group != Some(e.group) {
            group = Some(e.group);
            let count = d.entries.iter().filter(|x| x.group == e.group).count();
            let _ = writeln!(s, "\n{} ({count})", e.group.name());
        }
        let mut line = format!("  {}: {}", e.subject, e.change);
        match (&e.old, &e.new) {
            (Some(o), Some(n)) => {
                let _ = write!(line, ": {o} → {n}");
            }
            (None, Some(n)) => {
                let _ = write!(line, ": {n}");
            }
            (Some(o), None) => {
                let _ = write!(line, " (was {o})");
            }
            (None, None) => {}
        }
        if let Some(r) = &e.relative {
            let _ = write!(line, " ({r})");
        }
        if let Some(dir) = e.direction {
            let _ = write!(line, " [{dir}]");
        }
        let at = |l: &Option<Loc>| l.as_ref().map(Loc::to_string).unwrap_or_else(|| "-".into());
        let _ = writeln!(s, "{line}\n      {} → {}", at(&e.old_at), at(&e.new_at));
    }
    s
}
