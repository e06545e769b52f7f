//! Notices and signatures of a Word document, as the HTML has them: the benefit scales of
//! the covers, the cooling-off and waiting periods, a quote's important notices and
//! signature lines, a schedule's grace period and declaration terms, and a policy's contract
//! parts and signature block with the insurer's seal.
//!
//! The signature block is kept on one page with the dispute clause before it (each of its
//! paragraphs is kept with the next), so no page holds only a signature or the seal.

use docx_rs::{AlignmentType, Paragraph, Run};
use serde_json::Value;

use super::super::format;
use super::{Block, Writer, text};

/// A blank line for a signature.
const BLANK: &str = "__________________";

impl Writer<'_> {
    /// The benefit scale (grade → percentage of the sum insured) of each cover that has one.
    pub(super) fn scales(&self) -> Vec<Block> {
        let mut out = Vec::new();
        for c in self.quote_json()["coverages"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let scale = &c["benefit_scale"];
            let Some(grades) = scale["grades"].as_array() else {
                continue;
            };
            out.push(self.kept(format!(
                "{} — {}{}",
                self.name(&c["name"]),
                self.k("label.benefit_scale"),
                self.paren(&text(scale, &["name"]))
            )));
            let header = std::iter::once(self.k("label.disability_grade"))
                .chain((1..=grades.len()).map(|g| {
                    format!(
                        "{}{g}{}",
                        self.k("unit.grade_before"),
                        self.k("unit.grade_after")
                    )
                }))
                .collect();
            let row = std::iter::once(self.k("label.benefit_percent"))
                .chain(
                    grades
                        .iter()
                        .map(|g| self.percent(g.as_str().unwrap_or_default())),
                )
                .collect();
            let mut weights = vec![3];
            weights.extend(std::iter::repeat_n(1, grades.len()));
            out.push(self.table_weighted(header, vec![row], Some(18), &weights));
        }
        out
    }

    /// The cooling-off and waiting periods, when the product has either.
    pub(super) fn cooling_off_line(&self) -> Option<Block> {
        let d = self.doc();
        let days = |f: &str| match text(d, &[f]) {
            n if n.is_empty() || n == "0" => "—".to_string(),
            n => self.days(&n),
        };
        let (cooling, waiting) = (days("cooling_off_days"), days("waiting_period_days"));
        if cooling == "—" && waiting == "—" {
            return None;
        }
        Some(self.plain(format!(
            "{}{}{cooling}{}{}{}{waiting}",
            self.k("label.cooling_off"),
            self.colon(),
            self.k("punct.list_sep"),
            self.k("label.waiting_period"),
            self.colon()
        )))
    }

    /// A numbered list of notices under a heading, each kept with the next paragraph.
    fn notice_list(&self, heading: &str, items: Vec<String>) -> Vec<Block> {
        let mut out = vec![self.section(self.k(heading))];
        out.extend(
            items
                .into_iter()
                .enumerate()
                .map(|(i, s)| self.kept(format!("{}. {s}", i + 1))),
        );
        out
    }

    /// A quote's important notices (not a contract, validity, cooling-off, waiting and
    /// grace periods, the clauses to read) and the policyholder's signature line.
    pub(super) fn quote_notices(&self) -> Result<Vec<Block>, String> {
        let q = self.quote_json();
        let reg = &q["regulatory"];
        let period = self.k("punct.period");
        let colon = self.colon();
        let days = |f: &str| text(reg, &[f]).parse::<u32>().unwrap_or(0);
        let cooling = match days("cooling_off_days") {
            0 => self.k("notice.no_cooling_off"),
            n => format!(
                "{}{period}{}",
                self.days(&n.to_string()),
                self.k("notice.cooling_off")
            ),
        };
        let mut waiting = match days("waiting_period_days") {
            0 => self.k("notice.no_waiting_period"),
            n => format!(
                "{}{period}{}",
                self.days(&n.to_string()),
                self.k("notice.waiting_period")
            ),
        };
        for c in q["coverages"].as_array().into_iter().flatten() {
            let n = text(c, &["waiting_period_days"]);
            if !n.is_empty() && n != "0" {
                waiting.push_str(&format!(
                    " {}{colon}{}{period}",
                    self.name(&c["name"]),
                    self.days(&n)
                ));
            }
        }
        let line = text(q, &["product", "line"]);
        let read = self
            .catalogue
            .get(self.lang, &format!("notice.read_clauses_{line}"))
            .map_or_else(|| self.k("notice.read_clauses"), str::to_string);
        let items = vec![
            self.k("notice.quote_not_contract"),
            format!(
                "{}{colon}{}{period}{}",
                self.k("label.valid_until"),
                self.date(&text(q, &["valid_until"]))?,
                self.k("notice.quote_validity")
            ),
            format!("{}{colon}{cooling}", self.k("label.cooling_off")),
            format!("{}{colon}{waiting}", self.k("label.waiting_period")),
            format!(
                "{}{colon}{}{period}{}",
                self.k("label.grace_period"),
                self.days(&text(reg, &["grace_period_days"])),
                self.k(&text(self.doc(), &["grace", "wording"]))
            ),
            read,
        ];
        let mut out = self.notice_list("label.important_notices", items);
        out.push(self.plain(format!(
            "{}{colon}{BLANK}\u{2003}\u{2003}{}{colon}{BLANK}",
            self.k("label.policyholder_sign"),
            self.k("label.date")
        )));
        Ok(out)
    }

    /// A schedule's annual premium in figures and words and its grace period.
    pub(super) fn schedule_summary(&self) -> Result<Vec<Block>, String> {
        let q = self.quote_json();
        let gross = text(q, &["totals", "gross"]);
        let amount = format::parse_decimal(&gross).map_err(|e| e.to_string())?;
        let words =
            format::in_words(amount, self.currency, self.lang).map_err(|e| e.to_string())?;
        let scheduled = self.doc()["plans"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|p| p["instalments"].as_array().is_some_and(|i| !i.is_empty()));
        let grace = format!(
            "{}{}",
            self.days(&text(q, &["regulatory", "grace_period_days"])),
            if scheduled {
                format!(
                    "{}{}",
                    self.k("punct.period"),
                    self.k("notice.schedule_grace")
                )
            } else {
                self.k("punct.sentence_end")
            }
        );
        Ok(vec![
            self.line(self.k("label.annual_premium_total"), self.money(&gross)?),
            self.line(self.k("label.amount_in_words"), words),
            self.line(self.k("label.grace_period"), grace),
        ])
    }

    /// A schedule's closing: the declaration terms of export credit and the grace wording.
    pub(super) fn schedule_end(&self) -> Result<Vec<Block>, String> {
        let d = self.doc();
        let credit = &d["credit"];
        let mut out = Vec::new();
        let next = |day: String| {
            format!(
                "{}{day}{}",
                self.k("unit.next_month_before"),
                self.k("unit.next_month_after")
            )
        };
        let deposit = text(credit, &["deposit"]);
        if !deposit.is_empty() {
            let due = format!(
                "{}{}{}",
                self.k("label.due_date"),
                self.colon(),
                self.date(&text(self.quote_json(), &["cover", "start"]))?
            );
            out.push(self.line(
                self.k("label.deposits"),
                format!("{}{}", self.money(&deposit)?, self.paren(&due)),
            ));
        }
        let minimum = text(credit, &["minimum_premium"]);
        if !minimum.is_empty() {
            out.push(self.line(self.k("label.minimum_premium"), self.money(&minimum)?));
        }
        for (field, key) in [
            ("declare_by_day", "label.declaration_date"),
            ("premium_due_day", "label.premium_due_day"),
        ] {
            let day = text(credit, &[field]);
            if !day.is_empty() {
                out.push(self.line(self.k(key), next(day)));
            }
        }
        out.push(self.plain(self.k(&text(d, &["grace", "wording"]))));
        Ok(out)
    }

    /// A policy's contract parts and signature block: issue date, insurer, the handler and
    /// checker, the insurer's seal and the authorised signatory.
    pub(super) fn signatures(&self) -> Result<Vec<Block>, String> {
        let d = self.doc();
        let colon = self.colon();
        let parts = if d["sections"]["member_list"] == Value::Bool(true) {
            "notice.contract_parts"
        } else {
            "notice.contract_parts_no_list"
        };
        let seal = match text(d, &["insurer", "seal"]) {
            s if s.is_empty() => self.k("label.seal_here"),
            s => s,
        };
        let right = |s: String, bold: bool| {
            let run = Run::new().add_text(s);
            Block::P(Box::new(
                Paragraph::new()
                    .keep_next(true)
                    .align(AlignmentType::Right)
                    .add_run(if bold { run.bold() } else { run }),
            ))
        };
        Ok(vec![
            self.kept(self.k(parts)),
            self.kept(format!(
                "{}{colon}{}",
                self.k("label.issue_date"),
                self.date(&text(d, &["issue_date"]))?
            )),
            self.kept(format!(
                "{}{colon}{}",
                self.k("label.insurer"),
                text(d, &["insurer", "name"])
            )),
            self.kept(format!(
                "{}{colon}{BLANK}\u{2003}\u{2003}{}{colon}{BLANK}",
                self.k("label.handler"),
                self.k("label.checker")
            )),
            right(self.k("label.insurer_seal"), false),
            right(text(d, &["insurer", "name"]), true),
            right(self.paren(&seal), false),
            Block::P(Box::new(
                Paragraph::new()
                    .align(AlignmentType::Right)
                    .add_run(Run::new().add_text(format!(
                        "{}{colon}{BLANK}",
                        self.k("label.authorised_signature")
                    ))),
            )),
        ])
    }
}
