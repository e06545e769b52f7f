//! Word documents (`.docx`) of quotes, policies and payment schedules, for underwriters who
//! edit drafts in Word or WPS.
//!
//! A Word document is built from the same render context as the HTML (checked and filled in
//! by [`document_context`]), and its facts come from the document model under `doc`
//! ([`super::model`]): the document number and issue date, product, filing, the insurer
//! with its address, service phone and website, the policyholder with id, address and
//! contact, the insured (inline, the exporter, or the count), beneficiaries of death cover,
//! the cover period, the covers with their clauses and premiums, the buyer schedule and credit
//! terms of export credit, the amount payable under the chosen plan in figures and in words
//! (大写, `SAY … ONLY`), the instalments of the chosen plan (policy) or of every plan (quote,
//! schedule) with fees and grace dates, the grace wording, exclusions, special clauses, the
//! dispute clause, a policy's draft notice and signature block with the seal, a quote's taxes
//! and notices, and the member list (parts in `payment`, `notices`, `taxes`). Fixed texts
//! come from the message catalogue, with built-in wording where a key is absent. A pension
//! quote's documents carry its pension part as the HTML does: the benefits (sentences made by
//! the template `parts/pension_docx.txt` from the same text components as the HTML), the
//! scenarios of an account and the 利益演示表 by policy year.
//!
//! # Invariants
//!
//! - A4 portrait, 2 cm margins; Chinese text declared in 宋体/黑体 (SimSun, SimHei) and
//!   Latin text in Times New Roman/Arial, so Word, WPS and LibreOffice pick a CJK font;
//!   every page footed with its number and the page count (`第 x 页 共 y 页`, `Page x of y`);
//!   a table's header row is repeated on each page the table runs onto.
//! - The total stated is the model's amount payable under the chosen plan (loadings and fees
//!   included) and its words are of that same amount; the instalments shown add up to it.
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
use super::engine::Renderer;
use super::error::RenderError;
use super::format::{self, Lang};
use super::render::{DocKind, document_context};

mod credit;
mod members;
mod notices;
mod payment;
mod pension;
mod taxes;

/// The documents that can be written as Word.
pub const DOCX_KINDS: [DocKind; 3] = [DocKind::Quote, DocKind::Policy, DocKind::Schedule];

/// The East Asian body and heading fonts declared in every document.
pub const CJK_FONTS: (&str, &str) = ("SimSun", "SimHei");

/// The template of the pension part's benefit lines (`label<TAB>text`).
const PENSION_LINES: &str = "parts/pension_docx.txt";

/// The template of the covers' terms (a line per cover, its items tab-separated), worded and
/// formatted as the HTML's.
const TERMS_LINES: &str = "parts/terms_docx.txt";

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
    renderer: &Renderer,
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
    let pension_lines = if ctx["doc"]["pension"].is_object() {
        renderer.render(PENSION_LINES, &ctx)?
    } else {
        String::new()
    };
    let terms_lines = renderer.render(TERMS_LINES, &ctx)?;
    let w = Writer {
        terms_lines: &terms_lines,
        catalogue: renderer.catalogue(),
        lang,
        ctx: &ctx,
        currency: ctx["currency"].as_str().unwrap_or("CNY"),
        pension_lines: &pension_lines,
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
    let mut xml = doc.build();
    xml.document = repeat_headers(&xml.document);
    let mut out = Cursor::new(Vec::new());
    xml.pack(&mut out).map_err(|e| RenderError::Context {
        template,
        message: format!("cannot write the Word package: {e}"),
    })?;
    Ok(out.into_inner())
}

/// How docx-rs writes the properties of a row that cannot split: in these documents only a
/// table's header row.
const HEADER_ROW: &str = "<w:trPr><w:cantSplit />";

