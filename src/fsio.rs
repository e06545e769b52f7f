//! Files in and out, safely: outputs that appear whole or not at all, inputs that are read only
//! when they are regular files of a bounded size, and names resolved inside a folder.
//!
//! - [`AtomicOutput`] writes to a temporary file in the target's folder; [`AtomicOutput::commit`]
//!   flushes, syncs and renames it over the target. Dropped without a commit (an error, a
//!   panic, an interrupted run) it removes the temporary file, and the target is untouched.
//!   [`AtomicOutput::create`] refuses an output that is the same file (device and inode) as
//!   one of the inputs, so a run can never truncate what it reads.
//!   [`AtomicOutput::forget_replaced_pages`] drops the system's cached pages of the file an
//!   output will replace (not its content), so the commit's rename does not free them.
//! - [`read_input`] and [`open_input`] refuse anything but a regular file (directories, named
//!   pipes, devices, sockets) from its metadata, before opening it, and check the size before
//!   reading; [`read_input`] also reads with a bound, so a file that grows is not read past
//!   its limit.
//! - [`resolve_confined`] turns a name written in a file into a path under that file's
//!   folder: no absolute paths, no `..`, no symbolic link that leads out.
//!
//! Invariants: no function here follows a path to a non-regular file; an [`AtomicOutput`]
//! never leaves its temporary file behind once dropped, and never writes the target in place.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{BufWriter, Read, Write};
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Largest request, quote or billing file read whole (bytes).
pub const MAX_DOCUMENT_BYTES: u64 = 16 << 20;
/// Largest data file a product names (CSV rate tables, calendars, life tables) (bytes).
pub const MAX_DATA_BYTES: u64 = 64 << 20;
/// Largest census file named by a request or a JSON Lines record (bytes).
pub const MAX_NAMED_CENSUS_BYTES: u64 = 256 << 20;
/// Largest census or JSON Lines file `batch` streams (bytes).
pub const MAX_STREAM_BYTES: u64 = 64 << 30;

/// What went wrong reading, resolving or writing a file. Each variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum FsError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read {}: it is {what}, not a regular file", path.display())]
    NotRegular { path: PathBuf, what: &'static str },
    #[error("cannot read {}: it is {size} bytes, more than the {limit} allowed", path.display())]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    #[error("`{name}` is not allowed here: {reason}")]
    Confined { name: String, reason: String },
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the output {} is the same file as the input {}; write the output to another file",
        output.display(),
        input.display()
    )]
    SameFile { output: PathBuf, input: PathBuf },
}

impl FsError {
    /// The error as an I/O error whose message leaves out the path (for callers that name
    /// the file themselves).
    pub fn into_io(self) -> std::io::Error {
        match self {
            FsError::Read { source, .. } | FsError::Write { source, .. } => source,
            FsError::NotRegular { what, .. } => std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("it is {what}, not a regular file"),
            ),
            FsError::TooLarge { size, limit, .. } => std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("it is {size} bytes, more than the {limit} allowed"),
            ),
            e @ (FsError::Confined { .. } | FsError::SameFile { .. }) => {
                std::io::Error::new(std::io::ErrorKind::InvalidInput, e.to_string())
            }
        }
    }
}

/// What a file that is not a regular file is, in words.
pub(crate) fn kind_of(m: &Metadata) -> &'static str {
    let t = m.file_type();
    if t.is_dir() {
        "a folder"
    } else if t.is_fifo() {
        "a named pipe"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_block_device() || t.is_char_device() {
        "a device"
    } else {
        "not a regular file"
    }
}

