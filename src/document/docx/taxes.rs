//! A Word quote's premium and taxes, as the HTML quote has them: each cover's VAT treatment,
//! premium excluding VAT, VAT and premium, the other charges (included in or added to the
//! premium), the total payable, the taxes in it and the amount excluding taxes, then the
//! annual premium in words and figures and, when it applied, the minimum premium.

use serde_json::Value;

use super::super::format;
use super::{Block, Writer, text};

impl Writer<'_> {
    /// The premium and taxes of a quote.
    pub(super) fn taxes(&self) -> Result<Vec<Block>, String> {
        let q = self.quote_json();
        let mut rows = Vec::new();
        for c in q["coverages"].as_array().into_iter().flatten() {
            let vat = text(c, &["vat"]);
            rows.push(vec![
                self.name(&c["name"]),
                self.catalogue
                    .get(self.lang, &format!("vat.{vat}"))
                    .map_or(vat, str::to_string),
                self.money(&text(c, &["net"]))?,
                self.money(&text(c, &["vat_amount"]))?,
                self.money(&text(c, &["premium"]))?,
            ]);
        }
        for ch in q["charges"].as_array().into_iter().flatten() {
            let kind = text(ch, &["kind"]);
            if kind == "premium" || kind == "vat" {
                continue;
            }
            let how = if ch["included"] == Value::Bool(true) {
                "label.charge_included"
            } else {
                "label.charge_added"
            };
            rows.push(vec![
                self.name(&ch["name"]),
                self.k(how),
                String::new(),
                String::new(),
                self.money(&text(ch, &["amount"]))?,
            ]);
        }
        for (key, field) in [
            ("label.total_payable", "gross"),
            ("label.tax_total", "tax"),
            ("label.net_of_tax", "net"),
        ] {
            let mut row = vec![self.k(key)];
            row.extend(std::iter::repeat_n(String::new(), 3));
            row.push(self.money(&text(q, &["totals", field]))?);
            rows.push(row);
        }
        let header = [
            "label.coverage",
            "label.vat_status",
            "label.net_premium",
            "label.vat",
            "label.premium",
        ]
        .map(|k| self.k(k))
        .to_vec();
        let gross = text(q, &["totals", "gross"]);
        let amount = format::parse_decimal(&gross).map_err(|e| e.to_string())?;
        let words =
            format::in_words(amount, self.currency, self.lang).map_err(|e| e.to_string())?;
        let mut out = vec![
            self.section(self.k("label.premium_and_taxes")),
            self.table_kept(header, rows, Some(18), &[34, 15, 17, 17, 17], true),
            self.plain(format!(
                "{}{}{}{words}{}",
                self.k("label.annual_premium_total"),
                self.paren(&self.k("label.amount_in_words")),
                self.colon(),
                self.paren(&format!(
                    "{}{}{}",
                    self.k("label.amount_in_figures"),
                    self.colon(),
                    self.money(&gross)?
                ))
            )),
        ];
        let minimum = &q["minimum_premium"];
        if minimum["applied"] == Value::Bool(true) {
            out.push(self.plain(format!(
                "{}{}{}",
                self.k("notice.minimum_premium"),
                self.colon(),
                self.money(&text(minimum, &["amount"]))?
            )));
        }
        Ok(out)
    }
}
