//! Word documents (`.docx`) of quotes, policies and payment schedules, for underwriters who
//! edit drafts in Word or WPS.
//!
//! A Word document is built from the same render context as the HTML (checked and filled in
//! by [`document_context`]) and states the same facts: the document number, product, filing
//! and insurer, the parties, the cover period, the coverages with their premiums, the member
//! list, the total in figures and, in Chinese, in capitals (大写), and the instalments of the
//! chosen plan (policy) or of every plan (schedule). Fixed texts come from the message
//! catalogue, with built-in wording where a key is absent.
//!
//! # Invariants
//!
//! - A4 portrait, 2 cm margins; Chinese text declared in 宋体/黑体 (SimSun, SimHei) and
//!   Latin text in Times New Roman/Arial, so Word, WPS and LibreOffice pick a CJK font;
//!   every page footed with its number and the page count (`第 x 页 共 y 页`, `Page x of y`).
//! - The total stated is what the policyholder pays under the chosen plan: the plan's
//!   schedule total when the plan has instalments (loadings and fees included), else the
//!   quote's gross premium; its 大写 is of that same amount.
//! - The same context gives the same bytes: the package carries fixed creation dates and
//!   no clock-dependent field.
//! - Only the quote, policy and schedule exist as Word documents; other kinds are refused
//!   with the list of those that do.

use std::io::Cursor;

use docx_rs::{
    AlignmentType, Docx, Footer, NumPages, PageMargin, PageNum, Paragraph, Run, RunFonts, Table,
    TableCell, TableRow, WidthType,
};
use serde_json::Value;

use super::catalogue::Catalogue;
use super::error::RenderError;
use super::format::{self, Lang};
use super::render::{DocKind, document_context};

/// The documents that can be written as Word.
pub const DOCX_KINDS: [DocKind; 3] = [DocKind::Quote, DocKind::Policy, DocKind::Schedule];

/// The East Asian body and heading fonts declared in every document.
pub const CJK_FONTS: (&str, &str) = ("SimSun", "SimHei");

/// The creation and modification time written into every package.
const FIXED_DATE: &str = "2000-01-01T00:00:00Z";

/// A4 in twentieths of a point, and 2 cm margins.
const A4: (u32, u32) = (11906, 16838);
const MARGIN: i32 = 1134;
/// The text width of an A4 page with those margins, in twentieths of a point.
const TEXT_WIDTH: usize = 11906 - 2 * 1134;

/// Builds the Word document of `kind` in `lang` from a render context (the shape
/// [`document_context`] documents) and returns the `.docx` bytes.
pub fn render_docx(
    catalogue: &Catalogue,
    kind: DocKind,
    lang: Lang,
    context: &Value,
) -> Result<Vec<u8>, RenderError> {
    let template = format!("{}.docx", kind.name());
    if !DOCX_KINDS.contains(&kind) {
        return Err(RenderError::Context {
            template,
            message: "Word output is available for quote, policy and schedule only".to_string(),
        });
    }
    let ctx = document_context(kind, lang, context, &template)?;
    let w = Writer {
        catalogue,
        lang,
        ctx: &ctx,
        currency: ctx["currency"].as_str().unwrap_or("CNY"),
    };
    let body = match kind {
        DocKind::Quote => w.quote(),
        DocKind::Policy => w.policy(),
        _ => w.schedule(),
    }
    .map_err(|message| RenderError::Context {
        template: template.clone(),
        message,
    })?;
    let mut doc = Docx::new()
        .page_size(A4.0, A4.1)
        .page_margin(
            PageMargin::new()
                .top(MARGIN)
                .bottom(MARGIN)
                .left(MARGIN)
                .right(MARGIN),
        )
        .default_fonts(fonts(false))
        .default_size(21)
        .created_at(FIXED_DATE)
        .updated_at(FIXED_DATE)
        .footer(w.footer());
    for block in body {
        doc = match block {
            Block::P(p) => doc.add_paragraph(*p),
            Block::T(t) => doc.add_table(*t),
        };
    }
    let mut out = Cursor::new(Vec::new());
    doc.build()
        .pack(&mut out)
        .map_err(|e| RenderError::Context {
            template,
            message: format!("cannot write the Word package: {e}"),
        })?;
    Ok(out.into_inner())
}

