#!/usr/bin/env python3
"""Real-world accuracy suite for `specgate check` (issue 10, item 10).

Every unit of `tests/accuracy/units.txt` (a folder or a file of the corpus,
`../shared/corpus` by default) is checked with `specgate check --format json`;
each finding becomes one row of `tests/accuracy/<unit>.tsv` with a verdict:

  correct     a reviewed finding the workspace's authors would agree with
  wrong       a reviewed finding that is not (the reason says why, by class)
  unsampled   above 100 findings of one rule in one unit, outside the sample
  unreviewed  nobody (human or verifier) has decided yet

Verdicts come from a human (`set`, `set-class`) or from the independent
verifier in this file, which re-implements the rules it can decide with
PyYAML and its own `$ref` resolver. The verifier never marks a finding
`correct` without checking it; when it cannot decide, the row stays
`unreviewed` for `review`.

Commands:
  accuracy.py units                         regenerate units.txt from the corpus
  accuracy.py run --bin BIN [--reverify]    check every unit, write the .tsv files
  accuracy.py before --bin OLD_BIN          verify an old binary, write before.json
  accuracy.py review [--unit U] [--code C]  print unreviewed rows with context
  accuracy.py set UNIT CODE LOCATION VERDICT REASON
  accuracy.py set-class UNIT CODE MESSAGE_REGEX VERDICT REASON   (UNIT may be `*`)
  accuracy.py report                        write ACCURACY.md
  accuracy.py verify                        exit 1 if a .tsv holds a wrong/unreviewed sampled row

Only python3 and PyYAML are needed (`pglast`, when installed, is the SQL oracle).
"""

from __future__ import annotations

import argparse
import collections
import fnmatch
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import urllib.parse
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
ACC = REPO / "tests" / "accuracy"
UNITS = ACC / "units.txt"
BEFORE = ACC / "before.json"
MISSED = ACC / "missed.tsv"
REPORT = REPO / "ACCURACY.md"
HEADER = "# verdict\tcode\tlocation\tmessage\treason"
SAMPLE = 100
VERDICTS = ("correct", "wrong", "unsampled", "unreviewed")
# Reasons the verifier writes start with one of these; `run --reverify`
# recomputes such rows, and never touches a human's verdict.
AUTO_PREFIXES = ("verified:", "class:", "verifier:")

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace", "query")
ID_RE = re.compile(r"(?<![A-Za-z0-9_])FR-\d+[a-z]?(?![A-Za-z0-9])")
STRUCTURED = (".yaml", ".yml", ".json")
SKIP_DIRS = {".git", "node_modules", "target", ".venv", "__pycache__"}


# ---------------------------------------------------------------- corpus ---


def default_corpus() -> Path:
    env = os.environ.get("SPECGATE_CORPUS")
    if env:
        return Path(env)
    # `../shared/corpus` from the repository root; a git worktree nested one
    # level deeper finds it from its ancestors.
    for base in [REPO, *REPO.parents]:
        c = base.parent / "shared" / "corpus"
        if c.is_dir():
            return c.resolve()
    return (REPO.parent / "shared" / "corpus").resolve()


def unit_name(rel: str) -> str:
    p = rel
    for ext in STRUCTURED:
        if p.endswith(ext):
            p = p[: -len(ext)]
    return re.sub(r"[^A-Za-z0-9._-]+", "-", p.replace("/", "-")).strip("-")


def discover_units(corpus: Path) -> list[tuple[str, str, str]]:
    out = []
    for group in ("realworld/multifile", "realworld/speckit"):
        for d in sorted((corpus / group).iterdir()):
            if d.is_dir():
                out.append((f"{group}/{d.name}", "folder"))
    for rel in ("multifile/oai-v2.0-petstore-separate", "multifile/redocly-cafe-starter", "prd/spec-kit-templates"):
        if (corpus / rel).is_dir():
            out.append((rel, "folder"))
    for group in ("large", "medium", "small"):
        for f in sorted((corpus / group).iterdir()):
            if f.is_file():
                out.append((f"{group}/{f.name}", "file"))
    units, names = [], set()
    for rel, kind in out:
        name = unit_name(rel)
        if name in names:
            name = re.sub(r"[^A-Za-z0-9._-]+", "-", rel.replace("/", "-"))
        names.add(name)
        units.append((name, rel, kind))
    return units


def read_units() -> list[tuple[str, str, str]]:
    units = []
    for line in UNITS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, path, kind = line.split("\t")
        units.append((name, path, kind))
    return units


def run_check(binary: str, target: Path) -> list[dict]:
    proc = subprocess.run(
        [binary, "check", str(target), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    try:
        data = json.loads(proc.stdout)
    except json.JSONDecodeError:
        raise SystemExit(f"{binary} check {target}: no JSON (exit {proc.returncode}): {proc.stderr[:500]}")
    return data.get("diagnostics", [])


# ------------------------------------------------------------------ YAML ---

try:
    _Base = yaml.CSafeLoader  # type: ignore[attr-defined]
except AttributeError:  # pragma: no cover
    _Base = yaml.SafeLoader


class MDict(dict):
    """A mapping that remembers where it and its keys are written (1-based)."""

    line = col = end = 0
    kpos: dict


class MList(list):
    line = col = end = 0


class MarkLoader(_Base):
    pass


def _construct_map(loader, node):
    loader.flatten_mapping(node)
    d = MDict()
    d.line, d.col = node.start_mark.line + 1, node.start_mark.column + 1
    # The last line of the mapping: a block mapping ends where the next token
    # starts (column 0 of the next key's line), a flow mapping after its `}`.
    d.end = node.end_mark.line + (0 if node.end_mark.column == 0 else 1)
    d.end = max(d.end, d.line)
    d.kpos = {}
    yield d
    for kn, vn in node.value:
        k = loader.construct_object(kn, deep=True)
        v = loader.construct_object(vn, deep=True)
        try:
            hash(k)
        except TypeError:
            continue
        if isinstance(k, (int, bool)) and not isinstance(k, bool):
            k = str(k)  # `200:` is an int in YAML; OpenAPI means the string
        d[k] = v
        d.kpos[k] = (kn.start_mark.line + 1, kn.start_mark.column + 1)


def _construct_seq(loader, node):
    lst = MList()
    lst.line, lst.col, lst.end = node.start_mark.line + 1, node.start_mark.column + 1, node.end_mark.line + 1
    yield lst
    lst.extend(loader.construct_sequence(node, deep=True))


def _construct_str_ts(loader, node):
    return loader.construct_scalar(node)


MarkLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
MarkLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)
# Dates stay text: OpenAPI has no date type and invalid dates must not fail the load.
MarkLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_str_ts)


def _json_hook(pairs):
    d = MDict()
    d.kpos = {}
    for k, v in pairs:
        d[k] = v
    return d


class Doc:
    def __init__(self, path: Path):
        self.path = path
        self.text = None
        self.root = None
        self.error = None
        try:
            self.text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            self.error = f"unreadable: {e}"
            return
        if path.suffix.lower() in STRUCTURED:
            try:
                self.root = yaml.load(self.text, Loader=MarkLoader)
            except Exception as e:  # noqa: BLE001 - any loader failure
                self.error = str(e).replace("\n", " ")
                if path.suffix.lower() == ".json":
                    try:
                        self.root = json.loads(self.text, object_pairs_hook=_json_hook)
                        self.error = None
                    except ValueError:
                        pass

    @property
    def lines(self) -> list[str]:
        return (self.text or "").splitlines()


