//! Members rated once per distinct set of inputs: a member whose inputs (those the member
//! steps read) equal an earlier member's takes that member's step values. Rating with a
//! worksheet evaluates every member on its own, so the two must give the same values for
//! every member, step and coverage, over every coverage option of GA-SME and GSM-SME.
//!
//! Member step values remembered across the requests of a batch (`StepMemo`): rating many
//! requests with one memo gives each the values rating it alone with a worksheet gives.

use std::path::PathBuf;

use coverwright::product::Product;
use coverwright::product::load::{LoadOptions, load_paths};
use coverwright::rating::{Rated, StepMemo, eligibility_and_rate_with_memo, rate};
use coverwright::{request, yaml};

fn products() -> Vec<Product> {
    let (products, diags) = load_paths(&[PathBuf::from("products")], &LoadOptions::default());
    assert!(!diags.has_errors(), "{:?}", diags.into_vec());
    products
}

/// Twelve members: occupation classes and social insurance repeat, ages mostly differ, and
/// two members are the same person twice over (name aside).
fn members(with_class: bool, n: u32) -> String {
    let mut s = String::from("members:\n");
    for i in 0..n {
        let class = if with_class {
            format!(
                ", occupation_class: {}",
                [1, 2, 1, 4, 6, 2, 3, 1, 5, 4, 2, 1][i as usize]
            )
        } else {
            String::new()
        };
        let age = if i == 7 { 29 } else { 20 + 3 * i };
        let _ = std::fmt::Write::write_fmt(
            &mut s,
            format_args!(
                "  - {{name: 成员{i}, id: \"3301061990010100{i:02}\", age: {age}, gender: {}, social_insurance: {}{class}}}\n",
                if i % 3 == 0 { "male" } else { "female" },
                i % 4 != 1,
            ),
        );
    }
    s
}

fn ga_sme(products: &[Product]) -> &Product {
    products
        .iter()
        .find(|p| p.code == "GA-SME")
        .expect("GA-SME")
}

/// One coverage, add 500,000: the request of the memo tests.
const ADD_ONLY: &str = "  add: {sum_insured: 500000}\n";

fn request_for(p: &Product, coverages: &str, with_class: bool) -> request::Request {
    request_of(p, coverages, with_class, 12)
}

fn request_of(p: &Product, coverages: &str, with_class: bool, n: u32) -> request::Request {
    let text = format!(
        "start: 2025-10-01\nterm: 12\npolicyholder: {{name: 某某有限公司, id: 91330100MA2XXXXXXX, industry: catering, employees: 12, revenue: 600}}\ncoverages:\n{coverages}{}",
        members(with_class, n)
    );
    let node = yaml::parse(&text).expect("request parses");
    request::check(p, &node, &PathBuf::from("generated.yaml"), None)
        .unwrap_or_else(|d| panic!("{coverages}: {:?}", d.into_vec()))
}

fn assert_same(what: &str, fast: &Rated, each: &Rated) {
    assert_eq!(fast.member_steps, each.member_steps, "{what}: member steps");
    assert_eq!(fast.policy_steps, each.policy_steps, "{what}: policy steps");
    assert_eq!(
        fast.member_premiums, each.member_premiums,
        "{what}: member premiums"
    );
    assert_eq!(
        fast.coverage_premiums, each.coverage_premiums,
        "{what}: coverages"
    );
    assert_eq!(fast.total, each.total, "{what}: total");
    // Exact forms too: the same digits and scale, so the same text in every output.
    for (a, b) in fast
        .member_premiums
        .iter()
        .flatten()
        .zip(each.member_premiums.iter().flatten())
    {
        assert_eq!(a.serialize(), b.serialize(), "{what}: {a} and {b}");
    }
}

