//! The `coverwright` binary: parses arguments, finds the project folder, decides colour and
//! runs the command against the library.
//!
//! Output goes to stdout and diagnostics to stderr through writers that lock per write, so a
//! progress bar drawing on stderr from another thread is never blocked.

// Diagnostics travel on cold paths; their size is not worth boxing.
#![allow(clippy::result_large_err)]

mod cli;

/// The process allocator: batch work allocates per row on one thread and frees on another,
/// where mimalloc is several times cheaper than the system allocator (BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{CommandFactory, FromArgMatches};

fn main() {
    small_pages();
    let matches = cli::Cli::command().get_matches();
    let mut args = cli::Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    cli::resolve_root(&mut args, &matches);
    cli::set_color(args.color);
    let code = cli::run(args, &mut std::io::stdout(), &mut std::io::stderr());
    std::process::exit(code.code());
}

/// Keeps the process's memory in small pages. mimalloc asks for transparent huge pages, and
/// the system then clears two megabytes at the first touch of any byte of one: a batch, whose
/// buffers are many and each partly used, spent a tenth of its time clearing pages it did not
/// use, and held twice the memory (BENCHMARKS.md).
fn small_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: `prctl(PR_SET_THP_DISABLE)` takes integers only and touches no memory of the
    // process; it sets a flag of the process that the system reads when it maps a page. A
    // failure (an old system) leaves huge pages allowed, which changes nothing but speed.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}