class Workspace:
    """All files of one unit, loaded lazily, and its OpenAPI operations."""

    def __init__(self, root: Path, kind: str, target: Path):
        self.root = root  # the folder finding paths are relative to
        self.kind = kind
        self.target = target
        self.docs: dict[Path, Doc] = {}
        self._ops = None
        self._files = None

    # files -------------------------------------------------------------
    def files(self) -> list[Path]:
        if self._files is None:
            out = []
            for dirpath, dirnames, filenames in os.walk(self.root):
                dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
                for f in sorted(filenames):
                    out.append(Path(dirpath) / f)
            self._files = out
        return self._files

    def rel(self, p: Path) -> str:
        try:
            return p.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return p.as_posix()

    def abs(self, rel: str) -> Path:
        return (self.root / rel).resolve()

    def doc(self, p: Path) -> Doc:
        p = p.resolve()
        if p not in self.docs:
            self.docs[p] = Doc(p)
        return self.docs[p]

    def api_roots(self) -> list[Path]:
        roots = []
        cands = [self.target] if self.kind == "file" else [f for f in self.files() if f.suffix.lower() in STRUCTURED]
        for f in cands:
            d = self.doc(f)
            if isinstance(d.root, dict) and ("openapi" in d.root or "swagger" in d.root):
                roots.append(f.resolve())
        return roots

    # requirements ------------------------------------------------------
    def prds(self) -> list[Path]:
        if self.kind == "file":
            return []
        out = []
        for f in self.files():
            name = f.name.lower()
            if not name.endswith(".md"):
                continue
            rel = self.rel(f)
            if fnmatch.fnmatch(name, "*prd*.md") or fnmatch.fnmatch(name, "*requirements*.md"):
                if is_checklist(f):
                    continue  # spec-kit's checklists/requirements.md is a review checklist
                out.append(f)
            elif name == "spec.md" and (
                f.parent.parent.name == "specs"
                or any((f.parent / s).exists() for s in ("plan.md", "tasks.md", "data-model.md", "contracts"))
            ):
                out.append(f)
            elif rel.startswith("specs/") and rel.endswith("/spec.md"):
                out.append(f)
        return out

    def dictionaries(self) -> list[Path]:
        if self.kind == "file":
            return []
        return [f for f in self.files() if "dictionary" in f.name.lower() or f.name.lower() == "data-model.md"]

    # $ref ----------------------------------------------------------------
    def resolve(self, file: Path, node, depth: int = 0):
        """Follow `$ref` until a non-reference node: (file, node) or (file, None)."""
        seen = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            key = (file, ref)
            if key in seen or len(seen) > 50:
                return file, None
            seen.add(key)
            file, node = self.ref_target(file, ref)
            if node is None:
                return file, None
        return file, node

    def ref_target(self, file: Path, ref: str):
        part, _, frag = ref.partition("#")
        if part:
            if re.match(r"^[a-z][a-z0-9+.-]*://", part, re.I):
                return None, None
            target = (file.parent / urllib.parse.unquote(part)).resolve()
            if not target.exists():
                target = (file.parent / part).resolve()
        else:
            target = file
        d = self.doc(target)
        if d.root is None and d.error is None and target.suffix.lower() not in STRUCTURED:
            return target, None
        node = pointer(d.root, frag)
        return target, node

    # operations ----------------------------------------------------------
    def ops_by_label(self) -> dict[str, list["Op"]]:
        if getattr(self, "_by_label", None) is None:
            self._by_label = collections.defaultdict(list)
            for o in self.operations():
                self._by_label[o.label].append(o)
        return self._by_label

    def op_ids(self, op: "Op") -> set[str]:
        """Every FR-ID an operation names: own text and comments, nested descriptions."""
        cache = self.__dict__.setdefault("_op_ids", {})
        k = id(op)
        if k not in cache:
            cache[k] = {x[1] for x in op_text_ids(self, op)} | {x[1] for x in op_nested_ids(self, op)}
        return cache[k]

    def operations(self) -> list["Op"]:
        if self._ops is not None:
            return self._ops
        ops, seen = [], set()
        for root in self.api_roots():
            rd = self.doc(root).root
            version = str(rd.get("openapi") or rd.get("swagger") or "")
            paths = rd.get("paths")
            if isinstance(paths, dict):
                for p, item in paths.items():
                    self._item_ops(ops, seen, root, rd, str(p), root, paths, p, item, "path", version)
            hooks = rd.get("webhooks")
            if isinstance(hooks, dict):
                for p, item in hooks.items():
                    self._item_ops(ops, seen, root, rd, str(p), root, hooks, p, item, "webhook", version)
        self._ops = ops
        return ops

    def _item_ops(self, ops, seen, root, rd, path, holder_file, holder, hkey, item, kind, version):
        ifile, inode = self.resolve(holder_file, item)
        if not isinstance(inode, dict):
            return
        entries = [(m, inode, m) for m in METHODS]
        extra = inode.get("additionalOperations")
        if isinstance(extra, dict):
            entries += [(m, extra, m) for m in extra]
        for key, container, m in entries:
            if key not in container:
                continue
            raw = container[key]
            ofile, onode = self.resolve(ifile, raw)
            if not isinstance(onode, dict):
                continue
            ident = (ofile, onode.line, onode.col, id(onode))
            by_ref = isinstance(raw, dict) and "$ref" in raw
            op = Op(
                root=root,
                rootdoc=rd,
                version=version,
                path=path,
                method=str(m).upper(),
                kind=kind,
                item_file=ifile,
                item=inode,
                file=ofile,
                node=onode,
                by_ref=by_ref,
                method_pos=container.kpos.get(key) if hasattr(container, "kpos") else None,
            )
            if ident not in seen:
                seen.add(ident)
                ops.append(op)
            cbs = onode.get("callbacks")
            if isinstance(cbs, dict):
                for _, cb in cbs.items():
                    cbf, cbn = self.resolve(ofile, cb)
                    if isinstance(cbn, dict):
                        for expr, citem in cbn.items():
                            self._item_ops(ops, seen, root, rd, str(expr), cbf, cbn, expr, citem, "callback", version)


def pointer(node, frag: str):
    if not frag or frag == "/":
        return node
    frag = urllib.parse.unquote(frag)
    if not frag.startswith("/"):
        return None  # plain-name anchors are not followed
    for tok in frag[1:].split("/"):
        tok = tok.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict):
            if tok in node:
                node = node[tok]
            else:
                return None
        elif isinstance(node, list):
            try:
                node = node[int(tok)]
            except (ValueError, IndexError):
                return None
        else:
            return None
    return node


class Op:
    def __init__(self, **kw):
        self.__dict__.update(kw)

    @property
    def label(self):
        return f"{self.method} {self.path}"

    def start_pos(self):
        """Where findings about the whole operation point (1-based line, col)."""
        if self.by_ref or self.method_pos is None:
            if self.node.kpos:
                return min(self.node.kpos.values())
            return (self.node.line, self.node.col)
        return self.method_pos

    def span_lines(self, ws: Workspace):
        """The raw lines of the operation in its own file: (first line, lines)."""
        lines = ws.doc(self.file).lines
        start = self.start_pos()[0]
        end = max(self.node.end or start, start)
        return start, lines[start - 1 : end]

    def params(self, ws: Workspace) -> list[dict]:
        out = []
        for f, holder in ((self.item_file, self.item), (self.file, self.node)):
            # The list itself may be a $ref (`parameters: {$ref: ./pagination-params.yaml}`).
            f, ps = ws.resolve(f, holder.get("parameters"))
            if isinstance(ps, list):
                for p in ps:
                    _, pn = ws.resolve(f, p)
                    if isinstance(pn, dict):
                        out.append(pn)
        return out

    def responses(self, ws: Workspace):
        r = self.node.get("responses")
        _, rn = ws.resolve(self.file, r)
        if not isinstance(rn, dict):
            return None
        return [str(k).upper() for k in rn if not str(k).startswith("x-")]


def op_text_ids(ws: Workspace, op: Op) -> list[tuple[int, str, str]]:
    """FR-IDs written inside the operation in its own file (keys, text and
    comments between its first and last line): (line, id, line text)."""
    start, lines = op.span_lines(ws)
    out = []
    for i, line in enumerate(lines):
        for m in ID_RE.finditer(line):
            out.append((start + i, m.group(0), line.strip()))
    return out


def op_nested_ids(ws: Workspace, op: Op) -> list[tuple[str, str]]:
    """IDs in descriptions/summaries reached from the operation through $ref."""
    out = []
    seen = set()

    def walk(f, n, depth):
        if depth > 6:
            return
        if isinstance(n, dict) and "$ref" in n:
            key = (f, n.get("$ref"))
            if key in seen:
                return
            seen.add(key)
            f, n = ws.resolve(f, n)
        if isinstance(n, dict):
            for k, v in n.items():
                if k in ("summary", "description", "title") and isinstance(v, str):
                    for m in ID_RE.finditer(v):
                        out.append((ws.rel(f), m.group(0)))
                elif str(k).startswith("x-") and isinstance(v, (str, list)):
                    for m in ID_RE.finditer(json.dumps(v)):
                        out.append((ws.rel(f), m.group(0)))
                elif k in ("parameters", "requestBody", "responses", "content") or re.match(r"^\d|^default$|/", str(k)):
                    walk(f, v, depth + 1)
        elif isinstance(n, list):
            for x in n:
                walk(f, x, depth + 1)

    walk(op.file, op.node, 0)
    for p in op.params(ws):
        d = p.get("description")
        if isinstance(d, str):
            out += [("param", m.group(0)) for m in ID_RE.finditer(d)]
    return out


# ------------------------------------------------------------ requirements --

DEF_STRICT = [
    re.compile(r"^\s*\|\s*(?:\*\*|__|`)?(FR-\d+[a-z]?)(?:\*\*|__|`)?\s*\|"),
    re.compile(r"^\s{0,3}#{1,6}\s+(?:\*\*|__)?(FR-\d+[a-z]?)\b"),
    re.compile(r"^\s*(?:[-*+]|\d+\.)\s+(?:\[[ xX]\]\s+)?(?:\*\*|__)(FR-\d+[a-z]?)(?:\*\*|__)?"),
    re.compile(r"^\s*(?:[-*+]|\d+\.)\s+(?:\[[ xX]\]\s+)?(FR-\d+[a-z]?)\s*[:—–-]"),
]
DEF_LOOSE = re.compile(r"^\s*(?:[|#>*+-]|\d+\.|\s|\*\*|__|`|\[[ xX]\])*(FR-\d+[a-z]?)\b")


def definitions(ws: Workspace, strict=True) -> dict[str, list[tuple[Path, int, str]]]:
    """ID -> [(prd file, line, text)] for every definition in every PRD."""
    out = collections.defaultdict(list)
    for f in ws.prds():
        in_code = False
        for i, line in enumerate(ws.doc(f).lines, 1):
            if line.lstrip().startswith("```"):
                in_code = not in_code
                continue
            if in_code:
                continue
            m = None
            for rx in DEF_STRICT if strict else [DEF_LOOSE]:
                m = rx.match(line)
                if m:
                    break
            if m:
                out[m.group(1)].append((f, i, line.strip()))
    return out


def is_checklist(f: Path) -> bool:
    """`specs/NNN-x/checklists/requirements.md`: spec-kit's quality checklist of a
    feature's spec, not a PRD (it quotes the spec's IDs while reviewing them)."""
    return f.parent.name == "checklists" and (f.parent.parent / "spec.md").exists()


def feature_dir(ws: Workspace, prd: Path) -> Path | None:
    """The spec-kit feature folder a PRD belongs to, or None for a workspace PRD."""
    if prd.name.lower() == "spec.md" and prd.parent.resolve() != ws.root.resolve():
        return prd.parent
    return None


def has_contract(ws: Workspace, folder: Path) -> bool:
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS]
        for f in filenames:
            p = Path(dirpath) / f
            if p.suffix.lower() in STRUCTURED:
                d = ws.doc(p)
                if isinstance(d.root, dict) and ("openapi" in d.root or "swagger" in d.root):
                    return True
    return False


# --------------------------------------------------------------- verifier ---

NEED_WORDS = {
    "success": "success",
    "validation failure": "validation",
    "unauthorized": "unauthorized",
    "not found": "not-found",
    "server error": "server-error",
}
INPUT_IN = {"query", "querystring", "header", "cookie", "body", "formData"}


