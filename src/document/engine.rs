//! The template engine wrapper: a [`Renderer`] loads every template of one directory into
//! Tera 2, registers the document filters and the catalogue function `t`, and turns every
//! engine error into a [`RenderError`] naming the template file and line.
//!
//! # Templates
//!
//! Files ending in `.html`, `.htm`, `.md` or `.txt` anywhere under the directory are templates,
//! named by their path relative to it with `/` separators (`quote.html`,
//! `parts/header.html`); hidden entries (starting with `.`) are skipped. Templates are read
//! once, when the renderer is made; rendering and `{% include %}` only look names up among
//! those, never on disk. A name that is absolute or contains `..`, and a symbolic link that
//! points outside the directory, are refused. HTML output (`.html`, `.htm`) is HTML-escaped;
//! Markdown output (`.md`) is Markdown-escaped ([`escape_markdown`]): a printed value can
//! open no tag, link, image, code span, emphasis, table cell or heading, and a line break in
//! it becomes a space. Text (`.txt`) is printed as it is. Values marked safe (component
//! output) are not escaped again.
//!
//! A variable or field missing from the context is an error when it is printed, given to a
//! filter, iterated over or has a field read. Tera 2 treats an absent name in a condition
//! (`{% if name %}`) as false, so that `{% if name is defined %}` can be written; contexts
//! should therefore carry optional values as `null` rather than leave them out.
//!
//! The message catalogue is read from `i18n/zh.yaml` and `i18n/en.yaml` in the same directory
//! when the `i18n` folder exists (see [`super::catalogue`]).
//!
//! # Filters and functions
//!
//! The language of a document is the context variable `lang` (`"zh"` or `"en"`); every filter
//! that prints words also takes `lang=` to override it. Amounts and rates must be decimal
//! strings (`"1234.50"`) or integers in the context; floating-point numbers are refused so no
//! amount is ever printed through a float.
//!
//! | filter | input | arguments | example output |
//! |---|---|---|---|
//! | `money` | amount | `currency` (else context `currency`), `lang` | `¥1,234.50`, `CNY 1,234.50` |
//! | `capital` | amount ≥ 0 | `currency` (else context `currency`) | `人民币壹仟贰佰叁拾肆元伍角整` |
//! | `in_words` | amount ≥ 0 | `currency`, `lang` | `人民币壹仟元整`, `SAY US DOLLARS ONE THOUSAND ONLY` |
//! | `date` | `YYYY-MM-DD` | `lang` | `2024年1月1日`, `1 January 2024` |
//! | `period` | first day `YYYY-MM-DD` | `end` (last day), `lang` | `自 2024年1月1日零时起至 …` |
//! | `number` | decimal | — | `500,000`, `90` |
//! | `percent` | ratio | — | `26.5%` |
//! | `permille` | ratio | — | `1.5‰` |
//! | `occupation` | class 1–6 | `lang` | `一类（内勤、办公室人员）` |
//! | `country_class` | `A`–`D` | `lang` | `Class A (low risk)` |
//! | `payment_method` | `L/C`, `D/P`, `D/A`, `O/A` | `lang` | `信用证（L/C）` |
//! | `gender` | `male`, `female` | `lang` | `男` |
//! | `payment_mode` | `single`, `annual`, `semi_annual`, `quarterly`, `monthly` | `lang` | `年交` |
//! | `code` | text | — | a Markdown code span for a table cell ([`code_span`]); in HTML, the text |
//!
//! The function `t(key="label.premium")` (optionally `lang=`) returns the catalogue text of
//! the key; a key missing from the catalogue is an error, unless `default=` gives the text to
//! use instead (`t(key="term." ~ name, default=name)` for names a product may define).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rust_decimal::Decimal;
use tera::{ErrorKind, Kwargs, State, Tera, Value};

use super::catalogue::Catalogue;
use super::error::RenderError;
use super::format::{self, FormatError, Lang};

/// The template directory used when the user names none, relative to the working directory.
pub const DEFAULT_TEMPLATE_DIR: &str = "templates";

