//! Writes the HTML of a rendered document as Typst markup.
//!
//! The page (A4, margins, running header from the second page on, the "第 x 页 共 y 页" /
//! "Page x of y" footer, the watermark) and the styles are the Typst preamble
//! (`preamble.typ`); the running header, page words and watermark text are read from the
//! document (its `@page` rules and its `.draft-mark`). Each element and class the templates
//! use maps to a preamble function or a Typst element through [`CLASSES`] and
//! [`Writer::block_element`] / [`Writer::inline_element`].
//!
//! # Invariants
//!
//! - Every piece of text from the document is written as a Typst string literal
//!   (`#"…";`), escaped for the string only, so no text (a policyholder's name, say) can be
//!   read as markup or code.
//! - Nothing is dropped silently: an element or class with no mapping is written as plain
//!   text (its children in order) and named in [`Converted::unknown`].

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::html::{Element, Node, parse};

/// The Typst preamble: page, fonts and one function per style.
pub const PREAMBLE: &str = include_str!("preamble.typ");

/// How a class is typeset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClassStyle {
    /// The element's body is passed to this preamble function (`cw-small`, ...).
    Wrap(&'static str),
    /// The element is laid out by the writer itself (masthead, tables, signatures, ...).
    Layout,
    /// A table cell's alignment or width, or a row's weight.
    Cell,
    /// Screen-only or browser-only: nothing to do on paper.
    None,
}

/// Every class the templates use, with its Typst style (see `templates/parts/html.html`).
pub const CLASSES: &[(&str, ClassStyle)] = &[
    ("small", ClassStyle::Wrap("cw-small")),
    ("muted", ClassStyle::Wrap("cw-muted")),
    ("mono", ClassStyle::Wrap("cw-mono")),
    ("nowrap", ClassStyle::Wrap("cw-nowrap")),
    ("capital", ClassStyle::Wrap("cw-capital")),
    ("figures", ClassStyle::Wrap("cw-figures")),
    ("flag", ClassStyle::Wrap("cw-flag")),
    ("label", ClassStyle::Wrap("cw-label")),
    ("summary-total", ClassStyle::Wrap("cw-summary-total")),
    ("insurer", ClassStyle::Wrap("cw-insurer")),
    ("filing", ClassStyle::Wrap("cw-filing")),
    ("subtitle", ClassStyle::Wrap("cw-subtitle")),
    ("title", ClassStyle::Wrap("cw-title")),
    ("box", ClassStyle::Wrap("cw-box")),
    ("docno", ClassStyle::Wrap("cw-docno")),
    ("seal", ClassStyle::Wrap("cw-seal")),
    ("keep", ClassStyle::Layout),
    ("page-break", ClassStyle::Layout),
    ("masthead", ClassStyle::Layout),
    ("rule2", ClassStyle::Layout),
    ("signatures", ClassStyle::Layout),
    ("party", ClassStyle::Layout),
    ("line", ClassStyle::Layout),
    ("draft-mark", ClassStyle::Layout),
    ("summary", ClassStyle::Layout),
    ("pairs", ClassStyle::Layout),
    ("compact", ClassStyle::Layout),
    ("terms", ClassStyle::Layout),
    ("notices", ClassStyle::Layout),
    ("step", ClassStyle::Layout),
    ("num", ClassStyle::Cell),
    ("center", ClassStyle::Cell),
    ("w-cover", ClassStyle::Cell),
    ("w-no", ClassStyle::Cell),
    ("wrap", ClassStyle::Cell),
    ("keep-all", ClassStyle::Cell),
    ("total", ClassStyle::Cell),
    ("sheet", ClassStyle::None),
];

/// Elements laid out as blocks (a new line before and after).
const BLOCK_TAGS: [&str; 20] = [
    "html",
    "body",
    "header",
    "footer",
    "main",
    "section",
    "article",
    "div",
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "table",
    "ul",
    "ol",
    "li",
    "blockquote",
    "hr",
    "head",
];

/// Inline elements written as their Typst counterparts.
const INLINE_TAGS: [&str; 7] = ["span", "b", "strong", "i", "em", "br", "a"];

/// The Typst source of one document, and what had no mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Converted {
    /// The whole Typst source: definitions, preamble and body.
    pub source: String,
    /// Elements (`<tag>`), classes (`tag.class`) and style properties (`style:prop`) written
    /// as plain text because they have no mapping, sorted.
    pub unknown: Vec<String>,
}

