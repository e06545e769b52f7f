//! Helpers shared by the integration tests.

use clap::Parser;

/// Runs the command line in-process; returns the exit code, stdout and stderr.
pub fn run(args: &[&str]) -> (i32, String, String) {
    let mut argv = vec!["coverwright"];
    argv.extend_from_slice(args);
    let cli = coverwright::cli::Cli::try_parse_from(argv).expect("valid arguments");
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = coverwright::cli::run(cli, &mut out, &mut err);
    (
        code,
        String::from_utf8(out).expect("utf-8 stdout"),
        String::from_utf8(err).expect("utf-8 stderr"),
    )
}