/// The file endings of templates.
const TEMPLATE_ENDINGS: [&str; 4] = ["html", "htm", "md", "txt"];

/// The file endings whose output is HTML-escaped.
const ESCAPED_ENDINGS: [&str; 2] = [".html", ".htm"];

/// The file endings whose output is Markdown-escaped.
const MARKDOWN_ENDINGS: [&str; 1] = [".md"];

/// Templates of one directory, ready to render.
pub struct Renderer {
    dir: PathBuf,
    names: Vec<String>,
    catalogue: Arc<Catalogue>,
    /// HTML and text templates (HTML-escaped).
    tera: Tera,
    /// The same templates with Markdown escaping, for Markdown templates.
    markdown: Tera,
}

impl std::fmt::Debug for Renderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Renderer")
            .field("dir", &self.dir)
            .field("names", &self.names)
            .finish_non_exhaustive()
    }
}

impl Renderer {
    /// Loads every template under `dir` and the catalogue in `dir/i18n` (if present), and
    /// checks that all filters, functions and included templates they use exist.
    pub fn new(dir: &Path) -> Result<Renderer, RenderError> {
        let root = dir.canonicalize().map_err(|source| RenderError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let mut files = Vec::new();
        let mut visited = BTreeSet::new();
        visited.insert(root.clone());
        collect_templates(&root, &root, "", &mut files, &mut visited)?;

        let i18n = dir.join("i18n");
        let catalogue = Arc::new(if i18n.is_dir() {
            Catalogue::load(&i18n)?
        } else {
            Catalogue::empty()
        });

        let mut sources = Vec::with_capacity(files.len());
        for (name, path) in &files {
            let text = crate::fsio::read_input_text(path, MAX_TEMPLATE_BYTES).map_err(|e| {
                RenderError::Io {
                    path: dir.join(name),
                    source: e.into_io(),
                }
            })?;
            sources.push((name.clone(), text));
        }

        let engine = |endings: Vec<&'static str>, escape: Option<tera::EscapeFn>| {
            let mut tera = Tera::new();
            tera.autoescape_on(endings);
            let markdown = escape.is_some();
            if let Some(f) = escape {
                tera.set_escape_fn(f);
            }
            register(&mut tera, Arc::clone(&catalogue));
            // `code`: a Markdown code span; elsewhere the text, escaped as any value.
            tera.register_filter("code", move |v: String, kw: Kwargs, _: &State| {
                only_args("code", &kw, &[])?;
                Ok::<_, tera::Error>(if markdown {
                    Value::safe_string(&code_span(&v))
                } else {
                    Value::from(v)
                })
            });
            tera.add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str())))
                .map_err(|e| engine_error(dir, e))?;
            Ok::<Tera, RenderError>(tera)
        };
        let tera = engine(ESCAPED_ENDINGS.to_vec(), None)?;
        let markdown = engine(MARKDOWN_ENDINGS.to_vec(), Some(escape_markdown))?;

        Ok(Renderer {
            dir: dir.to_path_buf(),
            names: files.into_iter().map(|(name, _)| name).collect(),
            catalogue,
            tera,
            markdown,
        })
    }

    /// Renders template `name` (a path relative to the template directory, such as
    /// `quote.html`) with `context`, which must be a JSON object.
    pub fn render(&self, name: &str, context: &serde_json::Value) -> Result<String, RenderError> {
        self.check_template(name)?;
        if !context.is_object() {
            return Err(RenderError::Context {
                template: name.to_string(),
                message: "the context must be a JSON object".to_string(),
            });
        }
        let context = tera::Context::from_serialize(context).map_err(|e| RenderError::Context {
            template: name.to_string(),
            message: e.to_string(),
        })?;
        self.render_context(name, &context)
    }

    /// Renders template `name` with the keys of `context` and `value` under `key`. The value
    /// goes into the template's context straight from its `Serialize` implementation, with no
    /// JSON copy in between: the way to pass a large typed value (the document model).
    pub fn render_with<T: serde::Serialize + ?Sized>(
        &self,
        name: &str,
        context: &serde_json::Map<String, serde_json::Value>,
        key: &'static str,
        value: &T,
    ) -> Result<String, RenderError> {
        self.check_template(name)?;
        let bad = |e: tera::Error| RenderError::Context {
            template: name.to_string(),
            message: e.to_string(),
        };
        let mut ctx = tera::Context::from_serialize(context).map_err(bad)?;
        ctx.insert_value(key, Value::try_from_serializable(value).map_err(bad)?);
        self.render_context(name, &ctx)
    }

    /// Renders template `name` with a context already in the engine's form: several
    /// templates rendered with one context convert it once.
    pub fn render_prepared(
        &self,
        name: &str,
        context: &tera::Context,
    ) -> Result<String, RenderError> {
        self.check_template(name)?;
        self.render_context(name, context)
    }

    /// Checks that `name` is a plain relative name of a loaded template.
    fn check_template(&self, name: &str) -> Result<(), RenderError> {
        check_name(name)?;
        if !self.names.iter().any(|n| n == name) {
            return Err(RenderError::NotFound {
                name: name.to_string(),
                dir: self.dir.clone(),
            });
        }
        Ok(())
    }

    /// Renders template `name` with a context of the engine, by the escaping of its ending.
    fn render_context(&self, name: &str, context: &tera::Context) -> Result<String, RenderError> {
        let engine = if MARKDOWN_ENDINGS.iter().any(|e| name.ends_with(e)) {
            &self.markdown
        } else {
            &self.tera
        };
        engine
            .render(name, context)
            .map_err(|e| engine_error(&self.dir, e))
    }

    /// The names of all templates, sorted.
    pub fn template_names(&self) -> Vec<&str> {
        self.names.iter().map(String::as_str).collect()
    }

    /// The template directory, as given.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The message catalogue loaded with the templates.
    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }
}