def expected_needs(ws: Workspace, op: Op):
    """What the rule should name for `op`: {requirement: code}, plus notes."""
    codes = op.responses(ws) or []
    has = lambda f: any(f(c) for c in codes)  # noqa: E731
    params = op.params(ws)
    takes_input = "requestBody" in op.node or any(p.get("in") in INPUT_IN for p in params)
    sec = op.node.get("security") if "security" in op.node else op.rootdoc.get("security")
    sec_applies = isinstance(sec, list) and len(sec) > 0 and not any(isinstance(r, dict) and len(r) == 0 for r in sec)
    needs = {}
    if not has(lambda c: c.startswith("2")):
        needs["success"] = "success"
    if takes_input and not has(lambda c: c in ("400", "422", "4XX")):
        needs["validation"] = "400"
    if sec_applies and not has(lambda c: c in ("401", "4XX")):
        needs["unauthorized"] = "401"
    if "{" in op.path and not has(lambda c: c in ("404", "4XX")):
        needs["not-found"] = "404"
    if not has(lambda c: c.startswith("5") or c == "DEFAULT"):
        needs["server-error"] = "500"
    facts = {
        "responses": codes,
        "input": takes_input,
        "security": sec_applies,
    }
    return needs, facts


def parse_loc(loc: str):
    path, line, col = loc.rsplit(":", 2)
    return path, int(line), int(col)


def find_op(ws: Workspace, label: str, path_rel: str, line: int, col: int):
    """The operation a finding names: label match, then its file, then its position."""
    cands = ws.ops_by_label().get(label, [])
    if not cands:
        return None, "no operation with that method and path in any API root"
    in_file = [o for o in cands if ws.rel(o.file) == path_rel]
    if not in_file:
        files = sorted({ws.rel(o.file) for o in cands})
        return None, f"the operation is written in {', '.join(files)}, not in {path_rel}"
    return in_file, None


def verify(ws: Workspace, d: dict, ctx: dict):
    """(verdict, reason) for one finding; verdict None when undecided."""
    code, msg = d["code"], d["message"]
    fn = VERIFIERS.get(code)
    if fn is None:
        return None, ""
    try:
        return fn(ws, d, ctx)
    except Exception as e:  # noqa: BLE001 - the verifier must not stop the run
        return None, f"verifier: error {type(e).__name__}: {e}"


def v_missing_error_response(ws, d, ctx):
    m = re.match(r"^(\S+ .+?) lacks responses (.+): add them$", d["message"])
    if not m:
        return None, "verifier: message not understood"
    label, listed = m.group(1), m.group(2)
    named = {}
    for code, why in re.findall(r"(\d{3}) \(([^)]+)\)", listed):
        named[NEED_WORDS.get(why, why)] = code
    ops, err = find_op(ws, label, d["path"], d["line"], d["column"])
    misplaced = None
    if ops is None:
        ops = ws.ops_by_label().get(label)
        if not ops:
            return None, f"verifier: {err}"
        misplaced = err
    results = []
    for op in ops:
        needs, facts = expected_needs(ws, op)
        rpos = op.node.kpos.get("responses") if op.node.kpos else None
        at = rpos or op.start_pos()
        results.append((op, needs, facts, at == (d["line"], d["column"])))
    exact = [r for r in results if r[3]] or results
    op, needs, facts, pos_ok = exact[0]
    extra = sorted(set(named) - set(needs))
    lacking = sorted(set(needs) - set(named))
    where = f"{ws.rel(op.file)}:{op.node.line}"
    if extra:
        declared = ", ".join(facts["responses"]) or "none"
        why = []
        for r in extra:
            if r == "validation" and not facts["input"]:
                why.append("400 although it takes no body or query/header/cookie parameter")
            elif r == "unauthorized" and not facts["security"]:
                why.append("401 although no security applies")
            else:
                why.append(f"{named[r]} ({r}) which it declares")
        return "wrong", f"class: names responses the operation declares or does not need: {'; '.join(why)} (declared after resolving: {declared}; {where})"
    if misplaced:
        return "wrong", f"class: finding not in the operation's own file ({misplaced})"
    if lacking:
        return "wrong", f"class: misses needed responses {', '.join(needs[r] for r in lacking)} (declared: {', '.join(facts['responses']) or 'none'}; {where})"
    if not pos_ok:
        return "wrong", f"class: points elsewhere than the operation's responses key ({where})"
    return "correct", f"verified: declares {', '.join(facts['responses']) or 'no responses'} after resolving; input={facts['input']}, security={facts['security']}"


def v_untraced_operation(ws, d, ctx):
    m = re.match(r"^(\S+ .+?) traces to no requirement", d["message"])
    if not m:
        if "no PRD" in d["message"] or "no requirement" in d["message"]:
            return None, ""
        return None, "verifier: message not understood"
    ops, err = find_op(ws, m.group(1), d["path"], d["line"], d["column"])
    if ops is None:
        if not ws.ops_by_label().get(m.group(1)):
            return None, f"verifier: {err}"
        return "wrong", f"class: finding not in the operation's own file ({err})"
    op = next((o for o in ops if o.start_pos() == (d["line"], d["column"])), ops[0])
    own = op_text_ids(ws, op)
    if own:
        ln, rid, text = own[0]
        return "wrong", f"class: the operation names {rid} in its own text ({ws.rel(op.file)}:{ln}: {text[:80]})"
    nested = op_nested_ids(ws, op)
    if nested:
        return None, f"verifier: an ID is reachable only through $ref ({nested[0][1]} in {nested[0][0]})"
    if not ctx["prds"]:
        return "wrong", "class: no PRD in the workspace; one finding for the workspace, not one per operation"
    if op.start_pos() != (d["line"], d["column"]):
        return "wrong", f"class: points elsewhere than the operation's method key ({ws.rel(op.file)}:{op.start_pos()[0]})"
    return "correct", "verified: no FR-ID in the operation's text, comments or nested descriptions"


def prd_line(ws, d):
    lines = ws.doc(ws.abs(d["path"])).lines
    if 0 < d["line"] <= len(lines):
        return lines[d["line"] - 1]
    return ""


def v_uncovered_requirement(ws, d, ctx):
    m = re.match(r"^(FR-\d+[a-z]?)\b", d["message"])
    if not m:
        if "no API contract" in d["message"] or "no contract" in d["message"]:
            prd = ws.abs(d["path"])
            feat = feature_dir(ws, prd)
            if feat is not None and not has_contract(ws, feat):
                return "correct", f"verified: {ws.rel(feat)} has no OpenAPI contract"
        return None, "verifier: message not understood"
    rid = m.group(1)
    line = prd_line(ws, d)
    if rid not in line:
        return "wrong", f"class: {rid} is not written at the finding's position ({line.strip()[:60]})"
    if re.search(r"NON-GOAL", line, re.I):
        return "wrong", "class: requirement needs no endpoint (NON-GOAL)"
    if "[no-api]" in line.lower():
        return "wrong", "class: requirement needs no endpoint ([no-api])"
    prd = ws.abs(d["path"])
    feat = feature_dir(ws, prd)
    if feat is not None and not has_contract(ws, feat):
        return "wrong", "class: feature has no API contract; one info finding per feature"
    scope = feat.resolve() if feat is not None else ws.root.resolve()
    feats = {feature_dir(ws, p).resolve() for p in ctx["prds"] if feature_dir(ws, p) is not None}
    outside = []
    for op in ws.operations():
        of = op.file.resolve()
        if rid not in ws.op_ids(op):
            continue
        if scope in of.parents:
            return "wrong", f"class: {op.label} in {ws.rel(op.file)} names {rid}"
        if not any(f in of.parents for f in feats):
            outside.append(op)
    if outside:
        return None, f"verifier: {outside[0].label} outside any feature names {rid}"
    return "correct", f"verified: no operation in {ws.rel(scope) or 'the workspace'} names {rid}"


def v_unknown_requirement(ws, d, ctx):
    m = re.match(r"^(FR-\d+[a-z]?) is (?:not defined|defined in several PRDs \((.*?)\) and none)", d["message"])
    if not m:
        return None, "verifier: message not understood"
    rid = m.group(1)
    listed = [x.strip() for x in (m.group(2) or "").split(",") if x.strip()]
    strict = ctx["defs"].get(rid, [])
    prds = sorted({ws.rel(f) for f, _, _ in strict})
    checklists = [x for x in listed if is_checklist(ws.abs(x))]
    if checklists and len(prds) <= 1:
        return "wrong", f"class: a spec-kit checklists/requirements.md is read as a PRD ({checklists[0]}); {rid} is defined {'only in ' + prds[0] if prds else 'nowhere else'}"
    if len(prds) > 1:
        named = named_feature(ws, d, rid, prds)
        if named:
            return "wrong", f"class: the feature meant is named beside the reference ({named}); {rid} is defined in {len(prds)} PRDs"
        return "wrong", f"class: ambiguous, not unknown: {rid} is defined in {len(prds)} PRDs ({', '.join(prds[:3])})"
    if prds:
        return "wrong", f"class: {rid} is defined in {prds[0]}:{strict[0][1]}"
    if ctx["loose"].get(rid):
        f, ln, _ = ctx["loose"][rid][0]
        return None, f"verifier: a line of {ws.rel(f)}:{ln} starts with {rid} (definition?)"
    if "no PRD was found" in d["message"]:
        if ctx["prds"]:
            return "wrong", f"class: says no PRD was found but the workspace has {ws.rel(ctx['prds'][0])}"
        return "correct", f"verified: no PRD in the workspace defines {rid}"
    return "correct", f"verified: no PRD of the workspace defines {rid}"


