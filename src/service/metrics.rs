//! Counters of the service, written as Prometheus text (exposition format 0.0.4) at
//! `GET /metrics`: requests by route, method and status, a latency histogram by route,
//! quotes by product and outcome, problems by diagnostic code, and product-set reloads.
//!
//! Invariant: counters only grow; a histogram's buckets are cumulative and its `+Inf` bucket
//! equals its count.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds.
pub const BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum_micros: u128,
}

#[derive(Default)]
struct Inner {
    requests: BTreeMap<(String, String, u16), u64>,
    latency: BTreeMap<String, Histogram>,
    quotes: BTreeMap<(String, String), u64>,
    errors: BTreeMap<String, u64>,
    reloads: BTreeMap<&'static str, u64>,
}

/// The service's counters.
#[derive(Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
}

impl Metrics {
    fn with<R>(&self, f: impl FnOnce(&mut Inner) -> R) -> R {
        let mut g = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut g)
    }

    /// One answered request.
    pub fn request(&self, route: &str, method: &str, status: u16, took: Duration) {
        self.with(|m| {
            *m.requests
                .entry((route.to_string(), method.to_string(), status))
                .or_default() += 1;
            let h = m.latency.entry(route.to_string()).or_default();
            let secs = took.as_secs_f64();
            for (i, b) in BUCKETS.iter().enumerate() {
                if secs <= *b {
                    h.counts[i] += 1;
                }
            }
            h.count += 1;
            h.sum_micros += took.as_micros();
        });
    }

    /// One quote answered with `outcome` (`quoted`, `declined`).
    pub fn quote(&self, product: &str, outcome: &str) {
        self.with(|m| {
            *m.quotes
                .entry((product.to_string(), outcome.to_string()))
                .or_default() += 1
        });
    }

    /// Problems answered, by diagnostic code.
    pub fn errors(&self, codes: &[String]) {
        self.with(|m| {
            for c in codes {
                *m.errors.entry(c.clone()).or_default() += 1;
            }
        });
    }

    /// One reload, `ok` or `refused`.
    pub fn reload(&self, result: &'static str) {
        self.with(|m| *m.reloads.entry(result).or_default() += 1);
    }

    /// The Prometheus text; `set` is the current product set's hash.
    pub fn render(&self, set: &str) -> String {
        self.with(|m| {
            let mut s = String::new();
            let _ = writeln!(s, "# HELP coverwright_product_set_info The product set being served.");
            let _ = writeln!(s, "# TYPE coverwright_product_set_info gauge");
            let _ = writeln!(s, "coverwright_product_set_info{{hash=\"{set}\"}} 1");
            let _ = writeln!(s, "# HELP coverwright_http_requests_total Requests answered.");
            let _ = writeln!(s, "# TYPE coverwright_http_requests_total counter");
            for ((route, method, status), n) in &m.requests {
                let _ = writeln!(
                    s,
                    "coverwright_http_requests_total{{route=\"{}\",method=\"{method}\",status=\"{status}\"}} {n}",
                    label(route)
                );
            }
            let _ = writeln!(s, "# HELP coverwright_http_request_duration_seconds Time to answer a request.");
            let _ = writeln!(s, "# TYPE coverwright_http_request_duration_seconds histogram");
            for (route, h) in &m.latency {
                let r = label(route);
                for (i, b) in BUCKETS.iter().enumerate() {
                    let _ = writeln!(
                        s,
                        "coverwright_http_request_duration_seconds_bucket{{route=\"{r}\",le=\"{b}\"}} {}",
                        h.counts[i]
                    );
                }
                let _ = writeln!(
                    s,
                    "coverwright_http_request_duration_seconds_bucket{{route=\"{r}\",le=\"+Inf\"}} {}",
                    h.count
                );
                let _ = writeln!(
                    s,
                    "coverwright_http_request_duration_seconds_sum{{route=\"{r}\"}} {}.{:06}",
                    h.sum_micros / 1_000_000,
                    h.sum_micros % 1_000_000
                );
                let _ = writeln!(
                    s,
                    "coverwright_http_request_duration_seconds_count{{route=\"{r}\"}} {}",
                    h.count
                );
            }
            let _ = writeln!(s, "# HELP coverwright_quotes_total Quotes answered, by product version and outcome.");
            let _ = writeln!(s, "# TYPE coverwright_quotes_total counter");
            for ((product, outcome), n) in &m.quotes {
                let _ = writeln!(
                    s,
                    "coverwright_quotes_total{{product=\"{}\",outcome=\"{outcome}\"}} {n}",
                    label(product)
                );
            }
            let _ = writeln!(s, "# HELP coverwright_errors_total Diagnostics in problem answers, by code.");
            let _ = writeln!(s, "# TYPE coverwright_errors_total counter");
            for (code, n) in &m.errors {
                let _ = writeln!(s, "coverwright_errors_total{{code=\"{}\"}} {n}", label(code));
            }
            let _ = writeln!(s, "# HELP coverwright_product_set_reloads_total Reloads of the products folder.");
            let _ = writeln!(s, "# TYPE coverwright_product_set_reloads_total counter");
            for (result, n) in &m.reloads {
                let _ = writeln!(s, "coverwright_product_set_reloads_total{{result=\"{result}\"}} {n}");
            }
            s
        })
    }
}

/// A label value escaped for the text format.
fn label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
