#!/usr/bin/env python3
"""Time `specgate check TARGET --format json` with two binaries, alternating.

    scripts/bench-ab.py BEFORE_BINARY AFTER_BINARY TARGET...

Each binary runs once per target to warm up, then 11 times, the two
alternating (before first on even rounds, after first on odd ones) so
that drift in the machine's load falls on both. Prints the median of
each and the change. Used for the "before and after" sections of
BENCHMARKS.md.
"""
import statistics
import subprocess
import sys
import time


def main() -> None:
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    before, after = sys.argv[1], sys.argv[2]
    for target in sys.argv[3:]:
        runs = {before: [], after: []}
        for b in (before, after):
            subprocess.run([b, "check", target, "--format", "json"], capture_output=True)
        for i in range(11):
            for b in (before, after) if i % 2 == 0 else (after, before):
                start = time.perf_counter()
                subprocess.run([b, "check", target, "--format", "json"], capture_output=True)
                runs[b].append((time.perf_counter() - start) * 1000)
        mb, ma = statistics.median(runs[before]), statistics.median(runs[after])
        print(f"{target}: before {mb:.1f} ms, after {ma:.1f} ms, {100 * (ma - mb) / mb:+.1f}%")


if __name__ == "__main__":
    main()
