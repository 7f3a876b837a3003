#!/usr/bin/env python3
"""Times Specgate, Spectral and Redocly on the corpus, and Specgate's scaling.

Run through `scripts/bench`, which builds the binary and installs the
JavaScript tools first. This script only measures and prints a Markdown
report (also written to --out).

Each command runs `--runs` times after one warm-up run; the report gives the
median wall time with min-max, and the peak resident set size (the largest
over the runs, from wait4(2)'s ru_maxrss for that very child process).
"""
import argparse
import datetime
import json
import os
import pathlib
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent

CORPUS = [
    # (label, path relative to the corpus, file inside it for multi-file APIs)
    ("Stripe YAML", "large/stripe-spec3-2023-09-12.yaml", None),
    ("GitHub JSON", "large/github-api.github.com-octokit-2022-07-15.json", None),
    ("Twilio YAML", "large/twilio_api_v2010.yaml", None),
    ("Cafe (47 files)", "multifile/redocly-cafe-starter", "openapi.yaml"),
]


def run_once(argv, cwd, env, timeout):
    """(wall seconds, peak RSS in KiB, exit status) of one run."""
    with open(os.devnull, "wb") as null:
        t = time.perf_counter()
        p = subprocess.Popen(argv, cwd=cwd, env=env, stdout=null, stderr=subprocess.PIPE)
        deadline = t + timeout
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                p.kill()
                _, status, ru = os.wait4(p.pid, 0)
                status = -9
                break
            time.sleep(0.002)
        wall = time.perf_counter() - t
        err = p.stderr.read().decode(errors="replace")
        p.stderr.close()
    code = os.waitstatus_to_exitcode(status) if status != -9 else "timeout"
    return wall, ru.ru_maxrss, code, err


def measure(argv, cwd, runs, env=None, timeout=600, ok=(0, 1)):
    env = env or os.environ.copy()
    run_once(argv, cwd, env, timeout)  # warm-up: page cache, JIT caches
    walls, rss, codes, err = [], [], set(), ""
    for _ in range(runs):
        w, m, c, e = run_once(argv, cwd, env, timeout)
        walls.append(w)
        rss.append(m)
        codes.add(c)
        err = err or (e if c not in ok else "")
    return {
        "median_s": statistics.median(walls), "min_s": min(walls), "max_s": max(walls),
        "rss_mb": max(rss) / 1024, "runs": runs, "exit": sorted(map(str, codes)),
        "error": err.strip().splitlines()[-1] if err.strip() else "",
    }


def fmt_time(s):
    return f"{s * 1000:.0f} ms" if s < 10 else f"{s:.1f} s"


def cell(r):
    t = f"{fmt_time(r['median_s'])} ({fmt_time(r['min_s'])}–{fmt_time(r['max_s'])})"
    return t, f"{r['rss_mb']:.0f} MB"


def machine():
    model = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(open("/proc/meminfo").readline().split()[1])
        mem = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores ({len(os.sched_getaffinity(0))} usable), {model}, {mem}, {platform.system()} {platform.release()}"


def loadavg():
    try:
        return open("/proc/loadavg").read().split()[:3]
    except OSError:
        return ["?"] * 3


def tool_version(argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=60).stdout.strip().splitlines()[0]
    except Exception as e:  # noqa: BLE001
        return f"unavailable ({e})"