#[test]
fn members_with_the_same_inputs_rate_as_if_each_were_rated_alone_for_every_ga_sme_option() {
    let products = products();
    let p = ga_sme(&products);
    let add = [100000, 200000, 300000, 500000, 1000000];
    let medical_si = [10000, 20000, 50000];
    let deductible = [0, 100, 200, 300, 500];
    let ratio = ["60%", "70%", "80%", "90%", "100%"];
    let daily = [10, 20, 30, 50, 100];
    let days = [0, 1, 2, 3, 4, 5];
    let mut checked = 0;
    for i in 0..10usize {
        for (medical, allowance) in [(true, true), (true, false), (false, true), (false, false)] {
            let mut c = format!("  add: {{sum_insured: {}}}\n", add[i % add.len()]);
            if medical {
                c += &format!(
                    "  medical: {{sum_insured: {}, deductible: {}, ratio: {}}}\n",
                    medical_si[i % medical_si.len()],
                    deductible[i % deductible.len()],
                    ratio[i % ratio.len()]
                );
            }
            if allowance {
                c += &format!(
                    "  allowance: {{daily: {}, tier: {}, deductible_days: {}}}\n",
                    daily[i % daily.len()],
                    i + 1,
                    days[i % days.len()]
                );
            }
            let r = request_for(p, &c, true);
            let fast = rate(p, &r, false).expect("rates");
            let each = rate(p, &r, true).expect("rates with a worksheet");
            assert_same(&c, &fast, &each);
            checked += 1;
        }
    }
    assert_eq!(checked, 40);
    // A real value: member 1 (class 1) with add 100,000 in a group of 12 (factor 1.00):
    // 100000 / 1000 × 1.00 ‰ rate of class 1.
    let r = request_for(p, "  add: {sum_insured: 100000}\n", true);
    let fast = rate(p, &r, false).expect("rates");
    assert_eq!(fast.member_premiums[0][0].to_string(), "100.00");
    assert_eq!(fast.member_premiums[2][0], fast.member_premiums[0][0]);
}

#[test]
fn members_with_the_same_inputs_rate_as_if_each_were_rated_alone_for_gsm_sme() {
    let products = products();
    let mut checked = 0;
    for p in products.iter().filter(|p| p.code == "GSM-SME") {
        for c in [
            "  outpatient: {sum_insured: 5000, deductible: 100, ratio: 0.8}\n  inpatient: {sum_insured: 50000, deductible: 0, ratio: 0.9}\n",
            "  inpatient: {sum_insured: 50000, deductible: 0, ratio: 0.9}\n",
        ] {
            let r = request_for(p, c, false);
            let fast = rate(p, &r, false).expect("rates");
            let each = rate(p, &r, true).expect("rates with a worksheet");
            assert_same(&format!("{} {c}", p.id()), &fast, &each);
            checked += 1;
        }
    }
    assert_eq!(
        checked, 4,
        "two versions of GSM-SME, two choices of coverage each"
    );
}

/// More kinds of member than a look through them covers (ages 18 to 64 and both social
/// insurance answers, in 60 members: 47 kinds, some repeated): members still take the values
/// of the first member of their kind, which are the values each gets rated alone.
#[test]
fn members_of_many_kinds_rate_as_if_each_were_rated_alone() {
    let products = products();
    let mut checked = 0;
    for p in products.iter().filter(|p| p.code == "GSM-SME") {
        let mut text = String::from(
            "start: 2025-10-01\nterm: 12\npolicyholder: {name: 某某有限公司, id: 91330100MA2XXXXXXX, industry: catering, employees: 70, revenue: 600}\ncoverages:\n  outpatient: {sum_insured: 5000, deductible: 100, ratio: 0.8}\n  inpatient: {sum_insured: 50000, deductible: 0, ratio: 0.9}\nmembers:\n",
        );
        for i in 0..60u32 {
            let age = 18 + (i * 7) % 47;
            text += &format!(
                "  - {{name: 成员{i}, age: {age}, gender: male, social_insurance: {}}}\n",
                i % 40 < 20
            );
        }
        let node = yaml::parse(&text).expect("request parses");
        let r = request::check(p, &node, &PathBuf::from("generated.yaml"), None)
            .unwrap_or_else(|d| panic!("{:?}", d.into_vec()));
        let fast = rate(p, &r, false).expect("rates");
        let each = rate(p, &r, true).expect("rates with a worksheet");
        assert_same(&p.id(), &fast, &each);
        // Members 0 and 47 are both 18 with social insurance: the same premiums; member 5
        // is 53, in a dearer age band.
        assert_eq!(fast.member_premiums[47], fast.member_premiums[0]);
        assert_ne!(fast.member_premiums[5], fast.member_premiums[0]);
        checked += 1;
    }
    assert_eq!(checked, 2);
}

