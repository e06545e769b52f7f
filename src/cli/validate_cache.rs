//! The result of `validate` kept in the user's cache ([`coverwright::cache`]), keyed by the
//! content of everything the check reads.
//!
//! The key holds: this binary's identity, the current folder, the arguments as given (paths,
//! templates folder, format), the colour decided for each stream, and the name and bytes of
//! every file under each products folder (the folder of a product file named alone) and under
//! the templates folder. Product files may only name files inside their folder, and the
//! templates folder holds every template, so nothing the check reads is outside the key. The
//! entry is the exit code and the exact bytes written to stdout and stderr, so a run from the
//! cache prints what a run without it prints.
//!
//! When a folder cannot be read whole (a symbolic link to a folder, a named pipe, an unreadable
//! file, more than [`MAX_FILES`] files or [`MAX_BYTES`] bytes) there is no key and the check
//! runs without the cache.

use std::path::{Path, PathBuf};

use super::ExitCode;

const KIND: &str = "validate";
/// Most files a cached run's folders may hold together.
const MAX_FILES: usize = 2_000;
/// Most bytes a cached run's files may hold together.
const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// The inputs that decide a `validate` run's output.
pub(super) struct Inputs<'a> {
    pub paths: &'a [PathBuf],
    pub templates: &'a Path,
    pub format: &'a str,
}

/// The key of a run, or `None` when the cache is off or the inputs cannot all be read.
pub(super) fn key(inputs: &Inputs) -> Option<coverwright::cache::Key> {
    let mut key = coverwright::cache::Key::new(KIND)?;
    let cwd = std::env::current_dir().ok()?;
    key.add(cwd.as_os_str().as_encoded_bytes());
    key.add(inputs.format.as_bytes());
    key.add(&[
        u8::from(super::style::stdout_colored()),
        u8::from(super::style::stderr_colored()),
    ]);
    key.add(inputs.templates.as_os_str().as_encoded_bytes());
    let mut folders = vec![inputs.templates.to_path_buf()];
    for p in inputs.paths {
        key.add(p.as_os_str().as_encoded_bytes());
        if p.is_dir() {
            folders.push(p.clone());
        } else {
            let parent = p.parent().filter(|d| !d.as_os_str().is_empty());
            folders.push(parent.unwrap_or(Path::new(".")).to_path_buf());
        }
    }
    let mut budget = (MAX_FILES, MAX_BYTES);
    for f in &folders {
        key.add(b"folder");
        key.add(f.as_os_str().as_encoded_bytes());
        add_folder(&mut key, f, &mut budget)?;
    }
    Some(key)
}

/// Adds every file under `dir` (names relative to it, sorted, and contents) to the key.
fn add_folder(
    key: &mut coverwright::cache::Key,
    dir: &Path,
    budget: &mut (usize, u64),
) -> Option<()> {
    if !dir.exists() {
        key.add(b"absent");
        return Some(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .ok()?;
    entries.sort();
    for path in entries {
        let meta = std::fs::symlink_metadata(&path).ok()?;
        // Follow a link to a file; a link to a folder could loop or lead anywhere.
        let link = meta.file_type().is_symlink();
        let meta = if link {
            std::fs::metadata(&path).ok()?
        } else {
            meta
        };
        key.add(path.file_name()?.as_encoded_bytes());
        if meta.is_dir() && !link {
            key.add(b"dir");
            add_folder(key, &path, budget)?;
        } else if meta.is_file() {
            budget.0 = budget.0.checked_sub(1)?;
            budget.1 = budget.1.checked_sub(meta.len())?;
            key.add(b"file");
            key.add(&std::fs::read(&path).ok()?);
        } else {
            return None;
        }
    }
    Some(())
}

/// A run's output: its exit code and what it wrote to stdout and stderr.
pub(super) struct Output {
    pub code: ExitCode,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

const CODES: [ExitCode; 2] = [ExitCode::Success, ExitCode::Invalid];

/// The cached output of the run with `key`.
pub(super) fn read(key: coverwright::cache::Key) -> Option<Output> {
    let bytes = coverwright::cache::read(KIND, key)?;
    let (&code, rest) = bytes.split_first()?;
    let code = *CODES.get(usize::from(code))?;
    let (len, rest) = rest.split_at_checked(8)?;
    let len = usize::try_from(u64::from_le_bytes(len.try_into().ok()?)).ok()?;
    let (stdout, stderr) = rest.split_at_checked(len)?;
    Some(Output {
        code,
        stdout: stdout.to_vec(),
        stderr: stderr.to_vec(),
    })
}

/// Stores a run's output under `key`; only the outcomes of a check (valid or not) are kept.
pub(super) fn write(key: coverwright::cache::Key, output: &Output) {
    let Some(code) = CODES.iter().position(|c| *c == output.code) else {
        return;
    };
    let mut body = Vec::with_capacity(9 + output.stdout.len() + output.stderr.len());
    body.push(code as u8);
    body.extend_from_slice(&(output.stdout.len() as u64).to_le_bytes());
    body.extend_from_slice(&output.stdout);
    body.extend_from_slice(&output.stderr);
    coverwright::cache::write(KIND, key, &body);
}
