//! The project folder: where `products/` and `templates/` are found when the command line
//! does not name them, so the tool runs from any folder of a project (as cargo finds
//! `Cargo.toml`).
//!
//! Order: `--root DIR`, then `$COVERWRIGHT_ROOT`, then the nearest folder, from the current
//! one upwards, that holds a `products/` folder; none found leaves the defaults relative to
//! the current folder. Only the defaults move: a path the user passes stays relative to the
//! current folder. A root found by walking up is written relative (`..`, `../..`), so paths in
//! diagnostics stay short and are the same as before when run from the project folder.

use std::path::{Path, PathBuf};

use clap::ArgMatches;
use clap::parser::ValueSource;

use super::{Cli, Command};

/// The environment variable naming the project folder.
pub const ROOT_ENV: &str = "COVERWRIGHT_ROOT";

/// The project folder: the flag, the environment variable, or found by walking up.
fn project_root(flag: Option<&Path>) -> PathBuf {
    if let Some(r) = flag {
        return r.to_path_buf();
    }
    if let Some(r) = std::env::var_os(ROOT_ENV).filter(|v| !v.is_empty()) {
        return PathBuf::from(r);
    }
    let Ok(cwd) = std::env::current_dir() else {
        return PathBuf::new();
    };
    let mut up = PathBuf::new();
    for dir in cwd.ancestors() {
        if dir.join("products").is_dir() {
            return up;
        }
        up.push("..");
    }
    PathBuf::new()
}

/// Moves every default path of the command (`products`, `templates`, the product paths of
/// `validate`, `list` and `test`) under the project folder; values the user gave are kept.
pub fn resolve_root(cli: &mut Cli, matches: &ArgMatches) {
    let root = project_root(cli.root.as_deref());
    if root.as_os_str().is_empty() {
        return;
    }
    let Some((_, sub)) = matches.subcommand() else {
        return;
    };
    let defaulted = |id: &str| sub.value_source(id) == Some(ValueSource::DefaultValue);
    let under = |p: &mut PathBuf, id: &str| {
        if defaulted(id) {
            *p = root.join(&*p);
        }
    };
    let all_under = |ps: &mut Vec<PathBuf>, id: &str| {
        if defaulted(id) {
            for p in ps {
                *p = root.join(&*p);
            }
        }
    };
    match &mut cli.command {
        Command::Validate {
            paths, templates, ..
        } => {
            all_under(paths, "paths");
            under(templates, "templates");
        }
        Command::List { paths, .. } | Command::Test { paths, .. } => all_under(paths, "paths"),
        Command::Quote(a) => {
            under(&mut a.products, "products");
            under(&mut a.templates, "templates");
        }
        Command::Render(a) => {
            under(&mut a.products, "products");
            under(&mut a.templates, "templates");
        }
        Command::Claim(a) => {
            under(&mut a.products, "products");
            under(&mut a.templates, "templates");
        }
        Command::Batch { products, .. }
        | Command::Declare { products, .. }
        | Command::Diff { products, .. } => under(products, "products"),
        Command::Impact(a) => under(&mut a.products, "products"),
        Command::Schedule(a) => under(&mut a.products, "products"),
        Command::Rules(a) => under(&mut a.products, "products"),
        #[cfg(feature = "service")]
        Command::Serve(a) => {
            under(&mut a.products, "products");
            under(&mut a.templates, "templates");
        }
        Command::Schema | Command::Annuity { .. } | Command::Completions { .. } | Command::Man => {}
    }
}