def named_feature(ws, d, rid, prds) -> str | None:
    """A defining feature named on the finding's line or in its paragraph."""
    lines = ws.doc(ws.abs(d["path"])).lines
    i = d["line"] - 1
    lo = i
    while lo > 0 and lines[lo - 1].strip():
        lo -= 1
    hi = i
    while hi + 1 < len(lines) and lines[hi + 1].strip():
        hi += 1
    for text in (lines[i] if i < len(lines) else "", "\n".join(lines[lo : hi + 1])):
        for p in prds:
            feat = Path(p).parent.name
            if feat and feat in text:
                return feat
    return None


def v_duplicate_requirement(ws, d, ctx):
    m = re.match(r"^(FR-\d+[a-z]?) is defined (\d+) times", d["message"])
    if not m:
        return None, "verifier: message not understood"
    rid = m.group(1)
    folder = ws.abs(d["path"]).parent
    same = [x for x in ctx["defs"].get(rid, []) if x[0].resolve().parent == folder]
    if len(same) >= 2:
        lines = ", ".join(f"{ws.rel(f)}:{ln}" for f, ln, _ in same[:3])
        return "correct", f"verified: {rid} defined {len(same)} times in {ws.rel(folder) or '.'} ({lines})"
    return "wrong", f"class: {rid} is defined {len(same)} time(s) in {ws.rel(folder) or '.'}"


def v_not_in_dictionary(ws, d, ctx):
    if ctx["dicts"]:
        return None, ""
    key = (d["code"],)
    first = ctx.setdefault("dict_first", {})
    loc = f"{d['path']}:{d['line']}:{d['column']}"
    if key not in first:
        first[key] = loc
    if first[key] == loc:
        return "correct", "verified: the workspace has no data dictionary; one finding for the workspace is right"
    return "wrong", "class: no dictionary: one finding, not one per table"


def v_syntax_error(ws, d, ctx):
    p = ws.abs(d["path"])
    suf = p.suffix.lower()
    if suf in (".yaml", ".yml", ".json"):
        try:
            yaml.load(p.read_text(encoding="utf-8"), Loader=_Base)
        except yaml.YAMLError as e:
            return "correct", f"verified: PyYAML also rejects it ({str(e).splitlines()[0][:80]})"
        except (OSError, UnicodeDecodeError) as e:
            return None, f"verifier: {e}"
        return "wrong", "class: libyaml reads it"
    if suf == ".sql":
        try:
            import pglast  # type: ignore
        except ImportError:
            return None, "verifier: pglast not installed"
        try:
            pglast.parse_sql(p.read_text(encoding="utf-8"))
        except Exception as e:  # noqa: BLE001
            return "correct", f"verified: PostgreSQL's parser (pglast) also rejects it ({str(e)[:80]})"
        return "wrong", "class: PostgreSQL's parser (pglast) accepts it"
    return None, ""


def v_unresolved_ref(ws, d, ctx):
    m = re.match(r"^`\$ref: ([^`]*)`", d["message"])
    if not m:
        return None, "verifier: message not understood"
    ref = m.group(1)
    src = ws.abs(d["path"])
    part, _, frag = ref.partition("#")
    if re.match(r"^[a-z][a-z0-9+.-]*://", part, re.I):
        return None, "verifier: remote reference"
    target = (src.parent / urllib.parse.unquote(part)).resolve() if part else src
    if part.startswith("/"):
        target = Path(part)
    if not target.exists():
        return "correct", f"verified: {part} does not exist"
    if "outside the workspace" in d["message"]:
        return None, f"verifier: {part} exists outside the workspace root"
    node = pointer(ws.doc(target).root, frag)
    if node is None:
        return "correct", f"verified: #{frag} is not in {ws.rel(target)}"
    return "wrong", "class: the target exists"


def v_invalid_openapi(ws, d, ctx):
    if "$ref" in d["message"] and re.search(r"operation", d["message"], re.I):
        refs = [o for o in ws.operations() if o.by_ref and ws.rel(o.root) == d["path"]]
        if refs:
            return "correct", f"verified: {len(refs)} operations are given by $ref and resolve"
        return "wrong", "class: no operation of this document is given by $ref"
    return None, ""


PAGE_PARAMS = re.compile(
    r"^(\$?(limit|offset|page|pages|cursor|after|before|starting_after|ending_before|skip|top|per_page|perpage|"
    r"page_size|pagesize|page_token|pagetoken|next_token|nexttoken|continuation|continuation_token|"
    r"max_results|maxresults|marker|scroll|search_after|cur_?page|page_?number))$",
    re.I,
)
NEXT_FIELDS = re.compile(r"^(next|next_?(page|cursor|link|url|token)|cursor|has_?more|total(_?count)?|links?|paging|pagination|offset)$", re.I)


def v_unpaginated_list(ws, d, ctx):
    """Mechanical facts only: a pagination parameter, a next/total field, a
    `Link` header or `maxItems` make the finding wrong; otherwise whether the
    array grows with stored data is for a person to judge."""
    m = re.match(r"^(\S+ .+?) returns ", d["message"])
    if not m:
        return None, "verifier: message not understood"
    ops, err = find_op(ws, m.group(1), d["path"], d["line"], d["column"])
    if ops is None:
        return None, f"verifier: {err}"
    op = ops[0]
    pnames = [str(p.get("name", "")) for p in op.params(ws) if p.get("in") in ("query", "querystring", "header")]
    pages = [n for n in pnames if PAGE_PARAMS.match(n.replace("-", "_"))]
    if pages:
        return "wrong", f"class: paginated by the query parameter `{pages[0]}`"
    notes = []
    maybe = [n for n in pnames if re.match(r"^(since|count|from|size|first|last|max|until)$", n, re.I)]
    if maybe:
        notes.append(f"query parameter `{maybe[0]}` may page or bound the result")
    rf, rn = ws.resolve(op.file, op.node.get("responses"))
    if isinstance(rn, dict):
        for code, resp in rn.items():
            if not str(code).startswith("2"):
                continue
            f, r = ws.resolve(rf, resp)
            if not isinstance(r, dict):
                continue
            hdrs = r.get("headers") or {}
            if isinstance(hdrs, dict) and any(str(h).lower() == "link" for h in hdrs):
                return "wrong", "class: paginated by a `Link` header"
            schemas = []
            content = r.get("content")
            if isinstance(content, dict):
                for mt, media in content.items():
                    if isinstance(media, dict) and "json" in str(mt):
                        schemas.append((f, media.get("schema")))
            if "schema" in r:
                schemas.append((f, r["schema"]))
            for sf, sch in schemas:
                sf, sch = ws.resolve(sf, sch)
                if not isinstance(sch, dict):
                    continue
                arrays = [(sf, sch)] if sch.get("type") == "array" else []
                props = sch.get("properties") if isinstance(sch.get("properties"), dict) else {}
                nexts = [k for k in props if NEXT_FIELDS.match(str(k))]
                if nexts:
                    return "wrong", f"class: paginated by the field `{nexts[0]}` beside the array"
                for k, v in props.items():
                    vf, vv = ws.resolve(sf, v)
                    if isinstance(vv, dict) and vv.get("type") == "array":
                        arrays.append((vf, vv))
                for af, a in arrays:
                    if "maxItems" in a:
                        return "wrong", f"class: array bounded by maxItems {a['maxItems']}"
    arr_params = [n for n in pnames if re.search(r"(ids|keys|names)$", n, re.I)]
    if arr_params:
        notes.append(f"query parameter `{arr_params[0]}` may bound the result by the request")
    notes.append(f"no pagination parameter among {', '.join(pnames) or 'no query parameters'}")
    return None, "verifier: " + "; ".join(notes) + ": does it grow with stored data?"


def dict_section(ws: Workspace, dict_file: Path, entity: str) -> list[str] | None:
    """The lines of `entity`'s section in a Markdown dictionary: from the
    heading that names it to the next heading of its level or above."""
    lines = ws.doc(dict_file).lines
    start = None
    level = 0
    for i, line in enumerate(lines):
        h = re.match(r"^(#{1,6})\s+(.*)$", line)
        if h and re.sub(r"[`*]", "", h.group(2)).strip().split(" ")[0].strip(":") == entity:
            start, level = i + 1, len(h.group(1))
            break
    if start is None:
        return None
    out = []
    for line in lines[start:]:
        h = re.match(r"^(#{1,6})\s", line)
        if h and len(h.group(1)) <= level:
            break
        out.append(line)
    return out


def dict_attrs(ws: Workspace, dict_file: Path, entity: str) -> set[str] | None:
    """Attribute names of `entity` in a Markdown dictionary: table first
    cells and bullet first words of its section."""
    section = dict_section(ws, dict_file, entity)
    if section is None:
        return None
    attrs = set()
    for line in section:
        t = re.match(r"^\s*\|\s*`?\*{0,2}([A-Za-z_][A-Za-z0-9_]*)", line)
        b = re.match(r"^\s*[-*+]\s+(?:\*\*|`)*([A-Za-z_][A-Za-z0-9_]*)", line)
        for mm in (t, b):
            if mm:
                attrs.add(norm_name(mm.group(1)))
    return attrs