/// Rated with a memo shared by every request: each request's values are those of rating it
/// alone with a worksheet.
fn assert_memo_gives_what_each_alone_gives(
    p: &Product,
    memo: &mut StepMemo,
    what: &str,
    r: &request::Request,
) {
    let fast = eligibility_and_rate_with_memo(p, r, memo)
        .expect("rates")
        .expect("not declined");
    let each = rate(p, r, true).expect("rates with a worksheet");
    assert_same(what, &fast, &each);
}

#[test]
fn step_values_remembered_across_requests_are_those_of_each_request_rated_alone() {
    let products = products();
    let ga = ga_sme(&products);
    let gsm: Vec<&Product> = products.iter().filter(|p| p.code == "GSM-SME").collect();
    assert_eq!(gsm.len(), 2);
    let mut memo = StepMemo::new();
    let mut rated = 0;
    // Twice over: the second time every member step value is a remembered one. Group sizes
    // 3 to 12 give different group size factors and social insurance shares.
    for round in 0..2 {
        for n in 3..=12u32 {
            for c in [
                "  add: {sum_insured: 500000}\n  medical: {sum_insured: 20000, deductible: 100, ratio: 90%}\n  allowance: {daily: 50, tier: 3, deductible_days: 3}\n",
                "  add: {sum_insured: 200000}\n  allowance: {daily: 30, tier: 2, deductible_days: 0}\n",
            ] {
                let r = request_of(ga, c, true, n);
                assert_memo_gives_what_each_alone_gives(
                    ga,
                    &mut memo,
                    &format!("round {round}, {n} members, {c}"),
                    &r,
                );
                rated += 1;
            }
            // Another product in between: the memo forgets GA-SME's values and starts again.
            for p in &gsm {
                let c = "  outpatient: {sum_insured: 5000, deductible: 100, ratio: 0.8}\n  inpatient: {sum_insured: 50000, deductible: 0, ratio: 0.9}\n";
                let r = request_of(p, c, false, n);
                assert_memo_gives_what_each_alone_gives(
                    p,
                    &mut memo,
                    &format!("{} {n}", p.id()),
                    &r,
                );
            }
        }
    }
    assert_eq!(rated, 40);
    // Values are kept: GSM-SME 2025 was rated last, with at most 12 members × its member steps
    // remembered, fewer than its evaluations over both rounds.
    assert!(!memo.is_empty());
    let mut once = StepMemo::new();
    let r = request_of(ga, ADD_ONLY, true, 12);
    assert_memo_gives_what_each_alone_gives(ga, &mut once, "one request", &r);
    // Twelve members in six occupation classes and of eleven ages: six values of the one
    // member step, six outcomes of the occupation class rule, eleven of the entry age rule;
    // and for the policy, one outcome of each of the two policy rules and one value of each
    // policy step reading only references (the group size and social insurance factors; the
    // social insurance share counts members, so it is evaluated each time).
    assert_eq!(once.len(), 6 + 6 + 11 + 2 + 2);
}

#[test]
fn member_rules_remembered_across_requests_decline_as_each_request_alone_does() {
    let products = products();
    let ga = ga_sme(&products);
    let c = ADD_ONLY;
    let mut memo = StepMemo::new();
    // Members of 20 to 53: the same request with one member aged 70 and one in class 6.
    let text = |old: bool| {
        let mut r = request_of(ga, c, true, 12);
        if old {
            r.members[3].inputs = r.members[0].inputs.clone();
            let age = ga
                .fields
                .iter()
                .filter(|f| f.group == coverwright::product::InputGroup::Member)
                .position(|f| f.name == "age")
                .expect("an age field");
            r.members[3].inputs[age] = coverwright::formula::Value::Num(70.into());
        }
        r
    };
    for round in 0..3 {
        for old in [false, true] {
            let r = text(old);
            let fast = eligibility_and_rate_with_memo(ga, &r, &mut memo).expect("rates");
            let each = coverwright::rating::eligibility_and_rate(ga, &r, false).expect("rates");
            match (fast, each) {
                (Ok(a), Ok(b)) => assert_same(&format!("round {round}"), &a, &b),
                (Err(a), Err(b)) => {
                    assert_eq!(a, b, "round {round}");
                    // Member 4 is 70: over the entry age.
                    assert!(old);
                    assert_eq!(a.len(), 1, "{a:?}");
                    assert_eq!((a[0].rule.as_str(), a[0].member), ("entry_age", Some(4)));
                }
                (a, b) => panic!("round {round}, aged {old}: {a:?} against {b:?}"),
            }
        }
    }
}

