//! The pension part of a Word document, as the HTML has it: the benefits (lines made by the
//! template `parts/pension_docx.txt`), the scenarios of an account at the payout and the
//! 利益演示表 by policy year. Nothing for a quote without a pension part.

use super::{Block, Writer, text};

impl Writer<'_> {
    /// The pension part, as the HTML has it: the benefits, the scenarios of an account at the
    /// payout, and the 利益演示表 by policy year (amounts as the model groups them) with its
    /// currency and reference-only notice. Nothing without a pension part; an amount that is
    /// not one is an error, not an empty cell.
    pub(super) fn pension(&self) -> Result<Vec<Block>, String> {
        let p = &self.doc()["pension"];
        if !p.is_object() {
            return Ok(Vec::new());
        }
        let mut out = vec![self.section(self.t("pension.title", "保险利益", "Benefits"))];
        for line in self.pension_lines.lines() {
            if let Some((label, value)) = line.split_once('\t') {
                out.push(self.line(label.trim().to_string(), value.trim().to_string()));
            }
        }
        let scenarios = p["scenarios"].as_array().cloned().unwrap_or_default();
        if !scenarios.is_empty() {
            let each = if p["payments_per_year"] == 12 {
                self.t("pension.payment_each", "每月领取金额", "Monthly payment")
            } else {
                self.t("pension.amount_each", "每次领取金额", "Each payment")
            };
            let rows = scenarios
                .iter()
                .map(|s| {
                    Ok(vec![
                        text(s, &["name"]),
                        self.percent(&text(s, &["rate"])),
                        self.money(&text(s, &["account_at_payout"]))?,
                        self.money(&text(s, &["yearly_pension"]))?,
                        self.money(&text(s, &["payment"]))?,
                    ])
                })
                .collect::<Result<_, String>>()?;
            out.push(self.section(self.t("pension.scenarios", "演示情景", "Scenarios")));
            out.push(self.table(
                vec![
                    self.t("pension.scenario", "情景", "Scenario"),
                    self.t("pension.scenario_rate", "演示利率", "Illustrated rate"),
                    self.t(
                        "pension.account_at_payout",
                        "领取时账户价值",
                        "Account at the payout",
                    ),
                    self.t("pension.pension_a_year", "年领取金额", "Pension a year"),
                    each,
                ],
                rows,
            ));
        }
        out.push(self.section(self.t(
            "pension.illustration",
            "利益演示表",
            "Benefit illustration",
        )));
        let unit = format!("pension.unit.{}", self.currency);
        // Kept with the table, as the heading is: never alone at a page foot.
        out.push(self.kept(self.t(&unit, self.currency, self.currency)));
        let mut header = vec![
            self.t("pension.col_year", "保单年度", "Policy year"),
            self.t("pension.col_age", "年龄", "Age"),
            self.t("pension.col_premium", "年度保险费", "Premium of the year"),
            self.t(
                "pension.col_cumulative",
                "累计保险费",
                "Premiums paid to date",
            ),
            self.t("pension.col_survival", "生存给付", "Survival benefit"),
            self.t("pension.col_death", "身故给付", "Death benefit"),
            self.t("pension.col_cash_value", "现金价值", "Cash value"),
        ];
        for s in &scenarios {
            header.push(format!(
                "{} {} {}",
                self.t("pension.account_value", "账户价值", "Account value"),
                text(s, &["name"]),
                self.percent(&text(s, &["rate"]))
            ));
        }
        let rows = p["rows"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| {
                let mut row: Vec<String> = [
                    "policy_year",
                    "age",
                    "premium",
                    "cumulative_premium",
                    "survival_benefit",
                    "death_benefit",
                    "cash_value",
                ]
                .iter()
                .map(|k| text(r, &[k]))
                .collect();
                for a in r["accounts"].as_array().into_iter().flatten() {
                    row.push(match text(a, &[]) {
                        s if s.is_empty() => "—".to_string(),
                        s => s,
                    });
                }
                row
            })
            .collect();
        // Seven to ten columns of grouped amounts: 7.5 pt keeps `236,000.00` on one line.
        let size = if scenarios.is_empty() { 17 } else { 14 };
        out.push(self.table_sized(header, rows, Some(size)));
        out.push(self.plain(self.t("pension.notice", "", "")));
        Ok(out)
    }
}
