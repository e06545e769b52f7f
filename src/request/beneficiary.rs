//! Named beneficiaries of death cover in a request (`members[i].beneficiaries`).
//!
//! Invariants of a checked list: every entry has a name, a relation from the closed set
//! [`Relation`], a rank of 1 or more and a share in (0, 100%]; the shares of each rank add up
//! to exactly 100%. An empty list means 法定 (the heirs at law). Every problem is reported at
//! its line and column.

use std::collections::BTreeMap;
use std::path::Path;

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::diagnostics::codes::{E0203, E0204, E0207, E0216};
use crate::diagnostics::{Diagnostic, Diagnostics, Span, did_you_mean};
use crate::product::parse_decimal;
use crate::yaml::{Node, NodeKind};

/// The beneficiary's relation to the insured member.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// 配偶.
    Spouse,
    /// 子女.
    Child,
    /// 父母.
    Parent,
    /// 兄弟姐妹.
    Sibling,
    /// 祖父母、外祖父母.
    Grandparent,
    /// 孙子女、外孙子女.
    Grandchild,
    /// Anyone else (其他).
    Other,
}

impl Relation {
    /// Every relation, in the order above.
    pub const ALL: [Relation; 7] = [
        Relation::Spouse,
        Relation::Child,
        Relation::Parent,
        Relation::Sibling,
        Relation::Grandparent,
        Relation::Grandchild,
        Relation::Other,
    ];

    /// The word a request uses.
    pub fn word(self) -> &'static str {
        match self {
            Relation::Spouse => "spouse",
            Relation::Child => "child",
            Relation::Parent => "parent",
            Relation::Sibling => "sibling",
            Relation::Grandparent => "grandparent",
            Relation::Grandchild => "grandchild",
            Relation::Other => "other",
        }
    }

    /// The relation a word names.
    pub fn from_word(w: &str) -> Option<Relation> {
        Relation::ALL.into_iter().find(|r| r.word() == w)
    }
}

/// One named beneficiary of a member's death cover.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NamedBeneficiary {
    /// Name as written.
    pub name: String,
    /// Relation to the insured member.
    pub relation: Relation,
    /// Rank: rank 1 takes first; rank 2 only when no rank-1 beneficiary survives.
    pub rank: u32,
    /// Share within the rank, as a ratio (`0.6` for 60%).
    pub share: Decimal,
}

const KEYS: [&str; 4] = ["name", "relation", "rank", "share"];

fn err(file: &Path, span: Span, code: &'static str, msg: impl Into<String>) -> Diagnostic {
    Diagnostic::error(code, msg).in_file(file).at(span)
}

