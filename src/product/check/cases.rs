//! Test cases written in the product: their requests, censuses and expectations.

use super::*;

impl Checker<'_> {
    pub(super) fn tests(&mut self, raw: &RawProduct, root: &Node) -> Vec<TestCase> {
        let mut out = Vec::new();
        let test_nodes = match root.get("tests").map(|n| &n.kind) {
            Some(crate::yaml::NodeKind::Seq(items)) => items.clone(),
            _ => Vec::new(),
        };
        for (i, t) in raw.tests.iter().enumerate() {
            let Some(t) = &t.0 else { continue };
            let Some(request) = test_nodes.get(i).and_then(|n| n.get("request")).cloned() else {
                continue;
            };
            let Some(e) = &t.expect.0 else { continue };
            let census = t.census.as_ref().and_then(|c| {
                self.existing_file(self.dir, c, crate::diagnostics::codes::E0121, "census")
            });
            let total = e.total.as_ref().and_then(|x| self.num(x));
            let coverages = e
                .coverages
                .iter()
                .filter_map(|(k, v)| self.num(v).map(|d| (k.value.clone(), d)))
                .collect();
            let steps = e
                .steps
                .iter()
                .filter_map(|(k, v)| self.num(v).map(|d| (k.value.clone(), d)))
                .collect();
            let tolerance = e
                .tolerance
                .as_ref()
                .and_then(|x| self.num(x))
                .unwrap_or_default();
            if e.total.is_none()
                && e.coverages.is_empty()
                && e.steps.is_empty()
                && e.decline.is_empty()
            {
                self.err(
                    crate::diagnostics::codes::E0133,
                    t.name.span,
                    format!("test `{}` expects nothing", t.name.value),
                )
                .help =
                    Some("add `total`, `coverages`, `steps` or `decline` under `expect`".into());
            }
            for d in &e.decline {
                if !raw
                    .eligibility
                    .iter()
                    .filter_map(|r| r.0.as_ref())
                    .any(|r| r.rule.value == d.value)
                {
                    self.err(
                        crate::diagnostics::codes::E0111,
                        d.span,
                        format!("unknown rule `{}`", d.value),
                    );
                }
            }
            out.push(TestCase {
                name: t.name.value.clone(),
                line: t.name.span.line,
                request,
                census,
                total,
                coverages,
                steps,
                tolerance,
                decline: e.decline.iter().map(|d| d.value.clone()).collect(),
            });
        }
        out
    }
}
