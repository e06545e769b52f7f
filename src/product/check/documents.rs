//! Documents: the kinds a product names templates for, and that the templates exist.

use super::*;

impl Checker<'_> {
    /// Templates by document kind.
    pub(super) fn documents(&mut self, raw: &RawProduct, d: &mut Draft) {
        let mut documents = BTreeMap::new();
        for (kind, tpl) in &raw.documents {
            const KINDS: [&str; 6] = [
                "quote",
                "policy",
                "schedule",
                "worksheet",
                "invoice",
                "illustration",
            ];
            if !KINDS.contains(&kind.value.as_str()) {
                self.unknown_word("document", kind, &KINDS);
                continue;
            }
            if let Some(dir) = self.templates {
                self.existing_file(dir, tpl, crate::diagnostics::codes::E0124, "template");
            }
            documents.insert(kind.value.clone(), tpl.value.clone());
        }
        d.documents = documents;
    }
}