/// Reads and checks a member's `beneficiaries:` list.
pub fn beneficiaries_of(n: &Node, file: &Path, d: &mut Diagnostics) -> Vec<NamedBeneficiary> {
    let NodeKind::Seq(items) = &n.kind else {
        d.push(
            err(file, n.span, E0203, "`beneficiaries` is a list")
                .with_help("write `- {name: ..., relation: spouse, rank: 1, share: 100%}`"),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    // Per rank: the sum of its shares, the span of its first entry and of that entry's rank.
    let mut ranks: BTreeMap<u32, (Decimal, Span, Span)> = BTreeMap::new();
    let mut all_read = true;
    for it in items {
        let Some((b, share_span)) = one(it, file, d) else {
            all_read = false;
            continue;
        };
        {
            let rank_span = it.get("rank").map_or(it.span, |r| r.span);
            let entry = ranks
                .entry(b.rank)
                .or_insert((Decimal::ZERO, it.span, rank_span));
            match entry.0.checked_add(b.share) {
                Some(s) => entry.0 = s,
                None => d.push(err(file, share_span, E0216, "the shares overflow")),
            }
            out.push(b);
        }
    }
    if !all_read {
        // The sums of a list with a bad entry would only repeat its problem.
        return out;
    }
    if let Some((&last, &(_, _, last_span))) = ranks.last_key_value() {
        for rank in 1..last {
            if !ranks.contains_key(&rank) {
                d.push(
                    err(
                        file,
                        last_span,
                        E0216,
                        format!("rank {rank} has no beneficiary, but rank {last} has"),
                    )
                    .with_help("number the ranks 1, 2, … without a gap"),
                );
            }
        }
    }
    for (rank, (sum, span, _)) in &ranks {
        if *sum != Decimal::ONE {
            d.push(
                err(
                    file,
                    *span,
                    E0216,
                    format!(
                        "the shares of rank {rank} add up to {}%, not 100%",
                        (*sum * Decimal::ONE_HUNDRED).normalize()
                    ),
                )
                .with_help("make the shares of each rank add up to exactly 100%"),
            );
        }
    }
    out
}

/// One entry, with the span of its share; `None` when it has a problem (reported).
fn one(n: &Node, file: &Path, d: &mut Diagnostics) -> Option<(NamedBeneficiary, Span)> {
    let NodeKind::Map(entries) = &n.kind else {
        d.push(err(
            file,
            n.span,
            E0203,
            "a beneficiary is a mapping with `name`, `relation`, `rank`, `share`",
        ));
        return None;
    };
    let before = d.len();
    for (k, _) in entries {
        let key = k.as_str().unwrap_or("");
        if !KEYS.contains(&key) {
            let help = did_you_mean(key, KEYS)
                .map(|s| format!("did you mean `{s}`?"))
                .unwrap_or_else(|| format!("the keys of a beneficiary are: {}", KEYS.join(", ")));
            d.push(err(file, k.span, E0204, format!("unknown key `{key}`")).with_help(help));
        }
    }
    let mut field = |key: &str| {
        let v = n
            .get(key)
            .and_then(|v| v.as_str().map(|s| (s.trim(), v.span)));
        if v.is_none() {
            d.push(
                err(
                    file,
                    n.span,
                    E0207,
                    format!("this beneficiary has no `{key}`"),
                )
                .with_help("give `name`, `relation`, `rank` and `share`"),
            );
        }
        v
    };
    let (name, relation, rank, share) = (
        field("name"),
        field("relation"),
        field("rank"),
        field("share"),
    );
    let relation = relation.and_then(|(w, span)| {
        let r = Relation::from_word(w);
        if r.is_none() {
            d.push(
                err(file, span, E0216, format!("unknown relation `{w}`")).with_help(
                    crate::diagnostics::suggest(w, Relation::ALL.iter().map(|r| r.word())),
                ),
            );
        }
        r
    });
    let rank = rank.and_then(|(t, span)| match t.parse::<u32>() {
        Ok(r) if r >= 1 => Some(r),
        _ => {
            d.push(
                err(file, span, E0216, format!("a rank is 1, 2, …; got `{t}`")).with_help(
                    "rank 1 takes first; rank 2 only when no rank-1 beneficiary survives",
                ),
            );
            None
        }
    });
    let share = share.and_then(|(t, span)| {
        let v = t
            .strip_suffix('%')
            .and_then(|_| parse_decimal(t).ok())
            .filter(|v| *v > Decimal::ZERO && *v <= Decimal::ONE);
        if v.is_none() {
            d.push(
                err(
                    file,
                    span,
                    E0216,
                    format!("a share is a percentage above 0% and at most 100%; got `{t}`"),
                )
                .with_help("write the share as text with `%`, e.g. `share: 60%`"),
            );
        }
        v.map(|v| (v, span))
    });
    if d.len() > before {
        return None;
    }
    let ((name, _), relation, rank, (share, share_span)) = (name?, relation?, rank?, share?);
    if name.is_empty() {
        d.push(err(file, n.span, E0207, "a beneficiary needs a `name`"));
        return None;
    }
    Some((
        NamedBeneficiary {
            name: name.to_string(),
            relation,
            rank,
            share,
        },
        share_span,
    ))
}
