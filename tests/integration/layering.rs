//! The layering the code keeps, checked on the source: which module may import which.
//!
//! - `product` imports only the layers below it (`schedule`'s checked types, `formula`,
//!   `yaml`, `actuarial`, `fsio`, `dates`, `money`, `diagnostics`), never a module above it in
//!   `ARCHITECTURE.md` (`regulation`, `pension`, `request`, `census`, `rating`, `quote`,
//!   `document`, `cases`, `declare`, `batch`, `claims`, `cli`, ...). The checked `pension:`
//!   and `claims:` sections are the two known exceptions, each allowed only in the files that
//!   build them ([`UPWARD_EXCEPTIONS`]);
//! - `rating` never imports `document`, `cli` or `quote`;
//! - only `main.rs` and `cli` itself reach `cli`, which belongs to the binary;
//! - `money` and `diagnostics` import no other module of the crate.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src is readable") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to: `product` for `src/product/check.rs`, `rating`
/// for `src/rating.rs`, `main` and `lib` for the crate roots.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).expect("under src");
    let first = rel.components().next().expect("a component");
    let name = first.as_os_str().to_string_lossy();
    name.strip_suffix(".rs").unwrap_or(&name).to_string()
}

/// The crate modules a source text imports: every `crate::NAME` and `coverwright::NAME`
/// outside comments, including names in `crate::{a, b::c}` groups.
fn imports(text: &str) -> Vec<String> {
    let code: String = text
        .lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = Vec::new();
    for root in ["crate::", "coverwright::"] {
        let mut rest = code.as_str();
        while let Some(i) = rest.find(root) {
            let before = rest[..i].chars().last();
            rest = &rest[i + root.len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            if let Some(group) = rest.strip_prefix('{') {
                // `crate::{a, b::{c, d}}`: the first name of each top-level item.
                let mut depth = 0;
                let mut item = String::new();
                for c in group.chars() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => break,
                        '}' => depth -= 1,
                        ',' if depth == 0 => {
                            out.push(first_name(&item));
                            item.clear();
                            continue;
                        }
                        _ => {}
                    }
                    item.push(c);
                }
                out.push(first_name(&item));
            } else {
                out.push(first_name(rest));
            }
        }
    }
    out.retain(|n| !n.is_empty());
    out
}

fn first_name(s: &str) -> String {
    s.trim_start()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// The modules `product` may import: the layers below it.
const BELOW_PRODUCT: &[&str] = &[
    "product",
    "schedule",
    "formula",
    "yaml",
    "actuarial",
    "fsio",
    "dates",
    "money",
    "diagnostics",
];

/// Upward imports of `product` still to go, each allowed only in the files named: the types
/// of the checked `pension:` and `claims:` sections live in `pension` and `claims`.
const UPWARD_EXCEPTIONS: &[(&str, &[&str])] = &[
    ("pension", &["product/pension_check.rs", "product/mod.rs"]),
    (
        "claims",
        &[
            "product/check/claims.rs",
            "product/check/mod.rs",
            "product/mod.rs",
        ],
    ),
];

fn allowed_upward(src: &Path, file: &Path, name: &str) -> bool {
    let rel = file.strip_prefix(src).unwrap_or(file);
    let rel = rel.to_string_lossy().replace('\\', "/");
    UPWARD_EXCEPTIONS
        .iter()
        .any(|(m, files)| *m == name && files.contains(&rel.as_str()))
}

/// Every broken rule, as `file: imports X (rule)`.
fn violations(src: &Path) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    let mut out = Vec::new();
    for file in &files {
        let module = module_of(src, file);
        let text = std::fs::read_to_string(file).expect("source is UTF-8");
        for name in imports(&text) {
            let rule = match (module.as_str(), name.as_str()) {
                ("product", other)
                    if !BELOW_PRODUCT.contains(&other) && !allowed_upward(src, file, other) =>
                {
                    Some("product imports only the layers below it")
                }
                ("rating", "document" | "cli" | "quote") => {
                    Some("rating never reaches documents, quotes or the command line")
                }
                ("main" | "cli", _) => None,
                (_, "cli") => Some("only the binary (main.rs, cli) reaches cli"),
                ("money" | "diagnostics", other) if other != module => {
                    Some("money and diagnostics import no other module of the crate")
                }
                _ => None,
            };
            if let Some(rule) = rule {
                out.push(format!("{}: imports `{name}` ({rule})", file.display()));
            }
        }
        if module == "lib"
            && text
                .lines()
                .any(|l| l.trim() == "pub mod cli;" || l.trim() == "mod cli;")
        {
            out.push(format!(
                "{}: declares `cli` (it belongs to the binary)",
                file.display()
            ));
        }
    }
    out
}

#[test]
fn the_modules_import_only_what_their_layer_allows() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let v = violations(&src);
    assert!(v.is_empty(), "layering broken:\n{}", v.join("\n"));
}

#[test]
fn the_layering_check_finds_a_forbidden_import() {
    let dir = std::env::temp_dir().join(format!("coverwright-layering-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("product")).unwrap();
    std::fs::write(
        dir.join("product/check.rs"),
        "// crate::quote in a comment is fine\nuse crate::{formula::Value, rating::rate};\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("product/raw.rs"),
        "pub acknowledge: Vec<crate::regulation::raw::RawAcknowledge>,\n\
         use crate::pension::PensionTerms;\nuse crate::census::read_members;\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("product/load.rs"),
        "fn skip(n: &str) -> bool { n == crate::regulation::FILE_NAME }\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("product/pension_check.rs"),
        "use crate::pension::PensionTerms;\nuse crate::{yaml::Sp, money::Currency};\n",
    )
    .unwrap();
    std::fs::write(dir.join("rating.rs"), "use crate::document::Renderer;\n").unwrap();
    std::fs::write(
        dir.join("money.rs"),
        "fn f() { crate::product::parse_decimal(\"1\"); }\n",
    )
    .unwrap();
    std::fs::write(dir.join("batch.rs"), "use crate::cli::report;\n").unwrap();
    std::fs::write(dir.join("lib.rs"), "pub mod cli;\n").unwrap();
    let v = violations(&dir);
    let names: Vec<String> = v
        .iter()
        .map(|l| {
            l.strip_prefix(&format!("{}/", dir.display()))
                .unwrap_or(l)
                .to_string()
        })
        .collect();
    assert_eq!(
        names,
        [
            "batch.rs: imports `cli` (only the binary (main.rs, cli) reaches cli)",
            "lib.rs: declares `cli` (it belongs to the binary)",
            "money.rs: imports `product` (money and diagnostics import no other module of the crate)",
            "product/check.rs: imports `rating` (product imports only the layers below it)",
            "product/load.rs: imports `regulation` (product imports only the layers below it)",
            "product/raw.rs: imports `regulation` (product imports only the layers below it)",
            "product/raw.rs: imports `pension` (product imports only the layers below it)",
            "product/raw.rs: imports `census` (product imports only the layers below it)",
            "rating.rs: imports `document` (rating never reaches documents, quotes or the command line)",
        ]
    );
}
