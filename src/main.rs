//! The `coverwright` binary: parses arguments, finds the project folder, decides colour and
//! runs the command against the library.
//!
//! Output goes to stdout and diagnostics to stderr through writers that lock per write, so a
//! progress bar drawing on stderr from another thread is never blocked.

// Diagnostics travel on cold paths; their size is not worth boxing.
#![allow(clippy::result_large_err)]

mod cli;

/// The process allocator: batch work allocates per row on one thread and frees on another,
/// where mimalloc is several times cheaper than the system allocator (BENCHMARKS.md). It is
/// built without transparent huge pages (feature `no_thp`): the system would clear two
/// megabytes at the first touch of any byte of one, from the first allocation on, before
/// `main`; a batch, whose buffers are many and each partly used, spent a tenth of its time
/// clearing pages it did not use, and held twice the memory (BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{CommandFactory, FromArgMatches};

fn main() {
    let matches = cli::Cli::command().get_matches();
    let mut args = cli::Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    cli::resolve_root(&mut args, &matches);
    cli::set_color(args.color);
    let code = cli::run(args, &mut std::io::stdout(), &mut std::io::stderr());
    std::process::exit(code.code());
}
