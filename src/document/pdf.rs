//! Making PDFs of rendered HTML documents: the engine choice and the printer of a run
//! ([`PdfPrinter`], [`PdfEngine`]: the native typesetter, `super::typeset`, or Chromium), and
//! the Chromium engine, one headless Chromium kept for the whole run, described below.
//!
//! The browser is found on `PATH` under one of the names in [`PDF_PROGRAMS`]. A
//! [`PdfPrinter`] starts it once with a fresh, empty profile directory (removed afterwards),
//! with networking extras, sync and updates off, and talks to it over the DevTools protocol
//! on a pipe (`--remote-debugging-pipe`: JSON messages ended by a NUL byte, commands on the
//! browser's fd 3, replies on its fd 4; no port is opened). One page is reused: each document
//! replaces the page's content (`Page.setDocumentContent`, so no navigation and no new
//! renderer process per document; [`PdfPrinter::print_file`] loads a file instead) and is
//! printed with `Page.printToPDF` (A4 from the document's CSS, backgrounds printed, no
//! browser header or footer). A single document ([`html_to_pdf`]) is printed by a browser
//! started for it with `--print-to-pdf`, with the same fonts and the same fixing of dates
//! and ids. No document content is ever put on a command line.
//!
//! # Fonts
//!
//! Chromium's PDF writer embeds TrueType-outline fonts as real (CID TrueType) fonts but turns
//! CFF-outline fonts (OpenType/CFF, such as the Noto CJK collections) into Type 3 glyph
//! procedures, which are not real fonts (no PDF/A, poor search in some readers). The browser
//! is therefore given its own fontconfig file ([`FONT_CONFIG`], written to the profile
//! directory and passed in `FONTCONFIG_FILE`): the system configuration, with CFF-outline
//! fonts rejected and the Noto CJK family names the templates ask for mapped to WenQuanYi
//! Zen Hei (package `fonts-wqy-zenhei`, TrueType outlines, with a mono face). Every font in
//! the PDF is then embedded as CID TrueType. (AR PL UMing, the TrueType serif, is not used:
//! it has no bold face, and Chromium draws its synthetic bold as Type 3.)
//!
//! # Same bytes for the same input
//!
//! Chromium stamps each PDF with the time it was made (`/CreationDate`, `/ModDate`) and with
//! random document ids (`/ID`, and the XMP `DocumentID`/`InstanceID` when present).
//! [`make_reproducible`] overwrites those in place with fixed values of the same length, so
//! the cross-reference offsets stay valid: the creation time becomes
//! [`FIXED_PDF_DATE`], the ids a hash of the rest of the file; the DOM node numbers of the
//! tagged-PDF structure (which depend on what the page showed before, and on which page of
//! the browser printed the document) become their rank in the document. The same HTML then gives the
//! same bytes on the same browser and fonts.
//!
//! # Failures
//!
//! A browser that does not answer a command within [`PDF_TIMEOUT`] is stopped and reported;
//! one that dies is reported with the end of its error output.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};

use super::error::RenderError;

mod engine;
mod reproducible;
pub use engine::{
    PdfEngine, PdfPrinter, html_to_pdf, pdf_engine, print_html, set_pdf_engine, temp_html_path,
};
pub use reproducible::{FIXED_PDF_DATE, make_reproducible};

/// The program names looked for on `PATH`, in order.
pub const PDF_PROGRAMS: [&str; 3] = ["chromium", "chromium-browser", "google-chrome"];

/// How long the browser may take to answer one command (start, load or print a document).
pub const PDF_TIMEOUT: Duration = Duration::from_secs(120);

/// Most pages (tabs) [`PdfPrinter::print_all`] prints on at once: one per processor, at
/// least two, at most four. Each page lays out and prints in its own renderer process.
pub fn pdf_pages() -> usize {
    std::thread::available_parallelism()
        .map_or(2, usize::from)
        .clamp(2, 4)
}

