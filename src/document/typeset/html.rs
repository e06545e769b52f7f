//! A small, tolerant HTML parser for the markup the document templates produce.
//!
//! It reads elements with their attributes, text (with character references decoded),
//! comments and the document type (both skipped), and the raw text of `<style>` and
//! `<script>`. It never fails: a closing tag with no open element of its name is ignored, an
//! element left open is closed at the end of its parent or of the input, and a `<` that
//! starts no tag is text. Void elements (`br`, `meta`, `img`, ...) have no children.
//!
//! Invariant: the text of the input is kept in order; nothing but comments, the document
//! type and tags is dropped.

/// One node of the tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// An element with its children.
    Element(Element),
    /// Text, character references decoded, whitespace as written.
    Text(String),
}

/// An element: its lower-case tag name, attributes in order and children.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Element {
    /// The tag name, lower case.
    pub tag: String,
    /// The attributes, names lower case, values decoded.
    pub attrs: Vec<(String, String)>,
    /// The children.
    pub children: Vec<Node>,
}

impl Element {
    /// The value of attribute `name`, if present.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The element's classes.
    pub fn classes(&self) -> impl Iterator<Item = &str> {
        self.attr("class").unwrap_or("").split_whitespace()
    }

    /// Whether the element has class `class`.
    pub fn has_class(&self, class: &str) -> bool {
        self.classes().any(|c| c == class)
    }

    /// The child elements.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The first descendant (or this element) with tag `tag`, depth first.
    pub fn find(&self, tag: &str) -> Option<&Element> {
        if self.tag == tag {
            return Some(self);
        }
        self.elements().find_map(|e| e.find(tag))
    }

    /// All text below the element, concatenated.
    pub fn text(&self) -> String {
        let mut out = String::new();
        collect_text(&self.children, &mut out);
        out
    }
}

fn collect_text(nodes: &[Node], out: &mut String) {
    for n in nodes {
        match n {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) => collect_text(&e.children, out),
        }
    }
}

/// Elements that never have children.
const VOID: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Elements whose content is raw text up to their closing tag.
const RAW: [&str; 2] = ["style", "script"];

/// Parses `html` into a root element (tag `#root`) holding the top-level nodes.
pub fn parse(html: &str) -> Element {
    let mut stack: Vec<Element> = vec![Element {
        tag: "#root".to_string(),
        ..Element::default()
    }];
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            push_text(&mut stack, rest);
            break;
        };
        if lt > 0 {
            push_text(&mut stack, &rest[..lt]);
            rest = &rest[lt..];
        }
        rest = if let Some(after) = rest.strip_prefix("<!--") {
            after.find("-->").map_or("", |end| &after[end + 3..])
        } else if rest.starts_with("<!") || rest.starts_with("<?") {
            rest.find('>').map_or("", |end| &rest[end + 1..])
        } else if let Some(after) = rest.strip_prefix("</") {
            let end = after.find('>').unwrap_or(after.len());
            close(
                &mut stack,
                after[..end].trim().to_ascii_lowercase().as_str(),
            );
            after.get(end + 1..).unwrap_or("")
        } else if let Some((element, self_closing, after)) = open_tag(&rest[1..]) {
            open(&mut stack, element, self_closing, after)
        } else {
            push_text(&mut stack, "<");
            &rest[1..]
        };
    }
    while stack.len() > 1 {
        pop(&mut stack);
    }
    stack.pop().unwrap_or_default()
}

/// Adds an opened element; returns the input after it (after its raw text for `style`).
fn open<'a>(
    stack: &mut Vec<Element>,
    mut element: Element,
    self_closing: bool,
    after: &'a str,
) -> &'a str {
    if RAW.contains(&element.tag.as_str()) {
        let close = format!("</{}", element.tag);
        let end = find_ascii_ci(after, &close).unwrap_or(after.len());
        element.children.push(Node::Text(after[..end].to_string()));
        push_node(stack, Node::Element(element));
        let rest = &after[end..];
        return rest.find('>').map_or("", |g| &rest[g + 1..]);
    }
    if self_closing || VOID.contains(&element.tag.as_str()) {
        push_node(stack, Node::Element(element));
    } else {
        stack.push(element);
    }
    after
}

