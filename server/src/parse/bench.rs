//! Timings on the big corpus files. Run with
//! `cargo test --release -p specgate bench_ -- --ignored --nocapture`.
#![cfg(test)]

use super::test_util::corpus;
use super::yaml::ParsedYaml;
use std::time::{Duration, Instant};

fn best<T>(n: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut out = None;
    for _ in 0..n {
        let t = Instant::now();
        let r = f();
        best = best.min(t.elapsed());
        out = Some(r);
    }
    (best, out.unwrap())
}

#[test]
#[ignore]
fn bench_yaml() {
    let Some(dir) = corpus() else { return };
    for f in [
        "large/stripe-spec3-2023-09-12.yaml",
        "large/twilio_api_v2010.yaml",
        "medium/asana-1.0.yaml",
    ] {
        let text = std::fs::read_to_string(dir.join(f)).unwrap();
        let (t, p) = best(5, || ParsedYaml::new(&text));
        println!(
            "{f}: {:.1} ms, {} bytes, stats {:?}, {} errors",
            t.as_secs_f64() * 1e3,
            text.len(),
            p.stats(),
            p.document().errors.len()
        );
    }
}

/// Parses one file many times (for profilers): `SPECGATE_BENCH_FILE=… cargo
/// test --release -p specgate bench_loop -- --ignored`.
#[test]
#[ignore]
fn bench_loop() {
    let Some(f) = std::env::var_os("SPECGATE_BENCH_FILE") else {
        return;
    };
    let text = std::fs::read_to_string(f).unwrap();
    let n: usize = std::env::var("SPECGATE_BENCH_N")
        .ok()
        .and_then(|x| x.parse().ok())
        .unwrap_or(20);
    let t = Instant::now();
    for _ in 0..n {
        if text.trim_start().starts_with('{') {
            std::hint::black_box(super::parse_json(&text));
        } else {
            std::hint::black_box(super::parse_yaml(&text));
        }
    }
    println!(
        "{:.1} ms per parse (wall)",
        t.elapsed().as_secs_f64() * 1e3 / n as f64
    );
}