def norm_name(n: str) -> str:
    return re.sub(r"[^a-z0-9]", "", re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", n).lower())


def v_property_not_in_dictionary(ws, d, ctx):
    m = re.match(r"^property `([^`]+)` of schema (\S+) is not an attribute of entity (.+?) in (\S+?): ", d["message"])
    if not m:
        return None, "verifier: message not understood"
    prop, schema, entity, dfile = m.groups()
    src = ws.abs(d["path"])
    cited = ws.abs(dfile)
    own = None
    for parent in src.parents:
        cand = parent / "data-model.md"
        if cand.exists():
            own = cand
            break
        if parent == ws.root:
            break
    if own is not None and own.resolve() != cited.resolve():
        own_attrs = dict_attrs(ws, own, entity)
        if own_attrs is not None:
            where = "lists it" if norm_name(prop) in own_attrs else "defines the entity"
            return "wrong", f"class: checked against another feature's dictionary ({dfile}); the schema's own {ws.rel(own)} {where}"
    attrs = dict_attrs(ws, cited, entity)
    if attrs is None:
        return None, f"verifier: no section for {entity} found in {dfile}"
    if norm_name(prop) in attrs:
        return "wrong", f"class: the dictionary lists `{prop}` under {entity} ({dfile})"
    return "correct", f"verified: {entity} in {dfile} lists {', '.join(sorted(attrs)) or 'no attributes'}, not {prop}"


def scheme_defs(ws, root: Path):
    """(file, map) of the security schemes an API root defines, after `$ref`s."""
    rd = ws.doc(root).root
    if not isinstance(rd, dict):
        return None, None
    if "swagger" in rd:
        return ws.resolve(root, rd.get("securityDefinitions"))
    cf, comps = ws.resolve(root, rd.get("components"))
    return ws.resolve(cf, comps.get("securitySchemes")) if isinstance(comps, dict) else (None, None)


def api_schemes(ws, root: Path) -> list[str]:
    """The security scheme names an API root defines."""
    _, m = scheme_defs(ws, root)
    return [str(k) for k in m] if isinstance(m, dict) else []


def undecided_ops(ws, root: Path) -> list:
    """Path operations of `root` with no `security` of their own and none at the root."""
    rd = ws.doc(root).root
    if isinstance(rd, dict) and "security" in rd:
        return []
    return [o for o in ws.operations() if o.root == root and o.kind == "path" and "security" not in o.node]


def stitching_root(ws, root: Path) -> Path:
    """The root that stitches `root` in (OpenSearch's namespace documents), else itself."""
    for r in ws.api_roots():
        if r == root:
            continue
        rd = ws.doc(r).root
        for item in (rd.get("paths") or {}).values() if isinstance(rd, dict) else []:
            if isinstance(item, dict) and isinstance(item.get("$ref"), str):
                f, _ = ws.ref_target(r, item["$ref"])
                if f == root:
                    return r
    return root


def v_unsecured_operation(ws, d, ctx):
    if d["message"].startswith("the API defines no security scheme"):
        root = ws.abs(d["path"]).resolve()
        if root not in ws.api_roots():
            return None, "verifier: the finding is not at an API root"
        if api_schemes(ws, root):
            return "wrong", "class: the API defines security schemes"
        stitched = [r for r in ws.api_roots() if r != root and stitching_root(ws, r) == root]
        if not any(undecided_ops(ws, r) for r in [root] + stitched):
            return "wrong", "class: every operation is secured or marked public"
        return "correct", "verified: no securitySchemes/securityDefinitions, and operations without `security` (none at the root)"
    m = re.match(r"^(\S+ .+?) has no security requirement", d["message"])
    if not m:
        return None, "verifier: message not understood"
    ops, err = find_op(ws, m.group(1), d["path"], d["line"], d["column"])
    if ops is None:
        return None, f"verifier: {err}"
    op = next((o for o in ops if o.start_pos() == (d["line"], d["column"])), ops[0])
    root = stitching_root(ws, op.root)
    if "security" in op.node:
        return "wrong", "class: the operation has its own `security`"
    rd = ws.doc(root).root
    if isinstance(rd, dict) and "security" in rd or "security" in ws.doc(op.root).root:
        return "wrong", "class: the root's `security` applies"
    if not api_schemes(ws, root):
        return "wrong", "class: the API defines no scheme: one finding for the document"
    return "correct", "verified: no `security` on the operation or the root, and the API defines schemes (public operations must say `security: []`)"


def v_undefined_security_scheme(ws, d, ctx):
    m = re.match(r"^security scheme `(.+?)` is not defined", d["message"])
    if not m:
        return None, "verifier: message not understood"
    name = m.group(1)
    defined = {n for r in ws.api_roots() for n in api_schemes(ws, r)}
    if name in defined:
        return None, f"verifier: `{name}` is defined by some API of the unit"
    return "correct", f"verified: no API of the unit defines `{name}`"


def v_undefined_scope(ws, d, ctx):
    m = re.match(r"^scope `(.+?)` is not declared by any flow of `(.+?)`", d["message"])
    if not m:
        return None, "verifier: message not understood"
    scope, name = m.groups()
    for root in ws.api_roots():
        rd = ws.doc(root).root
        f, defs = scheme_defs(ws, root)
        if not isinstance(defs, dict) or name not in defs:
            continue
        _, sch = ws.resolve(f, defs[name])
        maps = [sch.get("scopes")] if "swagger" in rd else [fl.get("scopes") for fl in (sch.get("flows") or {}).values() if isinstance(fl, dict)]
        if any(isinstance(mp, dict) and scope in mp for mp in maps):
            return "wrong", f"class: `{scope}` is declared by `{name}`"
    return "correct", f"verified: no flow of `{name}` declares `{scope}`"


def _has_example(n) -> bool:
    return isinstance(n, dict) and ("example" in n or bool(n.get("examples")))


def _schema_exampled(ws, f, schema, depth=0) -> bool:
    """An example on the schema, on every property, or nothing to show."""
    f, s = ws.resolve(f, schema)
    if not isinstance(s, dict):
        return False
    if _has_example(s):
        return True
    if set(s) <= {"type", "description", "title", "additionalProperties", "nullable"} and s.get("type", "object") == "object":
        return True  # free-form
    if depth > 3:
        return False
    if "items" in s:
        return _schema_exampled(ws, f, s["items"], depth + 1)
    props = s.get("properties")
    if not isinstance(props, dict) or not props:
        return False
    for p in props.values():
        pf, pn = ws.resolve(f, p)
        if not isinstance(pn, dict):
            return False
        if not (_has_example(pn) or any(k in pn for k in ("default", "enum", "const")) or _schema_exampled(ws, pf, pn, depth + 1)):
            return False
    return True


def v_missing_example(ws, d, ctx):
    m = re.match(r"^(\S+ .+?): the (request body|(\w+) response)(?: \((.+)\))? has no example$", d["message"])
    if not m:
        return None, "verifier: message not understood"
    label, what, code, media = m.groups()
    cands = ws.ops_by_label().get(label, [])
    if not cands:
        return None, "verifier: no operation with that label"
    # The operation in the finding's file (several features may define the
    # same method and path); a shared response is written elsewhere.
    cands = [o for o in cands if ws.rel(o.file) == d["path"]] or cands
    swagger = any(o.version.startswith("2") for o in cands)
    for op in cands:
        if what == "request body":
            if swagger:
                params = [p for _, p in ((None, ws.resolve(op.file, p)[1]) for p in (op.node.get("parameters") or [])) if isinstance(p, dict)]
                body = [p for p in params if p.get("in") == "body"]
                if any(_has_example(p) or _schema_exampled(ws, op.file, p.get("schema")) for p in body):
                    return "wrong", "class: the body parameter has an example"
                continue
            bf, body = ws.resolve(op.file, op.node.get("requestBody"))
            holder = body
        else:
            rf, rs = ws.resolve(op.file, op.node.get("responses"))
            if not isinstance(rs, dict) or code not in {str(k) for k in rs}:
                continue
            bf, holder = ws.resolve(rf, rs.get(code, rs.get(int(code)) if code.isdigit() else None))
            if swagger:
                if isinstance(holder, dict) and (isinstance(holder.get("examples"), dict) and any("json" in str(k) for k in holder["examples"]) or _schema_exampled(ws, bf, holder.get("schema"))):
                    return "wrong", "class: the 2.0 response has an example"
                continue
        if not isinstance(holder, dict):
            continue
        cf, content = ws.resolve(bf, holder.get("content"))
        if not isinstance(content, dict) or media not in content:
            continue
        mf, mt = ws.resolve(cf, content[media])
        if _has_example(mt) or (isinstance(mt, dict) and _schema_exampled(ws, mf, mt.get("schema"))):
            return "wrong", f"class: {media} of {label} has an example"
    return "correct", "verified: no example at the media type, on its schema or on every property"


def _error_body(ws, f, resp, swagger) -> bool:
    """Whether an error response (resolved) carries a non-empty body schema."""
    f, r = ws.resolve(f, resp)
    if not isinstance(r, dict):
        return False
    schemas = []
    if swagger:
        schemas = [(f, r.get("schema"))]
    else:
        cf, c = ws.resolve(f, r.get("content"))
        if isinstance(c, dict):
            for m in c.values():
                mf, mn = ws.resolve(cf, m)
                if isinstance(mn, dict):
                    schemas.append((mf, mn.get("schema")))
    for sf, sc in schemas:
        _, sn = ws.resolve(sf, sc)
        if isinstance(sn, dict) and (sn.get("properties") or any(k in sn for k in ("allOf", "oneOf", "anyOf", "items")) or sn.get("type") not in (None, "object")):
            return True
    return False


def v_inconsistent_error_format(ws, d, ctx):
    msg = d["message"]
    is_err = lambda k: str(k).upper()[:1] in ("4", "5") or str(k).lower() == "default"
    if msg.startswith("the API designs no error format"):
        root = ws.abs(d["path"]).resolve()
        ops = [o for o in ws.operations() if o.kind == "path" and (o.root == root or stitching_root(ws, o.root) == root)]
        for o in ops:
            rf, rs = ws.resolve(o.file, o.node.get("responses"))
            if isinstance(rs, dict) and any(is_err(k) and _error_body(ws, rf, v, o.version.startswith("2")) for k, v in rs.items()):
                return "wrong", f"class: {o.label} has an error body"
        return "correct", "verified: no error response of the API has a body"
    m = re.match(r"^the (\S+) response of (\S+ .+?) has no content", msg)
    if m:
        code, label = m.groups()
        cands = ws.ops_by_label().get(label, [])
        cands = [o for o in cands if ws.rel(o.file) == d["path"]] or cands
        if not cands:
            return None, "verifier: operation not found"
        for o in cands:
            rf, rs = ws.resolve(o.file, o.node.get("responses"))
            if isinstance(rs, dict):
                v = rs.get(code, rs.get(int(code)) if code.isdigit() else None)
                if v is not None and _error_body(ws, rf, v, o.version.startswith("2")):
                    return None, f"verifier: {label} {code} has a body in some definition"
        return "correct", "verified: the response has no body schema while the API's other errors have one"
    return None, "verifier: another schema than the standard: read by hand"


def dict_row(ws: Workspace, dict_file: Path, entity: str, attr: str) -> str | None:
    """The table row (or bullet) of `attr` in `entity`'s section of a Markdown dictionary."""
    for line in dict_section(ws, dict_file, entity) or []:
        m = re.match(r"^\s*(?:\||[-*+]\s)\s*`?\*{0,2}([A-Za-z_][A-Za-z0-9_]*)", line)
        if m and norm_name(m.group(1)) == norm_name(attr):
            return line
    return None


def v_required_mismatch(ws, d, ctx):
    m = re.match(r"^property `([^`]+)` is not in `required`, but the data dictionary says (\S+?)\.(\S+) is required \((\S+)\)", d["message"])
    if not m:
        return None, "verifier: message not understood"
    prop, entity, attr, dfile = m.groups()
    row = dict_row(ws, ws.abs(dfile), entity, attr)
    if row is None:
        return None, f"verifier: no row for {entity}.{attr} in {dfile}"
    low = row.lower()
    said = re.search(r"\b(not null(able)?|required|primary key|mandatory)\b", low)
    conditional = re.search(r"required (if|iff|when|unless)|(if|when)\b.*\brequired", low)
    if not said or conditional or re.search(r"\bnullable\b(?<!not nullable)", low.replace("not nullable", "")):
        return "wrong", f"class: the dictionary row does not plainly say required: {row.strip()[:120]}"
    doc = ws.doc(ws.abs(d["path"])).root
    found = []
    def walk(n):
        if isinstance(n, dict):
            props = n.get("properties")
            if isinstance(props, dict) and prop in props:
                found.append(prop in (n.get("required") or []))
            for v in n.values():
                walk(v)
        elif isinstance(n, list):
            for v in n:
                walk(v)
    walk(doc)
    if not found:
        return None, f"verifier: no schema with `{prop}` in {d['path']}"
    if all(found):
        return "wrong", f"class: every schema with `{prop}` lists it in `required`"
    return "correct", f"verified: the row says required ({said.group(0)}); a schema with `{prop}` leaves it out of `required`"


def pg_schema(ws: Workspace, ctx: dict):
    """Keys, foreign keys and indexes of every table, from PostgreSQL's own
    parser (pglast) replaying the workspace's SQL files in path order."""
    if "pg_schema" in ctx:
        return ctx["pg_schema"]
    try:
        from pglast.parser import parse_sql_json  # type: ignore
    except ImportError:
        ctx["pg_schema"] = None
        return None
    tables: dict = collections.defaultdict(lambda: {"keys": [], "fks": [], "named": {}})
    indexes: dict = {}
    names = lambda xs: [x["String"]["sval"] for x in xs or [] if "String" in x]
    def constraint(t, c, col=None):
        kind = c.get("contype")
        cols = [col] if col else names(c.get("keys"))
        entry = None
        if kind in ("CONSTR_PRIMARY", "CONSTR_UNIQUE"):
            entry = ("keys", cols)
            tables[t]["keys"].append(cols)
        elif kind == "CONSTR_FOREIGN":
            fk = [col] if col else names(c.get("fk_attrs"))
            entry = ("fks", (fk, c["pktable"]["relname"]))
            tables[t]["fks"].append(entry[1])
        if entry and c.get("conname"):
            tables[t]["named"][c["conname"]] = entry
    for f in sorted(p for p in ws.files() if p.suffix.lower() == ".sql"):
        try:
            tree = json.loads(parse_sql_json(f.read_text(encoding="utf-8")))
        except Exception:
            continue
        for st in tree.get("stmts", []):
            st = st["stmt"]
            if "CreateStmt" in st:
                c = st["CreateStmt"]
                t = c["relation"]["relname"]
                for el in c.get("tableElts", []):
                    if "ColumnDef" in el:
                        for k in el["ColumnDef"].get("constraints", []):
                            constraint(t, k["Constraint"], el["ColumnDef"]["colname"])
                    elif "Constraint" in el:
                        constraint(t, el["Constraint"])
            elif "AlterTableStmt" in st:
                a = st["AlterTableStmt"]
                t = a["relation"]["relname"]
                for cmd in a.get("cmds", []):
                    c = cmd["AlterTableCmd"]
                    if c.get("subtype") == "AT_AddConstraint":
                        constraint(t, c["def"]["Constraint"])
                    elif c.get("subtype") == "AT_DropConstraint":
                        kind_entry = tables[t]["named"].pop(c.get("name"), None)
                        if kind_entry and kind_entry[1] in tables[t][kind_entry[0]]:
                            tables[t][kind_entry[0]].remove(kind_entry[1])
                    elif c.get("subtype") == "AT_DropColumn":
                        col = c.get("name")
                        tables[t]["keys"] = [k for k in tables[t]["keys"] if col not in k]
                        tables[t]["fks"] = [f for f in tables[t]["fks"] if col not in f[0]]
                        for n, (ti, cols) in list(indexes.items()):
                            if ti == t and col in cols:
                                del indexes[n]
            elif "IndexStmt" in st:
                i = st["IndexStmt"]
                cols = [e["IndexElem"].get("name", "") for e in i.get("indexParams", [])]
                indexes[i.get("idxname") or f"anon{len(indexes)}"] = (i["relation"]["relname"], cols)
            elif "DropStmt" in st and st["DropStmt"].get("removeType") == "OBJECT_INDEX":
                for o in st["DropStmt"].get("objects", []):
                    for n in names(o.get("List", {}).get("items")):
                        indexes.pop(n, None)
            elif "DropStmt" in st and st["DropStmt"].get("removeType") == "OBJECT_TABLE":
                for o in st["DropStmt"].get("objects", []):
                    for n in names(o.get("List", {}).get("items"))[-1:]:
                        tables.pop(n, None)
                        for k, (ti, _) in list(indexes.items()):
                            if ti == n:
                                del indexes[k]
    for t, cols in indexes.values():
        tables[t]["keys"].append(cols)
    ctx["pg_schema"] = tables
    return tables


def v_unindexed_foreign_key(ws, d, ctx):
    m = re.match(r"^foreign key `([^`]+)` \(([^)]*)\) → `([^`]+)` has no index", d["message"])
    if not m:
        return None, "verifier: message not understood"
    table, cols, to = m.group(1), [c.strip() for c in m.group(2).split(",")], m.group(3)
    schema = pg_schema(ws, ctx)
    if schema is None:
        return None, "verifier: pglast not installed"
    t = schema.get(table)
    if t is None or not any(fk == cols and target == to for fk, target in t["fks"]):
        return "wrong", f"class: PostgreSQL's parser finds no foreign key {table} ({', '.join(cols)}) → {to}"
    for k in t["keys"]:
        if len(k) >= len(cols) and sorted(k[: len(cols)]) == sorted(cols):
            return "wrong", f"class: the index or key ({', '.join(k)}) starts with it"
    return "correct", f"verified: pglast replay: {table}'s keys and indexes are " + ("; ".join("(" + ", ".join(k) + ")" for k in t["keys"]) or "none")


VERIFIERS = {
    "required-mismatch": v_required_mismatch,
    "unindexed-foreign-key": v_unindexed_foreign_key,
    "unpaginated-list": v_unpaginated_list,
    "property-not-in-dictionary": v_property_not_in_dictionary,
    "missing-error-response": v_missing_error_response,
    "untraced-operation": v_untraced_operation,
    "uncovered-requirement": v_uncovered_requirement,
    "unknown-requirement": v_unknown_requirement,
    "duplicate-requirement": v_duplicate_requirement,
    "table-not-in-dictionary": v_not_in_dictionary,
    "column-not-in-dictionary": v_not_in_dictionary,
    "syntax-error": v_syntax_error,
    "unresolved-ref": v_unresolved_ref,
    "invalid-openapi": v_invalid_openapi,
    "unsecured-operation": v_unsecured_operation,
    "undefined-security-scheme": v_undefined_security_scheme,
    "undefined-scope": v_undefined_scope,
    "missing-example": v_missing_example,
    "inconsistent-error-format": v_inconsistent_error_format,
}


def missed(ws: Workspace, diags: list[dict]) -> list[tuple[str, str, str]]:
    """Findings the verifier expects that `check` did not report:
    (code, location, what). Only for rules it re-derives completely."""
    labels = collections.defaultdict(set)
    for d in diags:
        m = re.match(r"^(\S+ .+?) (?:lacks responses|traces to no requirement)", d["message"])
        if m:
            labels[d["code"]].add(m.group(1))
    out = []
    for op in ws.operations():
        loc = f"{ws.rel(op.file)}:{op.start_pos()[0]}:{op.start_pos()[1]}"
        if op.kind == "path" and op.label not in labels["missing-error-response"]:
            needs, facts = expected_needs(ws, op)
            if needs:
                out.append(
                    (
                        "missing-error-response",
                        loc,
                        f"{op.label} lacks {', '.join(needs.values())} (declares {', '.join(facts['responses']) or 'none'}; input={facts['input']}, security={facts['security']})",
                    )
                )
        if op.label not in labels["untraced-operation"] and not ws.op_ids(op):
            out.append(("untraced-operation", loc, f"{op.label} ({op.kind}) names no FR-ID"))
    # Foreign keys without an index, from pglast's replay of the migrations
    # (MySQL files, which pglast does not read, are left out of it).
    reported = set()
    for d in diags:
        m = re.match(r"^foreign key `([^`]+)` \(([^)]*)\)", d["message"]) if d["code"] == "unindexed-foreign-key" else None
        if m:
            reported.add((m.group(1), tuple(c.strip() for c in m.group(2).split(","))))
    schema = pg_schema(ws, {}) or {}
    for t, v in schema.items():
        for fk, to in v["fks"]:
            indexed = any(len(k) >= len(fk) and sorted(k[: len(fk)]) == sorted(fk) for k in v["keys"])
            if not indexed and (t, tuple(fk)) not in reported:
                out.append(("unindexed-foreign-key", t, f"foreign key {t} ({', '.join(fk)}) -> {to} has no index"))
    return out


def workspace_for(corpus: Path, rel: str, kind: str) -> Workspace:
    target = (corpus / rel).resolve()
    root = target if kind == "folder" else target.parent
    return Workspace(root, kind, target)


def context(ws: Workspace) -> dict:
    return {
        "prds": ws.prds(),
        "dicts": ws.dictionaries(),
        "defs": definitions(ws, strict=True),
        "loose": definitions(ws, strict=False),
    }


def loc_of(d: dict) -> str:
    return f"{d['path']}:{d['line']}:{d['column']}"


def sampled_keys(diags: list[dict]) -> set[tuple[str, str, str]]:
    """Per code, every finding when at most SAMPLE, else a fixed-seed sample of SAMPLE."""
    by = collections.defaultdict(list)
    for d in diags:
        by[d["code"]].append((d["code"], loc_of(d), d["message"]))
    keep = set()
    for code, keys in by.items():
        if len(keys) <= SAMPLE:
            keep.update(keys)
        else:
            keys = sorted(keys, key=lambda k: (hashlib.sha1(f"{k[0]}|{k[1]}".encode()).hexdigest(), k[2]))
            keep.update(keys[:SAMPLE])
    return keep


# ------------------------------------------------------------------- TSV ---


def clean(s: str) -> str:
    return re.sub(r"[\t\r\n]+", " ", str(s)).strip()


def read_tsv(path: Path) -> list[dict]:
    rows = []
    if not path.exists():
        return rows
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t")
        parts += [""] * (5 - len(parts))
        rows.append(dict(zip(("verdict", "code", "location", "message", "reason"), parts[:5])))
    return rows


def write_tsv(path: Path, rows: list[dict]):
    out = [HEADER]
    for r in rows:
        out.append("\t".join(clean(r[k]) for k in ("verdict", "code", "location", "message", "reason")))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def is_auto(reason: str) -> bool:
    return reason.startswith(AUTO_PREFIXES)


# -------------------------------------------------------------- commands ---


def cmd_units(args):
    corpus = Path(args.corpus)
    ACC.mkdir(parents=True, exist_ok=True)
    lines = ["\t".join(u) for u in discover_units(corpus)]
    UNITS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} units -> {UNITS.relative_to(REPO)}")


