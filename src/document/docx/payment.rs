//! The payment part of a Word document, as the HTML has it: the amount payable with the
//! instalment loading and fees, the payment mode with the first payment, and each plan's
//! instalments (amount, fee, amount payable, end of grace) with the plan's total in words,
//! the loading, and the grace notices; the policy's payment terms with the grace wording the
//! product declares for its line.
//!
//! Grace dates are printed only for instalments after the first, as the model gives them; a
//! date the model moved back to the end of cover is marked `*` and explained under the table.

use serde_json::Value;

use super::super::format;
use super::{Block, Writer, text};

impl Writer<'_> {
    /// `(text)` in the document's language.
    pub(super) fn paren(&self, s: &str) -> String {
        format!("{}{s}{}", self.k("punct.open"), self.k("punct.close"))
    }

    /// The annual premium with the instalment loading and fees of the chosen plan, when the
    /// plan adds any (the amount payable differs from the annual premium).
    pub(super) fn loading_line(&self) -> Result<Option<Block>, String> {
        let plan = &self.doc()["plan"];
        if !plan.is_object() || text(plan, &["loading"]) == "0.00" {
            return Ok(None);
        }
        let sep = self.k("punct.list_sep");
        let mut s = format!(
            "{} {}{sep}{} {}",
            self.k("label.annual_premium_total"),
            self.money(&text(self.doc(), &["premium"]))?,
            self.k("label.loading"),
            self.money(&text(plan, &["loading"]))?
        );
        if text(plan, &["fees"]) != "0.00" {
            s.push_str(&format!(
                "{sep}{} {}",
                self.k("label.fees_total"),
                self.money(&text(plan, &["fees"]))?
            ));
        }
        Ok(Some(self.plain(s)))
    }

    /// The name of a plan: its own, else its mode's.
    fn plan_name(&self, plan: &Value) -> String {
        match text(plan, &["name"]) {
            n if n.is_empty() => {
                let mode = text(plan, &["mode"]);
                format::payment_mode(&mode, self.lang)
                    .map(str::to_string)
                    .unwrap_or(mode)
            }
            n => n,
        }
    }

    /// `n instalments` / `共n期`.
    fn instalment_count(&self, n: usize) -> String {
        let unit = if n == 1 {
            "unit.instalment_one"
        } else {
            "unit.instalment_many"
        };
        format!("{}{n}{}", self.k("unit.instalments_before"), self.k(unit))
    }

    /// The chosen plan with its instalment count and first payment (policy).
    pub(super) fn payment_mode_line(&self) -> Result<Block, String> {
        let plan = &self.doc()["plan"];
        let mut s = if plan.is_object() {
            self.plan_name(plan)
        } else {
            "—".to_string()
        };
        let n = plan["instalments"].as_array().map_or(0, Vec::len);
        if n > 0 {
            s.push_str(&self.paren(&self.instalment_count(n)));
        }
        let first = &plan["first_due"];
        if first.is_object() {
            s.push_str(&format!(
                "{}{} {}{}",
                self.k("punct.list_sep"),
                self.k("label.first_due"),
                self.money(&text(first, &["amount"]))?,
                self.paren(&self.date(&text(first, &["date"]))?)
            ));
        }
        Ok(self.line(self.k("label.payment_mode"), s))
    }

    /// The policy's payment terms: the mode and grace period, the chosen plan's instalments,
    /// and the grace wording of the line (not for a single premium).
    pub(super) fn payment_terms(&self) -> Result<Vec<Block>, String> {
        let d = self.doc();
        let plan = &d["plan"];
        let mut out = vec![self.section(self.k("label.payment_terms"))];
        let n = plan["instalments"].as_array().map_or(0, Vec::len);
        if plan.is_object() {
            let mut s = format!(
                "{}{}{}",
                self.k("label.payment_mode"),
                self.colon(),
                self.plan_name(plan)
            );
            if n > 1 {
                s.push_str(&format!(
                    "{}{}{}{}",
                    self.k("punct.period"),
                    self.k("label.grace_period"),
                    self.colon(),
                    self.days(&text(d, &["grace", "days"]))
                ));
            }
            s.push_str(&self.k("punct.sentence_end"));
            out.push(self.kept(s));
            out.extend(self.plan_table(plan)?);
        } else {
            out.push(self.plain("—".to_string()));
        }
        if !plan.is_object() || n != 1 {
            // The grace wording is never alone at the top of a page.
            super::keep_last(&mut out);
            out.push(self.plain(self.k(&text(d, &["grace", "wording"]))));
        }
        Ok(out)
    }

    /// The instalment table of one plan under its heading (quote, schedule).
    pub(super) fn instalments(&self, plan: &Value) -> Result<Vec<Block>, String> {
        let mut title = format!(
            "{}{}{}",
            self.t("label.payment_schedule", "缴费计划", "Payment schedule"),
            self.colon(),
            self.plan_name(plan)
        );
        let n = plan["instalments"].as_array().map_or(0, Vec::len);
        if n > 0 {
            title.push_str(&self.paren(&self.instalment_count(n)));
        }
        let mut out = vec![self.section(title)];
        out.extend(self.plan_table(plan)?);
        Ok(out)
    }

    /// A plan's instalments with fee, amount payable and end of grace, the total row, and
    /// the plan's total in words with its loading and grace notices; or why it has none.
    fn plan_table(&self, plan: &Value) -> Result<Vec<Block>, String> {
        let items = plan["instalments"].as_array().cloned().unwrap_or_default();
        if items.is_empty() {
            // Why there is no table, as the HTML says it (`c.no_schedule`).
            let (key, zh, en) = match text(plan, &["mode"]).as_str() {
                "declaration" => (
                    "notice.schedule_declaration",
                    "按月申报出运，保险费按申报金额计收。",
                    "Premium is billed on the shipments declared each month.",
                ),
                "flexible" => (
                    "notice.schedule_flexible",
                    "在年度缴费上限内灵活缴费。",
                    "Contributions are flexible within the yearly cap.",
                ),
                _ => (
                    "notice.schedule_not_offered",
                    "本保险期间不适用此缴费方式。",
                    "Not offered for this period of cover.",
                ),
            };
            return Ok(vec![self.plain(self.t(key, zh, en))]);
        }
        let mut rows = Vec::new();
        let mut capped = false;
        for i in &items {
            let grace = match text(i, &["grace_end"]) {
                g if g.is_empty() => "—".to_string(),
                g => {
                    let star = i["grace_capped"] == Value::Bool(true);
                    capped |= star;
                    format!("{}{}", self.date(&g)?, if star { "*" } else { "" })
                }
            };
            rows.push(vec![
                text(i, &["number"]),
                self.date(&text(i, &["due_date"]))?,
                self.money(&text(i, &["amount"]))?,
                self.money(&text(i, &["fee"]))?,
                self.money(&text(i, &["payable"]))?,
                grace,
            ]);
        }
        rows.push(vec![
            self.k("label.total"),
            String::new(),
            self.money(&text(plan, &["premiums"]))?,
            self.money(&text(plan, &["fees"]))?,
            self.money(&text(plan, &["payable"]))?,
            String::new(),
        ]);
        let header = [
            "label.instalment",
            "label.due_date",
            "label.amount_due",
            "label.fee",
            "label.payable",
            "label.grace_period_end",
        ]
        .map(|k| self.k(k))
        .to_vec();
        let mut words = format!(
            "{}{}{}",
            self.k("label.total_payable_plan"),
            self.colon(),
            text(plan, &["payable_in_words"])
        );
        if text(plan, &["loading"]) != "0.00" {
            let loading = format!(
                "{} {}",
                self.k("label.loading"),
                self.money(&text(plan, &["loading"]))?
            );
            words.push_str(&self.paren(&loading));
        }
        if items.len() > 1 {
            words.push_str(&format!(
                "{}{}{}",
                self.k("punct.period"),
                self.k("notice.first_no_grace"),
                self.k("punct.sentence_end")
            ));
        }
        if capped {
            words.push_str(&format!(" {}", self.k("notice.grace_capped")));
        }
        Ok(vec![
            self.table_kept(
                header,
                rows,
                Some(18),
                &[14, 19, 17, 12, 17, 21],
                items.len() <= 24,
            ),
            self.plain(words),
        ])
    }
}