fn find_ascii_ci(haystack: &str, needle: &str) -> Option<usize> {
    let h = haystack.as_bytes();
    let n = needle.as_bytes();
    (0..h.len().saturating_sub(n.len() - 1)).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// Reads a start tag after its `<`: the element, whether it ends with `/>`, and the rest.
fn open_tag(s: &str) -> Option<(Element, bool, &str)> {
    let name_len = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or(s.len());
    if name_len == 0 || !s.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let mut element = Element {
        tag: s[..name_len].to_ascii_lowercase(),
        ..Element::default()
    };
    let mut rest = &s[name_len..];
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("/>") {
            return Some((element, true, after));
        }
        if let Some(after) = rest.strip_prefix('>') {
            return Some((element, false, after));
        }
        if rest.is_empty() {
            return Some((element, false, rest));
        }
        let name_end = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '=' | '>' | '/'))
            .unwrap_or(rest.len());
        if name_end == 0 {
            // A stray `/` or `=`: skip it.
            rest = &rest[1..];
            continue;
        }
        let name = rest[..name_end].to_ascii_lowercase();
        rest = rest[name_end..].trim_start();
        let value = if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (raw, next) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let body = &after[1..];
                    let end = body.find(q).unwrap_or(body.len());
                    (&body[..end], body.get(end + 1..).unwrap_or(""))
                }
                _ => {
                    let end = after
                        .find(|c: char| c.is_whitespace() || c == '>')
                        .unwrap_or(after.len());
                    (&after[..end], &after[end..])
                }
            };
            rest = next;
            decode(raw)
        } else {
            String::new()
        };
        element.attrs.push((name, value));
    }
}

fn push_text(stack: &mut [Element], raw: &str) {
    let text = decode(raw);
    if let Some(top) = stack.last_mut() {
        if let Some(Node::Text(prev)) = top.children.last_mut() {
            prev.push_str(&text);
        } else {
            top.children.push(Node::Text(text));
        }
    }
}

fn push_node(stack: &mut [Element], node: Node) {
    if let Some(top) = stack.last_mut() {
        top.children.push(node);
    }
}

fn pop(stack: &mut Vec<Element>) {
    if let Some(done) = stack.pop() {
        push_node(stack, Node::Element(done));
    }
}

/// Closes the innermost open element named `tag` and those opened inside it; ignored when
/// none is open.
fn close(stack: &mut Vec<Element>, tag: &str) {
    if let Some(at) = stack.iter().rposition(|e| e.tag == tag)
        && at > 0
    {
        while stack.len() > at {
            pop(stack);
        }
    }
}

/// Decodes character references: the named ones HTML escaping produces, and numeric ones.
/// An unknown or malformed reference is kept as written.
pub fn decode(raw: &str) -> String {
    if !raw.contains('&') {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .map(|i| i + 1);
        let decoded = match end {
            Some(end) if rest[end..].starts_with(';') => {
                reference(&rest[1..end]).map(|c| (c, end + 1))
            }
            _ => None,
        };
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn reference(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "ensp" => '\u{2002}',
        "emsp" => '\u{2003}',
        "thinsp" => '\u{2009}',
        "mdash" => '—',
        "ndash" => '–',
        "middot" => '·',
        "times" => '×',
        "yen" => '¥',
        "copy" => '©',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_elements_attributes_and_references() {
        let root = parse(
            "<!DOCTYPE html><!-- c --><p class='a b' x=1>A &amp; B&nbsp;<b>C</b><br>D &#x4E2D;&#25991;&emsp;&bogus;</p>",
        );
        let p = root.find("p").expect("p");
        assert_eq!(p.attr("x"), Some("1"));
        assert!(p.has_class("b"));
        assert_eq!(p.text(), "A & B\u{a0}CD 中文\u{2003}&bogus;");
        assert_eq!(
            p.elements().map(|e| e.tag.as_str()).collect::<Vec<_>>(),
            ["b", "br"]
        );
    }

    #[test]
    fn stray_and_missing_closing_tags_are_tolerated() {
        let root = parse("<div><span>a</i>b<p>c</div>d < e");
        let div = root.find("div").expect("div");
        assert_eq!(div.text(), "abc");
        assert_eq!(root.text(), "abcd < e");
    }

    #[test]
    fn style_content_is_raw_text() {
        let root = parse("<style>a < b { content: \"</p>\" }</style><p>x</p>");
        assert_eq!(
            root.find("style").map(Element::text).as_deref(),
            Some("a < b { content: \"</p>\" }")
        );
        assert_eq!(root.find("p").map(Element::text).as_deref(), Some("x"));
    }
}
