//! Documents in bulk (`render --quotes`), PDF from one browser kept for the run, and Word.
//! The tests that need Chromium or LibreOffice are ignored (run by `.ci/run`).

use std::path::{Path, PathBuf};

use coverwright::document::bulk::{BulkHooks, BulkJob, BulkProblem, render_bulk};
use coverwright::document::render::{DocKind, OutFormat};
use coverwright::document::{Lang, Renderer};

use crate::quote::tempdir;
use crate::support::run;

/// The quote of an example request, as `quote --format json` prints it.
pub(crate) fn quote_of(product: &str, request: &str, plan: Option<&str>) -> serde_json::Value {
    let mut args = vec![
        "quote",
        "--product",
        product,
        "--request",
        request,
        "--format",
        "json",
    ];
    if let Some(p) = plan {
        args.extend(["--plan", p]);
    }
    let (status, out, err) = run(&args);
    assert_eq!(status, 0, "{err}");
    serde_json::from_str(&out).expect("quote JSON")
}

fn compact(v: &serde_json::Value) -> String {
    serde_json::to_string(v).expect("JSON")
}

/// The document options of every shipped product version.
fn shipped_documents(
    lang: Lang,
) -> std::collections::BTreeMap<String, coverwright::document::DocOptions> {
    let dir = Path::new("products");
    let (products, _) = coverwright::product::load::load_paths(
        &[dir.to_path_buf()],
        &coverwright::product::load::LoadOptions::default(),
    );
    coverwright::document::bulk::options_by_product(&products, dir, lang).expect("options")
}