/// Converts the HTML of a rendered document to Typst source.
pub fn convert(html: &str) -> Converted {
    let root = parse(html);
    let page = PageText::of(&root);
    let mut w = Writer::default();
    let body = root.find("body").unwrap_or(&root);
    w.blocks(&body.children);
    let mut source = String::with_capacity(PREAMBLE.len() + w.out.len() + 512);
    for (name, value) in [
        ("cw-lang", page.lang.as_str()),
        ("cw-title", page.title.as_str()),
        ("cw-running-left", page.running_left.as_str()),
        ("cw-running-right", page.running_right.as_str()),
        ("cw-page-before", page.page_before.as_str()),
        ("cw-page-between", page.page_between.as_str()),
        ("cw-page-after", page.page_after.as_str()),
        ("cw-watermark", page.watermark.as_str()),
    ] {
        let _ = writeln!(source, "#let {name} = {}", typst_string(value));
    }
    source.push_str(PREAMBLE);
    source.push('\n');
    source.push_str(&w.out);
    Converted {
        source,
        unknown: w.unknown.into_iter().collect(),
    }
}

/// A Typst string literal holding `s` exactly.
pub fn typst_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The texts of the page itself: language, title, running header, page words, watermark.
#[derive(Debug, Default)]
struct PageText {
    lang: String,
    title: String,
    running_left: String,
    running_right: String,
    page_before: String,
    page_between: String,
    page_after: String,
    watermark: String,
}

impl PageText {
    fn of(root: &Element) -> PageText {
        let lang = root
            .find("html")
            .and_then(|h| h.attr("lang"))
            .unwrap_or("zh");
        let css = root.find("style").map(Element::text).unwrap_or_default();
        let words = css_contents(&css, "@bottom-center");
        let watermark = find_class(root, "draft-mark")
            .map(|e| collapse(&e.text()))
            .unwrap_or_default();
        let en = lang.starts_with("en");
        PageText {
            lang: if en { "en" } else { "zh" }.to_string(),
            title: root
                .find("title")
                .map(|t| collapse(&t.text()))
                .unwrap_or_default(),
            running_left: css_contents(&css, "@top-left").concat(),
            running_right: css_contents(&css, "@top-right").concat(),
            page_before: words.first().cloned().unwrap_or_default(),
            page_between: words.get(1).cloned().unwrap_or_else(|| "/".to_string()),
            page_after: words.get(2).cloned().unwrap_or_default(),
            watermark,
        }
    }
}

/// The quoted strings of the first `content:` of the `@page` margin box `rule` (`@top-left`).
fn css_contents(css: &str, rule: &str) -> Vec<String> {
    let Some(at) = css.find(&format!("{rule} {{")) else {
        return Vec::new();
    };
    let rest = &css[at..];
    let Some(content) = rest.find("content:") else {
        return Vec::new();
    };
    let value = &rest[content + "content:".len()..];
    let value = &value[..value.find(';').unwrap_or(value.len())];
    value
        .split('"')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, s)| s.to_string())
        .collect()
}

fn find_class<'a>(e: &'a Element, class: &str) -> Option<&'a Element> {
    if e.has_class(class) {
        return Some(e);
    }
    e.elements().find_map(|c| find_class(c, class))
}