/// Body fonts, or heading fonts when `heading`.
fn fonts(heading: bool) -> RunFonts {
    let (latin, cjk) = if heading {
        ("Arial", CJK_FONTS.1)
    } else {
        ("Times New Roman", CJK_FONTS.0)
    };
    RunFonts::new()
        .ascii(latin)
        .hi_ansi(latin)
        .cs(latin)
        .east_asia(cjk)
}

/// A paragraph or a table of the body.
enum Block {
    P(Box<Paragraph>),
    T(Box<Table>),
}

/// A field of a JSON value by path, as text (`""` when absent or null).
fn text(v: &Value, path: &[&str]) -> String {
    let mut cur = v;
    for key in path {
        cur = &cur[*key];
    }
    match cur {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

struct Writer<'a> {
    catalogue: &'a Catalogue,
    lang: Lang,
    ctx: &'a Value,
    currency: &'a str,
}

impl Writer<'_> {
    /// The catalogue text of `key`, else the built-in wording.
    fn t(&self, key: &str, zh: &str, en: &str) -> String {
        match self.catalogue.get(self.lang, key) {
            Some(s) => s.to_string(),
            None => match self.lang {
                Lang::Zh => zh.to_string(),
                Lang::En => en.to_string(),
            },
        }
    }

    fn quote_json(&self) -> &Value {
        &self.ctx["quote"]
    }

    /// A name with `zh`/`en` parts in the document's language.
    fn name(&self, v: &Value) -> String {
        match v {
            Value::String(s) => s.clone(),
            Value::Object(m) => m
                .get(self.lang.code())
                .or_else(|| m.get("zh"))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            _ => String::new(),
        }
    }

    fn money(&self, amount: &str) -> Result<String, String> {
        let d = format::parse_decimal(amount).map_err(|e| e.to_string())?;
        format::money(d, self.currency, self.lang).map_err(|e| e.to_string())
    }

    fn date(&self, day: &str) -> Result<String, String> {
        let d = format::parse_date(day).map_err(|e| e.to_string())?;
        Ok(format::date(d, self.lang))
    }

    fn colon(&self) -> String {
        self.t("punct.colon", "：", ": ")
    }

    fn footer(&self) -> Footer {
        let run = |s: String| Run::new().add_text(s).size(16);
        Footer::new().add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .add_run(run(self.t("page.before", "第 ", "Page ")))
                .add_page_num(PageNum::new())
                .add_run(run(self.t("page.between", " 页 共 ", " of ")))
                .add_num_pages(NumPages::new())
                .add_run(run(self.t("page.after", " 页", ""))),
        )
    }

    fn heading(&self, s: String, size: usize) -> Block {
        Block::P(Box::new(
            Paragraph::new()
                .align(AlignmentType::Center)
                .add_run(Run::new().add_text(s).bold().size(size).fonts(fonts(true))),
        ))
    }

    fn section(&self, s: String) -> Block {
        Block::P(Box::new(Paragraph::new().keep_next(true).add_run(
            Run::new().add_text(s).bold().size(24).fonts(fonts(true)),
        )))
    }

    fn line(&self, label: String, value: String) -> Block {
        Block::P(Box::new(
            Paragraph::new()
                .add_run(
                    Run::new()
                        .add_text(format!("{label}{}", self.colon()))
                        .bold(),
                )
                .add_run(Run::new().add_text(value)),
        ))
    }

    /// A table with a bold header row; every cell is one paragraph.
    fn table(&self, header: Vec<String>, rows: Vec<Vec<String>>) -> Block {
        let width = TEXT_WIDTH / header.len().max(1);
        let cell = |s: &str, bold: bool| {
            let run = Run::new().add_text(s);
            TableCell::new()
                .width(width, WidthType::Dxa)
                .add_paragraph(Paragraph::new().add_run(if bold { run.bold() } else { run }))
        };
        let mut out = vec![TableRow::new(
            header.iter().map(|h| cell(h, true)).collect(),
        )];
        out.extend(
            rows.iter()
                .map(|r| TableRow::new(r.iter().map(|c| cell(c, false)).collect())),
        );
        Block::T(Box::new(Table::new(out).width(TEXT_WIDTH, WidthType::Dxa)))
    }

    /// Product, filing, insurer, policyholder and cover period.
    fn parties(&self) -> Result<Vec<Block>, String> {
        let q = self.quote_json();
        let cover = format::period(
            format::parse_date(&text(q, &["cover", "start"])).map_err(|e| e.to_string())?,
            format::parse_date(&text(q, &["cover", "end"])).map_err(|e| e.to_string())?,
            self.lang,
        )
        .map_err(|e| e.to_string())?;
        Ok(vec![
            self.line(
                self.t("label.product", "产品名称", "Product"),
                self.name(&q["product"]["name"]),
            ),
            self.line(
                self.t("label.filing", "备案编号", "Filing"),
                self.name(&q["product"]["filing"]),
            ),
            self.line(
                self.t("label.insurer", "保险人", "Insurer"),
                self.name(&q["product"]["insurer"]),
            ),
            self.line(
                self.t("label.policyholder", "投保人", "Policyholder"),
                text(q, &["policyholder", "name"]),
            ),
            self.line(
                self.t("label.cover_period", "保险期间", "Period of cover"),
                cover,
            ),
        ])
    }

    /// The coverages with their terms and premiums, and the gross total.
    fn coverages(&self) -> Result<Vec<Block>, String> {
        let q = self.quote_json();
        let mut rows = Vec::new();
        for c in q["coverages"].as_array().into_iter().flatten() {
            let terms = c["terms"]
                .as_object()
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| {
                            let key = format!("term.{k}");
                            let label = self.catalogue.get(self.lang, &key).unwrap_or(k);
                            format!("{label} {}", text(v, &[]))
                        })
                        .collect::<Vec<_>>()
                        .join("; ")
                })
                .unwrap_or_default();
            rows.push(vec![
                self.name(&c["name"]),
                terms,
                self.money(&text(c, &["premium"]))?,
            ]);
        }
        rows.push(vec![
            self.t("label.total_premium", "保险费合计", "Total premium"),
            String::new(),
            self.money(&text(q, &["totals", "gross"]))?,
        ]);
        Ok(vec![
            self.section(self.t("label.coverage", "保险责任", "Cover")),
            self.table(
                vec![
                    self.t("label.coverage", "保险责任", "Cover"),
                    self.t("label.sum_insured", "保险金额", "Sum insured"),
                    self.t("label.premium", "保险费", "Premium"),
                ],
                rows,
            ),
        ])
    }

    /// The amount payable under the chosen plan, in figures and (zh) in capitals.
    fn total_payable(&self) -> Result<Vec<Block>, String> {
        let q = self.quote_json();
        let payment = &self.ctx["payment"];
        let amount = match text(payment, &["schedule", "total"]) {
            s if !s.is_empty() => s,
            _ => text(q, &["totals", "gross"]),
        };
        let mut out = vec![self.line(
            self.t("label.total_premium", "保险费合计", "Total premium"),
            self.money(&amount)?,
        )];
        if self.lang == Lang::Zh {
            let d = format::parse_decimal(&amount).map_err(|e| e.to_string())?;
            out.push(self.line(
                self.t("label.amount_in_words", "大写", "In words"),
                format::capital(d, self.currency).map_err(|e| e.to_string())?,
            ));
        }
        Ok(out)
    }

    /// The instalment table of one payment option.
    fn instalments(&self, option: &Value) -> Result<Vec<Block>, String> {
        let mode = text(option, &["mode"]);
        let mode_name = format::payment_mode(&mode, self.lang).unwrap_or(mode.as_str());
        let title = match self.name(&option["name"]) {
            n if n.is_empty() => mode_name.to_string(),
            n => n,
        };
        let mut out = vec![self.section(format!(
            "{}{}{title}",
            self.t("label.payment_schedule", "缴费计划", "Payment schedule"),
            self.colon()
        ))];
        let Some(items) = option["schedule"]["instalments"].as_array() else {
            return Ok(out);
        };
        let mut rows = Vec::new();
        for i in items {
            rows.push(vec![
                text(i, &["number"]),
                self.date(&text(i, &["due_date"]))?,
                self.money(&text(i, &["amount"]))?,
            ]);
        }
        rows.push(vec![
            self.t("label.total", "合计", "Total"),
            String::new(),
            self.money(&text(option, &["schedule", "total"]))?,
        ]);
        out.push(self.table(
            vec![
                self.t("label.instalment", "期次", "Instalment"),
                self.t("label.due_date", "应缴日期", "Due date"),
                self.t("label.amount_due", "应缴金额", "Amount due"),
            ],
            rows,
        ));
        Ok(out)
    }

    /// The member list: number, name, id, gender, occupation class, premium.
    fn members(&self) -> Result<Vec<Block>, String> {
        let q = self.quote_json();
        let mut rows = Vec::new();
        for m in q["members"].as_array().into_iter().flatten() {
            let gender = text(m, &["fields", "gender"]);
            let class = text(m, &["fields", "occupation_class"]);
            rows.push(vec![
                text(m, &["number"]),
                text(m, &["name"]),
                text(m, &["id"]),
                format::gender(&gender, self.lang)
                    .map(str::to_string)
                    .unwrap_or(gender),
                class,
                self.money(&text(m, &["total"]))?,
            ]);
        }
        Ok(vec![
            self.section(self.t(
                "label.member_list",
                "被保险人清单",
                "Schedule of insured persons",
            )),
            self.table(
                vec![
                    "#".to_string(),
                    self.t("label.name", "姓名", "Name"),
                    self.t("label.id_number", "证件号码", "ID number"),
                    self.t("label.gender", "性别", "Sex"),
                    self.t("label.occupation_class", "职业类别", "Occupation class"),
                    self.t("label.premium", "保险费", "Premium"),
                ],
                rows,
            ),
        ])
    }

    fn quote(&self) -> Result<Vec<Block>, String> {
        let q = self.quote_json();
        let mut out = vec![
            self.heading(self.t("doc.quote", "报价单", "Quotation"), 36),
            self.line(
                self.t("label.quote_id", "报价单号", "Quote number"),
                text(q, &["quote_id"]),
            ),
            self.line(
                self.t("label.quote_date", "报价日期", "Quote date"),
                self.date(&text(q, &["as_of"]))?,
            ),
            self.line(
                self.t("label.valid_until", "有效期至", "Valid until"),
                self.date(&text(q, &["valid_until"]))?,
            ),
        ];
        out.extend(self.parties()?);
        out.extend(self.coverages()?);
        out.extend(self.total_payable()?);
        for option in q["payment_options"].as_array().into_iter().flatten() {
            out.extend(self.instalments(option)?);
        }
        Ok(out)
    }

    fn policy(&self) -> Result<Vec<Block>, String> {
        let q = self.quote_json();
        let number = format!("DRAFT-{}", text(q, &["quote_id"]));
        let mut out = vec![
            self.heading(
                self.t("doc.policy_schedule", "保险单", "Policy Schedule"),
                36,
            ),
            self.line(
                self.t("label.policy_number", "保险单号", "Policy number"),
                number,
            ),
            self.line(
                self.t("label.issue_date", "签单日期", "Date of issue"),
                self.date(&text(self.ctx, &["issue_date"]))?,
            ),
        ];
        out.extend(self.parties()?);
        let insured_count = q["members"].as_array().map_or(0, Vec::len);
        out.push(self.line(
            self.t("label.insured_count", "被保险人人数", "Number of insured"),
            insured_count.to_string(),
        ));
        out.extend(self.coverages()?);
        out.extend(self.total_payable()?);
        let payment = &self.ctx["payment"];
        if payment.is_object() {
            out.extend(self.instalments(payment)?);
        }
        for clause in q["special_clauses"].as_array().into_iter().flatten() {
            out.push(self.line(
                self.t("label.special_clauses", "特别约定", "Special clauses"),
                self.name(clause),
            ));
        }
        if insured_count > 0 {
            out.extend(self.members()?);
        }
        Ok(out)
    }

    fn schedule(&self) -> Result<Vec<Block>, String> {
        let q = self.quote_json();
        let mut out = vec![
            self.heading(self.t("doc.schedule", "缴费计划表", "Payment Schedule"), 36),
            self.line(
                self.t("label.quote_id", "报价单号", "Quote number"),
                text(q, &["quote_id"]),
            ),
        ];
        out.extend(self.parties()?);
        for option in q["payment_options"].as_array().into_iter().flatten() {
            out.extend(self.instalments(option)?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_quotes_policies_and_schedules_are_word_documents() {
        let ctx = serde_json::json!({"quote": {"currency": "CNY"}});
        let e = render_docx(&Catalogue::empty(), DocKind::Worksheet, Lang::Zh, &ctx);
        assert_eq!(
            e.map_err(|e| e.to_string()),
            Err("render context for `worksheet.docx`: Word output is available for quote, policy and schedule only".to_string())
        );
    }
}
