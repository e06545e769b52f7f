//! The `coverwright` binary: parses arguments and hands them to the library.

use clap::Parser;

fn main() {
    let cli = coverwright::cli::Cli::parse();
    let code = coverwright::cli::run(
        cli,
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    std::process::exit(code);
}