/// Whitespace runs as single spaces, trimmed.
fn collapse(s: &str) -> String {
    s.split_ascii_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_block(node: &Node) -> bool {
    match node {
        Node::Text(_) => false,
        Node::Element(e) => {
            BLOCK_TAGS.contains(&e.tag.as_str())
                || (!INLINE_TAGS.contains(&e.tag.as_str()) && e.children.iter().any(is_block))
        }
    }
}

/// The writer's output and what it found no mapping for.
#[derive(Debug, Default)]
pub(super) struct Writer {
    pub(super) out: String,
    pub(super) unknown: BTreeSet<String>,
}

impl Writer {
    /// Writes `nodes` as blocks: runs of inline nodes become paragraphs.
    pub(super) fn blocks(&mut self, nodes: &[Node]) {
        let mut run: Vec<&Node> = Vec::new();
        for (i, node) in nodes.iter().enumerate() {
            if is_block(node) {
                self.inline_run(&run);
                run.clear();
                if let Node::Element(e) = node {
                    if next_block_avoids_break_before(&nodes[i + 1..]) {
                        // Kept with the block after it (`break-before: avoid` there).
                        self.out.push_str("#cw-sticky[\n");
                        self.block_element(e);
                        self.out.push_str("]\n");
                    } else {
                        self.block_element(e);
                    }
                }
            } else {
                run.push(node);
            }
        }
        self.inline_run(&run);
    }

    /// Writes a run of inline nodes, whitespace collapsed as HTML does.
    fn inline_run(&mut self, run: &[&Node]) {
        let start = self.out.len();
        let mut space = false;
        for node in run {
            self.inline(node, &mut space);
        }
        if self.out[start..].trim().is_empty() {
            self.out.truncate(start);
        } else {
            self.out.push('\n');
        }
    }

    /// Writes one inline node. `space` is whether a space is pending before the next word.
    fn inline(&mut self, node: &Node, space: &mut bool) {
        match node {
            Node::Text(t) => self.text(t, space),
            Node::Element(e) => self.inline_element(e, space),
        }
    }

    fn text(&mut self, t: &str, space: &mut bool) {
        if t.starts_with(|c: char| c.is_ascii_whitespace()) {
            *space = true;
        }
        let words: Vec<&str> = t.split_ascii_whitespace().collect();
        if !words.is_empty() {
            self.pending_space(space);
            self.out.push('#');
            self.out.push_str(&typst_string(&words.join(" ")));
            self.out.push(';');
        }
        if t.ends_with(|c: char| c.is_ascii_whitespace()) {
            *space = true;
        }
    }

    /// Writes a pending space between inline items (as a string: markup spaces next to
    /// embedded expressions are not kept), never at the start of a block or line.
    fn pending_space(&mut self, space: &mut bool) {
        if *space && !self.out.ends_with(['[', '\n']) && !self.out.is_empty() {
            self.out.push_str("#\" \";");
        }
        *space = false;
    }

    fn inline_element(&mut self, e: &Element, space: &mut bool) {
        self.styles(e);
        match e.tag.as_str() {
            "br" => {
                self.out.push_str("#linebreak();");
                *space = false;
                return;
            }
            "span" if e.has_class("line") => {
                let width = style_value(e, "width").filter(|w| is_length(w));
                self.pending_space(space);
                let _ = write!(self.out, "#cw-line({});", width.unwrap_or("30mm"));
                *space = false;
                return;
            }
            _ => {}
        }
        let mut functions: Vec<&str> = Vec::new();
        match e.tag.as_str() {
            "b" | "strong" => functions.push("strong"),
            "i" | "em" => functions.push("emph"),
            "span" | "a" => {}
            other => {
                self.unknown.insert(format!("<{other}>"));
            }
        }
        functions.extend(self.wrappers(e));
        if style_value(e, "white-space") == Some("nowrap") {
            // A box is never broken across lines.
            functions.push("box");
        }
        if functions.is_empty() {
            for c in &e.children {
                self.inline(c, space);
            }
            return;
        }
        self.pending_space(space);
        for f in &functions {
            let _ = write!(self.out, "#{f}[");
        }
        let mut inner = false;
        for c in &e.children {
            self.inline(c, &mut inner);
        }
        for _ in &functions {
            self.out.push(']');
        }
        *space = inner;
    }

    /// The preamble functions the classes of `e` wrap its body in; records unknown classes.
    pub(super) fn wrappers(&mut self, e: &Element) -> Vec<&'static str> {
        let mut out = Vec::new();
        for class in e.classes() {
            match CLASSES.iter().find(|(name, _)| *name == class) {
                Some((_, ClassStyle::Wrap(f))) => out.push(*f),
                Some(_) => {}
                None => {
                    self.unknown.insert(format!("{}.{class}", e.tag));
                }
            }
        }
        out
    }

    /// Records style properties the writer does not honour.
    pub(super) fn styles(&mut self, e: &Element) {
        for (prop, _) in style_decls(e) {
            if !matches!(
                prop.as_str(),
                "width"
                    | "height"
                    | "display"
                    | "text-align"
                    | "break-after"
                    | "break-before"
                    | "white-space"
            ) {
                self.unknown.insert(format!("style:{prop}"));
            }
        }
    }

    fn block_element(&mut self, e: &Element) {
        self.styles(e);
        let tag = e.tag.as_str();
        if e.has_class("draft-mark") || matches!(tag, "head" | "style" | "script" | "title") {
            return;
        }
        if e.has_class("page-break") {
            self.out.push_str("#pagebreak(weak: true)\n");
        }
        match tag {
            "table" => return self.table(e),
            "ul" | "ol" => return self.list(e),
            "hr" => return self.out.push_str("#line(length: 100%, stroke: 0.5pt)\n"),
            _ => {}
        }
        if e.has_class("masthead") {
            return self.masthead(e);
        }
        if e.has_class("signatures") {
            return self.signatures(e);
        }
        if e.has_class("rule2") {
            return self.out.push_str("#cw-rule2\n");
        }
        // A page break cannot sit inside a block: what holds one is laid out transparently.
        let holds_break = e.elements().any(holds_page_break);
        let keep = e.has_class("keep") && !holds_break && !too_tall_to_keep(e);
        let sticky = style_value(e, "break-after") == Some("avoid");
        let right = style_value(e, "text-align") == Some("right");
        let container = match tag {
            _ if holds_break || e.has_class("sheet") => "",
            "h1" if !e.has_class("title") => "cw-title",
            "h2" => "cw-h2",
            "h3" | "h4" => "cw-h3",
            "p" => "cw-p",
            "section" => "cw-section",
            "div" | "li" | "blockquote" => "cw-div",
            "html" | "body" | "header" | "footer" | "main" | "article" | "h1" => "",
            other => {
                self.unknown.insert(format!("<{other}>"));
                "cw-div"
            }
        };
        let mut wraps: Vec<&str> = Vec::new();
        if keep {
            wraps.push("cw-keep");
        }
        if sticky {
            wraps.push("cw-sticky");
        }
        if !container.is_empty() {
            wraps.push(container);
        }
        if right {
            wraps.push("cw-right");
        }
        wraps.extend(self.wrappers(e));
        for f in &wraps {
            let _ = write!(self.out, "#{f}[");
        }
        if !wraps.is_empty() {
            self.out.push('\n');
        }
        self.blocks(&e.children);
        for _ in &wraps {
            self.out.push(']');
        }
        if !wraps.is_empty() {
            self.out.push('\n');
        }
    }

    /// The masthead: its first child on the left, the rest on the right.
    fn masthead(&mut self, e: &Element) {
        let parts: Vec<&Element> = e.elements().collect();
        self.out.push_str("#cw-masthead([\n");
        if let Some(left) = parts.first() {
            self.block_element(left);
        }
        self.out.push_str("], [\n");
        for right in parts.iter().skip(1) {
            self.block_element(right);
        }
        self.out.push_str("])\n");
    }

    /// The signature block: two parties side by side, kept together.
    fn signatures(&mut self, e: &Element) {
        let parties: Vec<&Element> = e.elements().collect();
        self.out.push_str("#cw-signatures([\n");
        if let Some(left) = parties.first() {
            self.blocks(&left.children);
        }
        self.out.push_str("], [\n");
        for right in parties.iter().skip(1) {
            self.blocks(&right.children);
        }
        self.out.push_str("])\n");
    }

    /// A list: `ul.terms` one term a line, `ol` numbered, other `ul` bulleted.
    fn list(&mut self, e: &Element) {
        for class in e.classes() {
            if !CLASSES.iter().any(|(n, _)| *n == class) {
                self.unknown.insert(format!("{}.{class}", e.tag));
            }
        }
        let f = if e.has_class("terms") {
            "cw-terms"
        } else if e.tag == "ol" {
            "cw-notices"
        } else {
            "cw-list"
        };
        let _ = write!(self.out, "#{f}(");
        let mut first = true;
        for item in &e.children {
            match item {
                Node::Element(li) if li.tag == "li" => {
                    if !first {
                        self.out.push_str(", ");
                    }
                    first = false;
                    self.out.push_str("[\n");
                    self.blocks(&li.children);
                    self.out.push(']');
                }
                Node::Text(t) if t.trim_ascii().is_empty() => {}
                other => {
                    if let Node::Element(x) = other {
                        self.unknown.insert(format!("{} in <{}>", x.tag, e.tag));
                    }
                    if !first {
                        self.out.push_str(", ");
                    }
                    first = false;
                    self.out.push_str("[\n");
                    self.blocks(std::slice::from_ref(other));
                    self.out.push(']');
                }
            }
        }
        self.out.push_str(")\n");
    }
}