def check_unit(binary, corpus, name, rel, kind):
    target = corpus / rel
    diags = run_check(binary, target)
    ws = workspace_for(corpus, rel, kind)
    return diags, ws


def cmd_run(args):
    corpus = Path(args.corpus)
    totals = collections.Counter()
    gaps = []
    for name, rel, kind in read_units():
        if args.unit and name != args.unit:
            continue
        diags, ws = check_unit(args.bin, corpus, name, rel, kind)
        ctx = context(ws)
        gaps += [(name, *g) for g in missed(ws, diags)]
        path = ACC / f"{name}.tsv"
        old = collections.defaultdict(list)
        for r in read_tsv(path):
            old[(r["code"], r["location"])].append(r)
        keep = sampled_keys(diags)
        rows = []
        for d in diags:
            loc = loc_of(d)
            msg = clean(d["message"])
            prev = None
            for r in old.get((d["code"], loc), []):
                if r["message"] == msg:
                    prev = r
                    old[(d["code"], loc)].remove(r)
                    break
            sampled = (d["code"], loc, d["message"]) in keep
            verdict, reason = None, ""
            if prev and prev["verdict"] in ("correct", "wrong") and not (args.reverify and is_auto(prev["reason"])):
                verdict, reason = prev["verdict"], prev["reason"]
            else:
                v, why = verify(ws, d, ctx)
                if v is not None:
                    verdict, reason = v, why
                elif prev and prev["verdict"] == "unreviewed" and prev["reason"] and not is_auto(prev["reason"]):
                    verdict, reason = "unreviewed", prev["reason"]  # a human's note
                else:
                    verdict, reason = "unreviewed", why
            if not sampled:
                # Outside the sample the verifier's opinion is kept as a note only.
                if verdict in ("correct", "wrong"):
                    reason = f"verifier: would be {verdict}: {reason}"
                verdict = "unsampled"
            rows.append({"verdict": verdict, "code": d["code"], "location": loc, "message": msg, "reason": reason})
            totals[(d["code"], verdict)] += 1
        write_tsv(path, rows)
        c = collections.Counter(r["verdict"] for r in rows)
        print(f"{name}: {len(rows)} findings ({', '.join(f'{k} {v}' for k, v in sorted(c.items()))})")
    print_totals(totals)
    if not args.unit:
        MISSED.write_text(
            "# unit\tcode\tlocation\twhat the verifier expected and check did not report\n"
            + "".join("\t".join(clean(x) for x in g) + "\n" for g in gaps),
            encoding="utf-8",
        )
        print(f"\n{len(gaps)} findings expected by the verifier and not reported -> {MISSED.relative_to(REPO)}")
        for code, n in collections.Counter(g[1] for g in gaps).most_common():
            print(f"  {code}: {n}")


