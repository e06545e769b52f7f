//! The progress bar: drawn on its own handle of standard error, only on a terminal, so it
//! never waits for a lock the caller holds.

use super::*;

// ---------------------------------------------------------------------------------------------
// Progress.

/// Standard error as its own file handle: writes go straight to the descriptor, without
/// taking the lock of `std::io::stderr()` (which the caller may hold for the whole run).
pub(super) struct StderrTerm(std::sync::Mutex<std::fs::File>);

impl StderrTerm {
    fn write(&self, s: &str) -> std::io::Result<()> {
        let mut f = self
            .0
            .lock()
            .map_err(|_| std::io::Error::other("the progress bar's terminal is poisoned"))?;
        f.write_all(s.as_bytes())
    }
}

impl indicatif::TermLike for StderrTerm {
    fn width(&self) -> u16 {
        80
    }
    fn move_cursor_up(&self, n: usize) -> std::io::Result<()> {
        self.write(&format!("\x1b[{n}A"))
    }
    fn move_cursor_down(&self, n: usize) -> std::io::Result<()> {
        self.write(&format!("\x1b[{n}B"))
    }
    fn move_cursor_right(&self, n: usize) -> std::io::Result<()> {
        self.write(&format!("\x1b[{n}C"))
    }
    fn move_cursor_left(&self, n: usize) -> std::io::Result<()> {
        self.write(&format!("\x1b[{n}D"))
    }
    fn write_line(&self, s: &str) -> std::io::Result<()> {
        self.write(&format!("{s}\n"))
    }
    fn write_str(&self, s: &str) -> std::io::Result<()> {
        self.write(s)
    }
    fn clear_line(&self) -> std::io::Result<()> {
        self.write("\r\x1b[2K")
    }
    fn flush(&self) -> std::io::Result<()> {
        Ok(())
    }
}

impl std::fmt::Debug for StderrTerm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StderrTerm")
    }
}

/// A progress bar over `total` input bytes, drawn on standard error when it is a terminal
/// (`None` otherwise). It writes through its own handle of the descriptor, so it never waits
/// for a lock on `std::io::stderr()` held elsewhere, from whichever thread it is updated.
pub fn progress_bar(total: u64) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    use std::os::fd::AsFd;
    let fd = std::io::stderr().as_fd().try_clone_to_owned().ok()?;
    let file = std::fs::File::from(fd);
    if !file.is_terminal() {
        return None;
    }
    let target = indicatif::ProgressDrawTarget::term_like_with_hz(
        Box::new(StderrTerm(std::sync::Mutex::new(file))),
        10,
    );
    let bar = indicatif::ProgressBar::with_draw_target(Some(total), target);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:40} {percent:>3}% {binary_bytes}/{binary_total_bytes} {elapsed} (eta {eta})",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    Some(bar)
}