/// Whether `e` or an element inside it starts a new page.
fn holds_page_break(e: &Element) -> bool {
    e.has_class("page-break") || e.elements().any(holds_page_break)
}

/// Whether a `.keep` element is too tall to keep on one page (it would be cut off): a rough
/// count of its lines.
fn too_tall_to_keep(e: &Element) -> bool {
    fn lines(e: &Element) -> usize {
        let own = match e.tag.as_str() {
            "tr" => 2,
            "li" | "p" | "h3" => 2,
            "h2" => 3,
            "div" if e.has_class("seal") => 9,
            _ => 0,
        };
        own + e.elements().map(lines).sum::<usize>()
    }
    lines(e) + e.text().chars().count() / 120 > 55
}

/// The declarations of an element's `style` attribute, property names lower case.
pub(super) fn style_decls(e: &Element) -> Vec<(String, String)> {
    e.attr("style")
        .unwrap_or("")
        .split(';')
        .filter_map(|d| {
            let (p, v) = d.split_once(':')?;
            Some((p.trim().to_ascii_lowercase(), v.trim().to_string()))
        })
        .collect()
}

pub(super) fn style_value<'a>(e: &'a Element, prop: &str) -> Option<&'a str> {
    let style = e.attr("style")?;
    style.split(';').find_map(|d| {
        let (p, v) = d.split_once(':')?;
        p.trim().eq_ignore_ascii_case(prop).then_some(v.trim())
    })
}

