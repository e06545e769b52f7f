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

/// Document checks shared by the products of one `validate` run: the templates folder is
/// compiled once, and each document is rendered once per (content of its template file,
/// language, output format, line of business) rather than once per product. Products of one
/// line give quotes of one shape, so a template that renders for one renders for the others.
pub struct TemplateCache {
    dir: std::path::PathBuf,
    renderer: Option<Result<crate::document::Renderer, crate::document::RenderError>>,
    done: std::collections::HashSet<[u8; 32]>,
}

impl TemplateCache {
    /// A cache for the templates in `dir`.
    pub fn new(dir: &std::path::Path) -> TemplateCache {
        TemplateCache {
            dir: dir.to_path_buf(),
            renderer: None,
            done: Default::default(),
        }
    }

    /// The templates folder.
    pub fn dir(&self) -> &std::path::Path {
        &self.dir
    }

    /// The renderer of the folder, compiled on first use.
    pub fn renderer(
        &mut self,
    ) -> Result<&crate::document::Renderer, &crate::document::RenderError> {
        let dir = &self.dir;
        self.renderer
            .get_or_insert_with(|| crate::document::Renderer::new(dir))
            .as_ref()
    }

    /// The key of rendering `template` (a file under the folder) in `variant` (language,
    /// format and line of business, as text): a hash of the file's bytes and the variant.
    /// `None` when the file cannot be read (rendering reports it).
    pub fn key(&self, template: &str, variant: &str) -> Option<[u8; 32]> {
        use sha2::{Digest, Sha256};
        let bytes = std::fs::read(self.dir.join(template)).ok()?;
        let mut h = Sha256::new();
        h.update(&bytes);
        h.update([0]);
        h.update(variant.as_bytes());
        Some(h.finalize().into())
    }

    /// Whether `key` was rendered already; records it as rendered.
    pub fn seen(&mut self, key: [u8; 32]) -> bool {
        !self.done.insert(key)
    }
}
