//! `completions` and `man`: the shell completion scripts and the manual page, generated from
//! the same clap definition the commands are parsed with, so they never disagree with it.

use std::io::Write;

use clap::CommandFactory;

use super::{Cli, ExitCode};

/// Writes the completion script of `shell` to `out`.
pub(super) fn completions(
    shell: clap_complete::Shell,
    out: &mut dyn Write,
) -> std::io::Result<ExitCode> {
    clap_complete::generate(shell, &mut Cli::command(), "coverwright", out);
    Ok(ExitCode::Success)
}

/// Writes the manual page (roff, section 1) to `out`: the command, then one section per
/// subcommand with its synopsis, description and options.
pub(super) fn man(out: &mut dyn Write) -> std::io::Result<ExitCode> {
    let cmd = Cli::command();
    clap_mangen::Man::new(cmd.clone()).render(out)?;
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("coverwright {}", sub.get_name());
        let page = clap_mangen::Man::new(sub.clone().bin_name(name.clone()));
        let mut buf = Vec::new();
        page.render_synopsis_section(&mut buf)?;
        page.render_description_section(&mut buf)?;
        page.render_options_section(&mut buf)?;
        // The subcommand's sections become subsections of one section named after it.
        let text = String::from_utf8_lossy(&buf);
        writeln!(out, ".SH \"{}\"", name.to_uppercase())?;
        // Each part repeats roff's apostrophe set-up; the page has it once, at its top.
        let body = text
            .lines()
            .filter(|l| !l.starts_with(".ie \\n(.g") && !l.starts_with(".el .ds Aq"));
        for line in body {
            match line.strip_prefix(".SH ") {
                Some(rest) => writeln!(out, ".SS {rest}")?,
                None => writeln!(out, "{line}")?,
            }
        }
    }
    Ok(ExitCode::Success)
}