/// Whether the first block of `rest` (after blank text only) asks not to be parted from the
/// block before it (`break-before: avoid`).
fn next_block_avoids_break_before(rest: &[Node]) -> bool {
    for node in rest {
        match node {
            Node::Text(t) if t.trim().is_empty() => {}
            Node::Element(e) if is_block(node) => {
                return style_value(e, "break-before") == Some("avoid");
            }
            _ => return false,
        }
    }
    false
}

/// Whether `s` is a plain CSS length Typst reads the same way (`30mm`, `19%`, `12pt`).
pub(super) fn is_length(s: &str) -> bool {
    let unit = ["mm", "cm", "pt", "em", "%"]
        .iter()
        .find(|u| s.ends_with(**u) && s.len() > u.len());
    match unit {
        Some(u) => {
            let n = &s[..s.len() - u.len()];
            let (whole, fraction) = n.split_once('.').unwrap_or((n, "0"));
            let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
            digits(whole) && digits(fraction)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_are_digits_with_one_optional_fraction_and_a_unit() {
        for ok in ["30mm", "8.5pt", "19%", "1cm", "0.75em"] {
            assert!(is_length(ok), "{ok}");
        }
        for bad in [
            "mm", "auto", "1.2.3mm", ".5mm", "5.mm", "-3mm", "3px", "1e3pt", "3 mm",
        ] {
            assert!(!is_length(bad), "{bad}");
        }
    }

    #[test]
    fn strings_escape_only_what_typst_strings_need() {
        assert_eq!(
            typst_string(r#"#set page(..) "x" \ $y$"#),
            r##""#set page(..) \"x\" \\ $y$""##
        );
        assert_eq!(typst_string("a\nb\u{1}"), "\"a\\nb\\u{1}\"");
    }

    #[test]
    fn text_is_written_as_strings_and_unknown_markup_is_named() {
        let c = convert(
            "<html lang=\"en\"><body><p>A *b* <b>#c</b></p><blink class=\"x\">old</blink><span class=\"odd\">s</span></body></html>",
        );
        assert!(c.source.contains(r##"#cw-p["##), "{}", c.source);
        assert!(
            c.source.contains(r##"#"A *b*";#" ";#strong[#"#c";]"##),
            "{}",
            c.source
        );
        assert!(c.source.contains(r##"#"old";"##));
        assert_eq!(c.unknown, ["<blink>", "blink.x", "span.odd"]);
    }

    #[test]
    fn page_words_come_from_the_style_sheet() {
        let css = r#"@page { @top-left { content: "Insurer"; } @bottom-center { content: "第 " counter(page) " 页 共 " counter(pages) " 页"; } }"#;
        assert_eq!(css_contents(css, "@top-left"), ["Insurer"]);
        assert_eq!(
            css_contents(css, "@bottom-center"),
            ["第 ", " 页 共 ", " 页"]
        );
    }
}