def corpus_bench(a, out, tmp):
    corpus = pathlib.Path(a.corpus)
    env = os.environ.copy()
    env.update({"REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true",
                "NO_UPDATE_NOTIFIER": "1", "NO_COLOR": "1", "SCARF_ANALYTICS": "false"})
    spectral = os.path.join(a.tools, "spectral")
    redocly = os.path.join(a.tools, "redocly")
    have_js = os.path.exists(spectral) and os.path.exists(redocly) and not a.skip_tools
    out.append("## Whole-file checks: Specgate, Spectral, Redocly\n")
    out.append(f"Runs per command: Specgate {a.runs}, Redocly {a.tool_runs}, Spectral {a.tool_runs} "
               "(after one warm-up run each). Time: median (min–max) wall clock; "
               "memory: peak RSS of the process.\n")
    if have_js:
        out.append(f"- Spectral: `{tool_version([spectral, '--version'])}` with a `.spectral.yaml` of "
                   "`extends: [\"spectral:oas\"]`, `spectral lint -r .spectral.yaml FILE`")
        out.append(f"- Redocly: `{tool_version([redocly, '--version'])}`, `redocly lint FILE` "
                   "(its default `recommended` rules)")
    out.append(f"- Specgate: `{a.bin} check FILE` and `{a.bin} inventory FILE`; each corpus file "
               "is copied into its own folder with an empty `specgate.toml` (the workspace root).\n")
    rows = [
        "| input | lines | specgate check | RSS | specgate inventory | RSS | Spectral | RSS | Redocly | RSS | Spectral ÷ specgate | Redocly ÷ specgate |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    results = {}
    (tmp / ".spectral.yaml").write_text('extends: ["spectral:oas"]\n')
    for label, rel, inner in CORPUS:
        src = corpus / rel
        if not src.exists():
            rows.append(f"| {label} | missing: {src} | | | | | | | | | | |")
            continue
        ws = tmp / pathlib.Path(rel).stem.replace(".", "_")
        if src.is_dir():
            shutil.copytree(src, ws)
            target = ws / inner
            lines = sum(p.read_bytes().count(b"\n") for p in ws.rglob("*") if p.is_file())
        else:
            ws.mkdir()
            target = ws / src.name
            shutil.copy(src, target)
            lines = target.read_bytes().count(b"\n")
        (ws / "specgate.toml").write_text("")
        print(f"  {label}: specgate", file=sys.stderr, flush=True)
        r = {"check": measure([a.bin, "check", "--format", "json", str(target)], ws, a.runs),
             "inventory": measure([a.bin, "inventory", str(target)], ws, a.runs, ok=(0,))}
        if have_js:
            print(f"  {label}: redocly", file=sys.stderr, flush=True)
            r["redocly"] = measure([redocly, "lint", "--format", "stylish", str(target)], ws,
                                   a.tool_runs, env=env)
            print(f"  {label}: spectral", file=sys.stderr, flush=True)
            r["spectral"] = measure([spectral, "lint", "-q", "-f", "text", "-r",
                                     str(tmp / ".spectral.yaml"), str(target)], ws, a.tool_runs, env=env)
        results[label] = r
        c, ci = cell(r["check"]), cell(r["inventory"])
        row = f"| {label} | {lines:,} | {c[0]} | {c[1]} | {ci[0]} | {ci[1]} |"
        if have_js:
            s, d = cell(r["spectral"]), cell(r["redocly"])
            base = r["check"]["median_s"]
            row += (f" {s[0]} | {s[1]} | {d[0]} | {d[1]} | "
                    f"{r['spectral']['median_s'] / base:.0f}× | {r['redocly']['median_s'] / base:.0f}× |")
        else:
            row += " – | – | – | – | – | – |"
        rows.append(row)
    out.extend(rows)
    notes = []
    for label, r in results.items():
        for k, v in r.items():
            bad = [c for c in v["exit"] if c not in ("0", "1")]
            if bad or v["error"]:
                notes.append(f"- {label}, {k}: exit {', '.join(v['exit'])}; {v['error']}")
    if notes:
        out.append("\nExit statuses other than 0/1 or error output:\n")
        out.extend(notes)
    out.append("")
    return results


def scaling_bench(a, out, tmp):
    out.append("## Scaling: synthetic workspaces\n")
    out.append("`scripts/bench-gen.py DIR --scale N`: N × 50 resources; each resource is 5 operations "
               "in its own path file, 2 requirements, a dictionary entity and a SQL table. "
               f"`specgate check DIR`, {a.runs} runs, median.\n")
    rows = ["| scale | files | lines | operations | check | RSS | time ÷ 1× |", "|---:|---:|---:|---:|---:|---:|---:|"]
    base = None
    res = {}
    for n in a.scales:
        d = tmp / f"synthetic-{n}x"
        subprocess.run([sys.executable, str(HERE / "bench-gen.py"), str(d), "--scale", str(n)],
                       check=True, stdout=subprocess.DEVNULL)
        files = [p for p in d.rglob("*") if p.is_file()]
        lines = sum(p.read_bytes().count(b"\n") for p in files)
        r = measure([a.bin, "check", "--format", "json", str(d)], d, a.runs)
        res[n] = r
        base = base or r["median_s"]
        t, m = cell(r)
        rows.append(f"| {n}× | {len(files)} | {lines:,} | {250 * n:,} | {t} | {m} | {r['median_s'] / base:.1f} |")
    out.extend(rows)
    if len(a.scales) > 1:
        lo, hi = a.scales[0], a.scales[-1]
        out.append(f"\n{hi}× the input took {res[hi]['median_s'] / res[lo]['median_s']:.1f}× the time of {lo}× "
                   f"(target: at most {1.25 * hi / lo:.0f}×).")
    out.append("")
    return res


def lsp_bench(a, out, tmp):
    out.append("## Keystroke → diagnostics (LSP)\n")
    gen = tmp / "lsp-2k"
    subprocess.run([sys.executable, str(HERE / "bench-gen.py"), str(gen), "--single-file",
                    "--resources", "20"], check=True, stdout=subprocess.DEVNULL)
    spec2k = tmp / "synthetic-2k.yaml"
    shutil.copy(gen / "api" / "openapi.yaml", spec2k)
    files = [spec2k]
    corpus = pathlib.Path(a.corpus)
    for rel in ["large/twilio_api_v2010.yaml", "large/stripe-spec3-2023-09-12.yaml",
                "large/github-api.github.com-octokit-2022-07-15.json"]:
        if (corpus / rel).exists():
            files.append(corpus / rel)
    j = tmp / "lsp.json"
    p = subprocess.run([sys.executable, str(HERE / "bench-lsp.py"), "--bin", a.bin, "--edits",
                        str(a.edits), "--json", str(j)] + [str(f) for f in files],
                       capture_output=True, text=True)
    if not j.exists():
        out.append(f"Not measured: the client failed ({p.stderr.strip().splitlines()[-1:]}).\n")
        return None
    res = json.loads(j.read_text())
    out.append(f"`scripts/bench-lsp.py`: `specgate lsp` with `debounceMs: 0`; {a.edits} single-character "
               "insertions spread over the file, each timed from `didChange` to the `publishDiagnostics` "
               "of the same version.\n")
    out.append("| file | lines | sync | open → diagnostics | p50 | p99 | max | timeouts |")
    out.append("|---|---:|---|---:|---:|---:|---:|---:|")
    for r in res:
        if "error" in r:
            out.append(f"| {r['file']} | | | {r['error']} | | | | |")
            continue
        out.append(f"| {r['file']} | {r['lines']:,} | {r['sync']} | {r['open_ms']:.0f} ms | "
                   f"{r['p50_ms']:.1f} ms | {r['p99_ms']:.1f} ms | {r['max_ms']:.1f} ms | {r['timeouts']} |")
    out.append("")
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--tools", required=True, help="folder with the spectral and redocly executables")
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--tool-runs", type=int, default=3)
    ap.add_argument("--edits", type=int, default=200)
    ap.add_argument("--scales", type=int, nargs="+", default=[1, 4, 16])
    ap.add_argument("--parts", nargs="+", default=["corpus", "scaling", "lsp"])
    ap.add_argument("--skip-tools", action="store_true", help="time Specgate only")
    ap.add_argument("--out", type=pathlib.Path)
    ap.add_argument("--json", type=pathlib.Path)
    a = ap.parse_args()
    a.bin = os.path.abspath(a.bin)
    a.tools = os.path.abspath(a.tools)
    commit = subprocess.run(["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(HERE), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    out = [f"# Benchmark run {datetime.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}\n",
           f"- machine: {machine()}",
           f"- load average at start: {' '.join(loadavg())}",
           f"- specgate: `{tool_version([a.bin, '--version'])}`, commit {commit}{' (modified)' if dirty else ''}\n"]
    results = {}
    with tempfile.TemporaryDirectory(prefix="specgate-bench-") as t:
        tmp = pathlib.Path(t)
        corpus_ok = pathlib.Path(a.corpus).is_dir()
        if "corpus" in a.parts:
            if corpus_ok:
                results["corpus"] = corpus_bench(a, out, tmp)
            else:
                out.append(f"## Whole-file checks\n\nSkipped: the corpus {a.corpus} is absent.\n")
        if "scaling" in a.parts:
            results["scaling"] = scaling_bench(a, out, tmp)
        if "lsp" in a.parts:
            results["lsp"] = lsp_bench(a, out, tmp)
    out.append(f"Load average at the end: {' '.join(loadavg())}.\n")
    text = "\n".join(out)
    print(text)
    if a.out:
        a.out.write_text(text)
    if a.json:
        a.json.write_text(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    main()
