//! Identity: required sections, code, version, line, segment, currency and effective dates.

use super::*;

/// ISO 4217 active currency codes.
pub(super) const CURRENCIES: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD",
    "CDF", "CHF", "CLP", "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD",
    "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ",
    "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD",
    "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR",
    "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR",
    "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN",
    "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR",
    "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB",
    "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS",
    "VES", "VND", "VUV", "WST", "XAF", "XCD", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWL",
];

impl Checker<'_> {
    /// Sections read with a default are still required.
    pub(super) fn sections(&mut self, root: &Node) {
        for key in ["name", "term", "inputs", "coverages", "rating"] {
            if root.get(key).is_none() {
                let span = root_first_key(root);
                self.err("E0013", span, format!("missing key `{key}`")).help =
                    Some(format!("add `{key}:` to the product"));
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
                "E0103",
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
                "E0103",
                raw.version.span,
                format!("`{}` is not a version", raw.version.value),
            )
            .help = Some("write a version such as `2024.1`".into());
        }
        let line = word(&raw.line);
        let segment = word(&raw.segment);
        if !CURRENCIES.contains(&raw.currency.value.as_str()) {
            self.err(
                "E0105",
                raw.currency.span,
                format!("`{}` is not an ISO 4217 currency code", raw.currency.value),
            )
            .help = Some("use a code such as CNY, USD or EUR".into());
        }
        let from = self.date(&raw.effective_from);
        let to = raw.effective_to.as_ref().and_then(|t| self.date(t));
        if let (Some(f), Some(t), Some(ts)) = (from, to, raw.effective_to.as_ref())
            && t < f
        {
            self.err(
                "E0106",
                ts.span,
                format!("the version ends ({t}) before it starts ({f})"),
            );
        }
        let name = raw.name.0.as_ref().map(|n| self.names(n));
        let group = raw.group.as_ref().map(|g| g.value).unwrap_or(false);
        d.line = line;
        d.segment = segment;
        d.from = from;
        d.to = to;
        d.name = name;
        d.group = group;
    }
}
