//! Formula scope: the names formulas may use (inputs, coverage terms, built-ins, tables,
//! earlier steps), and compiling a formula against them with located errors.

use super::*;

#[derive(Default)]
pub(super) struct Names2 {
    pub(super) map: HashMap<String, (Ref, Ty, Scope)>,
    pub(super) tables: HashMap<String, TableSig>,
    pub(super) life: HashMap<String, u16>,
    /// Tables declared but rejected: formulas using them are not reported again.
    pub(super) broken: HashSet<String>,
}

impl Resolve for Names2 {
    fn name(&self, name: &str) -> Option<(Ref, Ty, Scope)> {
        self.map.get(name).copied()
    }
    fn table(&self, name: &str) -> Option<&TableSig> {
        self.tables.get(name)
    }
    fn life_table(&self, name: &str) -> Option<u16> {
        self.life.get(name).copied()
    }
    fn candidates(&self) -> Vec<String> {
        let mut v: Vec<String> = self.map.keys().cloned().collect();
        v.sort();
        v
    }
    fn table_candidates(&self) -> Vec<String> {
        let mut v: Vec<String> = self.tables.keys().chain(&self.broken).cloned().collect();
        v.sort();
        v
    }
    fn life_table_candidates(&self) -> Vec<String> {
        let mut v: Vec<String> = self.life.keys().cloned().collect();
        v.sort();
        v
    }
    fn broken(&self, name: &str) -> bool {
        self.broken.contains(name)
    }
}

impl Checker<'_> {
    /// The names visible to formulas.
    pub(super) fn formula_scope(&mut self, raw: &RawProduct, d: &mut Draft) {
        let (tables, fields, slots, coverages, field_spans) =
            (&d.tables, &d.fields, &d.slots, &d.coverages, &d.field_spans);
        let mut names = Names2 {
            map: HashMap::new(),
            tables: HashMap::new(),
            life: HashMap::new(),
            broken: raw
                .tables
                .keys()
                .map(|k| k.value.clone())
                .filter(|k| !tables.iter().any(|t| &t.name == k))
                .collect(),
        };
        let (mut npol, mut nmem) = (0u16, 0u16);
        let mut field_slot = Vec::new();
        for f in fields {
            let ty = match f.ty {
                FieldType::Integer { .. } | FieldType::Decimal { .. } => Ty::Num,
                FieldType::Bool => Ty::Bool,
                FieldType::Enum(_) => Ty::Text,
            };
            let (r, scope) = if f.group == InputGroup::Member {
                nmem += 1;
                (Ref::Member(nmem - 1), Scope::Member)
            } else {
                npol += 1;
                (Ref::Policy(npol - 1), Scope::Policy)
            };
            field_slot.push(r);
            names.map.insert(f.name.clone(), (r, ty, scope));
        }
        for (i, s) in slots.iter().enumerate() {
            let code = &coverages[s.coverage as usize].code;
            names.map.insert(
                format!("{code}.{}", s.name),
                (Ref::Term(i as u16), Ty::Num, Scope::Policy),
            );
        }
        for (n, r) in [
            ("members", Ref::Members),
            ("term_months", Ref::TermMonths),
            ("term_years", Ref::TermYears),
        ] {
            if let Some(i) = fields.iter().position(|f| f.name == n) {
                let span = field_spans[i];
                self.err(
                    crate::diagnostics::codes::E0108,
                    span,
                    format!("`{n}` is a built-in name; call the input something else"),
                );
            }
            names.map.insert(n.to_string(), (r, Ty::Num, Scope::Policy));
        }
        for (i, t) in tables.iter().enumerate() {
            let key_tys = (0..t.keys.len())
                .map(|k| match t.rows.first().map(|r| &r.keys[k]) {
                    Some(KeyCell::Exact(Value::Text(_))) => Ty::Text,
                    Some(KeyCell::Exact(Value::Bool(_))) => Ty::Bool,
                    _ => Ty::Num,
                })
                .collect();
            names.tables.insert(
                t.name.clone(),
                TableSig {
                    id: i as u16,
                    keys: t.keys.clone(),
                    key_tys,
                    columns: t.columns.clone(),
                },
            );
        }
        d.names = names;
        d.field_slot = field_slot;
    }

    /// Where in the file a part of a formula is: `start..end` are byte offsets in `text`,
    /// which was read from the value at `span`.
    pub(super) fn formula_span(&self, span: Span, text: &str, start: usize, end: usize) -> Span {
        let raw = self
            .src
            .get(span.start..span.start + span.len)
            .unwrap_or("");
        match raw.find(text) {
            Some(off) => {
                let before = &raw[..off];
                let line_breaks = before.matches('\n').count();
                if line_breaks > 0 || text.contains('\n') {
                    return block_span(self.src, span, text, start, end).unwrap_or(span);
                }
                let chars_before = before.chars().count() as u32
                    + text[..start.min(text.len())].chars().count() as u32;
                span.shifted(off + start, chars_before, end.saturating_sub(start).max(1))
            }
            None => block_span(self.src, span, text, start, end).unwrap_or(span),
        }
    }

    pub(super) fn scope(per: Option<&raw::Word<Per>>, default: Scope) -> Scope {
        match per.and_then(word) {
            None => default,
            Some(Per::Policy) => Scope::Policy,
            Some(Per::Member) => Scope::Member,
        }
    }

    pub(super) fn compile(
        &mut self,
        names: &Names2,
        f: &Sp<String>,
        scope: Scope,
        want: Ty,
        actuarial: bool,
    ) -> Option<(Expr, Vec<Ref>)> {
        let ast = match formula::parse::parse(&f.value) {
            Ok(a) => a,
            Err(e) => {
                let span = self.formula_span(f.span, &f.value, e.start, e.end);
                self.err(
                    crate::diagnostics::codes::E0300,
                    span,
                    format!("formula syntax: {}", e.message),
                );
                return None;
            }
        };
        let mut c = Compiler::new(names, &mut self.interner, scope);
        c.actuarial = actuarial;
        let out = c.compile_as(&ast, want);
        let errors = std::mem::take(&mut c.errors);
        let refs = std::mem::take(&mut c.refs);
        for e in errors {
            let span = self.formula_span(f.span, &f.value, e.start, e.end);
            let d = self.err(e.code, span, e.message);
            d.help = e.help;
        }
        out.map(|e| (e, refs))
    }

    pub(super) fn compile_step(
        &mut self,
        names: &Names2,
        f: &Sp<String>,
        scope: Scope,
        actuarial: bool,
        later: &HashSet<&str>,
    ) -> Option<Expr> {
        let before = self.diags.len();
        let out = self.compile(names, f, scope, Ty::Num, actuarial);
        // A name that is a later step gets a clearer message.
        let items: Vec<Diagnostic> = std::mem::take(&mut self.diags).into_vec();
        let mut fixed = Diagnostics::new();
        for (i, mut d) in items.into_iter().enumerate() {
            if i >= before
                && d.code == crate::diagnostics::codes::E0301
                && let Some(name) = d
                    .message
                    .strip_prefix("unknown name `")
                    .and_then(|s| s.strip_suffix('`'))
                && later.contains(name)
            {
                d.message = format!("`{name}` is computed in a later step");
                d.help =
                    Some("steps may only use the steps above them; move this step down".into());
            }
            fixed.push(d);
        }
        self.diags = fixed;
        out.map(|(e, _)| e)
    }
}