/// The width between the side margins of an A4 page (210 mm less 2 × 16 mm, the templates'
/// `@page` margins) in CSS pixels at 96 per inch, rounded down.
pub const A4_CONTENT_WIDTH_PX: u32 = 672;

/// Lists the elements whose right edge passes the viewport's width (1 px of slack).
const OVERFLOW_SCRIPT: &str = r#"(() => {
  const w = document.documentElement.clientWidth;
  const out = [];
  if (document.documentElement.scrollWidth > w + 1) out.push("document " + document.documentElement.scrollWidth + "px > " + w + "px");
  for (const e of document.querySelectorAll("body *")) {
    const r = e.getBoundingClientRect();
    if (r.right > w + 1 && out.length < 20) {
      const cls = typeof e.className === "string" && e.className ? "." + e.className.split(" ").join(".") : "";
      out.push(e.tagName.toLowerCase() + cls + " " + Math.round(r.right) + "px: " + (e.textContent || "").trim().slice(0, 40));
    }
  }
  return out;
})()"#;

/// The fontconfig file the browser runs with (see the module documentation); `{system}` is
/// replaced by the system configuration it includes.
pub const FONT_CONFIG: &str = r#"<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">{system}</include>
  <selectfont>
    <rejectfont>
      <pattern><patelt name="fontformat"><string>CFF</string></patelt></pattern>
    </rejectfont>
  </selectfont>
  <alias binding="same">
    <family>Noto Serif CJK SC</family>
    <prefer><family>WenQuanYi Zen Hei</family></prefer>
  </alias>
  <alias binding="same">
    <family>Noto Sans CJK SC</family>
    <prefer><family>WenQuanYi Zen Hei</family><family>WenQuanYi Micro Hei</family></prefer>
  </alias>
  <alias binding="same">
    <family>Noto Sans Mono CJK SC</family>
    <prefer><family>WenQuanYi Zen Hei Mono</family><family>WenQuanYi Micro Hei Mono</family></prefer>
  </alias>
</fontconfig>
"#;

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

/// A new, empty directory under the temporary folder, named for this process.
fn fresh_dir(kind: &str) -> Result<PathBuf, RenderError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let dir =
        std::env::temp_dir().join(format!("coverwright-pdf-{kind}-{}-{n}", std::process::id()));
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

/// One headless Chromium, started once and reused for every document it prints.
///
/// Dropping it closes the browser and removes its profile and scratch folders.
struct Browser {
    program: PathBuf,
    child: Child,
    commands: std::fs::File,
    replies: Receiver<Vec<u8>>,
    stderr: Option<std::thread::JoinHandle<String>>,
    session: String,
    frame: String,
    /// Pages opened besides the first for [`Browser::print_all`]: `(session, frame)`.
    more_pages: Vec<(String, String)>,
    next_id: u64,
    events: VecDeque<Value>,
    profile: PathBuf,
    scratch: PathBuf,
    printed: u64,
}

impl std::fmt::Debug for Browser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Browser")
            .field("program", &self.program)
            .field("printed", &self.printed)
            .finish_non_exhaustive()
    }
}

