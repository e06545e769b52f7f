//! The message catalogue: the fixed texts of documents (labels, headings, notices) in every
//! language, read from `i18n/zh.yaml` and `i18n/en.yaml` inside the template directory.
//!
//! A catalogue file is a YAML map whose values are texts or nested maps; nested keys are
//! joined with dots, so
//!
//! ```yaml
//! label:
//!   premium: 保险费
//! ```
//!
//! defines the key `label.premium`. Both languages must define exactly the same keys:
//! loading fails with [`RenderError::CatalogueOutOfSync`] listing every key that has a text in
//! one language only, with the file and line where it is defined.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_saphyr::Spanned;

use super::error::{MissingKey, RenderError};
use super::format::Lang;

/// One text with the line it was defined on.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    text: String,
    line: u64,
}

/// The texts of every language, by dotted key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalogue {
    texts: BTreeMap<Lang, BTreeMap<String, Entry>>,
}

/// A catalogue node: a text or a map of nodes.
enum Node {
    Text(String),
    Map(Vec<(String, Spanned<Node>)>),
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NodeVisitor;

        impl<'de> Visitor<'de> for NodeVisitor {
            type Value = Node;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a text or a map of keys to texts")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Node, E> {
                Ok(Node::Text(v.to_string()))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<Node, E> {
                Ok(Node::Text(v))
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
                let mut entries = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, Spanned<Node>>()? {
                    entries.push((key, value));
                }
                Ok(Node::Map(entries))
            }
        }

        deserializer.deserialize_any(NodeVisitor)
    }
}

fn flatten(
    path: &Path,
    prefix: &str,
    entries: Vec<(String, Spanned<Node>)>,
    out: &mut BTreeMap<String, Entry>,
) -> Result<(), RenderError> {
    for (key, node) in entries {
        let line = node.referenced.line();
        if key.is_empty() || key.contains('.') || key.chars().any(char::is_whitespace) {
            return Err(RenderError::Catalogue {
                path: path.to_path_buf(),
                line,
                column: node.referenced.column(),
                message: format!(
                    "key `{key}` must be a non-empty word without dots or spaces (nest maps instead)"
                ),
            });
        }
        let full = if prefix.is_empty() {
            key
        } else {
            format!("{prefix}.{key}")
        };
        match node.value {
            Node::Text(text) => {
                out.insert(full, Entry { text, line });
            }
            Node::Map(children) => flatten(path, &full, children, out)?,
        }
    }
    Ok(())
}

/// Reads one catalogue file into dotted keys.
fn load_file(path: &Path) -> Result<BTreeMap<String, Entry>, RenderError> {
    let source =
        crate::fsio::read_text(path, crate::fsio::MAX_DOCUMENT_BYTES).map_err(|source| {
            RenderError::Io {
                path: path.to_path_buf(),
                source,
            }
        })?;
    let root: Node = serde_saphyr::from_str(&source).map_err(|e| {
        let (line, column) = e
            .location()
            .map(|l| (l.line(), l.column()))
            .unwrap_or((0, 0));
        RenderError::Catalogue {
            path: path.to_path_buf(),
            line,
            column,
            message: e.to_string(),
        }
    })?;
    let Node::Map(entries) = root else {
        return Err(RenderError::Catalogue {
            path: path.to_path_buf(),
            line: 1,
            column: 1,
            message: "a catalogue must be a map of keys to texts".to_string(),
        });
    };
    let mut out = BTreeMap::new();
    flatten(path, "", entries, &mut out)?;
    Ok(out)
}

impl Catalogue {
    /// A catalogue with no texts: every lookup fails.
    pub fn empty() -> Catalogue {
        Catalogue::default()
    }

    /// The catalogue file of `lang` inside the catalogue directory `dir`: `dir/zh.yaml`.
    pub fn file(dir: &Path, lang: Lang) -> PathBuf {
        dir.join(format!("{}.yaml", lang.code()))
    }

