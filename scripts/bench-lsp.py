#!/usr/bin/env python3
"""Keystroke latency of `specgate lsp`: a scripted LSP 3.17 client.

    scripts/bench-lsp.py --bin target/release/specgate FILE [FILE...] [--edits 200] [--json OUT]
    scripts/bench-lsp.py --bin ... --workspace DIR REL [REL...]   # multi-file

For each FILE (copied into a fresh temporary workspace folder first; with
--workspace, the whole folder DIR is copied and each REL is a file in it), the
client starts the server with `initializationOptions: {"debounceMs": 0}`,
opens the file, waits for its first diagnostics, then sends EDITS
single-character insertions spread evenly over the file, one at a time:
each `didChange` (version v) is timed until the `publishDiagnostics` for
that file carrying version v arrives (its last byte read, before the client
decodes the JSON). It prints p50/p99/max per file.

Edits go where a person types: at the end of a plain scalar value in YAML
(`description: Returns the ...|`), inside a string value in JSON. They are
kept (the document drifts from the original as typing would), so the server
re-parses a file that really changed each time.
"""
import argparse
import gc
import json
import os
import pathlib
import queue
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time


class Client:
    def __init__(self, argv, cwd):
        self.p = subprocess.Popen(
            argv, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, bufsize=0,
        )
        self.q = queue.Queue()
        self.lock = threading.Lock()
        self.next_id = 1
        self.t = threading.Thread(target=self._read, daemon=True)
        self.t.start()

    def _send(self, msg):
        body = json.dumps(msg, separators=(",", ":")).encode()
        with self.lock:
            self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.p.stdin.flush()

    def _read(self):
        out = self.p.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    self.q.put(None)
                    return
                line = line.strip()
                if not line:
                    break
                k, _, v = line.partition(b":")
                if k.lower() == b"content-length":
                    length = int(v)
            parts, got = [], 0
            while got < length:
                chunk = out.read(length - got)
                if not chunk:
                    self.q.put(None)
                    return
                parts.append(chunk)
                got += len(chunk)
            # The message has arrived once its last byte is read: decoding it
            # is this client's cost (14 ms in Python for Stripe's 576 kB of
            # diagnostics), not the server's.
            arrived = time.perf_counter()
            msg = json.loads(b"".join(parts))
            if "method" in msg and "id" in msg:
                # A request from the server (configuration, progress, ...):
                # answer it so the server never waits on us.
                result = [None] * len(msg.get("params", {}).get("items", [])) \
                    if msg["method"] == "workspace/configuration" else None
                self._send({"jsonrpc": "2.0", "id": msg["id"], "result": result})
                continue
            self.q.put((arrived, msg))

    def notify(self, method, params):
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method, params, timeout=120):
        rid = self.next_id
        self.next_id += 1
        self._send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == rid, timeout)[1]

    def wait(self, pred, timeout):
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            item = self.q.get(timeout=left)
            if item is None:
                raise EOFError("server closed its output")
            if pred(item[1]):
                return item

    def close(self):
        try:
            self.request("shutdown", None, timeout=10)
            self.notify("exit", None)
            self.p.wait(timeout=10)
        except Exception:
            self.p.kill()
            self.p.wait()


YAML_VALUE = re.compile(r"^\s*(- )?[\w$.\-'\"]+: [A-Za-z0-9][^#{}\[\]'\"|>&*!]*[A-Za-z0-9.]$")
JSON_VALUE = re.compile(r'^\s*"[^"]+": "[^"\\]*[A-Za-z0-9][^"\\]*",?$')


PROSE_KEYS = {"description", "summary", "title", "name", "operationId", "example"}


def edit_points(lines, is_json, n):
    """(line, byte column) of n insertion points spread over the file."""
    pat = JSON_VALUE if is_json else YAML_VALUE
    prose, other = [], []
    for i, l in enumerate(lines):
        if pat.match(l):
            key = l.strip().lstrip("- ").split(":")[0].strip("\"'")
            if key in ("openapi", "swagger"):
                continue
            col = (l.rstrip(",").rfind('"')) if is_json else len(l)
            (prose if key in PROSE_KEYS else other).append((i, col))
    # Prefer text a person edits (descriptions, summaries); fall back to any value.
    cands = prose if len(prose) >= n else sorted(prose + other)
    if not cands:
        cands = [(i, len(l)) for i, l in enumerate(lines) if l.strip()]
    if len(cands) <= n:
        return cands
    step = len(cands) / n
    return [cands[int(k * step)] for k in range(n)]


def utf16_len(s):
    return len(s.encode("utf-16-le")) // 2


def pct(xs, p):
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = max(0, min(len(xs) - 1, int(round(p / 100 * len(xs) + 0.5)) - 1))
    return xs[k]