/// Largest template file read (bytes).
const MAX_TEMPLATE_BYTES: u64 = 1 << 20;

/// Writes `input` so that Markdown shows it as the same text and nothing else: the
/// characters that open tags, links, images, code spans, emphasis, strikethrough, table
/// cells and headings (backslash, backtick, `*`, `_`, `[`, `]`, `<`, `>`, `|`, `#`, `~`) are
/// backslash-escaped; a `-`, `+` or `=`
/// that starts the value (a list item or heading underline), and the `.` or `)` of a leading
/// number followed by a space (an ordered list), are escaped too; every line break becomes a
/// space, so a value never starts a new line.
pub fn escape_markdown(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let bytes = input.as_bytes();
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    // The `.` or `)` of an ordered-list marker at the start, if any.
    let list_mark = (digits > 0
        && matches!(bytes.get(digits), Some(b'.' | b')'))
        && matches!(bytes.get(digits + 1), None | Some(b' ' | b'\t')))
    .then_some(digits);
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape = match b {
            b'\\' | b'`' | b'*' | b'_' | b'[' | b']' | b'<' | b'>' | b'|' | b'#' | b'~' => true,
            b'-' | b'+' | b'=' => i == 0,
            b'.' | b')' => list_mark == Some(i),
            b'\r' | b'\n' => {
                out.write_all(&bytes[start..i])?;
                // CRLF is one break.
                if !(b == b'\n' && i > 0 && bytes[i - 1] == b'\r') {
                    out.write_all(b" ")?;
                }
                start = i + 1;
                continue;
            }
            _ => false,
        };
        if escape {
            out.write_all(&bytes[start..i])?;
            out.write_all(b"\\")?;
            start = i;
        }
    }
    out.write_all(&bytes[start..])
}

/// `text` as a Markdown code span for a table cell: fenced by one backtick more than its
/// longest run of backticks (padded with a space when it starts or ends with one), line
/// breaks as spaces, and `|` written `\|` so it does not end the cell. Nothing inside a code
/// span is a tag, link or heading.
pub fn code_span(text: &str) -> String {
    let one_line: String = text
        .replace("\r\n", " ")
        .replace(['\r', '\n'], " ")
        .replace('|', "\\|");
    let longest = one_line
        .split(|c| c != '`')
        .map(str::len)
        .max()
        .unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if one_line.starts_with('`') || one_line.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{one_line}{pad}{fence}")
}