/// Where `start..end` of a formula written over several lines (a `|` or `>` block, or a
/// folded plain or quoted scalar) is in the file. Reading such a scalar only removes
/// indentation, turns line breaks into spaces or drops them, and strips the quotes, so the
/// non-blank characters of the formula are those of the source in order: the k-th non-blank
/// character of the formula is the k-th of the source. `None` when they differ (escapes in a
/// double-quoted formula): the caller then points at the whole value.
fn block_span(src: &str, span: Span, text: &str, start: usize, end: usize) -> Option<Span> {
    let raw = src.get(span.start..span.start.checked_add(span.len)?)?;
    let body = if raw.starts_with('|') || raw.starts_with('>') {
        raw.find('\n')? + 1
    } else if raw.starts_with('"') || raw.starts_with('\'') {
        1
    } else {
        0
    };
    let text_ns: Vec<(usize, char)> = text
        .char_indices()
        .filter(|(_, c)| !c.is_whitespace())
        .collect();
    // The first non-blank character at or after `start`, and the last before `end`; an error
    // at the end of the formula points just after its last character.
    let first = text_ns.iter().position(|(i, _)| *i >= start);
    let last = text_ns.iter().rposition(|(i, _)| *i < end.max(start + 1));
    let (first, last, at_end) = match (first, last) {
        (Some(f), Some(l)) if l >= f => (f, l, false),
        (None, _) if !text_ns.is_empty() => (text_ns.len() - 1, text_ns.len() - 1, true),
        (Some(f), _) => (f, f, false),
        _ => return None,
    };
    let mut src_ns = raw[body..]
        .char_indices()
        .filter(|(_, c)| !c.is_whitespace())
        .map(|(i, c)| (body + i, c));
    let mut from = None;
    let mut to = None;
    for (k, (_, c)) in text_ns.iter().enumerate().take(last + 1) {
        let (i, sc) = src_ns.next()?;
        if sc != *c {
            return None;
        }
        if k == first {
            from = Some(i);
        }
        if k == last {
            to = Some(i + sc.len_utf8());
        }
    }
    let (mut from, to) = (from?, to?);
    let len = if at_end {
        from = to;
        0
    } else {
        to - from
    };
    let abs = span.start + from;
    let before = &src[span.start..abs];
    let (line, column) = match before.rfind('\n') {
        Some(nl) => (
            span.line + before.matches('\n').count() as u32,
            before[nl + 1..].chars().count() as u32 + 1,
        ),
        None => (span.line, span.column + before.chars().count() as u32),
    };
    Some(Span::new(line, column, abs, len))
}
