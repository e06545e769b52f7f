//! Nothing lost, nothing hung, nothing read that should not be: outputs replaced only by a
//! whole successful run, outputs that are inputs refused, files named inside records kept in
//! their folder, signals and terminals handled, and standard output errors reported.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::quote::tempdir;
use crate::support::run;

const BIN: &str = env!("CARGO_BIN_EXE_coverwright");

/// A GA-SME request as one JSON line, naming `census` (examples/ga-sme.yaml: 10932.36).
fn ga_sme_line(census: &str) -> String {
    format!(
        r#"{{"start": "2025-03-01", "term": 12, "policyholder": {{"name": "杭州某某餐饮有限公司", "id": "91330100MA2XXXXXXX", "industry": "catering", "employees": 12, "revenue": 600}}, "census": "{census}", "coverages": {{"add": {{"sum_insured": 500000}}, "medical": {{"sum_insured": 20000, "deductible": 100, "ratio": 0.9}}, "allowance": {{"daily": 50, "tier": 3, "deductible_days": 3}}}}}}"#
    )
}

/// The names in `dir`, sorted.
fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn sp_acc_census(dir: &Path, rows: usize) -> PathBuf {
    use std::fmt::Write;
    let path = dir.join("census.csv");
    let mut s = String::from("name,id,age,gender,occupation_class,social_insurance\n");
    for i in 0..rows {
        let _ = writeln!(
            s,
            "员工{i},11010119900101{:04},{},{},{},{}",
            i % 10_000,
            20 + i % 40,
            if i % 2 == 0 { "male" } else { "female" },
            1 + i % 4,
            i % 3 != 0
        );
    }
    std::fs::write(&path, s).unwrap();
    path
}

fn batch_args<'a>(input: &'a str, output: &'a str) -> Vec<&'a str> {
    vec![
        "batch",
        "--product",
        "SP-ACC",
        "--input",
        input,
        "--request",
        "examples/sp-acc.yaml",
        "--output",
        output,
    ]
}

#[test]
fn a_failed_batch_leaves_the_earlier_output_as_it_was() {
    let dir = tempdir("safeio-failed");
    let census = sp_acc_census(&dir, 3);
    let out = dir.join("out.jsonl");
    let (code, _, err) = run(&batch_args(census.to_str().unwrap(), out.to_str().unwrap()));
    assert_eq!(code, 0, "{err}");
    let earlier = std::fs::read(&out).unwrap();
    assert_eq!(earlier.iter().filter(|b| **b == b'\n').count(), 3);
    // An unknown product, a bad header, a missing request: each fails, nothing is lost.
    let mut unknown = batch_args(census.to_str().unwrap(), out.to_str().unwrap());
    unknown[2] = "NO-SUCH";
    let (code, _, err) = run(&unknown);
    assert_eq!(code, 2, "{err}");
    let bad_header = dir.join("bad.csv");
    std::fs::write(&bad_header, "name,agee\n张三,30\n").unwrap();
    let (code, _, err) = run(&batch_args(
        bad_header.to_str().unwrap(),
        out.to_str().unwrap(),
    ));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("unknown column `agee`"), "{err}");
    assert_eq!(std::fs::read(&out).unwrap(), earlier);
    assert_eq!(entries(&dir), ["bad.csv", "census.csv", "out.jsonl"]);
}

