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
                    return span;
                }
                let chars_before = before.chars().count() as u32
                    + text[..start.min(text.len())].chars().count() as u32;
                span.shifted(off + start, chars_before, end.saturating_sub(start).max(1))
            }
            None => span,
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