    /// Loads `zh.yaml` and `en.yaml` from `dir` and checks that they define the same keys.
    pub fn load(dir: &Path) -> Result<Catalogue, RenderError> {
        let mut texts = BTreeMap::new();
        for lang in Lang::ALL {
            texts.insert(lang, load_file(&Catalogue::file(dir, lang))?);
        }
        let mut missing = Vec::new();
        for (lang, entries) in &texts {
            for (other, other_entries) in &texts {
                if lang == other {
                    continue;
                }
                for (key, entry) in entries {
                    if !other_entries.contains_key(key) {
                        missing.push(MissingKey {
                            key: key.clone(),
                            present_in: Catalogue::file(dir, *lang),
                            line: entry.line,
                            missing_from: Catalogue::file(dir, *other),
                        });
                    }
                }
            }
        }
        if !missing.is_empty() {
            return Err(RenderError::CatalogueOutOfSync(missing));
        }
        Ok(Catalogue { texts })
    }

    /// The text of `key` in `lang`, if there is one.
    pub fn get(&self, lang: Lang, key: &str) -> Option<&str> {
        self.texts
            .get(&lang)
            .and_then(|entries| entries.get(key))
            .map(|entry| entry.text.as_str())
    }

    /// Every key, sorted (the same in every language once loaded).
    pub fn keys(&self) -> Vec<&str> {
        self.texts
            .get(&Lang::Zh)
            .map(|entries| entries.keys().map(String::as_str).collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        if let Err(e) = std::fs::write(dir.join(name), text) {
            panic!("writing test catalogue {name}: {e}");
        }
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "coverwright-catalogue-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        if let Err(e) = std::fs::create_dir_all(&dir) {
            panic!("creating {}: {e}", dir.display());
        }
        dir
    }

    #[test]
    fn nested_keys_are_joined_with_dots() {
        let dir = scratch("nested");
        write(
            &dir,
            "zh.yaml",
            "label:\n  premium: 保险费\n  total: 合计\ntitle: 报价单\n",
        );
        write(
            &dir,
            "en.yaml",
            "title: Quote\nlabel:\n  total: Total\n  premium: Premium\n",
        );
        let cat = match Catalogue::load(&dir) {
            Ok(c) => c,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(cat.keys(), ["label.premium", "label.total", "title"]);
        assert_eq!(cat.get(Lang::Zh, "label.premium"), Some("保险费"));
        assert_eq!(cat.get(Lang::En, "label.premium"), Some("Premium"));
        assert_eq!(cat.get(Lang::En, "label"), None);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn keys_in_one_language_only_are_reported_with_file_and_line() {
        let dir = scratch("sync");
        write(&dir, "zh.yaml", "a: 甲\nb: 乙\n");
        write(&dir, "en.yaml", "a: A\nc: C\n");
        let err = match Catalogue::load(&dir) {
            Ok(_) => panic!("out-of-sync catalogue loaded"),
            Err(e) => e,
        };
        let (zh, en) = (dir.join("zh.yaml"), dir.join("en.yaml"));
        assert_eq!(
            err.to_string(),
            format!(
                "message catalogue out of sync:\n{}:2: key `b` has no text in {}\n{}:2: key `c` has no text in {}",
                zh.display(),
                en.display(),
                en.display(),
                zh.display()
            )
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn non_text_values_are_refused_with_a_line() {
        let dir = scratch("badvalue");
        write(&dir, "zh.yaml", "a: 甲\nb:\n  - 1\n");
        write(&dir, "en.yaml", "a: A\n");
        match Catalogue::load(&dir) {
            Err(RenderError::Catalogue {
                path,
                line,
                message,
                ..
            }) => {
                assert!(message.contains("expected a text or a map of keys to texts"));
                assert_eq!(path, dir.join("zh.yaml"));
                assert_eq!(line, 2);
            }
            other => panic!("expected a catalogue error, got {other:?}"),
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