/// Gives the child `read_end` as fd 3 and `write_end` as fd 4 (the pipe the DevTools
/// protocol uses), whatever numbers they have in the parent. The caller keeps both open
/// until the child is spawned and closes them afterwards.
fn wire_pipe_fds(command: &mut Command, read_end: i32, write_end: i32) {
    use std::os::unix::process::CommandExt;
    let (r, w) = (read_end, write_end);
    // SAFETY: the closure runs in the forked child before exec and calls only
    // async-signal-safe functions (fcntl, dup2) on descriptors open in the child; it
    // allocates nothing.
    unsafe {
        command.pre_exec(move || {
            // Move both out of the way of 3 and 4 first, so neither overwrites the other;
            // dup2 clears close-on-exec on the copies at 3 and 4.
            let hr = libc::fcntl(r, libc::F_DUPFD_CLOEXEC, 10);
            let hw = libc::fcntl(w, libc::F_DUPFD_CLOEXEC, 10);
            if hr < 0 || hw < 0 || libc::dup2(hr, 3) < 0 || libc::dup2(hw, 4) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

impl Browser {
    /// Starts the browser and opens the page documents are printed on.
    ///
    /// Fails with [`RenderError::PdfProgramMissing`] when no browser is installed, and with
    /// [`RenderError::Pdf`] when it cannot be started or does not answer.
    fn start() -> Result<Browser, RenderError> {
        let Some(program) = find_pdf_program() else {
            return Err(RenderError::PdfProgramMissing {
                html: PathBuf::from("<documents>"),
                programs: PDF_PROGRAMS.to_vec(),
            });
        };
        let profile = fresh_dir("profile")?;
        let scratch = match fresh_dir("pages") {
            Ok(d) => d,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&profile);
                return Err(e);
            }
        };
        let failed = |detail: String| RenderError::Pdf {
            program: program.clone(),
            html: scratch.clone(),
            pdf: PathBuf::from("<none>"),
            detail,
        };
        let spawned = spawn_browser(&program, &profile).map_err(failed);
        let (child, commands, replies, stderr) = match spawned {
            Ok(parts) => parts,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&profile);
                let _ = std::fs::remove_dir_all(&scratch);
                return Err(e);
            }
        };
        let mut printer = Browser {
            program,
            child,
            commands,
            replies,
            stderr: Some(stderr),
            session: String::new(),
            frame: String::new(),
            more_pages: Vec::new(),
            next_id: 0,
            events: VecDeque::new(),
            profile,
            scratch,
            printed: 0,
        };
        printer
            .open_page()
            .map_err(|detail| printer.error(detail))?;
        Ok(printer)
    }

    fn error(&mut self, detail: String) -> RenderError {
        RenderError::Pdf {
            program: self.program.clone(),
            html: self.scratch.clone(),
            pdf: PathBuf::from("<none>"),
            detail: self.with_stderr(detail),
        }
    }

    /// Adds the end of the browser's error output when it has exited.
    fn with_stderr(&mut self, detail: String) -> String {
        if !matches!(self.child.try_wait(), Ok(Some(_))) {
            return detail;
        }
        let text = self
            .stderr
            .take()
            .and_then(|h| h.join().ok())
            .unwrap_or_default();
        let tail: Vec<&str> = text.lines().rev().take(5).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        format!("{detail}; the browser exited: {}", tail.join(" | "))
    }

    fn open_page(&mut self) -> Result<(), String> {
        let (session, frame) = self.new_page()?;
        self.session = session;
        self.frame = frame;
        Ok(())
    }

    /// Opens a blank page and attaches to it; returns its session and main frame ids.
    fn new_page(&mut self) -> Result<(String, String), String> {
        let target = self.call("Target.createTarget", json!({"url": "about:blank"}), false)?;
        let target_id = target["targetId"]
            .as_str()
            .ok_or("Target.createTarget gave no targetId")?
            .to_string();
        let attached = self.call(
            "Target.attachToTarget",
            json!({"targetId": target_id, "flatten": true}),
            false,
        )?;
        let session = attached["sessionId"]
            .as_str()
            .ok_or("Target.attachToTarget gave no sessionId")?
            .to_string();
        let previous = std::mem::replace(&mut self.session, session.clone());
        let frame = self
            .call("Page.enable", json!({}), true)
            .and_then(|_| self.call("Page.getFrameTree", json!({}), true));
        self.session = previous;
        let frame = frame?["frameTree"]["frame"]["id"]
            .as_str()
            .ok_or("Page.getFrameTree gave no frame id")?
            .to_string();
        Ok((session, frame))
    }

    /// Sends one command (to the page's session when `on_page`) and waits for its reply,
    /// keeping the events that arrive meanwhile.
    fn call(&mut self, method: &str, params: Value, on_page: bool) -> Result<Value, String> {
        let id = self.send(method, params, on_page)?;
        let deadline = Instant::now() + PDF_TIMEOUT;
        loop {
            let reply = self.receive(deadline, method)?;
            if reply.get("id").and_then(Value::as_u64) == Some(id) {
                if let Some(error) = reply.get("error") {
                    return Err(format!("{method} failed: {error}"));
                }
                return Ok(reply.get("result").cloned().unwrap_or(Value::Null));
            }
            if reply.get("method").is_some() {
                self.events.push_back(reply);
            }
        }
    }

    /// Sends one command without waiting; returns its id.
    fn send(&mut self, method: &str, params: Value, on_page: bool) -> Result<u64, String> {
        let session = on_page.then(|| self.session.clone());
        self.send_on(method, params, session.as_deref())
    }

    /// Sends one command to `session` (the browser when `None`) without waiting.
    fn send_on(
        &mut self,
        method: &str,
        params: Value,
        session: Option<&str>,
    ) -> Result<u64, String> {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({"id": id, "method": method, "params": params});
        if let Some(session) = session {
            message["sessionId"] = Value::from(session);
        }
        let mut bytes = serde_json::to_vec(&message).map_err(|e| e.to_string())?;
        bytes.push(0);
        self.commands
            .write_all(&bytes)
            .and_then(|()| self.commands.flush())
            .map_err(|e| format!("cannot send {method}: {e}"))?;
        Ok(id)
    }

    fn receive(&mut self, deadline: Instant, waiting_for: &str) -> Result<Value, String> {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.replies.recv_timeout(left) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| format!("unreadable DevTools message: {e}")),
            Err(RecvTimeoutError::Timeout) => Err(format!(
                "no answer to {waiting_for} after {} seconds",
                PDF_TIMEOUT.as_secs()
            )),
            Err(RecvTimeoutError::Disconnected) => Err(format!(
                "the browser closed the pipe while {waiting_for} was pending"
            )),
        }
    }

    /// Waits for the page's `load` event (one that arrived earlier counts).
    fn wait_for_load(&mut self) -> Result<(), String> {
        let is_load =
            |v: &Value| v.get("method").and_then(Value::as_str) == Some("Page.loadEventFired");
        if let Some(pos) = self.events.iter().position(is_load) {
            self.events.drain(..=pos);
            return Ok(());
        }
        self.events.clear();
        let deadline = Instant::now() + PDF_TIMEOUT;
        loop {
            if is_load(&self.receive(deadline, "Page.loadEventFired")?) {
                return Ok(());
            }
        }
    }

    /// Prints the HTML document `html` and returns the PDF bytes.
    ///
    /// The document replaces the content of the page in place (`Page.setDocumentContent`):
    /// no navigation, so no new renderer process per document. It must be self-contained
    /// (inline styles, no relative links), as the templates' documents are.
    pub fn print(&mut self, html: &str) -> Result<Vec<u8>, RenderError> {
        self.printed += 1;
        let frame = self.frame.clone();
        let result = self
            .call(
                "Page.setDocumentContent",
                json!({"frameId": frame, "html": html}),
                true,
            )
            .and_then(|_| self.print_page());
        result.map_err(|detail| self.error(detail))
    }

    /// Lays the HTML document `html` out for print at the width between an A4 page's side
    /// margins ([`A4_CONTENT_WIDTH_PX`]) and returns each element that sticks out to the right
    /// (`tag.class right-edge: text`), at most 20. Empty means printing will not shrink the
    /// page: Chromium scales a whole document down when anything is wider than the page.
    pub fn overflow_at_a4(&mut self, html: &str) -> Result<Vec<String>, RenderError> {
        let frame = self.frame.clone();
        let result = self.measure_overflow(&frame, html);
        // Print with the browser's own page size again, whatever happened.
        let reset = self
            .call("Emulation.clearDeviceMetricsOverride", json!({}), true)
            .and_then(|_| {
                self.call(
                    "Emulation.setScrollbarsHidden",
                    json!({"hidden": false}),
                    true,
                )
            })
            .and_then(|_| self.call("Emulation.setEmulatedMedia", json!({"media": ""}), true));
        let found = result.and_then(|v| reset.map(|_| v));
        found.map_err(|detail| self.error(detail))
    }

    fn measure_overflow(&mut self, frame: &str, html: &str) -> Result<Vec<String>, String> {
        self.call(
            "Emulation.setEmulatedMedia",
            json!({"media": "print"}),
            true,
        )?;
        // A printed page has no scroll bar to take width from the layout.
        self.call(
            "Emulation.setScrollbarsHidden",
            json!({"hidden": true}),
            true,
        )?;
        self.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": A4_CONTENT_WIDTH_PX, "height": 1000, "deviceScaleFactor": 1, "mobile": false}),
            true,
        )?;
        self.call(
            "Page.setDocumentContent",
            json!({"frameId": frame, "html": html}),
            true,
        )?;
        let evaluated = self.call(
            "Runtime.evaluate",
            json!({"expression": OVERFLOW_SCRIPT, "returnByValue": true}),
            true,
        )?;
        let value = &evaluated["result"]["value"];
        let list = value
            .as_array()
            .ok_or_else(|| format!("Runtime.evaluate gave no list: {evaluated}"))?;
        Ok(list
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect())
    }

    /// Prints the HTML file at `html` (an absolute path) and returns the PDF bytes.
    pub fn print_file(&mut self, html: &Path) -> Result<Vec<u8>, RenderError> {
        let url = file_url(html);
        let result = self.navigate_and_print(&url);
        result.map_err(|detail| {
            let mut e = self.error(detail);
            if let RenderError::Pdf { html: h, .. } = &mut e {
                *h = html.to_path_buf();
            }
            e
        })
    }

    fn navigate_and_print(&mut self, url: &str) -> Result<Vec<u8>, String> {
        self.events.clear();
        let nav = self.call("Page.navigate", json!({"url": url}), true)?;
        if let Some(error) = nav.get("errorText").and_then(Value::as_str) {
            return Err(format!("cannot load the document: {error}"));
        }
        self.wait_for_load()?;
        self.print_page()
    }

    /// Prints what the page shows.
    fn print_page(&mut self) -> Result<Vec<u8>, String> {
        let printed = self.call("Page.printToPDF", print_params(), true)?;
        pdf_of(&printed)
    }

    /// Prints several HTML documents at once and returns their PDFs in the order given.
    ///
    /// Up to [`pdf_pages`] pages work at the same time, each in its own renderer process:
    /// each page takes the next document as soon as it has printed one (replace the content,
    /// then print), with no waiting in between. A document the browser refuses is that
    /// document's error; a browser that stops answering or dies fails every document not yet
    /// printed.
    pub fn print_all(&mut self, htmls: &[String]) -> Vec<Result<Vec<u8>, RenderError>> {
        let mut done: Vec<Option<Result<Vec<u8>, String>>> = vec![None; htmls.len()];
        if let Err(detail) = self.print_into(htmls, &mut done) {
            let e = self.error(detail);
            return done
                .into_iter()
                .map(|r| match r {
                    Some(Ok(pdf)) => Ok(pdf),
                    Some(Err(detail)) => Err(self.error(detail)),
                    None => Err(e_clone(&e)),
                })
                .collect();
        }
        self.printed += htmls.len() as u64;
        done.into_iter()
            .map(|r| r.unwrap_or_else(|| Err("not printed".to_string())))
            .map(|r| r.map_err(|detail| self.error(detail)))
            .collect()
    }

    /// The work of [`Browser::print_all`]: fills `done`; an error ends the run.
    fn print_into(
        &mut self,
        htmls: &[String],
        done: &mut [Option<Result<Vec<u8>, String>>],
    ) -> Result<(), String> {
        let want = pdf_pages().min(htmls.len());
        while self.more_pages.len() + 1 < want {
            let page = self.new_page()?;
            self.more_pages.push(page);
        }
        let pages: Vec<(String, String)> =
            std::iter::once((self.session.clone(), self.frame.clone()))
                .chain(self.more_pages.iter().cloned())
                .take(want.max(1))
                .collect();
        // What each command in flight is: (page, document, printing rather than loading).
        let mut pending: std::collections::HashMap<u64, (usize, usize, bool)> =
            std::collections::HashMap::new();
        let mut next = 0;
        let mut start = |printer: &mut Browser,
                         page: usize,
                         pending: &mut std::collections::HashMap<u64, (usize, usize, bool)>|
         -> Result<(), String> {
            if next < htmls.len() {
                let (session, frame) = &pages[page];
                let id = printer.send_on(
                    "Page.setDocumentContent",
                    json!({"frameId": frame, "html": htmls[next]}),
                    Some(session),
                )?;
                pending.insert(id, (page, next, false));
                next += 1;
            }
            Ok(())
        };
        for page in 0..pages.len() {
            start(self, page, &mut pending)?;
        }
        while !pending.is_empty() {
            let deadline = Instant::now() + PDF_TIMEOUT;
            let reply = self.receive(deadline, "Page.printToPDF")?;
            let Some(id) = reply.get("id").and_then(Value::as_u64) else {
                continue;
            };
            let Some((page, doc, printing)) = pending.remove(&id) else {
                continue;
            };
            let method = if printing {
                "Page.printToPDF"
            } else {
                "Page.setDocumentContent"
            };
            let failed = reply.get("error").map(|e| format!("{method} failed: {e}"));
            match (failed, printing) {
                (Some(message), _) => done[doc] = Some(Err(message)),
                (None, false) => {
                    let id =
                        self.send_on("Page.printToPDF", print_params(), Some(&pages[page].0))?;
                    pending.insert(id, (page, doc, true));
                    continue;
                }
                (None, true) => {
                    done[doc] = Some(pdf_of(reply.get("result").unwrap_or(&Value::Null)));
                }
            }
            start(self, page, &mut pending)?;
        }
        Ok(())
    }
}

