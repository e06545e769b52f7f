//! Inputs: the fields of a request (policyholder, options, members), their types, ranges
//! and defaults.

use super::*;

impl Checker<'_> {
    /// Every input field, names unique across groups.
    pub(super) fn inputs(&mut self, raw: &RawProduct, d: &mut Draft) {
        let group = d.group;
        let mut fields: Vec<Field> = Vec::new();
        let mut field_spans: Vec<Span> = Vec::new();
        if let Some(inputs) = &raw.inputs.0 {
            for (group, map) in [
                (InputGroup::Policyholder, &inputs.policyholder),
                (InputGroup::Options, &inputs.options),
                (InputGroup::Member, &inputs.member),
            ] {
                for (fname, f) in map {
                    let Some(f) = &f.0 else { continue };
                    if let Some(field) = self.field(fname, group, f) {
                        if let Some(i) = fields.iter().position(|x| x.name == field.name) {
                            let prev = field_spans[i];
                            self.err(
                                crate::diagnostics::codes::E0108,
                                fname.span,
                                format!("the input `{}` is declared twice", fname.value),
                            )
                            .help = Some(format!("it is also declared at line {}", prev.line));
                            continue;
                        }
                        fields.push(field);
                        field_spans.push(fname.span);
                    }
                }
            }
        }
        if group && !fields.iter().any(|f| f.group == InputGroup::Member) {
            self.err(
                crate::diagnostics::codes::E0109,
                raw.group.as_ref().map(|g| g.span).unwrap_or(raw.code.span),
                "group cover needs member inputs (`inputs.member`)",
            );
        }
        d.fields = fields;
        d.field_spans = field_spans;
    }

    pub(super) fn field(
        &mut self,
        name: &Sp<String>,
        group: InputGroup,
        f: &raw::RawField,
    ) -> Option<Field> {
        let name_ok = name.chars().all(|c| c.is_alphanumeric() || c == '_')
            && name
                .chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_');
        if !name_ok {
            self.err(
                crate::diagnostics::codes::E0103,
                name.span,
                format!("`{}` is not an input name", name.value),
            )
            .help = Some("use letters, digits and `_`, starting with a letter".into());
            return None;
        }
        if ["name", "id"].contains(&name.as_str()) {
            self.err(
                crate::diagnostics::codes::E0108,
                name.span,
                format!(
                    "`{}` is a standard party field; it needs no declaration",
                    name.value
                ),
            );
            return None;
        }
        let min = f.min.as_ref().and_then(|m| self.num(m));
        let max = f.max.as_ref().and_then(|m| self.num(m));
        if let (Some(a), Some(b), Some(s)) = (min, max, f.max.as_ref())
            && a > b
        {
            self.err(
                crate::diagnostics::codes::E0125,
                s.span,
                format!("`max` ({b}) is below `min` ({a})"),
            );
        }
        let ty_span = f.ty.0.as_ref()?.span;
        let ty = match word(&f.ty)? {
            InputType::Integer => FieldType::Integer { min, max },
            InputType::Decimal => FieldType::Decimal { min, max },
            InputType::Bool => FieldType::Bool,
            InputType::Enum => {
                if f.values.is_empty() {
                    self.err(
                        crate::diagnostics::codes::E0125,
                        ty_span,
                        "an `enum` input needs `values: [...]`",
                    );
                    return None;
                }
                let mut seen = HashSet::new();
                for v in &f.values {
                    if !seen.insert(v.value.as_str()) {
                        self.err(
                            crate::diagnostics::codes::E0108,
                            v.span,
                            format!("the value `{}` is listed twice", v.value),
                        );
                    }
                }
                FieldType::Enum(f.values.iter().map(|v| self.interner.intern(v)).collect())
            }
        };
        if !matches!(ty, FieldType::Integer { .. } | FieldType::Decimal { .. })
            && (f.min.is_some() || f.max.is_some())
        {
            self.err(
                crate::diagnostics::codes::E0125,
                ty_span,
                "`min` and `max` apply to `integer` and `decimal` inputs only",
            );
        }
        if !matches!(ty, FieldType::Enum(_)) && !f.values.is_empty() {
            self.err(
                crate::diagnostics::codes::E0125,
                ty_span,
                "`values` applies to `enum` inputs only",
            );
        }
        let default = match &f.default {
            None => None,
            Some(d) => match coerce(&ty, &d.value, &self.interner) {
                Ok(v) => Some(v),
                Err(e) => {
                    self.err(
                        crate::diagnostics::codes::E0125,
                        d.span,
                        format!("the default does not fit the input: {e}"),
                    );
                    None
                }
            },
        };
        Some(Field {
            name: name.value.clone(),
            group,
            ty,
            default,
            label: f.label.as_ref().map(|l| self.names(l)),
        })
    }
}

/// Converts request or default text into a value of a field's type.
pub fn coerce(ty: &FieldType, text: &str, interner: &Interner) -> Result<Value, String> {
    match ty {
        FieldType::Integer { min, max } => {
            let d = parse_decimal(text).map_err(|_| format!("`{text}` is not a whole number"))?;
            if !d.fract().is_zero() || text.contains('%') || text.contains('‰') {
                return Err(format!("`{text}` is not a whole number"));
            }
            range(d, *min, *max)?;
            Ok(Value::Num(d))
        }
        FieldType::Decimal { min, max } => {
            let d = parse_decimal(text)?;
            range(d, *min, *max)?;
            Ok(Value::Num(d))
        }
        FieldType::Bool => match text {
            "true" | "yes" | "是" | "1" | "Y" | "y" => Ok(Value::Bool(true)),
            "false" | "no" | "否" | "0" | "N" | "n" => Ok(Value::Bool(false)),
            _ => Err(format!("`{text}` is not true or false")),
        },
        FieldType::Enum(vals) => match interner.get(text) {
            Some(s) if vals.contains(&s) => Ok(Value::Text(s)),
            _ => {
                let words: Vec<String> =
                    vals.iter().map(|s| interner.word(*s).to_string()).collect();
                let hint = did_you_mean(text, words.iter().map(String::as_str))
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_else(|| format!("; allowed: {}", words.join(", ")));
                Err(format!("`{text}` is not an allowed value{hint}"))
            }
        },
    }
}

pub(super) fn range(d: Decimal, min: Option<Decimal>, max: Option<Decimal>) -> Result<(), String> {
    if let Some(m) = min
        && d < m
    {
        return Err(format!("{d} is below the minimum {m}"));
    }
    if let Some(m) = max
        && d > m
    {
        return Err(format!("{d} is above the maximum {m}"));
    }
    Ok(())
}
