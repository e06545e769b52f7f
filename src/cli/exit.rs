//! Exit codes: one vocabulary for every command.

/// The exit-code table printed by `--help` (and in the README).
pub const EXIT_CODES: &str = "Exit codes:
  0    done (warnings allowed)
  1    invalid input, a declined quote, a failed test, a batch with a failed record
  2    usage error: a bad flag value, an unknown product, version, plan or document
  3    an input that cannot be read or an output that cannot be written
  130  a batch stopped by SIGINT; 143 by SIGTERM (its output left as it was)
  141  standard output closed by its reader (`| head`)";

/// How a command ended. The numbers are the process exit codes, documented in the README and
/// in `coverwright --help`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitCode {
    /// 0: done (warnings allowed).
    Success = 0,
    /// 1: invalid input, a declined quote, a failed test, a batch with a failed record.
    Invalid = 1,
    /// 2: a usage error: a bad flag value, an unknown product, plan or document.
    Usage = 2,
    /// 3: an input that cannot be read or an output that cannot be written.
    Io = 3,
    /// 130: a `batch` stopped by SIGINT (128 + 2); its output was left as it was.
    Sigint = 130,
    /// 141: standard output closed by its reader (128 + SIGPIPE), ended quietly.
    BrokenPipe = 141,
    /// 143: a `batch` stopped by SIGTERM (128 + 15); its output was left as it was.
    Sigterm = 143,
}

impl ExitCode {
    /// The process exit code.
    pub fn code(self) -> i32 {
        self as i32
    }
}

/// The exit code of a file error: an output that is an input, or a name outside its folder,
/// is a usage error; anything else could not be read or written.
pub fn of_fs_error(e: &coverwright::fsio::FsError) -> ExitCode {
    use coverwright::fsio::FsError;
    match e {
        FsError::SameFile { .. } | FsError::Confined { .. } => ExitCode::Usage,
        _ => ExitCode::Io,
    }
}
