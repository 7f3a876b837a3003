//! Timings on the big corpus files. Run with
//! `cargo test --release -p specgate bench_ -- --ignored --nocapture`.
#![cfg(test)]

use super::test_util::corpus;
use super::yaml::ParsedYaml;
use std::time::{Duration, Instant};

/// CPU time of this thread (nanoseconds): the machine is shared, so wall
/// time says little.
fn cpu_ns() -> u64 {
    #[repr(C)]
    struct Timespec {
        sec: i64,
        nsec: i64,
    }
    extern "C" {
        fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
    }
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    let mut ts = Timespec { sec: 0, nsec: 0 };
    // SAFETY: clock_gettime writes one timespec into the struct we own.
    let r = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if r != 0 {
        return 0;
    }
    ts.sec as u64 * 1_000_000_000 + ts.nsec as u64
}

/// Best wall and CPU time of `n` runs (the result of the previous run is
/// dropped outside the timing).
fn best<T>(n: usize, mut f: impl FnMut() -> T) -> (Duration, Duration, T) {
    let mut best = Duration::MAX;
    let mut best_cpu = u64::MAX;
    let mut out = None;
    for _ in 0..n {
        let t = Instant::now();
        let c = cpu_ns();
        let r = f();
        best_cpu = best_cpu.min(cpu_ns() - c);
        best = best.min(t.elapsed());
        out = Some(r);
    }
    (best, Duration::from_nanos(best_cpu), out.unwrap())
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
        let (t, c, p) = best(10, || ParsedYaml::new(&text));
        println!(
            "{f}: {:.1} ms wall, {:.1} ms cpu, {} bytes, stats {:?}, {} errors",
            t.as_secs_f64() * 1e3,
            c.as_secs_f64() * 1e3,
            text.len(),
            p.stats(),
            p.document().errors.len()
        );
    }
    let text =
        std::fs::read_to_string(dir.join("large/github-api.github.com-octokit-2022-07-15.json"))
            .unwrap();
    let (t, c, d) = best(10, || super::parse_json(&text));
    println!(
        "github json: {:.1} ms wall, {:.1} ms cpu, {} bytes, {} errors",
        t.as_secs_f64() * 1e3,
        c.as_secs_f64() * 1e3,
        text.len(),
        d.errors.len()
    );
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

#[test]
#[ignore]
fn bench_incremental() {
    let Some(dir) = corpus() else { return };
    let text = std::fs::read_to_string(dir.join("large/stripe-spec3-2023-09-12.yaml")).unwrap();
    let mut p = ParsedYaml::new(&text);
    // Type a character into a description in the middle of the file, then
    // delete it again.
    let at = text[text.len() / 2..].find("description: ").unwrap() + text.len() / 2 + 13;
    let mut edited = text.clone();
    edited.insert(at, 'x');
    let mut worst = Duration::ZERO;
    let mut worst_cpu = Duration::ZERO;
    let mut total = Duration::ZERO;
    let n = 20;
    for k in 0..n {
        let next = if k % 2 == 0 { &edited } else { &text };
        let t = Instant::now();
        let c = cpu_ns();
        p = super::parse_yaml_incremental(p, next);
        let cpu = Duration::from_nanos(cpu_ns() - c);
        let el = t.elapsed();
        worst = worst.max(el);
        worst_cpu = worst_cpu.max(cpu);
        total += cpu;
        assert!(p.document().errors.is_empty());
    }
    println!(
        "stripe one-character edit: {:.2} ms cpu average, {:.2} ms cpu worst, {:.2} ms wall worst, stats {:?}",
        total.as_secs_f64() * 1e3 / n as f64,
        worst_cpu.as_secs_f64() * 1e3,
        worst.as_secs_f64() * 1e3,
        p.stats()
    );
}

#[test]
#[ignore]
fn bench_hostile() {
    let mut cases: Vec<(&str, String)> = vec![
        ("[ x100k", "[".repeat(100_000)),
        ("{a: x20k", "{a: ".repeat(20_000)),
        ("- x5000", "- ".repeat(5000) + "x\n"),
        (
            "deep block",
            (0..3000)
                .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
                .collect(),
        ),
        ("long line", format!("a: {}\n", "x".repeat(4_000_000))),
        (
            "many keys",
            (0..200_000).map(|i| format!("k{i}: v\n")).collect(),
        ),
        (
            "unclosed quote top",
            format!("a: \"{}", "x\n".repeat(100_000)),
        ),
        ("flow 40k lines", format!("[{}]", "1,\n".repeat(40_000))),
        (
            "flow 40k lines broken",
            format!("[{}", "1,\n".repeat(40_000)),
        ),
    ];
    let mut bomb = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for w in ["a", "b", "c", "d", "e", "f", "g", "h", "i"].windows(2) {
        let (p, n) = (w[0], w[1]);
        bomb.push_str(&format!(
            "{n}: &{n} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
        ));
    }
    cases.push(("billion laughs", bomb));
    for (name, text) in &cases {
        let (t, c, d) = best(1, || super::parse_yaml(text));
        println!(
            "yaml {name}: {:.1} ms wall, {:.1} ms cpu, {} errors, first: {:?}",
            t.as_secs_f64() * 1e3,
            c.as_secs_f64() * 1e3,
            d.errors.len(),
            d.errors.first().map(|e| &e.message)
        );
    }
    if let Some(dir) = corpus() {
        let text = std::fs::read_to_string(
            dir.join("large/github-api.github.com-octokit-2022-07-15.json"),
        )
        .unwrap();
        let mut broken = text.clone();
        let at = text[text.len() / 2..].find(": {").unwrap() + text.len() / 2 + 3;
        broken.insert(at, ']');
        let (t, c, d) = best(1, || super::parse_json(&broken));
        println!(
            "github json with an error: {:.1} ms wall, {:.1} ms cpu, {} errors, first: {:?}",
            t.as_secs_f64() * 1e3,
            c.as_secs_f64() * 1e3,
            d.errors.len(),
            d.errors.first()
        );
    }
}
