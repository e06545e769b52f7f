//! Files and paths: what a product may name beside it (tables, calendars, life tables,
//! templates), confined to its folder, and reading them for the content hash.

use super::*;

/// Reads a file named by a product (CSV tables, calendars, life tables), relative to the
/// product's folder. Names must stay inside that folder.
pub trait FileSource {
    fn read(&self, path: &Path) -> Result<String, String>;
}

/// Reads from the file system.
pub struct Fs;

impl FileSource for Fs {
    fn read(&self, path: &Path) -> Result<String, String> {
        crate::fsio::read_input(path, crate::fsio::MAX_DATA_BYTES)
            .map_err(|e| e.into_io().to_string())
            .and_then(|b| {
                String::from_utf8(b).map_err(|_| "the file is not UTF-8 text".to_string())
            })
    }
}

/// Resolves `name` inside `dir`: no absolute paths, no `..`, and no symlink leading out.
pub fn resolve_inside(dir: &Path, name: &str) -> Result<PathBuf, String> {
    let p = Path::new(name);
    if p.is_absolute() || name.starts_with('/') || name.starts_with('\\') {
        return Err(format!(
            "`{name}` is an absolute path; name a file beside the product"
        ));
    }
    if p.components()
        .any(|c| matches!(c, std::path::Component::ParentDir))
    {
        return Err(format!(
            "`{name}` leaves the product's folder (`..`); name a file beside the product"
        ));
    }
    let full = dir.join(p);
    if let (Ok(real), Ok(base)) = (full.canonicalize(), dir.canonicalize())
        && !real.starts_with(&base)
    {
        return Err(format!("`{name}` links outside the product's folder"));
    }
    Ok(full)
}

impl Checker<'_> {
    /// The path of a file named in the product, inside `dir`, when it exists; otherwise an
    /// error (`code`) at the name.
    pub(super) fn existing_file(
        &mut self,
        dir: &Path,
        name: &Sp<String>,
        code: &'static str,
        what: &str,
    ) -> Option<PathBuf> {
        match resolve_inside(dir, &name.value) {
            Ok(p) if p.is_file() => Some(p),
            Ok(p) => {
                self.err(
                    code,
                    name.span,
                    format!("the {what} `{}` does not exist", name.value),
                )
                .help = Some(format!("expected it at {}", p.display()));
                None
            }
            Err(e) => {
                let e = if Some(dir) == self.templates {
                    e.replace("product's folder", "templates folder")
                } else {
                    e
                };
                self.err(crate::diagnostics::codes::E0120, name.span, e);
                None
            }
        }
    }
    /// Reads a file named in the product, relative to the product's folder.
    pub(super) fn read_beside(
        &mut self,
        name: &Sp<String>,
        what: &str,
    ) -> Option<(PathBuf, String)> {
        let path = match resolve_inside(self.dir, &name.value) {
            Ok(p) => p,
            Err(e) => {
                self.err(crate::diagnostics::codes::E0120, name.span, e);
                return None;
            }
        };
        match self.files.read(&path) {
            Ok(text) => {
                self.read_files.push((path.clone(), text.clone()));
                Some((path, text))
            }
            Err(e) => {
                self.err(
                    crate::diagnostics::codes::E0121,
                    name.span,
                    format!("cannot read the {what} `{}`: {e}", name.value),
                )
                .help = Some(format!("create `{}` or correct the name", path.display()));
                None
            }
        }
    }
}