/// A copy of a printing error, for each document a failed run did not print.
fn e_clone(e: &RenderError) -> RenderError {
    match e {
        RenderError::Pdf {
            program,
            html,
            pdf,
            detail,
        } => RenderError::Pdf {
            program: program.clone(),
            html: html.clone(),
            pdf: pdf.clone(),
            detail: detail.clone(),
        },
        other => RenderError::Context {
            template: "<pdf>".to_string(),
            message: other.to_string(),
        },
    }
}

/// The parameters of `Page.printToPDF`: the document's own page size (A4 from its CSS),
/// backgrounds, no browser header or footer.
fn print_params() -> Value {
    json!({
        "printBackground": true,
        "preferCSSPageSize": true,
        "displayHeaderFooter": false,
        "transferMode": "ReturnAsBase64",
    })
}

/// The PDF of a `Page.printToPDF` result, with its dates and ids fixed.
fn pdf_of(printed: &Value) -> Result<Vec<u8>, String> {
    let data = printed["data"]
        .as_str()
        .ok_or("Page.printToPDF gave no data")?;
    let mut pdf = base64::engine::general_purpose::STANDARD
        .decode(data)
        .map_err(|e| format!("Page.printToPDF data is not base64: {e}"))?;
    if !pdf.starts_with(b"%PDF-") {
        return Err("Page.printToPDF did not return a PDF".to_string());
    }
    make_reproducible(&mut pdf);
    Ok(pdf)
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.send("Browser.close", json!({}), false);
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        if !matches!(self.child.try_wait(), Ok(Some(_))) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        // Profile and scratch are scratch space; failing to remove them spoils no PDF.
        let _ = std::fs::remove_dir_all(&self.profile);
        let _ = std::fs::remove_dir_all(&self.scratch);
    }
}