/// Refuses template names that are not plain relative paths.
fn check_name(name: &str) -> Result<(), RenderError> {
    let refuse = |reason| {
        Err(RenderError::NameRefused {
            name: name.to_string(),
            reason,
        })
    };
    if name.is_empty() {
        return refuse("the name is empty");
    }
    if name.starts_with('/') || Path::new(name).is_absolute() || name.contains(':') {
        return refuse("absolute paths are not allowed; name a file inside the template directory");
    }
    if name.contains('\\') {
        return refuse("use `/` to separate folders");
    }
    if name.split('/').any(|part| part == "..") {
        return refuse(
            "`..` is not allowed; templates are looked up inside the template directory only",
        );
    }
    if name.split('/').any(|part| part.is_empty() || part == ".") {
        return refuse("empty or `.` path segments are not allowed");
    }
    Ok(())
}

/// Walks `dir` (inside `root`, both canonical) and collects `(name, path)` of every template,
/// sorted by name.
fn collect_templates(
    root: &Path,
    dir: &Path,
    prefix: &str,
    out: &mut Vec<(String, PathBuf)>,
    visited: &mut BTreeSet<PathBuf>,
) -> Result<(), RenderError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| RenderError::Io { path, source }
    };
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        let path = entry.path();
        let Some(file_name) = entry.file_name().to_str().map(str::to_string) else {
            return Err(RenderError::PathRefused {
                path,
                reason: "the file name is not valid UTF-8".to_string(),
            });
        };
        entries.push((file_name, path));
    }
    entries.sort();

    for (file_name, path) in entries {
        if file_name.starts_with('.') {
            continue;
        }
        let target = path.canonicalize().map_err(|e| RenderError::PathRefused {
            path: path.clone(),
            reason: format!("cannot be resolved ({e})"),
        })?;
        if !target.starts_with(root) {
            return Err(RenderError::PathRefused {
                path,
                reason: format!(
                    "symbolic link points outside the template directory {}",
                    root.display()
                ),
            });
        }
        let name = format!("{prefix}{file_name}");
        if target.is_dir() {
            if visited.insert(target.clone()) {
                collect_templates(root, &target, &format!("{name}/"), out, visited)?;
            }
        } else if target.is_file()
            && Path::new(&file_name)
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| TEMPLATE_ENDINGS.contains(&e))
        {
            out.push((name, target));
        }
    }
    out.sort();
    Ok(())
}

/// Turns a Tera error into a [`RenderError`] that names the template file and line.
fn engine_error(dir: &Path, err: tera::Error) -> RenderError {
    match err.kind() {
        ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
            let span = report.span();
            RenderError::Template {
                template: report.filename().to_string(),
                path: dir.join(report.filename()),
                line: span.start_line,
                column: span.start_col + 1,
                message: report.message().to_string(),
            }
        }
        ErrorKind::TemplateNotFound(name) => RenderError::NotFound {
            name: name.clone(),
            dir: dir.to_path_buf(),
        },
        _ => RenderError::TemplateSet {
            dir: dir.to_path_buf(),
            report: err.to_string(),
        },
    }
}

fn fail(err: FormatError) -> tera::Error {
    tera::Error::message(err)
}

/// Refuses keyword arguments a filter does not know, so a misspelt `lnag=` is not ignored.
fn only_args(what: &str, kwargs: &Kwargs, allowed: &[&str]) -> tera::TeraResult<()> {
    for (key, _) in kwargs.iter() {
        let key = key.to_string();
        if !allowed.contains(&key.as_str()) {
            let expected = if allowed.is_empty() {
                "none".to_string()
            } else {
                allowed.join(", ")
            };
            return Err(tera::Error::message(format!(
                "`{what}` has no argument `{key}` (arguments: {expected})"
            )));
        }
    }
    Ok(())
}