fn renderer() -> Renderer {
    Renderer::new(Path::new("templates")).expect("templates load")
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("output folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn many_quotes_render_in_one_run_and_bad_records_are_reported_by_line() {
    let dir = tempdir("bulk-html");
    let ga = quote_of("GA-SME", "examples/ga-sme.yaml", None);
    let sp = quote_of("SP-ACC", "examples/sp-acc.yaml", None);
    let (ga_id, sp_id) = (
        ga["quote_id"].as_str().expect("id").to_string(),
        sp["quote_id"].as_str().expect("id").to_string(),
    );
    let input = [
        compact(&ga),
        String::new(),
        "{not json".to_string(),
        r#"{"declined": true, "product": "GA-SME@2024.1", "failures": []}"#.to_string(),
        r#"{"record": 5, "row": 5, "error": {"field": "age", "message": "age: not a number"}}"#
            .to_string(),
        compact(&sp),
        compact(&ga),
        r#"{"quote_id": "../escape", "currency": "CNY"}"#.to_string(),
    ]
    .join("\n");
    let quotes = dir.join("quotes.jsonl");
    std::fs::write(&quotes, input).expect("write quotes");
    let out = dir.join("out");
    let (status, _, err) = run(&[
        "render",
        "--quotes",
        quotes.to_str().expect("path"),
        "--document",
        "policy",
        "--lang",
        "zh",
        "--format",
        "html",
        "--output-dir",
        out.to_str().expect("path"),
    ]);
    assert_eq!(status, 1, "{err}");
    let err = err.replace(out.to_str().expect("path"), "OUT");
    assert_eq!(
        err,
        format!(
            "error: line 3: not a JSON quote: key must be a string at line 1 column 2\n\
             error: line 4: the record is a declined quote; there is no document to render\n\
             error: line 5: the record is a batch error line (age: not a number), not a quote\n\
             error: line 7 ({ga_id}): the same quote id is on line 1; its document is not written twice\n\
             error: line 8 (../escape): the quote id cannot name a file (use ASCII letters, digits, `-`, `_`, `.`)\n\
             render: 2 document(s) written, 5 record(s) failed in OUT\n"
        )
    );
    let mut wanted = vec![format!("{ga_id}.html"), format!("{sp_id}.html")];
    wanted.sort();
    assert_eq!(files_in(&out), wanted, "no temporary file is left");

    // Each file is the document a single render gives.
    let r = renderer();
    let documents = shipped_documents(Lang::Zh);
    for (id, quote) in [(&ga_id, &ga), (&sp_id, &sp)] {
        let product = format!(
            "{}@{}",
            quote["product"]["code"].as_str().expect("code"),
            quote["product"]["version"].as_str().expect("version")
        );
        let single = coverwright::document::render::render_quote(
            &r,
            DocKind::Policy,
            OutFormat::Html,
            quote,
            &documents[&product],
            None,
        )
        .expect("renders");
        let written = std::fs::read_to_string(out.join(format!("{id}.html"))).expect("file");
        assert_eq!(written, single, "{id}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_library_reads_quotes_from_any_reader_and_reports_each_problem() {
    let dir = tempdir("bulk-lib");
    let ga = quote_of("GA-SME", "examples/ga-sme.yaml", None);
    let input = format!("\n{}\n[1, 2]\n", compact(&ga));
    let job = BulkJob {
        kind: DocKind::Quote,
        lang: Lang::En,
        format: OutFormat::Md,
        output_dir: dir.join("md"),
        options: serde_json::Map::new(),
        documents: shipped_documents(Lang::En),
        policy: Default::default(),
    };
    let (mut problems, mut progress) = (Vec::<BulkProblem>::new(), Vec::new());
    let summary = render_bulk(
        &renderer(),
        &mut std::io::Cursor::new(input.as_bytes()),
        &job,
        BulkHooks {
            problem: &mut |p| problems.push(p.clone()),
            progress: &mut |n| progress.push(n),
        },
    )
    .expect("runs");
    assert_eq!((summary.written, summary.failed), (1, 1));
    assert_eq!(
        problems,
        [BulkProblem {
            line: 3,
            quote_id: None,
            message: "the record is not a JSON object".to_string()
        }]
    );
    let len = input.len() as u64;
    assert_eq!(progress, [len - 7, len]);
    let id = ga["quote_id"].as_str().expect("id");
    assert_eq!(files_in(&dir.join("md")), [format!("{id}.md")]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn word_is_refused_for_documents_it_does_not_cover() {
    let dir = tempdir("bulk-docx-refused");
    let quotes = dir.join("q.jsonl");
    std::fs::write(&quotes, "{}\n").expect("write");
    let (status, _, err) = run(&[
        "render",
        "--quotes",
        quotes.to_str().expect("path"),
        "--document",
        "worksheet",
        "--format",
        "docx",
        "--output-dir",
        dir.join("out").to_str().expect("path"),
    ]);
    assert_eq!(status, 1);
    assert_eq!(
        err,
        "error: render context for `worksheet.docx`: Word output is available for quote, policy and schedule only\n"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A GA-SME policy on the monthly plan as Word, twice.
/// Writes `quote` to `quote_file` and renders its policy as `format` into `out`, with `extra`
/// arguments; the render must succeed.
pub(crate) fn render_policy(
    quote: &serde_json::Value,
    quote_file: &Path,
    format: &str,
    out: &Path,
    extra: &[&str],
) {
    std::fs::write(quote_file, compact(quote)).expect("write quote");
    let mut args = vec![
        "render",
        "--quote",
        quote_file.to_str().expect("path"),
        "--document",
        "policy",
        "--format",
        format,
        "--output",
        out.to_str().expect("path"),
    ];
    args.extend_from_slice(extra);
    let (status, _, err) = run(&args);
    assert_eq!(status, 0, "{err}");
}

fn monthly_policy_docx(dir: &Path) -> (serde_json::Value, PathBuf) {
    let quote = quote_of("GA-SME", "examples/ga-sme.yaml", Some("monthly"));
    let path = dir.join("policy.docx");
    render_policy(&quote, &dir.join("quote.json"), "docx", &path, &[]);
    (quote, path)
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn a_word_policy_states_the_number_parties_and_the_amount_payable() {
    let dir = tempdir("docx-policy");
    let (quote, path) = monthly_policy_docx(&dir);
    let bytes = std::fs::read(&path).expect("docx");
    assert!(bytes.starts_with(b"PK\x03\x04"), "a zip package");
    // The parts are stored uncompressed, so the text is in the bytes as UTF-8.
    let id = quote["quote_id"].as_str().expect("id");
    let monthly = &quote["payment_options"][0];
    assert_eq!(monthly["code"], "monthly");
    assert_eq!(monthly["schedule"]["total"], "11806.92");
    for wanted in [
        format!("DRAFT-{id}").as_str(),
        "杭州某某餐饮有限公司",
        "华安示范财产保险股份有限公司",
        "张伟",
        "¥11,806.92",
        "人民币壹万壹仟捌佰零陆元玖角贰分",
        // The terms of cover read as in the HTML: amounts with their currency, ratios in per
        // cent.
        "保险金额：¥20,000.00；免赔额：¥100.00；赔付比例：90%",
        "w:eastAsia=\"SimSun\"",
        "PAGE",
        "NUMPAGES",
    ] {
        assert!(contains(&bytes, wanted), "{wanted}");
    }
    // The same input gives the same bytes.
    let again = std::fs::read(monthly_policy_docx(&dir).1).expect("docx");
    assert!(again == bytes, "same bytes");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The texts of a Word document's body (`w:t` elements of `word/document.xml`, stored
/// uncompressed), XML entities decoded.
pub(crate) fn docx_texts(bytes: &[u8]) -> Vec<String> {
    let xml = String::from_utf8_lossy(bytes);
    let mut out = Vec::new();
    for part in xml.split("<w:t").skip(1) {
        let Some(start) = part.find('>') else {
            continue;
        };
        let Some(end) = part.find("</w:t>") else {
            continue;
        };
        if start < end {
            out.push(
                part[start + 1..end]
                    .replace("&apos;", "'")
                    .replace("&quot;", "\"")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&amp;", "&"),
            );
        }
    }
    out
}

#[test]
fn a_word_export_credit_policy_in_english_states_what_the_html_states() {
    let dir = tempdir("docx-ec-sme");
    let quote = quote_of("EC-SME", "examples/ec-sme.yaml", None);
    let path = dir.join("policy.docx");
    render_policy(
        &quote,
        &dir.join("quote.json"),
        "docx",
        &path,
        &[
            "--lang",
            "en",
            "--policy-options",
            "examples/ec-sme-policy.yaml",
        ],
    );
    let texts = docx_texts(&std::fs::read(&path).expect("docx"));
    // A label and its value are runs of one paragraph: read them as one text.
    let all = texts.concat();
    for wanted in [
        "Hua'an Model Property & Casualty Insurance Co., Ltd.",
        "Insured: 义乌某某进出口有限公司 (the exporter)",
        "Buyer schedule",
        "Schmidt Handels GmbH",
        "USD 250,000.00",
        "Open account (O/A)",
        // The credit terms stand two pairs a row: a label's cell, then its value's.
        "Percentage of indemnity (Refusal of goods by the buyer)80%",
        "In words: ",
        "SAY US DOLLARS TWO THOUSAND SIXTY-FIVE ONLY",
        "Arbitration commission: ",
        "Shanghai Arbitration Commission",
        "Service phone: ",
        // The declarations plan has no instalment table: the Word says why, as the HTML does.
        "Premium is billed on the shipments declared each month.",
    ] {
        assert!(all.contains(wanted), "{wanted} in\n{all}");
    }
    // No person list for export credit, and no Chinese but the request's names.
    assert!(!all.contains("Schedule of insured members"), "{all}");
    let supplied = [
        "义乌某某进出口有限公司",
        "浙江省义乌市稠江街道贝村路100号",
        "王经理 0579-85550000",
    ];
    for t in &texts {
        let mut rest = t.clone();
        for name in supplied {
            rest = rest.replace(name, "");
        }
        assert!(
            !rest.chars().any(|c| matches!(c as u32, 0x3000..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xFF00..=0xFFEF)),
            "Chinese in an English Word document: {t}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

pub(crate) fn tool(program: &str, args: &[&std::ffi::OsStr]) -> String {
    let out = std::process::Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("running {program}: {e}"));
    assert!(out.status.success(), "{program}: {:?}", out);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn pdf_text(pdf: &Path) -> String {
    tool("pdftotext", &[pdf.as_os_str(), "-".as_ref()])
        .split_whitespace()
        .collect()
}

/// The text of a Word file `path` as LibreOffice prints it: converted to PDF in `dir` (with a
/// profile of its own there), then read by `pdftotext` without white space.
pub(crate) fn libreoffice_text(dir: &Path, path: &Path) -> String {
    let profile = format!("-env:UserInstallation=file://{}/lo-profile", dir.display());
    tool(
        "soffice",
        &[
            profile.as_ref(),
            "--headless".as_ref(),
            "--convert-to".as_ref(),
            "pdf".as_ref(),
            "--outdir".as_ref(),
            dir.as_os_str(),
            path.as_os_str(),
        ],
    );
    pdf_text(&dir.join(path.with_extension("pdf").file_name().expect("a file name")))
}

/// Needs Chromium, poppler-utils and the TrueType CJK fonts `.ci/run` installs.
#[test]
#[ignore]
fn pdfs_in_bulk_embed_real_fonts_extract_and_repeat_byte_for_byte() {
    let dir = tempdir("bulk-pdf");
    let ga = quote_of("GA-SME", "examples/ga-sme.yaml", None);
    let sp = quote_of("SP-ACC", "examples/sp-acc.yaml", None);
    let gig = quote_of("GIG-MED", "examples/gig-med.yaml", None);
    let quotes = dir.join("quotes.jsonl");
    // More documents than the browser has pages: which page prints which document varies
    // from run to run, and the bytes must not.
    std::fs::write(
        &quotes,
        format!("{}\n{}\n{}\n", compact(&ga), compact(&sp), compact(&gig)),
    )
    .expect("write");
    for out in ["a", "b"] {
        let (status, _, err) = run(&[
            "render",
            "--quotes",
            quotes.to_str().expect("path"),
            "--document",
            "policy",
            "--format",
            "pdf",
            "--pdf-engine",
            "chromium",
            "--output-dir",
            dir.join(out).to_str().expect("path"),
        ]);
        assert_eq!(status, 0, "{err}");
    }
    for quote in [&ga, &sp, &gig] {
        let name = format!("{}.pdf", quote["quote_id"].as_str().expect("id"));
        let (a, b) = (dir.join("a").join(&name), dir.join("b").join(&name));
        let bytes = std::fs::read(&a).expect("pdf");
        assert!(
            bytes == std::fs::read(&b).expect("pdf"),
            "{name}: same bytes"
        );
        let fonts = tool("pdffonts", &[a.as_os_str()]);
        assert!(!fonts.contains("Type 3"), "{name}:\n{fonts}");
        assert!(fonts.contains("CID TrueType"), "{name}:\n{fonts}");
        let text = pdf_text(&a);
        let holder = quote["policyholder"]["name"].as_str().expect("holder");
        for wanted in [
            format!("DRAFT-{}", quote["quote_id"].as_str().expect("id")),
            holder.to_string(),
        ] {
            assert!(text.contains(&wanted), "{name}: {wanted} in {text}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Needs LibreOffice (`soffice`) and poppler-utils, as `.ci/run` installs them.
#[test]
#[ignore]
fn a_word_policy_opens_in_libreoffice_with_the_same_facts() {
    let dir = tempdir("docx-libreoffice");
    let (quote, path) = monthly_policy_docx(&dir);
    let text = libreoffice_text(&dir, &path);
    let id = quote["quote_id"].as_str().expect("id");
    for wanted in [
        format!("DRAFT-{id}"),
        "杭州某某餐饮有限公司".to_string(),
        "华安示范财产保险股份有限公司".to_string(),
        "¥11,806.92".to_string(),
        "人民币壹万壹仟捌佰零陆元玖角贰分".to_string(),
        "第1页共".to_string(),
    ] {
        assert!(text.contains(&wanted), "{wanted} in {text}");
    }
    // A member's id stays on one line in its column.
    let pdf = dir.join("policy.pdf");
    let layout = tool(
        "pdftotext",
        &["-layout".as_ref(), pdf.as_os_str(), "-".as_ref()],
    );
    // The member list, an attachment, starts on a page of its own with all ten members.
    let list = layout
        .split('\u{c}')
        .find(|p| p.trim_start().starts_with("被保险人清单"))
        .expect("a member list");
    assert!(list.contains("张伟") && list.contains("吴刚"), "{list}");
    assert!(!list.contains("争议处理"), "{list}");
    assert!(
        layout
            .lines()
            .any(|l| l.contains("张伟") && l.contains("330102198503071234")),
        "{layout}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `render --quote` of one quote JSON with extra arguments, to a string.
fn single_render(dir: &Path, quote: &serde_json::Value, name: &str, extra: &[&str]) -> String {
    let out = dir.join(format!("{name}.html"));
    render_policy(
        quote,
        &dir.join(format!("{name}.json")),
        "html",
        &out,
        extra,
    );
    std::fs::read_to_string(out).expect("single render")
}

#[test]
fn each_quote_of_a_bulk_run_takes_its_own_policy_options() {
    let dir = tempdir("bulk-policy-options");
    let ga = quote_of("GA-SME", "examples/ga-sme.yaml", None);
    let sp = quote_of("SP-ACC", "examples/sp-acc.yaml", None);
    let (ga_id, sp_id) = (
        ga["quote_id"].as_str().expect("id").to_string(),
        sp["quote_id"].as_str().expect("id").to_string(),
    );
    let quotes = dir.join("quotes.jsonl");
    std::fs::write(&quotes, format!("{}\n{}\n", compact(&ga), compact(&sp))).expect("write");
    // The run's file, for every quote.
    let run_file = dir.join("run.yaml");
    std::fs::write(
        &run_file,
        "issue_date: 2025-02-01\nspecial_clauses: [全体保单适用的特别约定。]\n",
    )
    .expect("write");
    // GA-SME's own options (the monthly plan, its issue date, address and clause); a file
    // named by no quote of the input.
    let own = dir.join("own");
    std::fs::create_dir_all(&own).expect("dir");
    std::fs::copy(
        "examples/ga-sme-policy.yaml",
        own.join(format!("{ga_id}.yaml")),
    )
    .expect("copy");
    std::fs::write(own.join("Q-GA-SME-0000000000000000.yaml"), "plan: annual\n").expect("write");
    let out = dir.join("out");
    let (status, _, err) = run(&[
        "render",
        "--quotes",
        quotes.to_str().expect("path"),
        "--document",
        "policy",
        "--output-dir",
        out.to_str().expect("path"),
        "--policy-options",
        run_file.to_str().expect("path"),
        "--policy-options-dir",
        own.to_str().expect("path"),
        "--special-clause",
        "命令行特别约定。",
    ]);
    assert_eq!(status, 1, "an unmatched options file fails the run: {err}");
    let err = err
        .replace(out.to_str().expect("path"), "OUT")
        .replace(own.to_str().expect("path"), "OWN");
    assert_eq!(
        err,
        "error: Q-GA-SME-0000000000000000: the policy options `OWN/Q-GA-SME-0000000000000000.yaml` \
         name no quote of the input; name the file by a quote id\n\
         render: 2 document(s) written, 0 record(s) failed, 1 policy-options file(s) matched no \
         quote in OUT\n"
    );
    let ga_html = std::fs::read_to_string(out.join(format!("{ga_id}.html"))).expect("ga");
    let sp_html = std::fs::read_to_string(out.join(format!("{sp_id}.html"))).expect("sp");

    // GA-SME: its own plan, issue date and address; clauses of the run, its own, the flag's.
    assert!(
        ga_html.contains("2025年2月25日"),
        "the quote's own issue date"
    );
    assert!(sp_html.contains("2025年2月1日"), "the run's issue date");
    assert!(ga_html.contains("浙江省杭州市西湖区文三路200号"));
    let at = |s: &str| {
        ga_html
            .find(s)
            .unwrap_or_else(|| panic!("GA-SME policy lacks {s}"))
    };
    assert!(at("全体保单适用的特别约定。") < at("被保险人在营业场所外因配送餐品"));
    assert!(at("被保险人在营业场所外因配送餐品") < at("命令行特别约定。"));
    // SP-ACC has no file of its own: the run's options only.
    assert!(sp_html.contains("全体保单适用的特别约定。") && sp_html.contains("命令行特别约定。"));
    assert!(!sp_html.contains("配送餐品") && !sp_html.contains("文三路"));

    // Each equals a single render with the same options.
    let merged = dir.join("merged.yaml");
    std::fs::write(
        &merged,
        "plan: monthly\nissue_date: 2025-02-25\n\
         policyholder: {address: 浙江省杭州市西湖区文三路200号, contact: 李女士 0571-88880000}\n\
         special_clauses: [全体保单适用的特别约定。, 被保险人在营业场所外因配送餐品发生的意外伤害事故属于保险责任范围。]\n",
    )
    .expect("write");
    let flag = ["--special-clause", "命令行特别约定。", "--policy-options"];
    let mut ga_args = flag.to_vec();
    ga_args.push(merged.to_str().expect("path"));
    assert_eq!(ga_html, single_render(&dir, &ga, "ga", &ga_args));
    let mut sp_args = flag.to_vec();
    sp_args.push(run_file.to_str().expect("path"));
    assert_eq!(sp_html, single_render(&dir, &sp, "sp", &sp_args));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The BO-ANN example's policy as Word and as HTML, in `lang`.
fn pension_policy(dir: &Path, lang: &str) -> (serde_json::Value, PathBuf, String) {
    let quote = quote_of("BO-ANN", "examples/bo-ann.yaml", None);
    let quote_file = dir.join("quote.json");
    let mut outputs = Vec::new();
    for format in ["docx", "html"] {
        let path = dir.join(format!("pension-{lang}.{format}"));
        render_policy(&quote, &quote_file, format, &path, &["--lang", lang]);
        outputs.push(path);
    }
    let html = std::fs::read_to_string(&outputs[1]).expect("html");
    (quote, outputs.swap_remove(0), html)
}

#[test]
fn a_word_pension_policy_carries_the_pension_part_of_the_html() {
    let dir = tempdir("docx-pension");
    let (_, path, html) = pension_policy(&dir, "zh");
    let texts = docx_texts(&std::fs::read(&path).expect("docx"));
    // The cover period is for life, as the HTML says, not to the last day of the life table.
    let life = "自 2025年3月1日零时起终身，至被保险人身故时止";
    assert!(texts.iter().any(|t| t == life), "{texts:?}");
    assert!(html.contains(life), "the HTML's cover period");
    assert!(
        !texts.iter().any(|t| t.contains("2091年2月28日二十四时")),
        "{texts:?}"
    );
    let at = |s: &str| {
        texts
            .iter()
            .position(|t| t == s)
            .unwrap_or_else(|| panic!("{s} in {texts:?}"))
    };
    // The benefits: every statement of the Word part is a statement of the HTML part.
    let (from, to) = (at("保险利益"), at("利益演示表"));
    let facts: Vec<&String> = texts[from + 1..to]
        .iter()
        .filter(|t| !t.ends_with('：'))
        .collect();
    assert_eq!(facts.len(), 9, "{facts:?}");
    let total = "¥50,000.00（大写：人民币伍万元整）";
    assert_eq!(facts[4], total, "{facts:?}");
    // The HTML sets the figures and the words of the total apart.
    assert!(html.contains("¥50,000.00") && html.contains("大写：人民币伍万元整"));
    for fact in facts.iter().filter(|f| f.as_str() != total) {
        assert!(html.contains(fact.as_str()), "{fact} is not in the HTML");
    }
    assert!(facts[0].contains("¥3,492.40"), "{facts:?}");
    // The 利益演示表: the currency, one row a policy year to age 79 with the cash values to
    // the fen, and the reference-only notice.
    assert_eq!(texts[at("利益演示表") + 1], "金额单位：人民币元");
    let year_one = at("8,163.39");
    assert_eq!(
        texts[year_one - 6..=year_one],
        [
            "1",
            "40",
            "10,000.00",
            "10,000.00",
            "0.00",
            "10,000.00",
            "8,163.39"
        ]
    );
    let last = at("29,880.72");
    assert_eq!(
        texts[last - 6..=last],
        [
            "40",
            "79",
            "0.00",
            "50,000.00",
            "3,492.40",
            "0.00",
            "29,880.72"
        ]
    );
    assert!(texts[last + 1].starts_with("本利益演示表仅供参考"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Needs LibreOffice (`soffice`) and poppler-utils, as `.ci/run` installs them.
#[test]
#[ignore]
fn a_word_pension_policy_opens_in_libreoffice_with_the_same_facts() {
    let dir = tempdir("docx-libreoffice-pension");
    let (quote, path, _) = pension_policy(&dir, "en");
    let text = libreoffice_text(&dir, &path);
    let id = quote["quote_id"].as_str().expect("id");
    for wanted in [
        format!("DRAFT-{id}"),
        "陈建国".to_string(),
        "Hua'anModelLifeInsuranceCo.,Ltd.".to_string(),
        "CNY50,000.00".to_string(),
        "SAYRENMINBIYUANFIFTYTHOUSANDONLY".to_string(),
        "Benefitillustration".to_string(),
        "29,880.72".to_string(),
        "Page1of".to_string(),
    ] {
        assert!(text.contains(&wanted), "{wanted} in {text}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Needs LibreOffice (`soffice`) and poppler-utils, as `.ci/run` installs them.
#[test]
#[ignore]
fn a_word_export_credit_policy_keeps_buyer_names_whole_and_its_closing_together() {
    let quote = quote_of("EC-SME", "examples/ec-sme.yaml", None);
    for (lang, special, dispute) in [
        ("en", "Special clauses", "Dispute resolution"),
        ("zh", "特别约定", "争议处理"),
    ] {
        let dir = tempdir(&format!("docx-libreoffice-ec-{lang}"));
        let path = dir.join("policy.docx");
        render_policy(
            &quote,
            &dir.join("quote.json"),
            "docx",
            &path,
            &[
                "--lang",
                lang,
                "--policy-options",
                "examples/ec-sme-policy.yaml",
            ],
        );
        libreoffice_text(&dir, &path);
        let pdf = dir.join("policy.pdf");
        let layout = tool(
            "pdftotext",
            &["-layout".as_ref(), pdf.as_os_str(), "-".as_ref()],
        );
        // The buyer column is wide enough for the words of a buyer's name, the amount
        // columns for an amount.
        assert!(layout.contains("Distribuidora"), "{lang}: {layout}");
        assert!(
            layout
                .lines()
                .any(|l| l.contains("Schmidt") && l.contains("250,000.00")),
            "{lang}: {layout}"
        );
        // The special clauses and the dispute clause share a page: the dispute clause is
        // never left alone on a last page.
        let page = layout
            .split('\u{c}')
            .find(|p| p.contains(dispute))
            .unwrap_or_else(|| panic!("{lang}: no {dispute} in {layout}"));
        assert!(page.contains(special), "{lang}: {page}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