/// Writes [`FONT_CONFIG`] into the profile directory; returns its path.
fn write_font_config(profile: &Path) -> Result<PathBuf, String> {
    let system_fonts = std::env::var_os("FONTCONFIG_FILE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/etc/fonts/fonts.conf"));
    let font_config = profile.join("fonts.conf");
    let config_text = FONT_CONFIG.replace(
        "{system}",
        &system_fonts
            .display()
            .to_string()
            .replace('&', "&amp;")
            .replace('<', "&lt;"),
    );
    std::fs::write(&font_config, config_text)
        .map_err(|e| format!("cannot write {}: {e}", font_config.display()))?;
    Ok(font_config)
}

type Spawned = (
    Child,
    std::fs::File,
    Receiver<Vec<u8>>,
    std::thread::JoinHandle<String>,
);

/// Starts the browser with the DevTools pipe on fds 3 and 4, a reader thread turning its
/// replies into messages, and another collecting its error output.
fn spawn_browser(program: &Path, profile: &Path) -> Result<Spawned, String> {
    let (to_browser_read, to_browser_write) =
        std::io::pipe().map_err(|e| format!("cannot make a pipe: {e}"))?;
    let (from_browser_read, from_browser_write) =
        std::io::pipe().map_err(|e| format!("cannot make a pipe: {e}"))?;
    let mut command = Command::new(program);
    let font_config = write_font_config(profile)?;
    command.env("FONTCONFIG_FILE", &font_config);
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--remote-debugging-pipe",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("about:blank")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    {
        use std::os::fd::AsRawFd;
        wire_pipe_fds(
            &mut command,
            to_browser_read.as_raw_fd(),
            from_browser_write.as_raw_fd(),
        );
    }
    let spawned = command.spawn();
    // The child has its copies; the parent's must close so that the browser's exit ends
    // the reader.
    drop(to_browser_read);
    drop(from_browser_write);
    let mut child = spawned.map_err(|e| format!("cannot start: {e}"))?;

    let stderr = child.stderr.take();
    let stderr = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut s) = stderr {
            let _ = s.read_to_string(&mut text);
        }
        text
    });
    let (sender, replies) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::with_capacity(1 << 20, from_browser_read);
        loop {
            let mut message = Vec::new();
            match reader.read_until(0, &mut message) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    if message.last() == Some(&0) {
                        message.pop();
                    }
                    if sender.send(message).is_err() {
                        break;
                    }
                }
            }
        }
    });
    Ok((
        child,
        std::fs::File::from(std::os::fd::OwnedFd::from(to_browser_write)),
        replies,
        stderr,
    ))
}

pub(super) fn chromium_html_to_pdf(html_path: &Path, pdf_path: &Path) -> Result<(), RenderError> {
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

    let profile = fresh_dir("profile")?;
    let result = run_browser(&program, &profile, &html, &pdf).map_err(failed);
    // The profile is scratch space; failing to remove it does not spoil the PDF.
    let _ = std::fs::remove_dir_all(&profile);
    result?;

    match std::fs::read(&pdf) {
        Ok(mut bytes) if !bytes.is_empty() => {
            make_reproducible(&mut bytes);
            std::fs::write(&pdf, bytes).map_err(|source| RenderError::Io { path: pdf, source })
        }
        _ => Err(RenderError::Pdf {
            program,
            html,
            pdf,
            detail: "the browser exited without writing the PDF".to_string(),
        }),
    }
}

fn run_browser(program: &Path, profile: &Path, html: &Path, pdf: &Path) -> Result<(), String> {
    let font_config = write_font_config(profile)?;
    let mut child = Command::new(program)
        .env("FONTCONFIG_FILE", &font_config)
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