/// Opens a regular file for reading, checking its size against `limit`. The type is checked
/// from the path's metadata before opening (opening a named pipe would block), then again on
/// the open handle, which must be the same file.
pub fn open_input(path: &Path, limit: u64) -> Result<(File, u64), FsError> {
    let read_err = |source| FsError::Read {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(read_err)?;
    if !meta.is_file() {
        return Err(FsError::NotRegular {
            path: path.to_path_buf(),
            what: kind_of(&meta),
        });
    }
    if meta.len() > limit {
        return Err(FsError::TooLarge {
            path: path.to_path_buf(),
            size: meta.len(),
            limit,
        });
    }
    // Non-blocking open: should the path be swapped for a pipe after the check, the open
    // returns at once and the check below refuses it.
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(read_err)?;
    let now = file.metadata().map_err(read_err)?;
    if !now.is_file() || now.dev() != meta.dev() || now.ino() != meta.ino() {
        return Err(FsError::NotRegular {
            path: path.to_path_buf(),
            what: kind_of(&now),
        });
    }
    Ok((file, now.len()))
}

/// Reads a whole regular file of at most `limit` bytes (see [`open_input`]).
pub fn read_input(path: &Path, limit: u64) -> Result<Vec<u8>, FsError> {
    let (file, len) = open_input(path, limit)?;
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| FsError::Read {
            path: path.to_path_buf(),
            source,
        })?;
    if bytes.len() as u64 > limit {
        return Err(FsError::TooLarge {
            path: path.to_path_buf(),
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// Reads a whole regular file as UTF-8 text (see [`read_input`]).
pub fn read_input_text(path: &Path, limit: u64) -> Result<String, FsError> {
    let bytes = read_input(path, limit)?;
    String::from_utf8(bytes).map_err(|e| FsError::Read {
        path: path.to_path_buf(),
        source: std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        ),
    })
}

/// [`read_input_text`] with the error as an I/O error that leaves the path out (for callers
/// whose message names the file already): `it is a named pipe, not a regular file`.
pub fn read_text(path: &Path, limit: u64) -> std::io::Result<String> {
    read_input_text(path, limit).map_err(FsError::into_io)
}

/// Resolves `name`, written in a file in `dir`, to a path under `dir`: refuses absolute
/// paths, `..`, and names whose target (after symbolic links) lies outside `dir`. The result
/// is canonical. The file must exist.
pub fn resolve_confined(dir: &Path, name: &str) -> Result<PathBuf, FsError> {
    let refuse = |reason: &str| FsError::Confined {
        name: name.to_string(),
        reason: reason.to_string(),
    };
    if name.is_empty() {
        return Err(refuse("the name is empty"));
    }
    if name.contains('\0') {
        return Err(refuse("the name contains a NUL character"));
    }
    let rel = Path::new(name);
    for c in rel.components() {
        match c {
            Component::Normal(_) | Component::CurDir => {}
            Component::ParentDir => {
                return Err(refuse(
                    "`..` is not allowed; name a file in the same folder or below",
                ));
            }
            Component::RootDir | Component::Prefix(_) => {
                return Err(refuse(
                    "an absolute path is not allowed; name a file relative to the folder of the file that names it",
                ));
            }
        }
    }
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let base = dir.canonicalize().map_err(|source| FsError::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    let joined = dir.join(rel);
    let real = joined.canonicalize().map_err(|source| FsError::Read {
        path: joined.clone(),
        source,
    })?;
    if !real.starts_with(&base) {
        return Err(refuse(&format!(
            "it leads out of {} (through a symbolic link)",
            dir.display()
        )));
    }
    Ok(real)
}

/// Whether two existing paths are the same file (device and inode).
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}

/// Refuses `output` when it is the same file as one of `inputs`. A path that does not exist
/// yet cannot be an input.
pub fn check_distinct(output: &Path, inputs: &[&Path]) -> Result<(), FsError> {
    for input in inputs {
        if same_file(output, input) {
            return Err(FsError::SameFile {
                output: output.to_path_buf(),
                input: input.to_path_buf(),
            });
        }
    }
    Ok(())
}

/// An output file that appears whole on [`commit`](AtomicOutput::commit) or not at all.
#[derive(Debug)]
pub struct AtomicOutput {
    target: PathBuf,
    temp: PathBuf,
    file: Option<BufWriter<File>>,
    /// Bytes taken by the writer so far.
    taken: u64,
    /// Bytes whose writing back to disk has been started (see [`WRITEBACK_STEP`]).
    started: u64,
    /// Bytes whose cached pages have been let go (see [`AtomicOutput::write_back`]).
    dropped: u64,
}

/// The writer's buffer: small writes are gathered, and a larger one (a batch's chunk of
/// lines) goes to the file without being copied into it first.
const BUFFER_BYTES: usize = 64 << 10;

/// Bytes handed to the system between two starts of their writing back to disk: a large
/// output is then mostly on disk when [`AtomicOutput::commit`] syncs it, instead of all of it
/// being written while the run waits at the end.
const WRITEBACK_STEP: u64 = 8 << 20;

impl AtomicOutput {
    /// Starts an output to `target`, refusing it when it is the same file as one of `inputs`.
    /// The temporary file is created (new, never an existing file) beside the target and
    /// takes over the target's permissions when there is one.
    pub fn create(target: &Path, inputs: &[&Path]) -> Result<AtomicOutput, FsError> {
        check_distinct(target, inputs)?;
        let write_err = |source| FsError::Write {
            path: target.to_path_buf(),
            source,
        };
        let Some(name) = target.file_name() else {
            return Err(write_err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "the output must name a file",
            )));
        };
        if std::fs::metadata(target).is_ok_and(|m| m.is_dir()) {
            return Err(write_err(std::io::Error::new(
                std::io::ErrorKind::IsADirectory,
                "it is a folder",
            )));
        }
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let temp = target.with_file_name(format!(
            ".{}.{}-{}.tmp",
            name.to_string_lossy(),
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
            .map_err(write_err)?;
        if let Ok(m) = std::fs::metadata(target) {
            let _ = file.set_permissions(m.permissions());
        }
        Ok(AtomicOutput {
            target: target.to_path_buf(),
            temp,
            file: Some(BufWriter::with_capacity(BUFFER_BYTES, file)),
            taken: 0,
            started: 0,
            dropped: 0,
        })
    }

    /// Starts writing back what the system holds of the file, every [`WRITEBACK_STEP`]
    /// bytes. It waits for nothing and is only a head start: [`commit`](Self::commit) syncs.
    /// The pages of what was started a step earlier are let go, so a long output (a book of
    /// quotes) keeps a few steps of the page cache, reused, instead of taking fresh memory for
    /// every page: on the machine of `BENCHMARKS.md`, fresh pages cost the JSON Lines book
    /// about half a second of system time.
    fn write_back(&mut self) {
        let Some(w) = &self.file else {
            return;
        };
        let handed = self.taken - w.buffer().len() as u64;
        if handed - self.started < WRITEBACK_STEP {
            return;
        }
        #[cfg(target_os = "linux")]
        {
            use std::os::fd::AsRawFd;
            let (from, len) = (self.started, handed - self.started);
            if let (Ok(from), Ok(len)) = (i64::try_from(from), i64::try_from(len)) {
                // SAFETY: `sync_file_range` takes integers only (the descriptor of the file
                // this writer owns, open for its whole life, and a byte range) and touches no
                // memory of the process. A failure is ignored: the sync at commit reports
                // what cannot be written.
                unsafe {
                    libc::sync_file_range(
                        w.get_ref().as_raw_fd(),
                        from,
                        len,
                        libc::SYNC_FILE_RANGE_WRITE,
                    );
                }
            }
            // What was started a step before is written by now, mostly: its pages are let go
            // (the output is written, not read back), and the next writes reuse their memory
            // instead of taking fresh pages. Pages still being written are kept.
            let upto = self.started.saturating_sub(WRITEBACK_STEP);
            if let (Ok(from), Ok(len)) = (
                i64::try_from(self.dropped),
                i64::try_from(upto.saturating_sub(self.dropped)),
            ) && len > 0
            {
                // SAFETY: as above, integers only; a failure drops nothing.
                unsafe {
                    libc::posix_fadvise(
                        w.get_ref().as_raw_fd(),
                        from,
                        len,
                        libc::POSIX_FADV_DONTNEED,
                    );
                }
                self.dropped = upto;
            }
        }
        self.started = handed;
    }

    /// The writer, or an error once the output is closed.
    fn writer(&mut self) -> std::io::Result<&mut BufWriter<File>> {
        self.file
            .as_mut()
            .ok_or_else(|| std::io::Error::other("the output is closed"))
    }

    /// Counts `n` bytes taken by the writer, starting their writing back when a step is full;
    /// returns `n`.
    fn took(&mut self, n: usize) -> usize {
        self.taken += n as u64;
        self.write_back();
        n
    }

    /// The file the output will replace.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Asks the system to drop the cached pages of the file this output will replace. The
    /// file stays as it is (on disk, and for any reader); the commit's rename then has fewer
    /// pages to free, which for a large file takes tens of milliseconds. Meant to run on
    /// another thread while the output is written; best effort, Linux only, and nothing for
    /// a target that is not a regular file.
    pub fn forget_replaced_pages(target: &Path) {
        #[cfg(target_os = "linux")]
        if let Ok((file, _)) = open_input(target, u64::MAX) {
            use std::os::fd::AsRawFd;
            // SAFETY: `posix_fadvise` takes integers only (the descriptor of a file open for
            // the length of this call, and a byte range) and touches no memory of the
            // process. Its answer is advice taken or not; a failure changes nothing.
            unsafe {
                libc::posix_fadvise(file.as_raw_fd(), 0, 0, libc::POSIX_FADV_DONTNEED);
            }
        }
        #[cfg(not(target_os = "linux"))]
        let _ = target;
    }

    /// The temporary file being written. Another program may write this path instead of the
    /// writer (e.g. a PDF printer); [`commit`](AtomicOutput::commit) moves whatever is there.
    pub fn temp_path(&self) -> &Path {
        &self.temp
    }

    /// Flushes and syncs the temporary file and renames it over the target.
    pub fn commit(mut self) -> Result<(), FsError> {
        let write_err = |source| FsError::Write {
            path: self.target.clone(),
            source,
        };
        if let Some(w) = self.file.take() {
            let file = w.into_inner().map_err(|e| write_err(e.into_error()))?;
            file.sync_all().map_err(write_err)?;
        }
        // Whatever is at the temporary path now (it may have been replaced) is what is moved.
        File::open(&self.temp)
            .and_then(|f| f.sync_all())
            .map_err(write_err)?;
        std::fs::rename(&self.temp, &self.target).map_err(write_err)?;
        if let Some(dir) = self.target.parent() {
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            // Best effort: the rename is done; syncing the folder makes it durable.
            let _ = File::open(dir).and_then(|d| d.sync_all());
        }
        Ok(())
    }
}

impl Write for AtomicOutput {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.writer()?.write(buf)?;
        Ok(self.took(n))
    }

    /// Several buffers at once: written with one system call when together they do not fit
    /// the writer's buffer.
    fn write_vectored(&mut self, bufs: &[std::io::IoSlice<'_>]) -> std::io::Result<usize> {
        let n = self.writer()?.write_vectored(bufs)?;
        Ok(self.took(n))
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.writer()?.write_all(buf)?;
        self.took(buf.len());
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.file {
            Some(w) => w.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for AtomicOutput {
    fn drop(&mut self) {
        // Committed outputs have moved their file; otherwise the temporary file goes.
        drop(self.file.take());
        if self.temp.exists() {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

/// An error writing to standard output, turned into what the user sees: `None` for a
/// closed pipe (the reader went away; end quietly), or one line naming the output.
pub fn stdout_error_line(e: &std::io::Error) -> Option<String> {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        None
    } else {
        Some(format!("error: cannot write to standard output: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("coverwright-fsio-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_committed_output_replaces_the_target_whole() {
        let dir = scratch("commit");
        let target = dir.join("out.txt");
        std::fs::write(&target, "old\n").unwrap();
        let mut o = AtomicOutput::create(&target, &[]).unwrap();
        o.write_all(b"new\n").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old\n");
        o.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new\n");
        assert_eq!(entries(&dir), ["out.txt"]);
    }

    /// Past three write-back steps, the pages written back are let go while writing goes on;
    /// the file committed holds every byte, in order, from single and vectored writes.
    #[test]
    fn a_long_output_is_committed_whole_after_its_pages_are_let_go() {
        let dir = scratch("long");
        let target = dir.join("book.jsonl");
        std::fs::write(&target, "old\n").unwrap();
        let line = |i: usize| {
            format!(
                "{{\"record\":{i},\"premium\":\"{}.{:02}\"}}\n",
                i * 7,
                i % 100
            )
        };
        let mut expected = Vec::new();
        let mut o = AtomicOutput::create(&target, &[]).unwrap();
        let mut i = 0;
        while expected.len() < (3 * WRITEBACK_STEP + WRITEBACK_STEP / 2) as usize {
            let (a, b) = (line(i), line(i + 1));
            if i % 4 == 0 {
                o.write_all(a.as_bytes()).unwrap();
                o.write_all(b.as_bytes()).unwrap();
            } else {
                let parts = [
                    std::io::IoSlice::new(a.as_bytes()),
                    std::io::IoSlice::new(b.as_bytes()),
                ];
                let n = o.write_vectored(&parts).unwrap();
                if n < a.len() + b.len() {
                    o.write_all(&[a.as_bytes(), b.as_bytes()].concat()[n..])
                        .unwrap();
                }
            }
            expected.extend_from_slice(a.as_bytes());
            expected.extend_from_slice(b.as_bytes());
            i += 2;
        }
        assert!(o.dropped >= WRITEBACK_STEP, "{} bytes let go", o.dropped);
        o.commit().unwrap();
        assert!(std::fs::read(&target).unwrap() == expected);
        assert_eq!(entries(&dir), ["book.jsonl"]);
    }

    #[test]
    fn a_dropped_output_leaves_the_target_and_no_temporary_file() {
        let dir = scratch("drop");
        let target = dir.join("out.txt");
        std::fs::write(&target, "old\n").unwrap();
        {
            let mut o = AtomicOutput::create(&target, &[]).unwrap();
            o.write_all(&vec![b'x'; 3 << 20]).unwrap();
            assert!(o.temp_path().exists());
        }
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old\n");
        assert_eq!(entries(&dir), ["out.txt"]);
        // A panic while writing drops the output too.
        let t = target.clone();
        let r = std::panic::catch_unwind(move || {
            let mut o = AtomicOutput::create(&t, &[]).unwrap();
            o.write_all(b"partial").unwrap();
            panic!("stop");
        });
        assert!(r.is_err());
        assert_eq!(entries(&dir), ["out.txt"]);
    }

    #[test]
    fn an_output_that_is_an_input_is_refused_by_inode() {
        let dir = scratch("same");
        let input = dir.join("in.jsonl");
        std::fs::write(&input, "{}\n").unwrap();
        let link = dir.join("hard.jsonl");
        std::fs::hard_link(&input, &link).unwrap();
        let e = AtomicOutput::create(&link, &[&input]).unwrap_err();
        assert!(matches!(e, FsError::SameFile { .. }), "{e}");
        let e = AtomicOutput::create(&dir.join(".").join("in.jsonl"), &[&input]).unwrap_err();
        assert!(matches!(e, FsError::SameFile { .. }), "{e}");
        // A path that does not exist yet is no input.
        assert!(AtomicOutput::create(&dir.join("new.jsonl"), &[&input]).is_ok());
        assert_eq!(std::fs::read_to_string(&input).unwrap(), "{}\n");
    }

    #[test]
    fn only_regular_files_within_the_limit_are_read() {
        let dir = scratch("read");
        let f = dir.join("a.csv");
        std::fs::write(&f, "0123456789").unwrap();
        assert_eq!(read_input(&f, 10).unwrap(), b"0123456789");
        assert!(matches!(
            read_input(&f, 9),
            Err(FsError::TooLarge {
                size: 10,
                limit: 9,
                ..
            })
        ));
        let e = read_input(&dir, 100).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "cannot read {}: it is a folder, not a regular file",
                dir.display()
            )
        );
        let e = read_input(Path::new("/dev/zero"), 100).unwrap_err();
        assert!(
            matches!(
                e,
                FsError::NotRegular {
                    what: "a device",
                    ..
                }
            ),
            "{e}"
        );
        let fifo = dir.join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.unwrap().success());
        let e = read_input(&fifo, 100).unwrap_err();
        assert!(
            matches!(
                e,
                FsError::NotRegular {
                    what: "a named pipe",
                    ..
                }
            ),
            "{e}"
        );
        assert!(matches!(
            read_input(&dir.join("missing"), 100),
            Err(FsError::Read { .. })
        ));
    }

    #[test]
    fn forgetting_the_replaced_pages_leaves_the_file_and_passes_over_pipes() {
        let dir = scratch("forget");
        let old = dir.join("book.jsonl");
        let text = "line\n".repeat(100_000);
        std::fs::write(&old, &text).unwrap();
        AtomicOutput::forget_replaced_pages(&old);
        assert_eq!(std::fs::read_to_string(&old).unwrap(), text);
        // A named pipe is not opened (a blocking open would hang here), nor is a folder or a
        // missing file.
        let fifo = dir.join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.unwrap().success());
        AtomicOutput::forget_replaced_pages(&fifo);
        AtomicOutput::forget_replaced_pages(&dir);
        AtomicOutput::forget_replaced_pages(&dir.join("missing"));
        assert_eq!(entries(&dir), ["book.jsonl", "pipe"]);
    }

    #[test]
    fn names_resolve_only_inside_their_folder() {
        let dir = scratch("confine");
        let sub = dir.join("sub");
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(sub.join("c.csv"), "x").unwrap();
        std::fs::write(dir.join("outside.csv"), "x").unwrap();
        let ok = resolve_confined(&dir, "sub/c.csv").unwrap();
        assert_eq!(ok, sub.join("c.csv").canonicalize().unwrap());
        assert!(resolve_confined(&dir, "./sub/c.csv").is_ok());
        for bad in ["/etc/passwd", "../outside.csv", "sub/../../x", ""] {
            assert!(
                matches!(resolve_confined(&sub, bad), Err(FsError::Confined { .. })),
                "{bad}"
            );
        }
        std::os::unix::fs::symlink(dir.join("outside.csv"), sub.join("link.csv")).unwrap();
        let e = resolve_confined(&sub, "link.csv").unwrap_err();
        assert!(e.to_string().contains("leads out of"), "{e}");
        std::os::unix::fs::symlink("c.csv", sub.join("inside.csv")).unwrap();
        assert!(resolve_confined(&sub, "inside.csv").is_ok());
    }
}