/// A text argument, or else the context variable of the same name.
fn arg_or_context(kwargs: &Kwargs, state: &State, name: &str) -> tera::TeraResult<Option<String>> {
    if let Some(v) = kwargs.get::<&str>(name)? {
        return Ok(Some(v.to_string()));
    }
    let value = state.get::<Value>(name)?;
    match value {
        None => Ok(None),
        Some(v) => match v.as_str() {
            Some(s) => Ok(Some(s.to_string())),
            None => Err(tera::Error::message(format!(
                "context variable `{name}` must be a string, found {}",
                v.name()
            ))),
        },
    }
}

/// The document language: `lang=` or the context variable `lang`.
fn lang(kwargs: &Kwargs, state: &State) -> tera::TeraResult<Lang> {
    match arg_or_context(kwargs, state, "lang")? {
        Some(code) => code.parse().map_err(fail),
        None => Err(tera::Error::message(
            "no language: put `lang` (\"zh\" or \"en\") in the context or pass `lang=`",
        )),
    }
}

/// The currency: `currency=` or the context variable `currency`.
fn currency(kwargs: &Kwargs, state: &State) -> tera::TeraResult<String> {
    arg_or_context(kwargs, state, "currency")?.ok_or_else(|| {
        tera::Error::message(
            "no currency: put `currency` (\"CNY\" or \"USD\") in the context or pass `currency=`",
        )
    })
}

/// Refuses a value missing from the context, which Tera hands to filters as undefined.
fn defined(value: &Value) -> tera::TeraResult<&Value> {
    if value.is_undefined() {
        return Err(tera::Error::message(
            "the value is undefined (missing from the context)",
        ));
    }
    Ok(value)
}

/// A decimal from a string (`"1234.50"`) or an integer; floats are refused.
fn decimal(value: &Value) -> tera::TeraResult<Decimal> {
    let value = defined(value)?;
    if let Some(text) = value.as_str() {
        return format::parse_decimal(text).map_err(fail);
    }
    if value.is_f64() {
        return Err(tera::Error::message(format!(
            "`{value}` is a floating-point number; pass amounts and rates as decimal strings such as \"1234.50\""
        )));
    }
    if let Some(n) = value.as_i128()
        && let Ok(n) = i64::try_from(n)
    {
        return Ok(Decimal::from(n));
    }
    Err(tera::Error::message(format!(
        "expected a decimal string or an integer, found {} `{value}`",
        value.name()
    )))
}

fn text(value: &Value) -> tera::TeraResult<&str> {
    defined(value)?.as_str().ok_or_else(|| {
        tera::Error::message(format!(
            "expected a string, found {} `{value}`",
            value.name()
        ))
    })
}

fn date(value: &Value) -> tera::TeraResult<chrono::NaiveDate> {
    format::parse_date(text(value)?).map_err(fail)
}

