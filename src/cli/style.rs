//! Colour on a terminal: diagnostics on stderr and the headers of text output on stdout.
//!
//! Decided once, at start: `--color always` or `never` wins; `auto` colours a stream only when
//! it is a terminal and `NO_COLOR` is unset or empty. Output through a pipe or into a file is
//! plain, so JSON and redirected text never carry escape codes.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicU8, Ordering};

use anstyle::{AnsiColor, Style};

/// When to colour, from `--color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorArg {
    /// On a terminal, unless `NO_COLOR` is set.
    Auto,
    /// Always, even through a pipe.
    Always,
    /// Never.
    Never,
}

const STDOUT: u8 = 1;
const STDERR: u8 = 2;
static COLORED: AtomicU8 = AtomicU8::new(0);

/// Decides, once, which streams are coloured.
pub fn set_color(choice: ColorArg) {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let bits = match choice {
        ColorArg::Never => 0,
        ColorArg::Always => STDOUT | STDERR,
        ColorArg::Auto if no_color => 0,
        ColorArg::Auto => {
            let mut b = 0;
            if std::io::stdout().is_terminal() {
                b |= STDOUT;
            }
            if std::io::stderr().is_terminal() {
                b |= STDERR;
            }
            b
        }
    };
    COLORED.store(bits, Ordering::Relaxed);
}

/// Whether diagnostics on stderr are coloured.
pub fn stderr_colored() -> bool {
    COLORED.load(Ordering::Relaxed) & STDERR != 0
}

/// Whether text output on stdout is coloured.
pub fn stdout_colored() -> bool {
    COLORED.load(Ordering::Relaxed) & STDOUT != 0
}

/// The word `error` that starts a one-line failure on stderr, red and bold on a terminal.
pub fn error_word() -> String {
    if stderr_colored() {
        let s = Style::new().bold().fg_color(Some(AnsiColor::Red.into()));
        format!("{s}error{s:#}")
    } else {
        "error".to_string()
    }
}
