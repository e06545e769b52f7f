//! The document model: the facts each document states, worked out from a priced quote.

use coverwright::document::Lang;
use coverwright::document::model::{Beneficiary, Dispute, DocOptions, DocumentModel};
use rust_decimal::Decimal;
use serde_json::Value;

use crate::support::run;

fn quote(code: &str, request: &str) -> Value {
    let (status, out, err) = run(&[
        "quote",
        "--product",
        code,
        "--request",
        request,
        "--format",
        "json",
    ]);
    assert_eq!(status, 0, "{code}: {err}");
    serde_json::from_str(&out).unwrap()
}

fn model(q: &Value, o: &DocOptions) -> DocumentModel {
    match DocumentModel::from_json(q, o) {
        Ok(m) => m,
        Err(e) => panic!("{e}"),
    }
}

fn refusal(q: &Value, o: &DocOptions) -> String {
    match DocumentModel::from_json(q, o) {
        Ok(_) => panic!("expected a refusal"),
        Err(e) => e.to_string(),
    }
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[test]
fn ga_sme_monthly_states_the_sum_of_its_instalments_in_words_and_figures() {
    let q = quote("GA-SME", "examples/ga-sme.yaml");
    let mut o = DocOptions::new(Lang::Zh);
    o.plan = Some("monthly".to_string());
    let m = model(&q, &o);
    let plan = m.plan.as_ref().unwrap();
    assert_eq!(plan.code, "monthly");
    assert_eq!(plan.instalments.len(), 12);
    let sum: Decimal = plan.instalments.iter().map(|i| dec(&i.payable)).sum();
    assert_eq!(sum, dec("11806.92"));
    assert_eq!(m.payable, "11806.92");
    assert_eq!(m.payable_in_words, "人民币壹万壹仟捌佰零陆元玖角贰分");
    assert_eq!(m.premium, "10932.36");
    assert_eq!(plan.loading, "874.56");
    assert_eq!(plan.fees, "0.00");
    let first = plan.first_due.as_ref().unwrap();
    assert_eq!(
        (first.date.to_string(), first.amount.as_str()),
        ("2025-03-01".into(), "983.91")
    );
    // No grace date for the first instalment; none after the last day of cover.
    assert_eq!(plan.instalments[0].grace_end, None);
    assert_eq!(
        plan.instalments[1].grace_end.unwrap().to_string(),
        "2025-05-31"
    );
    let last = &plan.instalments[11];
    assert_eq!(last.grace_end.unwrap().to_string(), "2026-02-28");
    assert!(last.grace_capped);
    assert!(m.grace.capped);
    assert_eq!(m.grace.wording, "notice.grace_art36");
    // Group accident: a member list, occupation classes, beneficiaries by law.
    assert!(m.sections.member_list && m.sections.occupation && m.sections.beneficiaries);
    assert!(m.insured.named.is_none());
    assert_eq!(m.insured.count, Some(10));
    assert!(m.beneficiaries.as_ref().unwrap().legal);
    assert_eq!(m.dispute.kind, "either");

    let mut en = o.clone();
    en.lang = Lang::En;
    en.insurer = Some(coverwright::document::model::InsurerProfile {
        name: bi(
            "华安示范财产保险股份有限公司",
            "Hua'an Demonstration Property Insurance Co., Ltd.",
        ),
        address: bi("上海", "Shanghai"),
        phone: "95500".into(),
        website: "https://example.com".into(),
        seal: bi("保单专用章", "Policy seal"),
        dispute: None,
        arbitration_body: None,
    });
    en.product.filing_en = Some("Hua'an [2024] Accident No. 017".into());
    for c in ["add", "medical", "allowance"] {
        en.product.clauses.insert(c.into(), bi("条款", "Clause"));
    }
    let m = model(&q, &en);
    assert_eq!(
        m.payable_in_words,
        "SAY RENMINBI YUAN ELEVEN THOUSAND EIGHT HUNDRED AND SIX AND CENTS NINETY-TWO ONLY"
    );
}

fn bi(zh: &str, en: &str) -> coverwright::document::model::Bilingual {
    coverwright::document::model::Bilingual {
        zh: zh.into(),
        en: en.into(),
    }
}

#[test]
fn the_annual_plan_has_no_grace_date_and_no_loading() {
    let q = quote("GA-SME", "examples/ga-sme.yaml");
    let m = model(&q, &DocOptions::new(Lang::Zh));
    let plan = m.plan.as_ref().unwrap();
    assert_eq!(plan.code, "annual");
    assert_eq!(plan.instalments.len(), 1);
    assert_eq!(plan.instalments[0].grace_end, None);
    assert_eq!(
        (plan.payable.as_str(), plan.loading.as_str()),
        ("10932.36", "0.00")
    );
    assert_eq!(m.payable_in_words, "人民币壹万零玖佰叁拾贰元叁角陆分");
}

#[test]
fn export_credit_names_the_exporter_and_lists_the_buyers() {
    let q = quote("EC-SME", "examples/ec-sme.yaml");
    let m = model(&q, &DocOptions::new(Lang::Zh));
    assert!(!m.personal);
    assert_eq!(m.grace.wording, "notice.grace_credit");
    assert_eq!(
        m.insured.named.as_ref().unwrap().name,
        "义乌某某进出口有限公司"
    );
    assert_eq!(m.insured.count, None);
    assert!(m.sections.buyers && !m.sections.member_list && !m.sections.occupation);
    assert!(m.beneficiaries.is_none());
    let buyers: Vec<(&str, Option<&str>, Option<&str>)> = m
        .buyers
        .iter()
        .map(|b| {
            (
                b.name.as_str(),
                b.risk_class.as_deref(),
                b.method.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        buyers,
        [
            ("Schmidt Handels GmbH", Some("A"), Some("O/A")),
            ("Nova Distribuidora Ltda", Some("B"), Some("O/A")),
            ("Karachi Trading Co", Some("C"), Some("D/A")),
            ("Lyon Maison SARL", Some("A"), Some("L/C")),
        ]
    );
    let perils: Vec<(&str, &str)> = m
        .indemnity
        .iter()
        .map(|p| (p.label.as_str(), p.ratio.as_str()))
        .collect();
    assert_eq!(
        perils,
        [
            ("peril.commercial", "0.9"),
            ("peril.political", "0.9"),
            ("peril.refusal", "0.8")
        ]
    );
    assert_eq!(m.payable_in_words, "美元贰仟零陆拾伍元整");
    let credit = m.credit.as_ref().unwrap();
    assert_eq!(credit.minimum_premium.as_deref(), Some("2000.00"));
    assert_eq!(credit.maximum_liability.as_deref(), Some("150000.00"));
}

#[test]
fn a_document_that_would_state_something_false_is_refused() {
    let q = quote("GA-SME", "examples/ga-sme.yaml");
    let mut o = DocOptions::new(Lang::Zh);
    o.plan = Some("weekly".into());
    assert_eq!(
        refusal(&q, &o),
        "the quote has no payment plan `weekly`; its plans: annual, semi_annual, quarterly, monthly, monthly_workday"
    );

    let mut o = DocOptions::new(Lang::Zh);
    o.beneficiaries = vec![
        Beneficiary {
            rank: 1,
            name: "张三".into(),
            share: dec("0.6"),
        },
        Beneficiary {
            rank: 1,
            name: "李四".into(),
            share: dec("0.3"),
        },
        Beneficiary {
            rank: 2,
            name: "王五".into(),
            share: dec("1"),
        },
    ];
    assert_eq!(
        refusal(&q, &o),
        "the shares of rank-1 beneficiaries add up to 90%, not 100%"
    );
    o.beneficiaries[1].share = dec("0.4");
    let m = model(&q, &o);
    let b = m.beneficiaries.unwrap();
    assert!(!b.legal);
    assert_eq!(b.named.len(), 3);

    let mut o = DocOptions::new(Lang::Zh);
    o.dispute = Some(Dispute::Arbitration);
    assert!(refusal(&q, &o).starts_with("arbitration needs the arbitration commission named"));
    o.arbitration_body = Some("上海仲裁委员会".into());
    let m = model(&q, &o);
    assert_eq!(
        (m.dispute.kind, m.dispute.body.as_deref()),
        ("arbitration", Some("上海仲裁委员会"))
    );

    let o = DocOptions::new(Lang::En);
    assert_eq!(
        refusal(&q, &o),
        "GA-SME 2024.1 has no English filing reference (`wording.filing_en` in the product) for an English document; \
         no English name for the insurer `华安示范财产保险股份有限公司`: declare its profile in the insurer profiles file (products/insurers/insurers.yaml); \
         the clause of coverage `add` has no English name (`wording.clauses.add` in the product) for an English document"
    );
}