def print_totals(totals):
    codes = sorted({c for c, _ in totals})
    print(f"\n{'rule':28} {'findings':>8} {'correct':>8} {'wrong':>8} {'unsampled':>9} {'unreviewed':>10}")
    for c in codes:
        n = sum(v for (cc, _), v in totals.items() if cc == c)
        print(
            f"{c:28} {n:8} {totals[(c, 'correct')]:8} {totals[(c, 'wrong')]:8} {totals[(c, 'unsampled')]:9} {totals[(c, 'unreviewed')]:10}"
        )


def cmd_before(args):
    corpus = Path(args.corpus)
    stats = collections.defaultdict(lambda: collections.Counter())
    examples = collections.defaultdict(list)
    classes = collections.defaultdict(lambda: collections.Counter())
    for name, rel, kind in read_units():
        diags, ws = check_unit(args.bin, corpus, name, rel, kind)
        ctx = context(ws)
        for code, loc, what in missed(ws, diags):
            stats[code]["missed"] += 1
            if sum(1 for e in examples[code] if e["class"] == "missed") < 3:
                examples[code].append({"unit": name, "location": loc, "message": what, "reason": "not reported", "class": "missed"})
        for d in diags:
            v, why = verify(ws, d, ctx)
            s = stats[d["code"]]
            s["findings"] += 1
            if v == "wrong":
                s["wrong"] += 1
                cls = class_of(why)
                classes[d["code"]][cls] += 1
                if sum(1 for e in examples[d["code"]] if e["class"] == cls) < 3:
                    examples[d["code"]].append(
                        {"unit": name, "location": loc_of(d), "message": d["message"], "reason": why, "class": cls}
                    )
            elif v == "correct":
                s["correct"] += 1
            else:
                s["unverified"] += 1
    out = {
        "binary": args.bin,
        "note": "every finding of the old binary, judged by the verifier of scripts/accuracy.py (no sampling)",
        "rules": {
            code: {
                "findings": s["findings"],
                "wrong": s["wrong"],
                "correct": s["correct"],
                "unverified": s["unverified"],
                "missed": s["missed"],
                "classes": dict(classes[code].most_common()),
                "examples": examples[code],
            }
            for code, s in sorted(stats.items())
        },
    }
    BEFORE.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{'rule':28} {'findings':>8} {'wrong':>8} {'correct':>8} {'unverified':>10}")
    for code, r in out["rules"].items():
        print(f"{code:28} {r['findings']:8} {r['wrong']:8} {r['correct']:8} {r['unverified']:10}")
    print(f"-> {BEFORE.relative_to(REPO)}")


def class_of(reason: str) -> str:
    """The class part of a reason: drop per-finding details (IDs, files, lists)."""
    r = re.sub(r"^class: ", "", reason)
    r = re.split(r" \(|: (?=[A-Z0-9])|;", r)[0]
    r = re.sub(r"`[^`]*`", "`X`", r)
    r = re.sub(r" under \S+$", "", r)
    r = re.sub(r"FR-\d+[a-z]?", "FR-n", r)
    r = re.sub(r"\b\d{3}\b", "NNN", r)
    r = re.sub(r"\S+/\S+", "FILE", r)
    r = re.sub(r"(GET|PUT|POST|DELETE|PATCH|HEAD|OPTIONS|TRACE|QUERY) \S+", "OP", r)
    return r.strip()


def all_rows():
    for name, rel, kind in read_units():
        for r in read_tsv(ACC / f"{name}.tsv"):
            yield name, rel, kind, r


def cmd_review(args):
    corpus = Path(args.corpus)
    units = {n: (rel, kind) for n, rel, kind in read_units()}
    shown = 0
    cache = {}
    for name, rel, kind, r in all_rows():
        if r["verdict"] != "unreviewed":
            continue
        if args.unit and name != args.unit:
            continue
        if args.code and r["code"] != args.code:
            continue
        if name not in cache:
            cache[name] = workspace_for(corpus, rel, kind)
        ws = cache[name]
        print(f"== {name}\t{r['code']}\t{r['location']}\n   {r['message']}")
        if r["reason"]:
            print(f"   note: {r['reason']}")
        for line in review_context(ws, r):
            print(f"   | {line}")
        print(f"   -> scripts/accuracy.py set {name} {r['code']} {r['location']} correct|wrong 'why'\n")
        shown += 1
        if args.limit and shown >= args.limit:
            break
    print(f"{shown} unreviewed rows shown")