/// Policy rules remembered across requests: a request of two members after requests of
/// three and more is declined for its group size, as it is alone, and the next request of
/// three is not.
#[test]
fn policy_rules_remembered_across_requests_decline_as_each_request_alone_does() {
    let products = products();
    let ga = ga_sme(&products);
    let c = ADD_ONLY;
    let mut memo = StepMemo::new();
    let mut declined = 0;
    for round in 0..2 {
        for n in [3, 5, 2, 3, 2, 12] {
            let r = request_of(ga, c, true, n);
            let fast = eligibility_and_rate_with_memo(ga, &r, &mut memo).expect("rates");
            let each = coverwright::rating::eligibility_and_rate(ga, &r, false).expect("rates");
            match (fast, each) {
                (Ok(a), Ok(b)) => {
                    assert!(n >= 3, "{n} members");
                    assert_same(&format!("round {round}, {n}"), &a, &b);
                }
                (Err(a), Err(b)) => {
                    assert_eq!(a, b, "round {round}, {n}");
                    assert_eq!(n, 2);
                    assert_eq!(a.len(), 1, "{a:?}");
                    assert_eq!((a[0].rule.as_str(), a[0].member), ("min_members", None));
                    declined += 1;
                }
                (a, b) => panic!("round {round}, {n} members: {a:?} against {b:?}"),
            }
        }
    }
    assert_eq!(declined, 4);
}

/// More sets of request values than the memo keeps rows for: GA-SME with any sum insured
/// from 1,000 to 10,000,000 in steps of 1,000, and 4,200 of them, each a row of the premium
/// step. The rows start again when full, and every request still gets the values of rating
/// it alone.
#[test]
fn rows_of_request_values_past_the_most_kept_start_again() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("memo-rows");
    for file in ["calendars/cn-2024-2026.yaml", "census/ga-sme-ten.csv"] {
        let to = dir.join(file);
        std::fs::create_dir_all(to.parent().expect("a folder")).expect("folder");
        std::fs::copy(PathBuf::from("products").join(file), to).expect("copied");
    }
    let text = std::fs::read_to_string("products/ga-sme-2024.yaml").expect("GA-SME");
    let options =
        "sum_insured: {options: [100000, 200000, 300000, 500000, 1000000], default: 500000}";
    assert!(text.contains(options));
    let text = text.replace(
        options,
        "sum_insured: {min: 1000, max: 10000000, step: 1000, default: 500000}",
    );
    std::fs::write(dir.join("ga-sme.yaml"), text).expect("product written");
    let (products, diags) = load_paths(&[dir], &LoadOptions::default());
    assert!(!diags.has_errors(), "{:?}", diags.into_vec());
    let ga = ga_sme(&products);
    let mut memo = StepMemo::new();
    for i in 1..=4_200u32 {
        let r = request_of(
            ga,
            &format!("  add: {{sum_insured: {}}}\n", 1000 * i),
            true,
            3,
        );
        let fast = eligibility_and_rate_with_memo(ga, &r, &mut memo)
            .expect("rates")
            .expect("not declined");
        let each = rate(ga, &r, true).expect("rates with a worksheet");
        assert_same(&format!("sum insured {}", 1000 * i), &fast, &each);
        if i == 4_200 {
            // Classes 1, 2 and 1 of a group of three: 1.0, 1.5 and 1.0 per 1,000, × 1.10.
            assert_eq!(fast.coverage_premiums[0].to_string(), "16170.00");
        }
    }
}
