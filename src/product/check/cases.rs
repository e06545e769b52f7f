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
            self.expected_names(raw, e);
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

    /// The coverages, steps and rules a case's `expect` names must exist: `coverwright test`
    /// would fail the case otherwise. Checked only when every item of their kind was read
    /// (a name in a broken item is unknown here but reported there).
    fn expected_names(&mut self, raw: &RawProduct, e: &raw::RawExpect) {
        fn names<T>(items: &[Recover<T>], name: impl Fn(&T) -> &str) -> Option<Vec<&str>> {
            items.iter().map(|i| i.0.as_ref().map(&name)).collect()
        }
        let coverages = names(&raw.coverages, |c| c.code.value.as_str());
        let steps = raw
            .rating
            .0
            .as_ref()
            .and_then(|r| names(&r.steps, |s| s.step.value.as_str()));
        let rules = names(&raw.eligibility, |r| r.rule.value.as_str());
        let kinds = [
            (
                "coverage",
                coverages,
                e.coverages.keys().collect::<Vec<_>>(),
            ),
            ("step", steps, e.steps.keys().collect()),
            ("rule", rules, e.decline.iter().collect()),
        ];
        for (what, known, used) in kinds {
            let Some(known) = known else { continue };
            for n in used {
                if !known.contains(&n.value.as_str()) {
                    let help = suggest_in(&n.value, known.iter().copied());
                    self.err(
                        crate::diagnostics::codes::E0111,
                        n.span,
                        format!("unknown {what} `{}`", n.value),
                    )
                    .help = Some(help);
                }
            }
        }
    }

    /// A product that checks but has no test case: `validate` cannot show that it quotes
    /// what its author meant (W0133).
    pub(super) fn no_tests(&mut self, raw: &RawProduct, root: &Node) {
        if raw.tests.is_empty() && !self.read_errors && !self.diags.has_errors() {
            self.warn(
                crate::diagnostics::codes::W0133,
                root_first_key(root),
                "the product has no test cases",
            )
            .help = Some(
                "add a `tests:` section with a request and the premium it must give; \
                 `coverwright test` runs them and `validate` checks their requests"
                    .into(),
            );
        }
    }
}