#[test]
fn an_output_that_is_an_input_is_refused_and_the_input_kept() {
    let dir = tempdir("safeio-same");
    let input = dir.join("requests.jsonl");
    let line = ga_sme_line("../../../examples/ga-sme-census.csv");
    std::fs::write(&input, format!("{line}\n")).unwrap();
    let link = dir.join("link.jsonl");
    std::fs::hard_link(&input, &link).unwrap();
    for output in [&input, &link] {
        let (code, _, err) = run(&[
            "batch",
            "--product",
            "GA-SME",
            "--input",
            input.to_str().unwrap(),
            "--output",
            output.to_str().unwrap(),
        ]);
        assert_eq!(code, 2, "{err}");
        assert_eq!(
            err,
            format!(
                "error: the output {} is the same file as the input {}; write the output to another file\n",
                output.display(),
                input.display()
            )
        );
        assert_eq!(
            std::fs::read_to_string(&input).unwrap(),
            format!("{line}\n")
        );
    }
    // The census request as the output of a census batch.
    let census = sp_acc_census(&dir, 2);
    let request = dir.join("request.yaml");
    std::fs::copy("examples/sp-acc.yaml", &request).unwrap();
    let (code, _, err) = run(&[
        "batch",
        "--product",
        "SP-ACC",
        "--input",
        census.to_str().unwrap(),
        "--request",
        request.to_str().unwrap(),
        "--output",
        request.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is the same file as the input"), "{err}");
    assert_eq!(
        std::fs::read(&request).unwrap(),
        std::fs::read("examples/sp-acc.yaml").unwrap()
    );
}

#[test]
fn a_census_named_by_a_record_is_read_only_inside_the_folder_of_the_input() {
    let dir = tempdir("safeio-confined");
    std::fs::copy("examples/ga-sme-census.csv", dir.join("members.csv")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", dir.join("passwd.csv")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.join("zero.csv")).unwrap();
    let made = Command::new("mkfifo").arg(dir.join("pipe.csv")).status();
    assert!(made.unwrap().success());
    std::fs::create_dir(dir.join("folder.csv")).unwrap();
    let names = [
        "members.csv",
        "/etc/passwd",
        "../safeio-confined/members.csv",
        "passwd.csv",
        "zero.csv",
        "pipe.csv",
        "folder.csv",
    ];
    let input = dir.join("requests.jsonl");
    let text: Vec<String> = names.iter().map(|n| ga_sme_line(n)).collect();
    std::fs::write(&input, text.join("\n") + "\n").unwrap();
    let out = dir.join("out.jsonl");
    let (code, _, err) = run(&[
        "batch",
        "--product",
        "GA-SME",
        "--input",
        input.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{err}");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(!text.contains("root:"), "{text}");
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), names.len());
    assert_eq!(lines[0]["totals"]["gross"], "10932.36");
    let real = dir.canonicalize().unwrap();
    let want = [
        "`/etc/passwd` is not allowed here: an absolute path is not allowed; name a file relative to the folder of the file that names it".to_string(),
        "`../safeio-confined/members.csv` is not allowed here: `..` is not allowed; name a file in the same folder or below".to_string(),
        format!("`passwd.csv` is not allowed here: it leads out of {} (through a symbolic link)", dir.display()),
        format!("`zero.csv` is not allowed here: it leads out of {} (through a symbolic link)", dir.display()),
        format!("cannot read {}: it is a named pipe, not a regular file", real.join("pipe.csv").display()),
        format!("cannot read {}: it is a folder, not a regular file", real.join("folder.csv").display()),
    ];
    for (i, want) in want.iter().enumerate() {
        let line = &lines[i + 1];
        assert_eq!(line["record"], i + 2, "{line}");
        assert_eq!(line["error"]["field"], "census", "{line}");
        assert_eq!(line["error"]["message"], want.as_str(), "{line}");
    }
}

#[test]
fn thread_counts_outside_1_to_256_are_refused() {
    for n in ["0", "257", "18446744073709551615"] {
        let (code, _, e) = crate::support::run(&[
            "batch",
            "--product",
            "SP-ACC",
            "--input",
            "x.jsonl",
            "--output",
            "y.jsonl",
            "--threads",
            n,
        ]);
        assert_eq!(code, 2, "{e}");
        assert!(
            e.contains(&format!("invalid value '{n}' for '--threads <THREADS>'")),
            "{e}"
        );
        assert!(e.contains("1..=256"), "{e}");
    }
}

#[test]
fn a_closed_pipe_ends_quietly_and_a_full_disk_says_so() {
    // `coverwright schema | true`: the reader is gone before the first write (closed before
    // the process starts, so a schema that fits the pipe's buffer cannot get through first).
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let o = Command::new(BIN)
        .arg("schema")
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(
        (o.status.code(), o.stderr.as_slice()),
        (Some(141), &b""[..])
    );
    // `quote > /dev/full`.
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let o = Command::new(BIN)
        .args([
            "quote",
            "--product",
            "SP-ACC",
            "--request",
            "examples/sp-acc.yaml",
        ])
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: cannot write to standard output: No space left on device (os error 28)\n"
    );
}

#[test]
fn a_failed_render_reports_failure_and_leaves_the_earlier_file() {
    let dir = tempdir("safeio-render");
    let quote = dir.join("quote.json");
    let (code, out, err) = run(&[
        "quote",
        "--product",
        "SP-ACC",
        "--request",
        "examples/sp-acc.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    std::fs::write(&quote, out).unwrap();
    // The quote as its own output.
    let (code, _, err) = run(&[
        "render",
        "--quote",
        quote.to_str().unwrap(),
        "--document",
        "quote",
        "--output",
        quote.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is the same file as the input"), "{err}");
    assert!(std::fs::read_to_string(&quote).unwrap().starts_with('{'));
    // A PDF printer that exits 0 without printing: the earlier PDF stays, the run fails.
    let bin = dir.join("bin");
    std::fs::create_dir(&bin).unwrap();
    let fake = bin.join("chromium");
    std::fs::write(&fake, "#!/bin/sh\nexit 0\n").unwrap();
    let mut mode = std::fs::metadata(&fake).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut mode, 0o755);
    std::fs::set_permissions(&fake, mode).unwrap();
    let pdf = dir.join("quote.pdf");
    std::fs::write(&pdf, "%PDF-1.4 earlier").unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let o = Command::new(BIN)
        .args(["render", "--quote"])
        .arg(&quote)
        .args([
            "--document",
            "quote",
            "--format",
            "pdf",
            "--pdf-engine",
            "chromium",
        ])
        .arg("--output")
        .arg(&pdf)
        .env("PATH", path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("the browser exited without writing the PDF"),
        "{stderr}"
    );
    assert!(!stderr.contains("wrote"), "{stderr}");
    assert_eq!(std::fs::read(&pdf).unwrap(), b"%PDF-1.4 earlier");
    assert_eq!(entries(&dir), ["bin", "quote.json", "quote.pdf"]);
}

/// Waits for `child` at most `limit`; kills it and fails when it is still running.
fn wait_bounded(child: &mut std::process::Child, limit: Duration) -> std::process::ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn batch_finishes_with_its_standard_error_on_a_terminal() {
    let dir = tempdir("safeio-pty");
    let census = sp_acc_census(&dir, 2000);
    let out = dir.join("out.jsonl");
    let command = format!(
        "{BIN} {}",
        batch_args(census.to_str().unwrap(), out.to_str().unwrap()).join(" ")
    );
    // `script` runs the command with standard input, output and error on a new terminal.
    let mut child = Command::new("script")
        .args(["-qfec", &command, "/dev/null"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let status = wait_bounded(&mut child, Duration::from_secs(120));
    let mut shown = String::new();
    if let Some(mut o) = child.stdout.take() {
        let _ = std::io::Read::read_to_string(&mut o, &mut shown);
    }
    assert_eq!(status.code(), Some(0), "{shown}");
    assert!(
        shown.contains("batch: 2000 records: 2000 quoted"),
        "{shown}"
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 2000);
}

#[test]
fn a_batch_stopped_by_sigterm_leaves_the_earlier_output_and_no_temporary_file() {
    stop_a_batch_half_way("TERM", 143);
}

#[test]
fn a_batch_stopped_by_sigint_leaves_the_earlier_output_and_no_temporary_file() {
    stop_a_batch_half_way("INT", 130);
}

/// Starts a long batch over an earlier output, sends `SIG<signal>` once the temporary file has
/// lines in it, and checks the exit status, the message and that the earlier output is intact.
fn stop_a_batch_half_way(signal: &str, code: i32) {
    let dir = tempdir(&format!("safeio-sig{}", signal.to_lowercase()));
    let census = sp_acc_census(&dir, 400_000);
    let out = dir.join("out.jsonl");
    std::fs::write(&out, "earlier\n").unwrap();
    let mut child = Command::new(BIN)
        .args(batch_args(census.to_str().unwrap(), out.to_str().unwrap()))
        .args(["--threads", "1"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Half-way: once the temporary file has lines in it.
    let started = Instant::now();
    loop {
        let written = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(Result::ok)
            .any(|e| {
                e.file_name().to_string_lossy().ends_with(".tmp")
                    && e.metadata().is_ok_and(|m| m.len() > 0)
            });
        if written {
            break;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "finished before it was stopped"
        );
        assert!(started.elapsed() < Duration::from_secs(120));
        std::thread::sleep(Duration::from_millis(20));
    }
    let killed = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = wait_bounded(&mut child, Duration::from_secs(60));
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut e, &mut stderr);
    }
    assert_eq!(status.code(), Some(code), "{stderr}");
    assert!(
        stderr.contains(&format!("batch: stopped by SIG{signal} after ")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{} was not written", out.display())),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&out).unwrap(), b"earlier\n");
    assert_eq!(entries(&dir), ["census.csv", "out.jsonl"]);
}

#[test]
fn guaranteed_years_past_the_end_of_the_life_table_are_refused() {
    let annuity = |g: &str| {
        run(&[
            "annuity",
            "--table",
            "products/tables/cl_2010_2013_qx.csv",
            "--column",
            "CL5",
            "--age",
            "60",
            "--interest",
            "0.025",
            "--guaranteed",
            g,
        ])
    };
    // Ages 60 to 105 are 46 years.
    let (code, _, err) = annuity("46");
    assert_eq!(code, 0, "{err}");
    for g in ["47", "4294967295"] {
        let (code, _, err) = annuity(g);
        assert_eq!(code, 1);
        assert_eq!(
            err,
            format!(
                "error: guaranteed years: {g} years certain from age 60 go past the end of the life table (last age 105); at most 46\n"
            )
        );
    }
}

#[test]
fn a_product_file_that_is_a_named_pipe_is_refused_without_reading() {
    let dir = tempdir("safeio-fifo-product");
    let fifo = dir.join("product.yaml");
    let made = Command::new("mkfifo").arg(&fifo).status();
    assert!(made.unwrap().success());
    let (p, d) = coverwright::product::load::load_file(
        &fifo,
        &coverwright::product::load::LoadOptions::default(),
    );
    assert!(p.is_none());
    let d = d.into_vec();
    assert_eq!(
        d[0].message,
        format!(
            "cannot read the file: cannot read {}: it is a named pipe, not a regular file",
            fifo.display()
        )
    );
}

#[test]
fn fuzz_reproducers_census_rows_and_batch_record() {
    use crate::safeio_harness::{batch_record, census_rows};
    for (target, f) in [
        ("census_rows", census_rows as fn(&[u8])),
        ("batch_record", batch_record),
    ] {
        // Inputs a target once failed on, if any.
        let dir = Path::new("tests/fixtures/fuzz").join(target);
        for e in std::fs::read_dir(&dir).into_iter().flatten() {
            let p = e.unwrap().path();
            f(&std::fs::read(&p).unwrap());
        }
    }
    census_rows(b"name,age\r\n\"a\r\nb\",1\r\n\"x,2\n\r\n3,4\r");
    // The examples as seeds.
    census_rows(&std::fs::read("examples/ga-sme-census.csv").unwrap());
    batch_record(ga_sme_line("ga-sme-census.csv").as_bytes());
    batch_record(ga_sme_line("/etc/passwd").as_bytes());
}

/// An SP-ACC request whose policyholder and member are named `name` (YAML-quoted).
fn sp_acc_named(dir: &Path, name: &str) -> PathBuf {
    let yaml = std::fs::read_to_string("examples/sp-acc.yaml").unwrap();
    let quoted = serde_json::to_string(name).unwrap();
    let yaml = yaml
        .replace(
            "{name: 周建华, id: 92330105MA2XXXXXXA,",
            &format!("{{name: {quoted}, id: 92330105MA2XXXXXXA,"),
        )
        .replace(
            "{name: 周建华, id: \"330105",
            &format!("{{name: {quoted}, id: \"330105"),
        );
    assert_eq!(yaml.matches(&quoted).count(), 2);
    let path = dir.join("hostile.yaml");
    std::fs::write(&path, yaml).unwrap();
    path
}

#[test]
fn request_fields_cannot_open_tags_links_or_headings_in_markdown() {
    let dir = tempdir("safeio-markdown");
    let hostile =
        "<script>alert(1)</script> [x](javascript:alert(1)) `code` a|b *em* _u_\n# heading";
    let request = sp_acc_named(&dir, hostile);
    let escaped = r"\<script\>alert(1)\</script\> \[x\](javascript:alert(1)) \`code\` a\|b \*em\* \_u\_ \# heading";
    for doc in ["quote", "policy"] {
        let md = dir.join(format!("{doc}.md"));
        let (code, _, err) = run(&[
            "quote",
            "--product",
            "SP-ACC",
            "--request",
            request.to_str().unwrap(),
            "--render",
            doc,
            "--lang",
            "en",
            "--output",
            md.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{err}");
        let text = std::fs::read_to_string(&md).unwrap();
        assert!(text.contains(escaped), "{doc}: {text}");
        for line in text.lines() {
            assert!(
                !line.replace(r"\<", "").contains("<script")
                    && !line.replace(r"\]", "").contains("](javascript"),
                "{doc}: {line}"
            );
            assert!(!line.starts_with("# heading"), "{doc}: {line}");
            // A table row keeps its cells: the name's `|` is escaped.
            if line.starts_with("| Policyholder |") {
                assert_eq!(line, format!("| Policyholder | {escaped} |"), "{doc}");
            }
        }
        // HTML stays escaped by HTML's rules.
        let html = dir.join(format!("{doc}.html"));
        let (code, _, err) = run(&[
            "quote",
            "--product",
            "SP-ACC",
            "--request",
            request.to_str().unwrap(),
            "--render",
            doc,
            "--output",
            html.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{err}");
        let text = std::fs::read_to_string(&html).unwrap();
        assert!(
            text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{doc}"
        );
        assert!(!text.contains("<script>"), "{doc}");
    }
}

#[test]
fn markdown_escaping_and_code_spans_are_exact() {
    use coverwright::document::engine::{code_span, escape_markdown};
    let esc = |s: &str| {
        let mut out = Vec::new();
        escape_markdown(s, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    };
    assert_eq!(esc("杭州某某餐饮有限公司"), "杭州某某餐饮有限公司");
    assert_eq!(esc("A & B (L/C) 1,234.50"), "A & B (L/C) 1,234.50");
    assert_eq!(esc("line\r\n# h\nx\ry"), r"line \# h x y");
    assert_eq!(esc("- item"), r"\- item");
    assert_eq!(esc("=="), r"\==");
    assert_eq!(esc("1. first"), r"1\. first");
    assert_eq!(esc("12.50"), "12.50");
    assert_eq!(esc("![i](x) <a> \\"), r"!\[i\](x) \<a\> \\");
    assert_eq!(code_span("a_b * c"), "`a_b * c`");
    assert_eq!(code_span("a`b|c\nd"), r"``a`b\|c d``");
    assert_eq!(code_span("`x`"), "`` `x` ``");
}

#[test]
fn terminal_escape_codes_in_a_name_do_not_reach_the_terminal() {
    let dir = tempdir("safeio-escapes");
    let census = dir.join("census.csv");
    std::fs::write(
        &census,
        "name,id,age,gender,occupation_class,social_insurance\n\u{1b}[2J\u{1b}]0;x\u{7}Z\u{9b}1m\u{202e},110101199001011234,35,male,1,true\n",
    )
    .unwrap();
    let (code, out, err) = run(&[
        "quote",
        "--product",
        "SP-ACC",
        "--request",
        "examples/sp-acc.yaml",
        "--census",
        census.to_str().unwrap(),
        "--explain",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(r"[member 1 (\u{1b}[2J\u{1b}]0;x\u{7}Z\u{9b}1m\u{202e})]"),
        "{out}"
    );
    assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out:?}");
    assert_eq!(
        coverwright::text::printable("a\u{1b}[31mb\tc\n"),
        "a\\u{1b}[31mb\tc\n"
    );
}

/// Runs `f` on another thread and fails the test if it takes more than 30 seconds (a read
/// that blocks on a named pipe would otherwise hang the test run).
fn promptly<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(30))
        .unwrap_or_else(|_| panic!("{what}: still reading after 30 s"))
}

fn mkfifo(path: &Path) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

/// A sparse file of `len` bytes (no disk used).
fn sparse(path: &Path, len: u64) {
    std::fs::File::create(path).unwrap().set_len(len).unwrap();
}

/// Each kind of input file, read by the function that reads it: the error it gives for
/// `path`, as text.
fn read_kind(kind: &'static str, path: PathBuf) -> String {
    use coverwright::product::check::FileSource;
    match kind {
        "request" => coverwright::request::read_input(&path)
            .unwrap_err()
            .to_string(),
        "census" => {
            let (products, _) = coverwright::product::load::load_paths(
                &[PathBuf::from("products")],
                &Default::default(),
            );
            let p = products.iter().find(|p| p.code == "SP-ACC").unwrap();
            let d = coverwright::census::read_members(p, &path, None).unwrap_err();
            d.iter().next().unwrap().message.clone()
        }
        "declarations" => match coverwright::declare::read_declarations_file(&path) {
            Err(Err(e)) => e.to_string(),
            other => panic!("{other:?}"),
        },
        "table" => coverwright::product::check::Fs.read(&path).unwrap_err(),
        "life table" => {
            coverwright::actuarial::LifeTable::load(&path, None)
                .unwrap_err()
                .remove(0)
                .message
        }
        "insurer" => coverwright::document::model::InsurerProfiles::load(&path).unwrap_err(),
        "policy options" => coverwright::document::options::PolicyOptions::load(&path).unwrap_err(),
        "regulation" => {
            let (b, d) = coverwright::regulation::load_file(&path);
            assert!(b.is_none());
            d.iter().next().unwrap().message.clone()
        }
        "template" => {
            let dir = path.parent().unwrap().parent().unwrap().to_path_buf();
            coverwright::document::Renderer::new(&dir)
                .unwrap_err()
                .to_string()
        }
        other => panic!("{other}"),
    }
}

const KINDS: [(&str, &str, u64); 9] = [
    ("request", "r.yaml", 16 << 20),
    ("census", "c.csv", 256 << 20),
    ("declarations", "d.csv", 16 << 20),
    ("table", "t.csv", 64 << 20),
    ("life table", "l.csv", 64 << 20),
    ("insurer", "i.yaml", 16 << 20),
    ("policy options", "o.yaml", 16 << 20),
    ("regulation", "regulation.yaml", 16 << 20),
    ("template", "i18n/zh.yaml", 16 << 20),
];

#[test]
fn every_kind_of_input_refuses_a_named_pipe_at_once() {
    for (kind, name, _) in KINDS {
        let dir = tempdir(&format!("safeio-fifo-{}", kind.replace(' ', "-")));
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        mkfifo(&path);
        let e = promptly(kind, move || read_kind(kind, path));
        assert!(
            e.contains("it is a named pipe, not a regular file"),
            "{kind}: {e}"
        );
    }
    // `claim --claim` and `quote --request` on a pipe: refused, not hung.
    let dir = tempdir("safeio-fifo-cli");
    let fifo = dir.join("p.yaml");
    mkfifo(&fifo);
    let f = fifo.to_str().unwrap().to_string();
    let (code, _, err) = promptly("claim", move || {
        run(&[
            "claim",
            "--quote",
            "examples/claims/gig-med-quote.json",
            "--claim",
            &f,
        ])
    });
    assert_ne!(code, 0);
    assert!(
        err.contains("it is a named pipe, not a regular file"),
        "{err}"
    );
    let f = fifo.to_str().unwrap().to_string();
    let (code, _, err) = promptly("quote", move || {
        run(&["quote", "--product", "SP-ACC", "--request", &f])
    });
    assert_ne!(code, 0);
    assert!(
        err.contains("it is a named pipe, not a regular file"),
        "{err}"
    );
}

#[test]
fn every_kind_of_input_refuses_a_file_over_its_limit_by_name() {
    for (kind, name, limit) in KINDS {
        let dir = tempdir(&format!("safeio-big-{}", kind.replace(' ', "-")));
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        sparse(&path, limit + 1);
        let shown = path.clone();
        let e = promptly(kind, move || read_kind(kind, path));
        assert!(
            e.contains(&format!(
                "it is {} bytes, more than the {limit} allowed",
                limit + 1
            )),
            "{kind}: {e}"
        );
        // The message names the file, or the diagnostic carrying it does.
        if !["census", "life table", "regulation", "table", "request"].contains(&kind) {
            assert!(e.contains(&shown.display().to_string()), "{kind}: {e}");
        }
    }
}

#[test]
fn a_products_folder_refuses_links_out_and_pipes_and_loads_the_rest() {
    let dir = tempdir("safeio-products");
    let products = dir.join("products");
    std::fs::create_dir_all(&products).unwrap();
    let f = "sp-acc-2025.yaml";
    std::fs::copy(Path::new("products").join(f), products.join(f)).unwrap();
    std::fs::write(dir.join("outside.yaml"), "not a product").unwrap();
    std::os::unix::fs::symlink(dir.join("outside.yaml"), products.join("linked.yaml")).unwrap();
    mkfifo(&products.join("pipe.yaml"));
    let p = products.clone();
    let (loaded, d) = promptly("load", move || {
        coverwright::product::load::load_paths(&[p], &Default::default())
    });
    let codes: Vec<String> = loaded.iter().map(|p| p.code.clone()).collect();
    assert_eq!(codes, ["SP-ACC"]);
    let got: Vec<(String, String)> = d
        .iter()
        .filter(|x| x.is_error())
        .map(|x| {
            let f = x.file.as_ref().unwrap().file_name().unwrap();
            (f.to_string_lossy().into_owned(), x.message.clone())
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "linked.yaml".to_string(),
                format!(
                    "the product file is not read: `linked.yaml` is not allowed here: it leads out of {} (through a symbolic link)",
                    products.display()
                )
            ),
            (
                "pipe.yaml".to_string(),
                "the product file is not read: it is a named pipe, not a regular file".to_string()
            ),
        ]
    );
    // `validate` on the folder ends, with both errors.
    let p = products.to_str().unwrap().to_string();
    let (code, _, err) = promptly("validate", move || run(&["validate", &p]));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("pipe.yaml") && err.contains("linked.yaml"),
        "{err}"
    );
}

#[test]
fn a_census_named_by_a_request_stays_in_the_request_folder() {
    let dir = tempdir("safeio-request-census");
    let yaml = std::fs::read_to_string("examples/ga-sme.yaml").unwrap();
    for (name, want) in [
        ("/etc/passwd", "an absolute path is not allowed"),
        ("../ga-sme-census.csv", "`..` is not allowed"),
    ] {
        let req = dir.join("req.yaml");
        std::fs::write(
            &req,
            yaml.replace("census: ga-sme-census.csv", &format!("census: \"{name}\"")),
        )
        .unwrap();
        let (code, out, err) = run(&[
            "quote",
            "--product",
            "GA-SME",
            "--request",
            req.to_str().unwrap(),
        ]);
        assert_eq!(code, 1, "{out}");
        assert!(err.contains(want), "{err}");
        assert!(!err.contains("root:"), "{err}");
    }
}

#[test]
fn a_one_gigabyte_product_file_is_refused_from_its_size_unread() {
    let dir = tempdir("safeio-big-product");
    let path = dir.join("big.yaml");
    sparse(&path, 1 << 30);
    let p = path.clone();
    let (product, d) = promptly("load", move || {
        coverwright::product::load::load_file(&p, &Default::default())
    });
    assert!(product.is_none());
    let d = d.into_vec();
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].file.as_deref(), Some(path.as_path()));
    assert!(
        d[0].message
            .starts_with("the file is 1073741824 bytes, more than the "),
        "{}",
        d[0].message
    );
}