def measure(binary, src, edits, timeout, config="", workspace=None):
    work = pathlib.Path(tempfile.mkdtemp(prefix="specgate-lsp-bench-"))
    try:
        if workspace is not None:
            # The whole workspace, its own specgate.toml (if any) included.
            shutil.rmtree(work)
            shutil.copytree(workspace, work, symlinks=True)
            dst = work / src
            src = dst
        else:
            dst = work / src.name
            shutil.copy(src, dst)
            (work / "specgate.toml").write_text(config)
        text = dst.read_text()
        lines = text.split("\n")
        uri = dst.as_uri()
        c = Client([binary, "lsp"], work)
        init = c.request("initialize", {
            "processId": os.getpid(),
            "rootUri": work.as_uri(),
            "workspaceFolders": [{"uri": work.as_uri(), "name": "bench"}],
            "capabilities": {
                "textDocument": {"publishDiagnostics": {"versionSupport": True},
                                 "synchronization": {"didSave": True}},
                "workspace": {"workspaceFolders": True, "configuration": False},
                "general": {"positionEncodings": ["utf-16"]},
            },
            "initializationOptions": {"debounceMs": 0},
        })
        sync = init.get("result", {}).get("capabilities", {}).get("textDocumentSync", 1)
        kind = sync.get("change", 1) if isinstance(sync, dict) else sync
        c.notify("initialized", {})
        version = 1

        def diags_for(v):
            return lambda m: (m.get("method") == "textDocument/publishDiagnostics"
                              and m["params"]["uri"] == uri
                              and m["params"].get("version") in (v, None))

        t0 = time.perf_counter()
        c.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "json" if src.suffix == ".json" else "yaml",
            "version": version, "text": text}})
        _, first = c.wait(diags_for(version), timeout)
        open_ms = (time.perf_counter() - t0) * 1000
        first_count = len(first["params"]["diagnostics"])

        lat, timeouts, versionless = [], 0, 0
        for (ln, col) in edit_points(lines, src.suffix == ".json", edits):
            version += 1
            line = lines[ln]
            lines[ln] = line[:col] + "x" + line[col:]
            if kind == 2:
                ch = utf16_len(line[:col])
                change = {"range": {"start": {"line": ln, "character": ch},
                                    "end": {"line": ln, "character": ch}}, "text": "x"}
            else:
                change = {"text": "\n".join(lines)}
            t = time.perf_counter()
            c.notify("textDocument/didChange", {
                "textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})
            try:
                at, msg = c.wait(diags_for(version), timeout)
                if msg["params"].get("version") is None:
                    versionless += 1
                lat.append((at - t) * 1000)
            except TimeoutError:
                timeouts += 1
        c.close()
        return {
            "file": str(dst.relative_to(work)) if workspace is not None else src.name, "lines": len(text.split("\n")), "bytes": len(text.encode()),
            "sync": {1: "full", 2: "incremental"}.get(kind, str(kind)),
            "open_ms": round(open_ms, 1), "open_diagnostics": first_count,
            "edits": len(lat), "timeouts": timeouts, "versionless": versionless,
            "p50_ms": round(pct(lat, 50), 2), "p99_ms": round(pct(lat, 99), 2),
            "max_ms": round(max(lat), 2) if lat else None,
            "mean_ms": round(statistics.fmean(lat), 2) if lat else None,
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+", type=pathlib.Path)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--edits", type=int, default=200)
    ap.add_argument("--timeout", type=float, default=60, help="seconds to wait for one publish")
    ap.add_argument("--json", type=pathlib.Path, help="write the results here")
    ap.add_argument("--config", default="", help="text of the workspace's specgate.toml (default: empty)")
    ap.add_argument("--workspace", type=pathlib.Path,
                    help="copy this whole folder; FILES are paths relative to it")
    a = ap.parse_args()
    results = []
    # Python's cyclic garbage collector stops both of this client's threads
    # now and then (the file's lines and each decoded publish are tens of
    # thousands of objects), and a pause while a publish is being read
    # counted as server time. Nothing here makes reference cycles, so
    # reference counting frees everything without it.
    gc.disable()
    for f in a.files:
        gc.collect()
        try:
            r = measure(os.path.abspath(a.bin), f, a.edits, a.timeout, a.config, a.workspace)
        except (TimeoutError, EOFError) as e:
            r = {"file": f.name, "error": f"{type(e).__name__}: {e}"}
        results.append(r)
        print(json.dumps(r), flush=True)
    if a.json:
        a.json.write_text(json.dumps(results, indent=1))
    return 1 if any("error" in r or r.get("timeouts") for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
