//! Identity: required sections, code, version, line, segment, currency and effective dates.

use super::*;

impl Checker<'_> {
    /// Sections read with a default are still required.
    pub(super) fn sections(&mut self, root: &Node) {
        let written: Vec<&str> = match &root.kind {
            crate::yaml::NodeKind::Map(entries) => {
                entries.iter().filter_map(|(k, _)| k.as_str()).collect()
            }
            _ => Vec::new(),
        };
        for key in ["name", "term", "inputs", "coverages", "rating"] {
            // A misspelling of the key was reported (with "did you mean") and read as it.
            let misspelt = written
                .iter()
                .any(|w| *w != key && did_you_mean(w, [key]).is_some());
            if root.get(key).is_none() && !misspelt {
                let span = root_first_key(root);
                self.err(
                    crate::diagnostics::codes::E0013,
                    span,
                    format!("missing key `{key}`"),
                )
                .help = Some(format!("add `{key}:` to the product"));
            }
        }
    }

    /// Code, version, line, segment, currency, effective dates and name.
    pub(super) fn identity(&mut self, raw: &RawProduct, d: &mut Draft) {
        let code_ok = !raw.code.is_empty()
            && raw
                .code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !code_ok {
            self.err(
                crate::diagnostics::codes::E0103,
                raw.code.span,
                format!("`{}` is not a product code", raw.code.value),
            )
            .help = Some("use letters, digits, `-` and `_`, e.g. `GA-SME`".into());
        }
        if raw.version.trim().is_empty()
            || raw.version.contains(char::is_whitespace)
            || raw.version.contains('@')
        {
            self.err(
                crate::diagnostics::codes::E0103,
                raw.version.span,
                format!("`{}` is not a version", raw.version.value),
            )
            .help = Some("write a version such as `2024.1`".into());
        }
        let line = word(&raw.line);
        let segment = word(&raw.segment);
        let currency = self.currency(&raw.currency);
        let from = self.date(&raw.effective_from);
        let to = raw.effective_to.as_ref().and_then(|t| self.date(t));
        if let (Some(f), Some(t), Some(ts)) = (from, to, raw.effective_to.as_ref())
            && t < f
        {
            self.err(
                crate::diagnostics::codes::E0106,
                ts.span,
                format!("the version ends ({t}) before it starts ({f})"),
            );
        }
        let name = raw.name.0.as_ref().map(|n| self.names(n));
        let group = raw.group.as_ref().map(|g| g.value).unwrap_or(false);
        d.line = line;
        d.currency = currency;
        d.segment = segment;
        d.from = from;
        d.to = to;
        d.name = name;
        d.group = group;
    }

    /// The product's currency: an ISO 4217 code the money module knows.
    fn currency(&mut self, code: &Sp<String>) -> Option<Currency> {
        if let Some(c) = Currency::from_code(&code.value) {
            return Some(c);
        }
        // Names in everyday use that are not codes.
        let alias = match code.value.to_ascii_uppercase().as_str() {
            "RMB" | "YUAN" | "¥" => Some("CNY"),
            "US$" | "$" => Some("USD"),
            "€" => Some("EUR"),
            "£" => Some("GBP"),
            "YEN" => Some("JPY"),
            "HK$" => Some("HKD"),
            _ => None,
        };
        let upper = code.value.to_ascii_uppercase();
        let help = match alias {
            Some(a) => format!("did you mean `{a}`? currencies are written as ISO 4217 codes"),
            None if Currency::from_code(&upper).is_some() => {
                format!("did you mean `{upper}`? codes are written in capitals")
            }
            None => match did_you_mean(&upper, Currency::codes()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "use an ISO 4217 code such as CNY, USD or EUR".to_string(),
            },
        };
        self.err(
            crate::diagnostics::codes::E0105,
            code.span,
            format!("`{}` is not an ISO 4217 currency code", code.value),
        )
        .help = Some(help);
        None
    }
}
