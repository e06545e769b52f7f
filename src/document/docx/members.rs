//! The members in a Word document: a policy's member list, an attachment on a page of its own
//! with one row per member and the facts the HTML member list gives, and a quote's summary of
//! the members by occupation class, as the HTML quote has it.

use docx_rs::{Paragraph, Run};
use serde_json::Value;

use super::super::format;
use super::{Block, Writer, fonts, text};

impl Writer<'_> {
    /// The member list, an attachment on a page of its own: the policy number, policyholder
    /// and count, then per member number, name, id, gender, age, (accident) occupation class,
    /// the sum insured of each cover that has one, and the premium.
    pub(super) fn members(&self) -> Result<Vec<Block>, String> {
        let q = self.quote_json();
        let d = self.doc();
        let members = q["members"].as_array().cloned().unwrap_or_default();
        let first = members
            .first()
            .map(|m| m["fields"].clone())
            .unwrap_or_default();
        let has = |f: &str| first.get(f).is_some();
        let occupation =
            d["sections"]["occupation"] == Value::Bool(true) && has("occupation_class");
        let sums: Vec<&Value> = q["coverages"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| c["terms"].get("sum_insured").is_some())
            .collect();
        let mut header = vec![
            self.k("label.no"),
            self.k("label.name"),
            self.k("label.id_number"),
        ];
        let mut weights = vec![6, 11, 20];
        for (field, key, w) in [("gender", "label.gender", 8), ("age", "label.age", 6)] {
            if has(field) {
                header.push(self.k(key));
                weights.push(w);
            }
        }
        if occupation {
            header.push(self.k("label.occupation_class"));
            weights.push(8);
        }
        let unit = self
            .catalogue
            .get(self.lang, &format!("currency_unit.{}", self.currency))
            .unwrap_or(self.currency)
            .to_string();
        for c in &sums {
            header.push(format!(
                "{} {}{}",
                self.name(&c["name"]),
                self.k("term.sum_insured"),
                self.paren(&unit)
            ));
            weights.push(13);
        }
        header.push(self.k("label.premium_per_member"));
        weights.push(13);
        let mut rows = Vec::new();
        for m in &members {
            let gender = text(m, &["fields", "gender"]);
            let mut row = vec![text(m, &["number"]), text(m, &["name"]), text(m, &["id"])];
            if has("gender") {
                row.push(
                    format::gender(&gender, self.lang)
                        .map(str::to_string)
                        .unwrap_or(gender),
                );
            }
            if has("age") {
                row.push(text(m, &["fields", "age"]));
            }
            if occupation {
                row.push(format!(
                    "{}{}{}",
                    self.k("unit.class_before"),
                    text(m, &["fields", "occupation_class"]),
                    self.k("unit.class_after")
                ));
            }
            for c in &sums {
                let si = format::parse_decimal(&text(c, &["terms", "sum_insured"]))
                    .map_err(|e| e.to_string())?;
                row.push(format::number(si));
            }
            row.push(self.money(&text(m, &["total"]))?);
            rows.push(row);
        }
        let heading = self.t(
            "doc.member_list",
            "被保险人清单",
            "Schedule of insured members",
        );
        let caption = [
            ("label.policy_number", text(d, &["policy_number"])),
            ("label.policyholder", text(d, &["policyholder", "name"])),
            (
                "label.insured_count",
                format!(
                    "{}{}",
                    text(d, &["insured", "count"]),
                    self.k("unit.persons")
                ),
            ),
        ]
        .map(|(k, v)| format!("{}{}{v}", self.k(k), self.colon()))
        .join("\u{2003}");
        Ok(vec![
            Block::P(Box::new(
                Paragraph::new()
                    .keep_next(true)
                    .page_break_before(true)
                    .add_run(
                        Run::new()
                            .add_text(heading)
                            .bold()
                            .size(24)
                            .fonts(fonts(true)),
                    ),
            )),
            self.kept(caption),
            // 7.5 pt: an 18-character id fits its column on one line.
            self.table_weighted(header, rows, Some(15), &weights),
        ])
    }

    /// A quote's members by occupation class (the class in words, the count, the total), then
    /// the note that the policy lists each member; only where the HTML quote shows it (a member
    /// list with occupation classes).
    pub(super) fn member_summary(&self) -> Result<Vec<Block>, String> {
        let d = self.doc();
        if d["sections"]["member_list"] != Value::Bool(true)
            || d["sections"]["occupation"] != Value::Bool(true)
        {
            return Ok(Vec::new());
        }
        let members = self.quote_json()["members"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let mut by_class: std::collections::BTreeMap<String, usize> = Default::default();
        for m in &members {
            if !m["fields"]["occupation_class"].is_null() {
                *by_class
                    .entry(text(m, &["fields", "occupation_class"]))
                    .or_default() += 1;
            }
        }
        let mut rows = Vec::new();
        for (class, n) in by_class {
            let name = match class.parse::<i64>() {
                Ok(c @ 1..=6) => format::occupation_class(c, self.lang)
                    .map_err(|e| e.to_string())?
                    .to_string(),
                _ => class,
            };
            rows.push(vec![name, n.to_string()]);
        }
        rows.push(vec![self.k("label.total"), members.len().to_string()]);
        let header = vec![
            self.k("label.occupation_class"),
            self.k("label.members_count"),
        ];
        Ok(vec![
            self.section(self.k("label.member_summary")),
            self.table_kept(header, rows, None, &[3, 1], true),
            self.plain(self.k("notice.member_list_in_policy")),
        ])
    }
}
