//! Quote benchmarks: one quote per sample product, a 1,000-member group accident census, and
//! the pension quote, all after the products are loaded (the product is compiled at load time;
//! these measure rating and quote assembly).

use std::path::{Path, PathBuf};

use coverwright::product::Product;
use coverwright::product::load::{LoadOptions, find, load_paths};
use coverwright::quote::{Outcome, QuoteOptions, quote};
use coverwright::request::{self, Member, Request};

fn main() {
    divan::main();
}

fn products() -> Vec<Product> {
    let (products, diags) = load_paths(&[PathBuf::from("products")], &LoadOptions::default());
    assert!(!diags.has_errors(), "products load");
    products
}

fn request_for(products: &[Product], code: &str, file: &str) -> (Product, Request) {
    let text = std::fs::read_to_string(file).expect("example");
    let node = coverwright::yaml::parse(&text).expect("example parses");
    let start = node
        .get("start")
        .and_then(|n| n.as_str())
        .and_then(|s| coverwright::product::parse_date(s).ok())
        .expect("start");
    let p = find(products, code, start).expect("product").clone();
    let r = request::load(&p, Path::new(file), None).expect("example request");
    (p, r)
}

/// The group accident example with its ten members repeated to 1,000.
fn census_of_1000(ps: &[Product]) -> (Product, Request) {
    let (p, mut r) = request_for(ps, "GA-SME", "examples/ga-sme.yaml");
    let base = r.members.clone();
    r.members = (0..1000)
        .map(|i| {
            let m = &base[i % base.len()];
            Member {
                party: m.party.clone(),
                inputs: m.inputs.clone(),
                row: Some(i + 2),
                beneficiaries: m.beneficiaries.clone(),
            }
        })
        .collect();
    (p, r)
}

const EXAMPLES: [(&str, &str); 7] = [
    ("GA-SME", "examples/ga-sme.yaml"),
    ("SP-ACC", "examples/sp-acc.yaml"),
    ("GIG-MED", "examples/gig-med.yaml"),
    ("GSM-SME", "examples/gsm-sme.yaml"),
    ("EC-SME", "examples/ec-sme.yaml"),
    ("BO-ANN", "examples/bo-ann.yaml"),
    ("PA-FLEX", "examples/pa-flex.yaml"),
];

/// One quote per sample product, without the worksheet (as a batch run prices).
#[divan::bench(args = EXAMPLES)]
fn quote_example(bencher: divan::Bencher, (code, file): (&str, &str)) {
    let ps = products();
    let (p, r) = request_for(&ps, code, file);
    let opts = QuoteOptions::default();
    bencher.bench(|| match quote(&p, &r, &opts) {
        Ok(Outcome::Quoted(q, _)) => divan::black_box(q.totals.gross.len()),
        _ => 0,
    });
}

/// A group accident quote over a 1,000-member census: 3 coverages, every payment plan.
#[divan::bench]
fn group_accident_1000_members(bencher: divan::Bencher) {
    let ps = products();
    let (p, r) = census_of_1000(&ps);
    let opts = QuoteOptions::default();
    bencher
        .counter(divan::counter::ItemsCount::new(3000usize))
        .bench(|| match quote(&p, &r, &opts) {
            Ok(Outcome::Quoted(q, _)) => divan::black_box(q.totals.gross.len()),
            _ => 0,
        });
}

/// The owner's pension annuity quote with its 40-year illustration.
#[divan::bench]
fn pension_quote(bencher: divan::Bencher) {
    let ps = products();
    let (p, r) = request_for(&ps, "BO-ANN", "examples/bo-ann.yaml");
    let opts = QuoteOptions::default();
    bencher.bench(|| match quote(&p, &r, &opts) {
        Ok(Outcome::Quoted(q, _)) => divan::black_box(q.totals.gross.len()),
        _ => 0,
    });
}

/// Rating alone (eligibility and steps, no quote assembly) for the 1,000-member census.
#[divan::bench]
fn group_accident_1000_members_rating_only(bencher: divan::Bencher) {
    let ps = products();
    let (p, r) = census_of_1000(&ps);
    bencher
        .counter(divan::counter::ItemsCount::new(3000usize))
        .bench(|| {
            coverwright::rating::rate(&p, &r, false)
                .map(|x| x.total)
                .ok()
        });
}