def review_context(ws: Workspace, r: dict) -> list[str]:
    path, line, col = parse_loc(r["location"])
    p = ws.abs(path)
    lines = ws.doc(p).lines
    m = re.match(r"^(\S+ \S+) ", r["message"])
    if m and r["code"] in ("missing-error-response", "untraced-operation", "unpaginated-list"):
        ops, _ = find_op(ws, m.group(1), path, line, col)
        if ops:
            op = ops[0]
            start, body = op.span_lines(ws)
            out = [f"{ws.rel(op.file)}:{start}"] + body[:60]
            needs, facts = expected_needs(ws, op)
            out.append(f"(resolved) responses={facts['responses']} input={facts['input']} security={facts['security']}")
            return out
    lo, hi = max(0, line - 4), min(len(lines), line + 3)
    return [f"{i + 1:5}: {lines[i]}" for i in range(lo, hi)]


def cmd_set(args):
    path = ACC / f"{args.unit}.tsv"
    rows = read_tsv(path)
    n = 0
    for r in rows:
        if r["code"] == args.code and r["location"] == args.location:
            r["verdict"], r["reason"] = args.verdict, args.reason
            n += 1
    if not n:
        raise SystemExit("no such row")
    write_tsv(path, rows)
    print(f"{n} row(s) set")


def cmd_set_class(args):
    rx = re.compile(args.message_regex)
    total = 0
    for name, _, _ in read_units():
        if args.unit not in ("*", name):
            continue
        path = ACC / f"{name}.tsv"
        rows = read_tsv(path)
        n = 0
        for r in rows:
            if r["code"] == args.code and rx.search(r["message"]) and r["verdict"] != "unsampled":
                r["verdict"], r["reason"] = args.verdict, args.reason
                n += 1
        if n:
            write_tsv(path, rows)
            total += n
    print(f"{total} row(s) set")


def cmd_verify(args):
    bad = 0
    for name, _, _, r in all_rows():
        if r["verdict"] in ("wrong", "unreviewed"):
            bad += 1
            if args.verbose:
                print(f"{name}\t{r['verdict']}\t{r['code']}\t{r['location']}\t{r['reason']}")
    print(f"{bad} sampled finding(s) wrong or unreviewed")
    sys.exit(1 if bad else 0)


def cmd_report(args):
    per = collections.defaultdict(collections.Counter)
    units_with = collections.defaultdict(set)
    after_classes = collections.defaultdict(collections.Counter)
    for name, _, _, r in all_rows():
        per[r["code"]][r["verdict"]] += 1
        units_with[r["code"]].add(name)
        if r["verdict"] == "wrong":
            after_classes[r["code"]][class_of(r["reason"])] += 1
    before = json.loads(BEFORE.read_text(encoding="utf-8")) if BEFORE.exists() else {"rules": {}}
    units = read_units()
    codes = sorted(set(per) | set(before["rules"]))
    L = []
    L.append("# Accuracy on real workspaces")
    L.append("")
    L.append(
        "Specgate is run on real, openly licensed workspaces nobody here wrote (`../shared/corpus`: the "
        "`realworld/` spec-kit repositories and multi-file APIs listed in its `SOURCES.md`, plus the "
        "public specs under `multifile/`, `prd/`, `large/`, `medium/` and `small/`). "
        f"{len(units)} units, listed in `tests/accuracy/units.txt`. Every finding of `specgate check "
        "--format json` is one row of `tests/accuracy/<unit>.tsv` with a verdict: `correct`, `wrong` (and "
        "why, by class), `unsampled` (above 100 findings of one rule in one unit, a fixed-seed sample of "
        "100 is reviewed: the 100 with the smallest sha1 of `code|path:line:column`) or `unreviewed`. A "
        "test compares `check` with these files, so it fails when a finding appears or disappears."
    )
    L.append("")
    L.append(
        "Verdicts come from a person (`scripts/accuracy.py set`) or from an independent verifier "
        "(`scripts/accuracy.py`, Python + PyYAML, with its own `$ref` resolver across files) that "
        "re-derives what each rule should say: the operation a `missing-error-response` names is found "
        "and resolved (path items, operations, parameters and responses by `$ref`) and every named code is "
        "checked to be really absent; an `untraced-operation`'s own text and comments are searched for an "
        "FR-ID; an `uncovered-requirement` is looked for in every operation of its feature; a "
        "`syntax-error` must also be rejected by libyaml (PyYAML) or PostgreSQL's parser (pglast). It never "
        "marks a finding correct without checking; what it cannot decide stays `unreviewed`."
    )
    L.append("")
    L.append("## Rerun")
    L.append("")
    L.append("```sh")
    L.append("cargo build --release")
    L.append("scripts/accuracy.py run --bin target/release/specgate     # rewrite tests/accuracy/*.tsv, keeping reviewed verdicts")
    L.append("scripts/accuracy.py review --code missing-error-response  # what is left for a person, with context")
    L.append("scripts/accuracy.py set UNIT CODE PATH:LINE:COL correct|wrong 'reason'")
    L.append("scripts/accuracy.py before --bin OLD_BINARY              # tests/accuracy/before.json")
    L.append("scripts/accuracy.py report                               # this file")
    L.append("```")
    L.append("")
    L.append("## Per rule")
    L.append("")
    L.append(
        "*findings*: all units; *reviewed*: correct + wrong among the sampled findings; *wrong after*: "
        "reviewed wrong now; *wrong before*: findings of the binary before this work that the verifier "
        "judges wrong (all findings, not a sample; from `tests/accuracy/before.json`)."
    )
    L.append("")
    L.append("| rule | findings | units | reviewed | correct | wrong after | unsampled | unreviewed | findings before | wrong before |")
    L.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    tot = collections.Counter()
    for c in codes:
        p = per.get(c, collections.Counter())
        b = before["rules"].get(c, {})
        n = sum(p.values())
        row = {
            "findings": n,
            "units": len(units_with.get(c, ())),
            "reviewed": p["correct"] + p["wrong"],
            "correct": p["correct"],
            "wrong": p["wrong"],
            "unsampled": p["unsampled"],
            "unreviewed": p["unreviewed"],
            "bfind": b.get("findings", 0),
            "bwrong": b.get("wrong", 0),
        }
        tot.update(row)
        L.append(
            f"| `{c}` | {row['findings']} | {row['units']} | {row['reviewed']} | {row['correct']} | {row['wrong']} | "
            f"{row['unsampled']} | {row['unreviewed']} | {row['bfind']} | {row['bwrong']} |"
        )
    L.append(
        f"| **all** | {tot['findings']} | | {tot['reviewed']} | {tot['correct']} | {tot['wrong']} | {tot['unsampled']} | "
        f"{tot['unreviewed']} | {tot['bfind']} | {tot['bwrong']} |"
    )
    L.append("")
    if any(after_classes.values()):
        L.append("## Still wrong, by class")
        L.append("")
        for c in codes:
            for cls, n in after_classes[c].most_common():
                L.append(f"- `{c}`: {cls} ({n})")
        L.append("")
    # A person's account of the classes (what was wrong, how it was fixed)
    # follows this marker; `report` keeps it as written.
    marker = "<!-- written by hand below this line: `report` keeps it -->"
    old = REPORT.read_text(encoding="utf-8") if REPORT.exists() else ""
    if marker in old:
        L.append(marker)
        L.append(old.split(marker, 1)[1].lstrip("\n").rstrip("\n"))
        L.append("")
        REPORT.write_text("\n".join(L), encoding="utf-8")
        print(f"-> {REPORT.relative_to(REPO)} (hand-written part kept)")
        return
    if MISSED.exists():
        gaps = [l for l in MISSED.read_text(encoding="utf-8").splitlines() if l and not l.startswith("#")]
        L.append("## Findings the verifier expected and check did not report")
        L.append("")
        L.append(
            f"{len(gaps)} (`tests/accuracy/missed.tsv`): operations whose resolved responses lack a required code, "
            "or that name no FR-ID, with no finding."
        )
        L.append("")
    L.append("## Classes of error found and fixed")
    L.append("")
    L.append("<!-- placeholder, built from before.json: wrong findings of the old binary, grouped by reason -->")
    L.append("")
    for c, r in before["rules"].items():
        for cls, n in r.get("classes", {}).items():
            ex = next((e for e in r.get("examples", []) if e["class"] == cls), None)
            eg = f" e.g. `{ex['unit']}` {ex['location']}: {ex['message'][:120]}" if ex else ""
            L.append(f"- `{c}`: {cls} ({n} before).{eg}")
    L.append("")
    REPORT.write_text("\n".join(L), encoding="utf-8")
    print(f"-> {REPORT.relative_to(REPO)}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--corpus", default=str(default_corpus()), help="the corpus folder (../shared/corpus)")
    sub = ap.add_subparsers(dest="cmd", required=True)
    _add = sub.add_parser
    sub.add_parser = lambda *a, **k: _add(*a, parents=[common], **k)  # type: ignore[method-assign]
    sub.add_parser("units")
    p = sub.add_parser("run")
    p.add_argument("--bin", required=True)
    p.add_argument("--unit")
    p.add_argument("--reverify", action="store_true", help="recompute the verifier's own verdicts too")
    p = sub.add_parser("before")
    p.add_argument("--bin", required=True)
    p = sub.add_parser("review")
    p.add_argument("--unit")
    p.add_argument("--code")
    p.add_argument("--limit", type=int, default=0)
    p = sub.add_parser("set")
    for a in ("unit", "code", "location", "verdict", "reason"):
        p.add_argument(a)
    p = sub.add_parser("set-class")
    for a in ("unit", "code", "message_regex", "verdict", "reason"):
        p.add_argument(a)
    p = sub.add_parser("verify")
    p.add_argument("-v", "--verbose", action="store_true")
    sub.add_parser("report")
    args = ap.parse_args()
    if getattr(args, "verdict", None) and args.verdict not in ("correct", "wrong", "unreviewed"):
        raise SystemExit("verdict must be correct, wrong or unreviewed")
    {
        "units": cmd_units,
        "run": cmd_run,
        "before": cmd_before,
        "review": cmd_review,
        "set": cmd_set,
        "set-class": cmd_set_class,
        "verify": cmd_verify,
        "report": cmd_report,
    }[args.cmd](args)


if __name__ == "__main__":
    main()
