//! The `coverwright` binary: parses arguments and runs the command against the library.
//!
//! Output goes to stdout and diagnostics to stderr through writers that lock per write, so a
//! progress bar drawing on stderr from another thread is never blocked.

// Diagnostics travel on cold paths; their size is not worth boxing.
#![allow(clippy::result_large_err)]

mod cli;

use clap::Parser;

fn main() {
    let args = cli::Cli::parse();
    let code = cli::run(args, &mut std::io::stdout(), &mut std::io::stderr());
    std::process::exit(code.code());
}
