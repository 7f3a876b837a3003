"""Checks the DOM of the design review page as the browser left it.

    check_dom.py DOM.html CHECK.json INVENTORY.json

Compared with `specgate check --format json` (finding counts, the gate)
and `specgate inventory --format json` (the requirement × endpoint
matrix). Standard library only."""
import collections
import json
import sys
from html.parser import HTMLParser


class Dom(HTMLParser):
    """Elements with an id or a class we look at, their attributes and text."""

    def __init__(self):
        super().__init__()
        self.stack = []
        self.gate = {}  # id -> (class, data-findings, text)
        self.rule_rows = {}  # rule -> [cells]
        self.matrix_rows = {}  # FR-ID -> [cell texts]
        self.matrix_cols = []
        self.filters_shown = 0
        self.filters = 0
        self._cur = None
        self._cells = None
        self._cell = None
        self._in_matrix = False
        self._matrix_head = False
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if tag == "input" and "filter" in (a.get("class") or ""):
            self.filters += 1
            if "hidden" not in a:
                self.filters_shown += 1
        if tag == "li" and (a.get("id") or "").startswith("gate-"):
            self._cur = ("gate", a["id"][5:], a.get("class"), a.get("data-findings"))
            self._text = []
        if tag == "table" and a.get("id") == "matrix":
            self._in_matrix = True
        if tag == "thead" and self._in_matrix:
            self._matrix_head = True
        if tag == "th" and self._matrix_head and "op" in (a.get("class") or ""):
            self._cell = []
        if tag == "tr" and a.get("data-rule"):
            self._cells = ("rule", a["data-rule"], [])
        if tag == "tr" and self._in_matrix and (a.get("id") or "").startswith("req-"):
            self._cells = ("req", a["id"][4:], [])
        if tag == "td" and self._cells is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "li" and self._cur and self._cur[0] == "gate":
            self.gate[self._cur[1]] = (self._cur[2], int(self._cur[3]), "".join(self._text))
            self._cur = None
        if tag == "th" and self._matrix_head and self._cell is not None:
            self.matrix_cols.append("".join(self._cell).strip())
            self._cell = None
        if tag == "thead":
            self._matrix_head = False
        if tag == "td" and self._cells is not None and self._cell is not None:
            self._cells[2].append("".join(self._cell).strip())
            self._cell = None
        if tag == "tr" and self._cells is not None:
            kind, key, cells = self._cells
            (self.rule_rows if kind == "rule" else self.matrix_rows)[key] = cells
            self._cells = None
        if tag == "table":
            self._in_matrix = False

    def handle_data(self, data):
        if self._cur is not None:
            self._text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def main():
    dom_path, check_path, inv_path = sys.argv[1:4]
    dom = Dom()
    dom.feed(open(dom_path, encoding="utf-8").read())
    check = json.load(open(check_path, encoding="utf-8"))
    diags = check if isinstance(check, list) else check.get("diagnostics", check.get("findings", []))
    inv = json.load(open(inv_path, encoding="utf-8"))
    failures = []

    def expect(ok, what):
        print(("PASS " if ok else "FAIL ") + what)
        if not ok:
            failures.append(what)

    # The browser ran the page's script: it shows the filter boxes it wires.
    expect(dom.filters > 0 and dom.filters_shown == dom.filters,
           f"the script ran in the browser: {dom.filters_shown} of {dom.filters} filter boxes shown")

    # Counts per rule equal `check`'s.
    by_rule = collections.Counter(d["code"] for d in diags)
    shown = {r: int(c[2]) for r, c in dom.rule_rows.items()}
    expect(shown == dict(by_rule), f"finding counts per rule match check: {shown} vs {dict(by_rule)}")

    # The gate: an item fails exactly when check reports a finding of its rules.
    gate_rules = {
        "traced": ["untraced-operation", "unknown-requirement", "ambiguous-requirement", "duplicate-requirement"],
        "covered": ["uncovered-requirement"],
        "responses": ["missing-error-response"],
        "paginated": ["unpaginated-list"],
        "auth": ["unsecured-operation", "undefined-security-scheme", "undefined-scope", "missing-permission"],
        "examples": ["missing-example"],
    }
    expect(len(dom.gate) >= 7, f"the checklist has {len(dom.gate)} items")
    for item, rules in gate_rules.items():
        n = sum(by_rule.get(r, 0) for r in rules)
        cls, count, text = dom.gate.get(item, (None, -1, ""))
        want = "pass" if n == 0 else "fail"
        expect(cls == want and count == n, f"gate item {item}: {cls} with {count} findings (check: {n} → {want})")
    expect(dom.gate.get("data-model", ("", 0, ""))[0] == "fail",
           "gate item data-model fails on the example (its migrations drift from the dictionary)")

    # The matrix: a dot exactly where the inventory says an endpoint traces a requirement.
    reqs = {r["id"]: r for r in inv["requirements"]}
    expect(set(dom.matrix_rows) == set(reqs), f"matrix rows are the requirements ({len(dom.matrix_rows)})")
    bad = []
    for rid, cells in dom.matrix_rows.items():
        hits = {dom.matrix_cols[i] for i, c in enumerate(cells[6:]) if c == "●"}
        want = set(reqs[rid]["operations"])
        if hits != want:
            bad.append(f"{rid}: page {sorted(hits)} vs inventory {sorted(want)}")
        endpoints = cells[5]
        if (endpoints == "none") != (not want):
            bad.append(f"{rid}: endpoints cell {endpoints!r}")
    expect(not bad, "matrix cells match the inventory" + ("" if not bad else ": " + "; ".join(bad)))
    uncovered = [rid for rid, r in reqs.items() if not r["operations"]]
    expect(bool(uncovered), f"the example has an uncovered requirement shown as such: {uncovered}")

    if failures:
        sys.exit(f"{len(failures)} check(s) failed")


if __name__ == "__main__":
    main()
