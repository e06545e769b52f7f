//! The batch hot path: a 1,000-member census chunk read, rated and written as JSON Lines
//! (GA-SME, three coverages, monthly instalments, no worksheet), per member and per group.

use std::path::PathBuf;

use coverwright::batch::{BatchOptions, Per, run};
use coverwright::product::load::{LoadOptions, load_paths};

fn main() {
    divan::main();
}

/// A deterministic 1,000-member census in a scratch file; with `grouped`, a leading
/// `company` column puts members in groups of 10.
fn census(grouped: bool) -> PathBuf {
    let path = std::env::temp_dir().join(format!(
        "coverwright-bench-{}-{grouped}.csv",
        std::process::id()
    ));
    let mut s = String::from(if grouped { "company," } else { "" });
    s.push_str("name,id,age,gender,occupation_class,social_insurance\n");
    for i in 0..1000u32 {
        if grouped {
            s.push_str(&format!("C{:04},", i / 10));
        }
        s.push_str(&format!(
            "员工{i},3301021985{:08},{},{},{},{}\n",
            i,
            18 + i % 43,
            if i % 2 == 0 { "male" } else { "female" },
            1 + i % 6,
            i % 5 != 0
        ));
    }
    std::fs::write(&path, s).expect("scratch census");
    path
}

fn bench(bencher: divan::Bencher, per: Per, product: &str, request: &str) {
    let (products, _) = load_paths(&[PathBuf::from("products")], &LoadOptions::default());
    let input = census(per == Per::Group);
    let opts = BatchOptions {
        product: product.into(),
        input,
        request: Some(request.into()),
        per,
        group_column: (per == Per::Group).then(|| "company".to_string()),
        plan: Some("monthly".into()),
        explain: false,
        threads: Some(1),
        encoding: None,
        assume_utf8: false,
    };
    let mut out: Vec<u8> = Vec::with_capacity(16 << 20);
    bencher.bench_local(|| {
        out.clear();
        run(&products, &opts, &mut out, None).expect("batch runs")
    });
    let _ = std::fs::remove_file(&opts.input);
}

/// 100 quotes of 10 members each.
#[divan::bench(sample_count = 20)]
fn ga_sme_per_group(bencher: divan::Bencher) {
    bench(bencher, Per::Group, "GA-SME", "examples/ga-sme.yaml");
}

/// 1,000 one-member quotes.
#[divan::bench(sample_count = 20)]
fn sp_acc_per_member(bencher: divan::Bencher) {
    bench(bencher, Per::Member, "SP-ACC", "examples/sp-acc.yaml");
}
