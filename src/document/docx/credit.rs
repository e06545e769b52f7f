//! The export-credit part of a Word policy: the buyer schedule (buyer, country, risk class,
//! credit limit, payment terms) and the credit terms (indemnity per peril, waiting period,
//! deposit, minimum premium, maximum liability, declaration and payment days), as the HTML
//! has them.

use super::super::format;
use super::{Block, Writer, text};

impl Writer<'_> {
    /// Export credit: the buyer schedule and the credit terms.
    pub(super) fn buyers(&self) -> Result<Vec<Block>, String> {
        let d = self.doc();
        let mut rows = Vec::new();
        for b in d["buyers"].as_array().into_iter().flatten() {
            let method = text(b, &["method"]);
            let days = text(b, &["credit_days"]);
            let limit = match text(b, &["credit_limit"]) {
                l if l.is_empty() => self.t("label.limit_pending", "待核定", "To be approved"),
                l => self.money(&l)?,
            };
            let value = match text(b, &["value"]) {
                v if v.is_empty() => "—".to_string(),
                v => self.money(&v)?,
            };
            rows.push(vec![
                text(b, &["number"]),
                text(b, &["name"]),
                Self::or_dash(text(b, &["country"])),
                Self::or_dash(text(b, &["risk_class"])),
                Self::or_dash(
                    format::payment_method(&method, self.lang)
                        .map(str::to_string)
                        .unwrap_or(method),
                ),
                if days.is_empty() {
                    "—".to_string()
                } else {
                    self.days(&days)
                },
                limit,
                value,
            ]);
        }
        let mut out = vec![
            self.section(self.t("label.buyer_schedule", "买方清单", "Buyer schedule")),
            self.table_weighted(
                vec![
                    self.t("label.no", "序号", "No."),
                    self.t("label.buyer", "买方", "Buyer"),
                    self.t("label.country", "国家或地区", "Country or region"),
                    self.t("label.country_class", "国家风险类别", "Country risk class"),
                    self.t("label.payment_method", "支付方式", "Payment method"),
                    self.t("label.credit_period", "信用期限", "Credit period"),
                    self.t("label.credit_limit", "买方信用限额", "Buyer credit limit"),
                    self.t(
                        "label.declared_value",
                        "申报出运金额",
                        "Declared shipment value",
                    ),
                ],
                rows,
                // 9 pt, the buyer's name wide enough for its words, amounts on one line.
                Some(18),
                &[5, 19, 11, 10, 14, 9, 16, 16],
            ),
            self.section(self.t("label.credit_terms", "赔偿比例、申报与缴费", "Credit terms")),
        ];
        let mut terms = Vec::new();
        let (open, close) = (
            self.t("punct.open", "（", " ("),
            self.t("punct.close", "）", ")"),
        );
        for p in d["indemnity"].as_array().into_iter().flatten() {
            let ratio = format::parse_decimal(&text(p, &["ratio"]))
                .and_then(format::percent)
                .map_err(|e| e.to_string())?;
            terms.push((
                format!(
                    "{}{open}{}{close}",
                    self.t(
                        "label.indemnity_percentage",
                        "赔偿比例",
                        "Percentage of indemnity"
                    ),
                    self.k(&text(p, &["label"]))
                ),
                ratio,
            ));
        }
        let wait = text(d, &["waiting_period_days"]);
        terms.push((
            self.t("label.waiting_period", "等待期", "Waiting period"),
            match wait.is_empty() {
                true => self.t("notice.no_waiting_period", "本产品无等待期。", "None."),
                false => self.days(&wait),
            },
        ));
        let c = &d["credit"];
        for (key, zh, en, field) in [
            (
                "label.maximum_liability",
                "最高赔偿限额",
                "Maximum liability",
                "maximum_liability",
            ),
            (
                "label.minimum_premium",
                "最低保险费",
                "Minimum premium",
                "minimum_premium",
            ),
            ("label.deposits", "预缴保险费", "Deposit premium", "deposit"),
        ] {
            let v = text(c, &[field]);
            if !v.is_empty() {
                terms.push((self.t(key, zh, en), self.money(&v)?));
            }
        }
        for (key, zh, en, field) in [
            (
                "label.declaration_date",
                "申报日",
                "Declaration date",
                "declare_by_day",
            ),
            (
                "label.premium_due_day",
                "缴费日",
                "Premium payment day",
                "premium_due_day",
            ),
        ] {
            let v = text(c, &[field]);
            if !v.is_empty() {
                terms.push((
                    self.t(key, zh, en),
                    format!(
                        "{}{v}{}",
                        self.t("unit.next_month_before", "次月", "By day "),
                        self.t("unit.next_month_after", "日前", " of the next month")
                    ),
                ));
            }
        }
        out.push(self.pairs(terms));
        Ok(out)
    }
}
