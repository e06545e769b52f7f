//! Helpers shared by the integration tests.

/// The cache folder (`XDG_CACHE_HOME`) of the binaries the tests run: under the build's
/// temporary folder, so a test run never writes to the user's own cache.
pub const CACHE_HOME: &str = concat!(env!("CARGO_TARGET_TMPDIR"), "/cache");

/// Runs the `coverwright` binary in the package root; returns the exit code, stdout and
/// stderr.
pub fn run(args: &[&str]) -> (i32, String, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_coverwright"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .env("XDG_CACHE_HOME", CACHE_HOME)
        .output()
        .expect("the coverwright binary runs");
    (
        output
            .status
            .code()
            .expect("exit code (not killed by a signal)"),
        String::from_utf8(output.stdout).expect("utf-8 stdout"),
        String::from_utf8(output.stderr).expect("utf-8 stderr"),
    )
}