/// The document XML with every header row (`HEADER_ROW`) marked as a header (`w:tblHeader`),
/// so Word, WPS and LibreOffice repeat it at the top of each page a table runs onto (docx-rs
/// 0.4 has no setter for `w:tblHeader`).
fn repeat_headers(document: &[u8]) -> Vec<u8> {
    let xml = String::from_utf8_lossy(document);
    xml.replace(HEADER_ROW, &format!("{HEADER_ROW}<w:tblHeader />"))
        .into_bytes()
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

/// Keeps the last block, a paragraph, on the page of the block after it (a table is left as
/// it is).
fn keep_last(out: &mut [Block]) {
    if let Some(Block::P(p)) = out.last_mut() {
        let kept = std::mem::take(p.as_mut()).keep_next(true);
        **p = kept;
    }
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
    /// The pension part's benefit lines, `label<TAB>text` (empty without a pension part).
    pension_lines: &'a str,
    /// The covers' terms: a line per cover, `number<TAB>item<TAB>item…`.
    terms_lines: &'a str,
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

    /// A ratio (`0.8`) as a percentage (`80%`); the text itself when it is no number.
    fn percent(&self, ratio: &str) -> String {
        format::parse_decimal(ratio)
            .ok()
            .and_then(|d| format::percent(d).ok())
            .unwrap_or_else(|| ratio.to_string())
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
        self.table_sized(header, rows, None)
    }

    /// [`Self::table`] with its text in `size` half-points (the body size when `None`), for
    /// tables of many columns whose amounts must not break.
    fn table_sized(
        &self,
        header: Vec<String>,
        rows: Vec<Vec<String>>,
        size: Option<usize>,
    ) -> Block {
        let weights = vec![1; header.len()];
        self.table_weighted(header, rows, size, &weights)
    }

    /// [`Self::table_sized`] with each column's share of the text width in proportion to
    /// its weight, so a name column is wide enough for its words.
    fn table_weighted(
        &self,
        header: Vec<String>,
        rows: Vec<Vec<String>>,
        size: Option<usize>,
        weights: &[usize],
    ) -> Block {
        self.table_kept(header, rows, size, weights, false)
    }

    /// [`Self::table_weighted`], kept on one page with the paragraph after it when `keep`
    /// (every cell's paragraph is kept with the next), for short tables such as a plan's
    /// instalments with its total in words.
    fn table_kept(
        &self,
        header: Vec<String>,
        rows: Vec<Vec<String>>,
        size: Option<usize>,
        weights: &[usize],
        keep: bool,
    ) -> Block {
        let total: usize = weights.iter().sum::<usize>().max(1);
        let widths: Vec<usize> = weights.iter().map(|w| TEXT_WIDTH * w / total).collect();
        let cell = |i: usize, s: &str, bold: bool| {
            let run = Run::new().add_text(s);
            let run = match size {
                Some(n) => run.size(n),
                None => run,
            };
            let width = widths.get(i).copied().unwrap_or(TEXT_WIDTH / total);
            TableCell::new().width(width, WidthType::Dxa).add_paragraph(
                Paragraph::new()
                    .keep_next(keep)
                    .add_run(if bold { run.bold() } else { run }),
            )
        };
        // The header row is repeated on each page (`HEADER_ROW` marks it for `repeat_headers`).
        let mut out = vec![
            TableRow::new(
                header
                    .iter()
                    .enumerate()
                    .map(|(i, h)| cell(i, h, true))
                    .collect(),
            )
            .cant_split(),
        ];
        out.extend(rows.iter().map(|r| {
            TableRow::new(
                r.iter()
                    .enumerate()
                    .map(|(i, c)| cell(i, c, false))
                    .collect(),
            )
        }));
        Block::T(Box::new(
            Table::new(out)
                .width(TEXT_WIDTH, WidthType::Dxa)
                .set_grid(widths.clone()),
        ))
    }

    /// Label and value pairs, two pairs a row, in a table of four columns (the labels bold),
    /// kept on one page (every cell's paragraph is kept with the next).
    fn pairs(&self, items: Vec<(String, String)>) -> Block {
        let widths = [22, 28, 22, 28].map(|w| TEXT_WIDTH * w / 100);
        let cell = |i: usize, s: &str, bold: bool| {
            let run = Run::new().add_text(s);
            TableCell::new()
                .width(widths[i], WidthType::Dxa)
                .add_paragraph(Paragraph::new().keep_next(true).add_run(if bold {
                    run.bold()
                } else {
                    run
                }))
        };
        let rows = items
            .chunks(2)
            .map(|pair| {
                let mut cells = Vec::new();
                for (j, (label, value)) in pair.iter().enumerate() {
                    cells.push(cell(2 * j, label, true));
                    cells.push(cell(2 * j + 1, value, false));
                }
                if pair.len() == 1 {
                    cells.push(cell(2, "", true));
                    cells.push(cell(3, "", false));
                }
                TableRow::new(cells)
            })
            .collect();
        Block::T(Box::new(
            Table::new(rows)
                .width(TEXT_WIDTH, WidthType::Dxa)
                .set_grid(widths.to_vec()),
        ))
    }

    /// The document model of the context (`doc`), as its JSON.
    fn doc(&self) -> &Value {
        &self.ctx["doc"]
    }

    /// The catalogue text of `key` when it has one, else `key` itself (codes the model
    /// already translated).
    fn k(&self, key: &str) -> String {
        self.catalogue
            .get(self.lang, key)
            .unwrap_or(key)
            .to_string()
    }

    /// `—` for an empty value.
    fn or_dash(s: String) -> String {
        if s.is_empty() { "—".to_string() } else { s }
    }

    /// `n` days in the document's language.
    fn days(&self, n: &str) -> String {
        format!("{n}{}", self.t("unit.days", "天", " days"))
    }

    /// Product, filing, insurer, the parties and the cover period, from the document model.
    fn parties(&self) -> Result<Vec<Block>, String> {
        let d = self.doc();
        // A pension for life is covered for life, as the HTML says: not to the last day of the
        // life table, which the quote's cover end holds.
        let cover = if d["pension"]["for_life"] == Value::Bool(true) {
            format!(
                "{}{}{}",
                self.t("pension.cover_life_before", "自 ", "From 00:00 on "),
                self.date(&text(d, &["pension", "cover_start"]))?,
                self.t(
                    "pension.cover_life_after",
                    "零时起终身，至被保险人身故时止",
                    " for life, ending on the death of the insured"
                )
            )
        } else {
            format::period(
                format::parse_date(&text(d, &["cover", "start"])).map_err(|e| e.to_string())?,
                format::parse_date(&text(d, &["cover", "end"])).map_err(|e| e.to_string())?,
                self.lang,
            )
            .map_err(|e| e.to_string())?
        };
        let mut out = vec![
            self.line(
                self.t("label.product", "产品名称", "Product"),
                text(d, &["product", "name"]),
            ),
            self.line(
                self.k("label.product_version"),
                format!(
                    "{} {}",
                    text(d, &["product", "code"]),
                    text(d, &["product", "version"])
                ),
            ),
            self.line(
                self.t("label.filing", "备案编号", "Filing"),
                text(d, &["product", "filing"]),
            ),
            self.line(
                self.t("label.insurer", "保险人", "Insurer"),
                text(d, &["insurer", "name"]),
            ),
        ];
        out.extend(self.insurer_contact());
        out.extend([
            self.line(
                self.t("label.policyholder", "投保人", "Policyholder"),
                text(d, &["policyholder", "name"]),
            ),
            self.line(
                self.t("label.id_number", "证件号码", "ID number"),
                Self::or_dash(text(d, &["policyholder", "id"])),
            ),
            self.line(
                self.t("label.address", "地址", "Address"),
                Self::or_dash(text(d, &["policyholder", "address"])),
            ),
            self.line(
                self.t("label.contact", "联系方式", "Contact"),
                Self::or_dash(text(d, &["policyholder", "contact"])),
            ),
        ]);
        out.push(self.insured_line());
        if d["sections"]["beneficiaries"] == Value::Bool(true) {
            out.push(self.line(
                self.t("label.beneficiary", "受益人", "Beneficiary"),
                self.beneficiaries(),
            ));
        }
        out.push(self.line(
            self.t("label.cover_period", "保险期间", "Period of cover"),
            cover,
        ));
        Ok(out)
    }

    /// Who is insured: the exporter, the one insured named inline, or the member count.
    fn insured_line(&self) -> Block {
        let d = self.doc();
        let label = self.t("label.insured", "被保险人", "Insured");
        let named = &d["insured"]["named"];
        if d["sections"]["buyers"] == Value::Bool(true) {
            let exporter = self.t("label.exporter", "出口企业", "the exporter");
            let (open, close) = (
                self.t("punct.open", "（", " ("),
                self.t("punct.close", "）", ")"),
            );
            return self.line(
                label,
                format!("{}{open}{exporter}{close}", text(named, &["name"])),
            );
        }
        if named.is_object() {
            let id = text(named, &["id"]);
            return self.line(
                label,
                match id.is_empty() {
                    true => text(named, &["name"]),
                    false => format!("{} {id}", text(named, &["name"])),
                },
            );
        }
        self.line(
            self.t("label.insured_count", "被保险人人数", "Number of insured"),
            text(d, &["insured", "count"]),
        )
    }

    /// 法定 or the named beneficiaries by rank and share.
    fn beneficiaries(&self) -> String {
        let b = &self.doc()["beneficiaries"];
        if b["legal"] != Value::Bool(false) {
            return self.t("label.beneficiary_legal", "法定", "The heirs at law");
        }
        let sep = self.t("punct.list_sep", "；", "; ");
        b["named"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| {
                let share = format::parse_decimal(&text(r, &["share"]))
                    .ok()
                    .and_then(|s| format::percent(s).ok())
                    .unwrap_or_default();
                format!(
                    "{}{}{} {} {share}",
                    self.t("unit.rank_before", "第", "Rank "),
                    text(r, &["rank"]),
                    self.t("unit.rank_after", "顺位", ":"),
                    text(r, &["name"])
                )
            })
            .collect::<Vec<_>>()
            .join(&sep)
    }

    /// The terms of cover `number` (from 1), as the HTML words and formats them.
    fn terms(&self, number: usize) -> String {
        let number = number.to_string();
        self.terms_lines
            .lines()
            .map(|l| l.split('\t'))
            .find_map(|mut items| (items.next() == Some(number.as_str())).then_some(items))
            .map(|items| {
                items
                    .map(str::trim)
                    .collect::<Vec<_>>()
                    .join(&self.t("punct.list_sep", "；", "; "))
            })
            .unwrap_or_default()
    }

    /// The coverages with their clause, terms and premiums, and the annual premium.
    fn coverages(&self) -> Result<Vec<Block>, String> {
        let q = self.quote_json();
        let clauses = self.doc()["clauses"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let mut rows = Vec::new();
        for (i, c) in q["coverages"].as_array().into_iter().flatten().enumerate() {
            let terms = self.terms(i + 1);
            let clause = clauses.get(i).cloned().unwrap_or(Value::Null);
            let mut name = match text(&clause, &["name"]) {
                n if n.is_empty() => self.name(&c["name"]),
                n => n,
            };
            let version = text(&clause, &["clause"]);
            if !version.is_empty() {
                name = format!(
                    "{name}{}{}{}{version}",
                    self.t("punct.list_sep", "；", "; "),
                    self.t("label.clause_version", "条款", "Clause version"),
                    self.colon()
                );
            }
            rows.push(vec![name, terms, self.money(&text(c, &["premium"]))?]);
        }
        let tax = text(q, &["totals", "tax"]);
        let mut annual = self.t("label.annual_premium_total", "保险费合计", "Annual premium");
        if !tax.is_empty() && tax != "0" && tax != "0.00" {
            annual.push_str(&self.paren(&format!(
                "{} {}",
                self.k("label.tax_total"),
                self.money(&tax)?
            )));
        }
        rows.push(vec![
            annual,
            String::new(),
            self.money(&text(self.doc(), &["premium"]))?,
        ]);
        Ok([
            self.section(self.t("label.covers_and_clauses", "保险责任", "Cover")),
            self.table(
                vec![
                    self.t("label.coverage", "保险责任", "Cover"),
                    self.t("label.terms", "保障内容", "Terms of cover"),
                    self.t("label.premium", "保险费", "Premium"),
                ],
                rows,
            ),
        ]
        .into_iter()
        .chain(self.scales())
        .collect())
    }

    /// The amount payable under the chosen plan, in figures and in words (大写 or
    /// `SAY … ONLY`), as the model states it.
    fn total_payable(&self) -> Result<Vec<Block>, String> {
        let d = self.doc();
        Ok([
            self.line(
                self.t(
                    "label.total_payable",
                    "应缴保险费合计",
                    "Total premium payable",
                ),
                self.money(&text(d, &["payable"]))?,
            ),
            self.line(
                self.t("label.amount_in_words", "大写", "In words"),
                text(d, &["payable_in_words"]),
            ),
        ]
        .into_iter()
        .chain(self.loading_line()?)
        .collect())
    }

    /// Exclusions, special clauses, the dispute clause, and the insurer's contact details.
    fn closing(&self) -> Vec<Block> {
        let d = self.doc();
        let mut out = Vec::new();
        // `keep`: each item is kept with the next paragraph, so the special clauses and the
        // dispute clause after them share a page.
        let list =
            |key: &str, zh: &str, en: &str, items: &Value, keep: bool, out: &mut Vec<Block>| {
                let items: Vec<String> = items
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect();
                if items.is_empty() {
                    return false;
                }
                out.push(self.section(self.t(key, zh, en)));
                for (i, item) in items.iter().enumerate() {
                    let p =
                        Paragraph::new().add_run(Run::new().add_text(format!("{}. {item}", i + 1)));
                    out.push(Block::P(Box::new(p.keep_next(keep))));
                }
                true
            };
        list(
            "label.exclusions",
            "责任免除",
            "Exclusions",
            &d["exclusions"],
            false,
            &mut out,
        );
        if !list(
            "label.special_clauses",
            "特别约定",
            "Special clauses",
            &d["special_clauses"],
            true,
            &mut out,
        ) {
            out.push(self.section(self.t("label.special_clauses", "特别约定", "Special clauses")));
            let none = self.t("notice.no_special_clauses", "无。", "None.");
            out.push(Block::P(Box::new(
                Paragraph::new()
                    .add_run(Run::new().add_text(none))
                    .keep_next(true),
            )));
        }
        out.push(self.section(self.t(
            "label.dispute_resolution",
            "争议处理",
            "Dispute resolution",
        )));
        let clause = match text(d, &["dispute", "kind"]).as_str() {
            "arbitration" => format!(
                "{}{}{}{}{}",
                self.t("notice.dispute_arbitration", "", ""),
                self.t(
                    "label.arbitration_body",
                    "仲裁机构",
                    "Arbitration commission"
                ),
                self.colon(),
                text(d, &["dispute", "body"]),
                self.t("punct.sentence_end", "。", "."),
            ),
            "litigation" => self.t("notice.dispute_court", "", ""),
            _ => self.t("notice.dispute_resolution", "", ""),
        };
        // Kept with the signature block after it.
        out.push(self.kept(clause));
        out
    }

    /// The insurer's address, service phone and website, those its profile gives.
    fn insurer_contact(&self) -> Vec<Block> {
        let d = self.doc();
        let mut out = Vec::new();
        for (key, zh, en, field) in [
            ("label.address", "地址", "Address", "address"),
            ("label.service_phone", "客服电话", "Service phone", "phone"),
            ("label.website", "网址", "Website", "website"),
        ] {
            let v = text(d, &["insurer", field]);
            if !v.is_empty() {
                out.push(self.line(self.t(key, zh, en), v));
            }
        }
        out
    }

    /// A paragraph of plain text.
    fn plain(&self, s: String) -> Block {
        Block::P(Box::new(Paragraph::new().add_run(Run::new().add_text(s))))
    }

    /// A paragraph of plain text kept on the page of the next one.
    fn kept(&self, s: String) -> Block {
        Block::P(Box::new(
            Paragraph::new()
                .keep_next(true)
                .add_run(Run::new().add_text(s)),
        ))
    }

    fn quote(&self) -> Result<Vec<Block>, String> {
        let q = self.quote_json();
        let mut out = vec![
            self.heading(self.t("doc.quote", "报价单", "Quotation"), 36),
            self.heading(
                format!(
                    "{}{}",
                    text(self.doc(), &["product", "name"]),
                    self.paren(&self.k("doc.proposal"))
                ),
                24,
            ),
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
        out.extend(self.pension()?);
        out.extend(self.coverages()?);
        // The annual premium in words and figures closes the taxes, as in the HTML quote.
        out.extend(self.taxes()?);
        for plan in self.doc()["plans"].as_array().into_iter().flatten() {
            out.extend(self.instalments(plan)?);
        }
        out.extend(self.member_summary()?);
        out.extend(self.quote_notices()?);
        Ok(out)
    }

    fn policy(&self) -> Result<Vec<Block>, String> {
        let d = self.doc();
        let mut out = vec![
            self.heading(
                self.t("doc.policy_schedule", "保险单", "Policy Schedule"),
                36,
            ),
            self.heading(
                format!(
                    "{}{}",
                    text(d, &["product", "name"]),
                    self.paren(&self.k("doc.draft"))
                ),
                24,
            ),
            self.plain(self.k("notice.policy_draft")),
            self.line(
                self.t("label.policy_number", "保险单号", "Policy number"),
                text(d, &["policy_number"]),
            ),
            self.line(
                self.t("label.issue_date", "签单日期", "Date of issue"),
                self.date(&text(d, &["issue_date"]))?,
            ),
        ];
        out.extend(self.parties()?);
        out.extend(self.total_payable()?);
        out.push(self.payment_mode_line()?);
        out.extend(self.cooling_off_line());
        out.extend(self.pension()?);
        out.extend(self.coverages()?);
        if d["sections"]["buyers"] == Value::Bool(true) {
            out.extend(self.buyers()?);
        }
        out.extend(self.payment_terms()?);
        out.extend(self.closing());
        out.extend(self.signatures()?);
        if d["sections"]["member_list"] == Value::Bool(true) {
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
            self.line(
                self.t("label.quote_date", "报价日期", "Quote date"),
                self.date(&text(q, &["as_of"]))?,
            ),
        ];
        out.extend(self.parties()?);
        out.extend(self.pension()?);
        out.extend(self.schedule_summary()?);
        for plan in self.doc()["plans"].as_array().into_iter().flatten() {
            out.extend(self.instalments(plan)?);
        }
        // The last plan's total in words stays with the closing lines after it.
        keep_last(&mut out);
        out.extend(self.schedule_end()?);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_quotes_policies_and_schedules_are_word_documents() {
        let ctx = serde_json::json!({"quote": {"currency": "CNY"}});
        let renderer = Renderer::new(std::path::Path::new("templates")).unwrap();
        let e = render_docx(&renderer, DocKind::Worksheet, Lang::Zh, &ctx);
        assert_eq!(
            e.map_err(|e| e.to_string()),
            Err("render context for `worksheet.docx`: Word output is available for quote, policy and schedule only".to_string())
        );
    }
}