/// Registers the document filters and the catalogue function `t`.
fn register(tera: &mut Tera, catalogue: Arc<Catalogue>) {
    tera.register_filter("money", |v: Value, kw: Kwargs, st: &State| {
        only_args("money", &kw, &["currency", "lang"])?;
        format::money(decimal(&v)?, &currency(&kw, st)?, lang(&kw, st)?).map_err(fail)
    });
    tera.register_filter("capital", |v: Value, kw: Kwargs, st: &State| {
        only_args("capital", &kw, &["currency"])?;
        format::capital(decimal(&v)?, &currency(&kw, st)?).map_err(fail)
    });
    tera.register_filter("in_words", |v: Value, kw: Kwargs, st: &State| {
        only_args("in_words", &kw, &["currency", "lang"])?;
        format::in_words(decimal(&v)?, &currency(&kw, st)?, lang(&kw, st)?).map_err(fail)
    });
    tera.register_filter("date", |v: Value, kw: Kwargs, st: &State| {
        only_args("date", &kw, &["lang"])?;
        Ok::<_, tera::Error>(format::date(date(&v)?, lang(&kw, st)?))
    });
    tera.register_filter("period", |v: Value, kw: Kwargs, st: &State| {
        only_args("period", &kw, &["end", "lang"])?;
        let end = kw.must_get::<Value>("end")?;
        format::period(date(&v)?, date(&end)?, lang(&kw, st)?).map_err(fail)
    });
    tera.register_filter("number", |v: Value, kw: Kwargs, _: &State| {
        only_args("number", &kw, &[])?;
        Ok::<_, tera::Error>(format::number(decimal(&v)?))
    });
    tera.register_filter("percent", |v: Value, kw: Kwargs, _: &State| {
        only_args("percent", &kw, &[])?;
        format::percent(decimal(&v)?).map_err(fail)
    });
    tera.register_filter("permille", |v: Value, kw: Kwargs, _: &State| {
        only_args("permille", &kw, &[])?;
        format::permille(decimal(&v)?).map_err(fail)
    });
    tera.register_filter("occupation", |v: Value, kw: Kwargs, st: &State| {
        only_args("occupation", &kw, &["lang"])?;
        let class = match defined(&v)?.as_str() {
            Some(s) => s.parse::<i64>().map_err(|_| {
                fail(FormatError::UnknownCode {
                    what: "occupation class",
                    code: s.to_string(),
                    expected: "1, 2, 3, 4, 5, 6",
                })
            })?,
            None => decimal(&v)?.try_into().map_err(|_| {
                tera::Error::message(format!("occupation class `{v}` is not a whole number"))
            })?,
        };
        format::occupation_class(class, lang(&kw, st)?).map_err(fail)
    });
    tera.register_filter("country_class", |v: Value, kw: Kwargs, st: &State| {
        only_args("country_class", &kw, &["lang"])?;
        format::country_class(text(&v)?, lang(&kw, st)?).map_err(fail)
    });
    tera.register_filter("payment_method", |v: Value, kw: Kwargs, st: &State| {
        only_args("payment_method", &kw, &["lang"])?;
        format::payment_method(text(&v)?, lang(&kw, st)?).map_err(fail)
    });
    tera.register_filter("gender", |v: Value, kw: Kwargs, st: &State| {
        only_args("gender", &kw, &["lang"])?;
        format::gender(text(&v)?, lang(&kw, st)?).map_err(fail)
    });
    tera.register_filter("payment_mode", |v: Value, kw: Kwargs, st: &State| {
        only_args("payment_mode", &kw, &["lang"])?;
        format::payment_mode(text(&v)?, lang(&kw, st)?).map_err(fail)
    });
    tera.register_function("t", move |kw: Kwargs, st: &State| {
        only_args("t", &kw, &["key", "lang", "default"])?;
        let key = kw.must_get::<&str>("key")?;
        let lang = lang(&kw, st)?;
        if let Some(text) = catalogue.get(lang, key) {
            return Ok(text.to_string());
        }
        if let Some(default) = kw.get::<Value>("default")?
            && !default.is_undefined()
        {
            return Ok(match default.as_str() {
                Some(s) => s.to_string(),
                None => default.to_string(),
            });
        }
        Err(tera::Error::message(format!(
            "message catalogue has no text for key `{key}` in language `{lang}`"
        )))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_outside_the_directory_are_refused() {
        for (name, reason) in [
            ("", "the name is empty"),
            (
                "../secret.html",
                "`..` is not allowed; templates are looked up inside the template directory only",
            ),
            (
                "parts/../../x.md",
                "`..` is not allowed; templates are looked up inside the template directory only",
            ),
            (
                "/etc/passwd",
                "absolute paths are not allowed; name a file inside the template directory",
            ),
            (
                "C:/x.html",
                "absolute paths are not allowed; name a file inside the template directory",
            ),
            ("parts\\x.html", "use `/` to separate folders"),
            ("./x.html", "empty or `.` path segments are not allowed"),
            (
                "parts//x.html",
                "empty or `.` path segments are not allowed",
            ),
        ] {
            match check_name(name) {
                Err(RenderError::NameRefused { reason: r, .. }) => assert_eq!(r, reason, "{name}"),
                other => panic!("{name}: expected a refusal, got {other:?}"),
            }
        }
        assert!(check_name("quote.html").is_ok());
        assert!(check_name("parts/header.html").is_ok());
    }
}
