//! Word documents read as an underwriter reads them: the facts the HTML states that the Word
//! must state too (draft notice, product version, instalment loading and first payment, fees
//! and grace dates per instalment, the grace wording, benefit scales, the signature block with
//! the seal, members' ages and sums insured, a quote's taxes and notices, a schedule's premium in words
//! and declaration terms), header rows repeated on each page, and (ignored, LibreOffice) pages
//! that keep a heading with its table, the grace wording with the instalments and the seal
//! with the dispute clause.

use std::path::{Path, PathBuf};

use crate::document_output::{docx_texts, libreoffice_text, quote_of, render_policy, tool};
use crate::quote::tempdir;
use crate::support::run;

/// Renders `document` of `quote` as Word in `lang` into `dir`, with `extra` arguments.
fn render_docx(
    dir: &Path,
    quote: &serde_json::Value,
    document: &str,
    lang: &str,
    extra: &[&str],
) -> PathBuf {
    let quote_file = dir.join(format!("{document}-{lang}.json"));
    std::fs::write(&quote_file, quote.to_string()).expect("write quote");
    let out = dir.join(format!("{document}-{lang}.docx"));
    let mut args = vec![
        "render",
        "--quote",
        quote_file.to_str().expect("path"),
        "--document",
        document,
        "--lang",
        lang,
        "--format",
        "docx",
        "--output",
        out.to_str().expect("path"),
    ];
    args.extend_from_slice(extra);
    let (status, _, err) = run(&args);
    assert_eq!(status, 0, "{err}");
    out
}

/// The paragraphs' texts of a Word document as one string (runs of a paragraph joined).
fn all_text(path: &Path) -> String {
    docx_texts(&std::fs::read(path).expect("docx")).concat()
}

/// Asserts that `text` states every one of `wanted`.
fn assert_states(text: &str, wanted: &[&str]) {
    for w in wanted {
        assert!(text.contains(w), "{w} in\n{text}");
    }
}

/// Chinese characters and full-width punctuation.
fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xFF00..=0xFFEF)
}

