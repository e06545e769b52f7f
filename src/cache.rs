//! The user's cache folder: entries addressed by a hash of everything they were made from.
//!
//! Owns where cached work lives (`$XDG_CACHE_HOME/coverwright`, else `~/.cache/coverwright`)
//! and how an entry is written and read. Invariants:
//! - the cache is off until a command turns it on ([`enable`]); library callers and the
//!   service never touch the disk through it;
//! - an entry's name is the hash of its inputs (the caller's key, this binary's identity and
//!   the entry format), so a changed input or a rebuilt binary never meets an old entry;
//! - an entry carries a checksum of its bytes and is written to a temporary file and renamed
//!   into place, so a reader sees a whole entry or none;
//! - a cache that cannot be read or written is ignored, never an error: [`read`] gives `None`
//!   and [`write`] does nothing;
//! - the cache stays bounded: a write that leaves more than [`MAX_ENTRIES`] entries of its
//!   kind removes the oldest written until [`KEEP_ENTRIES`] remain.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use sha2::{Digest, Sha256};

static ENABLED: AtomicBool = AtomicBool::new(false);
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Most entries of one kind kept after a write.
pub const MAX_ENTRIES: usize = 256;

/// How many entries of a kind a write that found more than [`MAX_ENTRIES`] leaves.
pub const KEEP_ENTRIES: usize = 192;

/// Leading bytes of every entry.
const MAGIC: &[u8; 8] = b"CWCACHE1";

/// Turns the cache on for this process (commands that load product files call it unless
/// `--no-cache` is given).
pub fn enable() {
    ENABLED.store(true, Ordering::Relaxed);
}

/// Turns the cache off again.
pub fn disable() {
    ENABLED.store(false, Ordering::Relaxed);
}

/// The cache folder, when the cache is on and a folder can be named.
pub fn dir() -> Option<&'static Path> {
    if !ENABLED.load(Ordering::Relaxed) {
        return None;
    }
    static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = match std::env::var_os("XDG_CACHE_HOME").map(PathBuf::from) {
            Some(p) if p.is_absolute() => p,
            _ => PathBuf::from(std::env::var_os("HOME")?).join(".cache"),
        };
        Some(base.join("coverwright"))
    })
    .as_deref()
}

/// What identifies this build of the program: its version and its executable's size and
/// modification time, so that a rebuilt binary does not read entries an older one wrote.
/// `None` when the executable cannot be found (the cache is then not used).
fn binary_identity() -> Option<&'static [u8]> {
    static ID: OnceLock<Option<Vec<u8>>> = OnceLock::new();
    ID.get_or_init(|| {
        let exe = std::env::current_exe().ok()?;
        let m = std::fs::metadata(&exe).ok()?;
        let mtime = m
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?;
        let mut id = Vec::new();
        id.extend_from_slice(env!("CARGO_PKG_VERSION").as_bytes());
        id.push(0);
        id.extend_from_slice(&m.len().to_le_bytes());
        id.extend_from_slice(&mtime.as_nanos().to_le_bytes());
        Some(id)
    })
    .as_deref()
}

/// A key being built from the inputs of one cached result.
#[derive(Clone)]
pub struct Key(Sha256);

impl Key {
    /// A key for entries of `kind` (`"yaml"`, `"validate"`): starts from this binary's
    /// identity; `None` when the cache is off or the binary cannot be identified.
    pub fn new(kind: &str) -> Option<Key> {
        dir()?;
        let mut h = Sha256::new();
        h.update(MAGIC);
        h.update(binary_identity()?);
        h.update([0]);
        h.update(kind.as_bytes());
        h.update([0]);
        Some(Key(h))
    }

    /// Adds an input, length-prefixed, so that inputs never run into each other.
    pub fn add(&mut self, bytes: &[u8]) {
        self.0.update((bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
    }

    fn file(self, kind: &str) -> Option<PathBuf> {
        let hex: String = self
            .0
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Some(dir()?.join(kind).join(hex))
    }
}

/// The bytes of the entry of `kind` and `key`, when one is there and whole.
pub fn read(kind: &str, key: Key) -> Option<Vec<u8>> {
    let path = key.file(kind)?;
    let bytes = std::fs::read(path).ok()?;
    let body = bytes.strip_prefix(MAGIC.as_slice())?;
    let (sum, body) = body.split_at_checked(32)?;
    (Sha256::digest(body).as_slice() == sum).then(|| body.to_vec())
}

/// Stores `body` as the entry of `kind` and `key`; any failure leaves the cache as it was.
pub fn write(kind: &str, key: Key, body: &[u8]) {
    let Some(path) = key.file(kind) else { return };
    if write_atomically(&path, body).is_ok()
        && let Some(folder) = path.parent()
    {
        prune(folder);
    }
}

/// Removes the oldest written entries of a folder holding more than [`MAX_ENTRIES`], down
/// to [`KEEP_ENTRIES`]; temporary files of writes in progress are left alone.
fn prune(folder: &Path) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    let mut found: Vec<(std::time::SystemTime, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter(|e| !e.file_name().to_string_lossy().starts_with(".tmp-"))
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    if found.len() <= MAX_ENTRIES {
        return;
    }
    found.sort();
    for (_, old) in &found[..found.len() - KEEP_ENTRIES] {
        let _ = std::fs::remove_file(old);
    }
}

fn write_atomically(path: &Path, body: &[u8]) -> std::io::Result<()> {
    let parent = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let tmp = parent.join(format!(
        ".tmp-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(MAGIC)?;
        f.write_all(&Sha256::digest(body))?;
        f.write_all(body)?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn a_folder_over_the_bound_keeps_its_newest_entries() {
        let folder = std::env::temp_dir().join(format!("cw-cache-prune-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&folder);
        std::fs::create_dir_all(&folder).unwrap();
        for i in 0..(MAX_ENTRIES + 10) {
            let f = std::fs::File::create(folder.join(format!("e{i:04}"))).unwrap();
            f.set_modified(UNIX_EPOCH + Duration::from_secs(1_000_000 + i as u64))
                .unwrap();
        }
        std::fs::write(folder.join(".tmp-1-1"), b"in progress").unwrap();
        prune(&folder);
        let mut left: Vec<String> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left.len(), KEEP_ENTRIES + 1);
        assert_eq!(left[0], ".tmp-1-1");
        assert_eq!(left[1], format!("e{:04}", MAX_ENTRIES + 10 - KEEP_ENTRIES));
        assert_eq!(left[KEEP_ENTRIES], format!("e{:04}", MAX_ENTRIES + 9));
        std::fs::remove_dir_all(&folder).unwrap();
    }
}
