#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into fuzz/corpus/<target>/.

Seeds are the example workspace's files plus small hand-written edge cases
(each a few hundred bytes). Run from anywhere: `python3 fuzz/make-seeds.py`.
Existing files of the same name are overwritten; other files (inputs the
fuzzer found and someone committed) are left alone.
"""
import os
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
CLINIC = ROOT / "examples" / "clinic"
SEP = b"\xff"  # splits a `workspace` input into files (see targets.rs)


def clinic(rel):
    p = CLINIC / rel
    return p.read_bytes() if p.exists() else b""


YAML = {
    "anchors": b"a: &x {k: v, l: [1, 2]}\nb: *x\nc: <<: *x\n",
    "alias-bomb": b"a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
    "block-scalars": b"d: |\n  line1\n   line2\nf: >-\n  folded\n  text\n\nk: |+2\n    keep\n\n",
    "flow": b"{a: [1, {b: c}, 'q''s', \"e\\u00e9\\x41\"], ? complex : v}\n",
    "multidoc": b"---\na: 1\n...\n---\nb: 2\n",
    "tabs-and-errors": b"a:\n\t- b\nc: 'unterminated\nd: [1, 2\n",
    "deep": b"[" * 200 + b"]" * 200 + b"\n",
    "unicode": "\ufeffcl\u00e9: \"\u65e5\u672c\u8a9e \U0001f600\"\r\nk2: v\r\n".encode(),
    "ref-cycle": b"openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n"
    b"  schemas:\n    A: {$ref: '#/components/schemas/B'}\n    B: {$ref: '#/components/schemas/A'}\n",
    "tags-and-keys": b"!!map {? !!str a : !custom b}\n%YAML 1.2\n---\n&anc !t k: *anc\n",
}

JSON = {
    "openapi": b'{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/items":{"get":'
    b'{"x-fr-ids":["FR-001"],"responses":{"200":{"description":"ok"}}}}}}',
    "escapes": b'{"a":"\\u00e9\\ud83d\\ude00\\n\\t\\"\\\\\\/","b":"\\ud800","c":"\\uZZZZ"}',
    "numbers": b'[0, -0, 1e308, 1e999, -1.5E-7, 12345678901234567890123, true, false, null]',
    "deep": b"[" * 300 + b"]" * 300,
    "malformed": b'{"a": [1, 2,], "b": {"c" 1}, // comment\n "d": \'x\'',
    "duplicate-keys": b'{"a":1,"a":2,"":3}',
}

PRD = {
    "table": b"| ID | Requirement | Priority | Release |\n|---|---|---|---|\n| FR-001 | A | P0 | MVP |\n"
    b"| FR-002 | B | MUST | |\n| FR-001 | dup | P3 | x |\n",
    "headings": b"Release Mode: MVP\n\n### FR-010: Export (P1)\n\n## FR-011 \xe2\x80\x94 Rate (P0, MVP)\n"
    b"- FR-012: list item (SHOULD)\n- NFR-001 not a requirement; FR-0 mention FR-9999999999\n",
    "broken-table": b"| ID | Requirement\n|---\n| FR-1 | a | b | c | d |\n| | |\n|\n",
}

DICT_MD = {
    "basic": b"# Data Dictionary\n\n## Patient\n\nTable: patients\n\n| Attribute | Type | Description |\n"
    b"|---|---|---|\n| `id` | uuid | pk |\n| `full_name` | text | |\n",
    "odd": b"## \n\n| a |\n|---|\n| `` |\n## `Weird` Entity (v2)\nTable:\n| x | y |\n| - | - |\n| \xc3\xa9 | \xf0\x9f\x98\x80 |\n",
}

CSV = {
    "basic": b"entity,attribute,type,description\nPatient,id,uuid,pk\nPatient,full_name,text,\"a, b\"\n",
    "quotes": b'entity,attribute\n"Pa""tient","multi\nline"\n"unterminated,x\n',
    "ragged": b"a\n,,,,,,\n\n\r\nx,y,z\r\n",
}

SQL = {
    "basic": b"CREATE TABLE IF NOT EXISTS public.\"Patients\" ( -- FR-001\n  id uuid PRIMARY KEY,\n"
    b"  name varchar(80) NOT NULL,\n  CONSTRAINT c CHECK (length(name) > 0)\n);\n"
    b"ALTER TABLE patients ADD COLUMN phone text;\n",
    "odd": b"/* FR-002 */ create table `t` (a int, b numeric(10, 2), c text default 'x);y');\n"
    b"CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\nCREATE TABLE (\n",
    "unterminated": b"CREATE TABLE x (a int, /* never closed\n",
}

TOML_OK = b'[requirements]\ntrace_keys = ["x-fr-ids"]\n[rules]\nunpaginated-list = "warning"\n'
TOML_BAD = b'[files]\nmax_file_size = "big"\n[rules]\nno-such = 3\n'

WORKSPACE = {
    # names in order: api/openapi.yaml, docs/prd.md, docs/data-dictionary.md,
    # db/schema.sql, api/paths/items.yaml, specgate.toml, api/other.json, ...
    "clinic": SEP.join(
        [
            clinic("api/openapi.yaml"),
            clinic("docs/prd.md"),
            clinic("docs/data-dictionary.md"),
            clinic("db/migrations/001_init.sql"),
            clinic("api/paths/appointments.yaml"),
            clinic("specgate.toml"),
        ]
    ),
    "small": SEP.join(
        [
            b"openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /items:\n    get:\n"
            b"      x-fr-ids: [FR-001, FR-404]\n      responses:\n        '200': {$ref: 'paths/items.yaml#/ok'}\n"
            b"    post: {$ref: '../../etc/passwd'}\n",
            PRD["table"],
            DICT_MD["basic"],
            SQL["basic"],
            b"ok:\n  description: ok\n  content: {application/json: {schema: {$ref: '#/ok'}}}\n",
            TOML_BAD,
            JSON["openapi"],
            CSV["basic"],
        ]
    ),
}


def write(target, name, data):
    d = HERE / "corpus" / target
    d.mkdir(parents=True, exist_ok=True)
    (d / f"seed-{name}").write_bytes(data)


def main():
    for name, data in YAML.items():
        write("parse_yaml", name, data)
    for rel in ["api/openapi.yaml", "api/paths/appointments.yaml", "api/components/schemas.yaml"]:
        write("parse_yaml", "clinic-" + rel.replace("/", "-"), clinic(rel))
    for name, data in JSON.items():
        write("parse_json", name, data)
    for name, data in PRD.items():
        write("parse_prd", name, data)
    write("parse_prd", "clinic", clinic("docs/prd.md"))
    for name, data in DICT_MD.items():
        write("dictionary_markdown", name, data)
    write("dictionary_markdown", "clinic", clinic("docs/data-dictionary.md"))
    for name, data in CSV.items():
        write("dictionary_csv", name, data)
    for name, data in SQL.items():
        write("parse_sql", name, data)
    write("parse_sql", "clinic-001", clinic("db/migrations/001_init.sql"))
    write("parse_sql", "clinic-002", clinic("db/migrations/002_ratings.sql"))
    for name, data in WORKSPACE.items():
        write("workspace", name, data)
    n = sum(1 for _ in (HERE / "corpus").rglob("*") if _.is_file())
    print(f"{n} corpus files under {os.path.relpath(HERE / 'corpus')}")


if __name__ == "__main__":
    main()