#[test]
fn a_word_policy_states_the_draft_the_loading_and_the_grace_of_each_instalment() {
    let dir = tempdir("docx-pages-policy");
    let quote = quote_of("GA-SME", "examples/ga-sme.yaml", Some("monthly"));
    let path = dir.join("policy.docx");
    render_policy(&quote, &dir.join("quote.json"), "docx", &path, &[]);
    let all = all_text(&path);
    assert_states(
        &all,
        &[
            "小微企业团体意外伤害保险（草稿）",
            "本保险单为草稿，仅供核对；保险合同以保险人签发并盖章的正式保险单为准。",
            "产品代码及版本：GA-SME 2024.1",
            // The amount payable is the annual premium plus the instalment loading.
            "年缴保险费合计 ¥10,932.36；分期加收 ¥874.56",
            "缴费方式：月交（共12期）；首期应缴 ¥983.91（2025年3月1日）",
            "年缴保险费合计（其中：税费合计 ¥618.81）",
            // The benefit scale of the death and disability cover.
            "意外身故及伤残 — 伤残评定标准（JR/T 0083-2013）",
            "给付比例100%90%80%70%60%50%40%30%20%10%",
            // Each instalment with its fee, amount payable and end of grace: none for the first,
            // the last two moved back to the end of cover and marked.
            "期次应缴日期应缴金额手续费应缴合计宽限期届满日",
            "12025年3月1日¥983.91¥0.00¥983.91—",
            "22025年4月1日¥983.91¥0.00¥983.912025年5月31日",
            "122026年2月1日¥983.91¥0.00¥983.912026年2月28日*",
            "合计¥11,806.92¥0.00¥11,806.92",
            "应缴总额：人民币壹万壹仟捌佰零陆元玖角贰分（分期加收 ¥874.56）。首期保险费于保险期间开始时缴付，不适用宽限期。 标注“*”的宽限期届满日以保险期间届满日为限。",
            "（《保险法》第三十六条）",
            // The contract parts and the signature block with the seal.
            "本保险合同由保险条款、投保单、保险单、被保险人清单、批单及其他书面协议构成。",
            "保险人（盖章）华安示范财产保险股份有限公司（华安示范财产保险股份有限公司保单专用章）授权代表：",
            // The member list: its caption, then age, class and the sums insured of each member.
            "被保险人清单保险单号：DRAFT-",
            "投保人：杭州某某餐饮有限公司\u{2003}被保险人人数：10人",
            "意外身故及伤残 保险金额（元）意外医疗 保险金额（元）保险费",
            "1张伟330102198503071234男401类500,00020,000¥645.14",
        ],
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_word_table_with_a_header_row_repeats_it_on_each_page() {
    let dir = tempdir("docx-pages-headers");
    let ga = quote_of("GA-SME", "examples/ga-sme.yaml", Some("monthly"));
    let ec = quote_of("EC-SME", "examples/ec-sme.yaml", None);
    // GA-SME: covers, benefit scale, instalments, members; EC-SME: covers, buyers, and the
    // credit terms (label and value pairs, no header row).
    for (quote, tables, headers) in [(&ga, 4, 4), (&ec, 3, 2)] {
        let path = render_docx(&dir, quote, "policy", "zh", &[]);
        let xml = String::from_utf8_lossy(&std::fs::read(&path).expect("docx")).into_owned();
        let parts: Vec<&str> = xml.split("<w:tbl>").skip(1).collect();
        assert_eq!(parts.len(), tables, "tables");
        let marked = parts
            .iter()
            .filter(|t| {
                let first_row = t.split("</w:tr>").next().unwrap_or_default();
                first_row.contains("<w:tblHeader />")
            })
            .count();
        assert_eq!(marked, headers, "header rows");
        // Only first rows are header rows.
        assert_eq!(xml.matches("<w:tblHeader />").count(), headers);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_word_quote_ends_with_its_notices_and_a_schedule_states_the_premium_in_words() {
    let dir = tempdir("docx-pages-quote");
    let quote = quote_of("EC-SME", "examples/ec-sme.yaml", None);
    let q = all_text(&render_docx(&dir, &quote, "quote", "en", &[]));
    assert_states(
        &q,
        &[
            "Product code and version: EC-SME 2025.1",
            // The premium and taxes: VAT per cover, the stamp duty in the premium, the totals.
            "Export receivables (commercial and political risks)ExemptUSD 2,065.00USD 0.00USD 2,065.00",
            "Stamp dutyIncluded in premiumUSD 2.07",
            "Total premium payableUSD 2,065.00of which taxesUSD 2.07Amount excluding taxesUSD 2,062.93",
            "Annual premium (In words): SAY US DOLLARS TWO THOUSAND SIXTY-FIVE ONLY (In figures: USD 2,065.00)",
            "Important notices",
            "1. This quotation is for reference only and is not an insurance contract",
            "3. Cooling-off period: This product has no cooling-off period.",
            "5. Grace period: 60 days. The insured pays the premium of each declaration by the payment day agreed",
            "6. Please read the policy clauses, in particular the exclusions, the indemnity percentages",
            "Policyholder's signature: ",
        ],
    );
    let s = all_text(&render_docx(&dir, &quote, "schedule", "en", &[]));
    assert_states(
        &s,
        &[
            "Annual premium: USD 2,065.00",
            "In words: SAY US DOLLARS TWO THOUSAND SIXTY-FIVE ONLY",
            "Grace period: 60 days.",
            "Deposit premium: USD 1,000.00 (Due date: 1 March 2025)",
            "Minimum premium: USD 2,000.00",
            "Declaration date: By day 10 of the next month",
            "Premium payment day: By day 15 of the next month",
        ],
    );
    // English throughout but the names the request gave.
    let supplied = [
        "义乌某某进出口有限公司",
        "浙江省义乌市稠江街道贝村路100号",
        "王经理 0579-85550000",
    ];
    for text in [q, s] {
        let mut rest = text.clone();
        for name in supplied {
            rest = rest.replace(name, "");
        }
        assert!(!rest.chars().any(is_cjk), "Chinese in English Word: {text}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_word_quote_is_a_proposal_and_sums_up_the_members_by_occupation_class() {
    let dir = tempdir("docx-pages-summary");
    let quote = quote_of("GA-SME", "examples/ga-sme.yaml", None);
    // Ten members: three in class 1, three in class 2, two each in classes 3 and 4.
    let zh = all_text(&render_docx(&dir, &quote, "quote", "zh", &[]));
    assert_states(
        &zh,
        &[
            "小微企业团体意外伤害保险（投保建议书）",
            "被保险人概况职业类别人数一类（内勤、办公室人员）3二类（外勤、轻体力劳动人员）3\
             三类（技术工人、一般体力劳动人员）2四类（重体力劳动、机械操作人员）2合计10\
             被保险人逐人明细载于保险单所附被保险人清单。",
        ],
    );
    let en = all_text(&render_docx(&dir, &quote, "quote", "en", &[]));
    assert_states(
        &en,
        &[
            "Small Business Group Accident Insurance (Proposal)",
            "Insured membersOccupation classMembersClass 1 (office staff)3",
            "Class 4 (heavy manual work, machine operators)2Total10",
        ],
    );
    // Export credit lists buyers, not members: no summary.
    let ec = quote_of("EC-SME", "examples/ec-sme.yaml", None);
    let text = all_text(&render_docx(&dir, &ec, "quote", "en", &[]));
    assert!(text.contains("(Proposal)"), "{text}");
    assert!(!text.contains("Insured members"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The pages of the PDF LibreOffice makes of a Word file, as `pdftotext -layout` lays them out.
fn libreoffice_pages(dir: &Path, path: &Path) -> Vec<String> {
    libreoffice_text(dir, path);
    let pdf = path.with_extension("pdf");
    tool(
        "pdftotext",
        &["-layout".as_ref(), pdf.as_os_str(), "-".as_ref()],
    )
    .split('\u{c}')
    .map(str::to_string)
    .collect()
}

/// Needs LibreOffice (`soffice`) and poppler-utils, as `.ci/run` installs them.
#[test]
#[ignore]
fn word_pages_keep_headings_with_their_tables_and_the_seal_with_the_dispute_clause() {
    let dir = tempdir("docx-pages-libreoffice");
    // A pension's illustration: its heading starts the page its table starts on.
    let pension = quote_of("PA-FLEX", "examples/pa-flex.yaml", None);
    let pages = libreoffice_pages(&dir, &render_docx(&dir, &pension, "policy", "zh", &[]));
    let heading = pages
        .iter()
        .find(|p| p.lines().any(|l| l.trim() == "利益演示表"))
        .expect("an illustration heading");
    assert!(heading.contains("保单年度"), "{heading}");
    // A table running onto a second page repeats its header row there.
    let annuity = quote_of("BO-ANN", "examples/bo-ann.yaml", None);
    let pages = libreoffice_pages(&dir, &render_docx(&dir, &annuity, "policy", "zh", &[]));
    let headed = pages
        .iter()
        .filter(|p| {
            p.lines()
                .any(|l| l.contains("保单年度") && l.contains("现金价值"))
        })
        .count();
    assert!(headed >= 2, "{pages:?}");
    // Export credit: the credit terms stay on one page.
    let credit = quote_of("EC-SME", "examples/ec-sme.yaml", None);
    let pages = libreoffice_pages(
        &dir,
        &render_docx(
            &dir,
            &credit,
            "policy",
            "zh",
            &["--policy-options", "examples/ec-sme-policy.yaml"],
        ),
    );
    let terms = pages
        .iter()
        .find(|p| p.contains("保险费缴付日"))
        .expect("credit terms");
    assert!(
        terms.contains("最低保险费") && terms.contains("预缴保险费"),
        "{terms}"
    );
    // A schedule's grace wording stays with the last plan's instalments.
    let health = quote_of("GIG-MED", "examples/gig-med.yaml", None);
    let schedule = libreoffice_pages(&dir, &render_docx(&dir, &health, "schedule", "en", &[]));
    let grace = schedule
        .iter()
        .find(|p| p.contains("(Insurance Law, art. 36)"))
        .expect("the grace wording");
    assert!(grace.contains("Monthly (12 instalments)"), "{grace}");
    // The signature block and the seal share the page of the dispute clause.
    let seal = pages
        .iter()
        .find(|p| p.contains("授权代表"))
        .expect("a signature");
    assert!(
        seal.contains("争议处理") && seal.contains("保单专用章"),
        "{seal}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
