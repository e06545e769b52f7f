//! Printing a rendered HTML document to PDF with headless Chromium.
//!
//! The browser is found on `PATH` under one of the names in [`PDF_PROGRAMS`]. It is started
//! with a fresh, empty profile directory (removed afterwards), with networking extras, sync
//! and updates off, and is given only two file paths: the HTML to read and the PDF to write.
//! No document content is ever put on the command line. A browser that has not finished
//! after [`PDF_TIMEOUT`] is stopped and reported.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::error::RenderError;

/// The program names looked for on `PATH`, in order.
pub const PDF_PROGRAMS: [&str; 3] = ["chromium", "chromium-browser", "google-chrome"];

/// How long the browser may take to print one document.
pub const PDF_TIMEOUT: Duration = Duration::from_secs(120);

/// The first of [`PDF_PROGRAMS`] found on `PATH`, if any.
pub fn find_pdf_program() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for program in PDF_PROGRAMS {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(program);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

fn absolute(path: &Path) -> Result<PathBuf, RenderError> {
    std::path::absolute(path).map_err(|source| RenderError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// A `file://` URL for an absolute path, percent-encoding everything but unreserved
/// characters and `/`.
fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for byte in path.to_string_lossy().bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                url.push(char::from(byte))
            }
            other => url.push_str(&format!("%{other:02X}")),
        }
    }
    url
}

/// A new, empty directory for the browser profile.
fn fresh_profile_dir() -> Result<PathBuf, RenderError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!(
        "coverwright-pdf-profile-{}-{n}",
        std::process::id()
    ));
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(|source| RenderError::Io {
            path: dir.clone(),
            source,
        })?;
    }
    std::fs::create_dir_all(&dir).map_err(|source| RenderError::Io {
        path: dir.clone(),
        source,
    })?;
    Ok(dir)
}

/// Prints the HTML file `html_path` to `pdf_path` with headless Chromium.
///
/// Fails with [`RenderError::PdfProgramMissing`] when no browser is installed, and with
/// [`RenderError::Pdf`] when the browser fails, times out or writes no PDF.
pub fn html_to_pdf(html_path: &Path, pdf_path: &Path) -> Result<(), RenderError> {
    let html = absolute(html_path)?;
    let pdf = absolute(pdf_path)?;
    if !html.is_file() {
        return Err(RenderError::Io {
            path: html,
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such HTML file"),
        });
    }
    let Some(program) = find_pdf_program() else {
        return Err(RenderError::PdfProgramMissing {
            html,
            programs: PDF_PROGRAMS.to_vec(),
        });
    };
    let failed = |detail: String| RenderError::Pdf {
        program: program.clone(),
        html: html.clone(),
        pdf: pdf.clone(),
        detail,
    };

    let profile = fresh_profile_dir()?;
    let result = run_browser(&program, &profile, &html, &pdf).map_err(failed);
    // The profile is scratch space; failing to remove it does not spoil the PDF.
    let _ = std::fs::remove_dir_all(&profile);
    result?;

    match std::fs::metadata(&pdf) {
        Ok(meta) if meta.len() > 0 => Ok(()),
        _ => Err(RenderError::Pdf {
            program,
            html,
            pdf,
            detail: "the browser exited without writing the PDF".to_string(),
        }),
    }
}

fn run_browser(program: &Path, profile: &Path, html: &Path, pdf: &Path) -> Result<(), String> {
    let mut child = Command::new(program)
        .arg("--headless")
        .arg("--no-sandbox")
        .arg("--disable-gpu")
        .arg("--disable-quic")
        .arg("--no-first-run")
        .arg("--disable-background-networking")
        .arg("--disable-component-update")
        .arg("--disable-sync")
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg("--no-pdf-header-footer")
        .arg(file_url(html))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start: {e}"))?;

    // Read stderr on a thread so a chatty browser cannot block on a full pipe.
    let stderr = child.stderr.take();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut s) = stderr {
            let _ = std::io::Read::read_to_string(&mut s, &mut text);
        }
        text
    });

    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() < PDF_TIMEOUT => {
                std::thread::sleep(Duration::from_millis(50));
            }
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("no result after {} seconds", PDF_TIMEOUT.as_secs()));
            }
            Err(e) => return Err(format!("cannot wait for it: {e}")),
        }
    };
    let stderr = reader.join().unwrap_or_default();
    if status.success() {
        Ok(())
    } else {
        let tail: Vec<&str> = stderr.lines().rev().take(5).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        Err(format!("{status}; {}", tail.join(" | ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_urls_are_percent_encoded() {
        assert_eq!(
            file_url(Path::new("/tmp/报价 单.html")),
            "file:///tmp/%E6%8A%A5%E4%BB%B7%20%E5%8D%95.html"
        );
    }
}
