#!/usr/bin/env python3
"""Generates a synthetic Specgate workspace of a given scale, for benchmarks.

    scripts/bench-gen.py OUTDIR [--scale N] [--single-file] [--resources R]

A workspace of scale 1 has R (default 50) resources. Each resource brings
5 operations (list/create/get/update/delete), 2 requirements, one dictionary
entity with 6 attributes, one SQL table with 6 columns and one schema. Scale
N multiplies the resources, so every part of the workspace grows together:
`--scale 16` is 16x the operations, requirements, entities and tables.

The output mixes clean and faulty parts (about 1 in 7 operations untraced,
some unknown FR-IDs, some properties and columns missing from the
dictionary, some list operations without pagination) so every rule has work.

By default the API is split like real multi-file specs: api/openapi.yaml
refers to one api/paths/<resource>.yaml per resource and to shared
components. `--single-file` writes one api/openapi.yaml holding everything
(used for the keystroke-latency spec of ~2,000 lines: `--resources 20`).
The output is deterministic.
"""
import argparse
import pathlib

WORDS = [
    "account", "invoice", "payment", "customer", "order", "product", "shipment",
    "refund", "coupon", "ticket", "report", "webhook", "session", "token", "device",
    "patient", "clinician", "slot", "rating", "booking",
]
PROPS = ["id", "name", "status", "amount", "created_at", "updated_at", "owner_id", "notes"]
SQL_TYPES = ["uuid", "text", "text", "numeric(12, 2)", "timestamptz", "timestamptz", "uuid", "text"]


def resource_name(i):
    return f"{WORDS[i % len(WORDS)]}{i // len(WORDS)}"


def title(name):
    return name[0].upper() + name[1:]


def fr(i, k):
    return f"FR-{2 * i + k + 1:05d}"


def operations(i, name, indent):
    """The YAML of the two path items of resource i, at `indent` spaces."""
    p = " " * indent
    t = title(name)
    untraced = i % 7 == 3
    unknown = i % 11 == 5
    unpaginated = i % 9 == 4
    ids_list = "[]" if untraced else (f"[{fr(i, 0)}, FR-9{i:04d}]" if unknown else f"[{fr(i, 0)}]")
    ids_item = "[]" if untraced else f"[{fr(i, 1)}]"
    list_params = "" if unpaginated else (
        f"{p}  parameters:\n"
        f"{p}    - name: limit\n{p}      in: query\n{p}      schema: {{type: integer, maximum: 100}}\n"
        f"{p}    - name: starting_after\n{p}      in: query\n{p}      schema: {{type: string}}\n"
    )
    page_fields = "" if unpaginated else f"{p}              has_more: {{type: boolean}}\n"
    errors = (
        f"{p}      '400': {{$ref: '#/components/responses/BadRequest'}}\n"
        f"{p}      '401': {{$ref: '#/components/responses/Unauthorized'}}\n"
        f"{p}      '500': {{$ref: '#/components/responses/ServerError'}}\n"
    )
    return (
        f"{p}get:\n"
        f"{p}  operationId: list{t}s\n"
        f"{p}  summary: List {name}s\n"
        f"{p}  description: Returns the {name}s the caller can see, newest first.\n"
        f"{p}  x-fr-ids: {ids_list}\n"
        f"{list_params}"
        f"{p}  responses:\n"
        f"{p}    '200':\n"
        f"{p}      description: A page of {name}s\n"
        f"{p}      content:\n"
        f"{p}        application/json:\n"
        f"{p}          schema:\n"
        f"{p}            type: object\n"
        f"{p}            properties:\n"
        f"{p}              data:\n"
        f"{p}                type: array\n"
        f"{p}                items: {{$ref: '#/components/schemas/{t}'}}\n"
        f"{page_fields}"
        + errors.replace(p + "      ", p + "    ")
        + f"{p}post:\n"
        f"{p}  operationId: create{t}\n"
        f"{p}  summary: Create a {name}\n"
        f"{p}  x-fr-ids: {ids_list}\n"
        f"{p}  requestBody:\n"
        f"{p}    required: true\n"
        f"{p}    content:\n"
        f"{p}      application/json:\n"
        f"{p}        schema: {{$ref: '#/components/schemas/{t}'}}\n"
        f"{p}  responses:\n"
        f"{p}    '201':\n"
        f"{p}      description: Created\n"
        f"{p}      content:\n"
        f"{p}        application/json:\n"
        f"{p}          schema: {{$ref: '#/components/schemas/{t}'}}\n"
        + errors.replace(p + "      ", p + "    ")
    ), (
        f"{p}parameters:\n"
        f"{p}  - name: id\n{p}    in: path\n{p}    required: true\n{p}    schema: {{type: string}}\n"
        + "".join(
            f"{p}{m}:\n"
            f"{p}  operationId: {m}{t}\n"
            f"{p}  summary: {m.title()} one {name}\n"
            f"{p}  x-fr-ids: {ids_item}\n"
            f"{p}  responses:\n"
            f"{p}    '{200 if m != 'delete' else 204}':\n"
            f"{p}      description: The {name}\n"
            + (f"{p}      content:\n{p}        application/json:\n"
               f"{p}          schema: {{$ref: '#/components/schemas/{t}'}}\n" if m != "delete" else "")
            + f"{p}    '404': {{$ref: '#/components/responses/NotFound'}}\n"
            + errors.replace(p + "      ", p + "    ")
            for m in ["get", "patch", "delete"]
        )
    )


def schema(i, name, indent):
    p = " " * indent
    props = PROPS[:6] + (["legacy_code"] if i % 5 == 2 else [])
    out = f"{p}{title(name)}:\n{p}  type: object\n{p}  required: [id, name]\n{p}  properties:\n"
    for k in props:
        ty = "number" if k == "amount" else "string"
        out += f"{p}    {k}: {{type: {ty}}}\n"
    return out


RESPONSES = """    BadRequest: {description: The request is invalid}
    Unauthorized: {description: Missing or invalid credentials}
    NotFound: {description: No such object}
    ServerError: {description: Something went wrong on our side}
"""


def header(title_):
    return (
        "openapi: 3.0.3\n"
        f"info:\n  title: {title_}\n  version: 1.0.0\n"
        "security:\n  - bearer: []\n"
        "paths:\n"
    )


def write(out, n, single):
    out.mkdir(parents=True, exist_ok=True)
    api = out / "api"
    api.mkdir(exist_ok=True)
    names = [resource_name(i) for i in range(n)]
    if single:
        s = header(f"Synthetic API ({n} resources)")
        for i, name in enumerate(names):
            coll, item = operations(i, name, 4)
            s += f"  /{name}s:\n{coll}  /{name}s/{{id}}:\n{item}"
        s += "components:\n  securitySchemes:\n    bearer: {type: http, scheme: bearer}\n"
        s += "  responses:\n" + RESPONSES + "  schemas:\n"
        s += "".join(schema(i, name, 4) for i, name in enumerate(names))
        (api / "openapi.yaml").write_text(s)
    else:
        (api / "paths").mkdir(exist_ok=True)
        s = header(f"Synthetic API ({n} resources)")
        for i, name in enumerate(names):
            s += f"  /{name}s: {{$ref: './paths/{name}.yaml#/collection'}}\n"
            s += f"  /{name}s/{{id}}: {{$ref: './paths/{name}.yaml#/item'}}\n"
        s += "components:\n  securitySchemes:\n    bearer: {type: http, scheme: bearer}\n"
        s += "  responses:\n" + RESPONSES + "  schemas:\n"
        s += "".join(schema(i, name, 4) for i, name in enumerate(names))
        (api / "openapi.yaml").write_text(s)
        for i, name in enumerate(names):
            coll, item = operations(i, name, 2)
            # Refs inside a path file point back to the root's components.
            text = f"collection:\n{coll}item:\n{item}".replace("'#/components/", "'../openapi.yaml#/components/")
            (api / "paths" / f"{name}.yaml").write_text(text)

    docs = out / "docs"
    docs.mkdir(exist_ok=True)
    prd = ["# Synthetic product requirements", "", "Release Mode: Full Production", "",
           "| ID | Requirement | Priority | Release |", "|----|-------------|----------|---------|"]
    for i, name in enumerate(names):
        prd.append(f"| {fr(i, 0)} | Users can list and create {name}s | P0 | MVP |")
        if i % 13 != 7:  # some item requirements are missing: unknown-requirement
            prd.append(f"| {fr(i, 1)} | Users can read, change and delete one {name} | P1 | |")
    (docs / "prd.md").write_text("\n".join(prd) + "\n")

    dd = ["# Data Dictionary", ""]
    for i, name in enumerate(names):
        dd += [f"## {title(name)}", "", f"Table: {name}s", "",
               "| Attribute | Type | Description |", "|---|---|---|"]
        for k, ty in list(zip(PROPS, SQL_TYPES))[: 6 if i % 6 != 1 else 5]:
            dd.append(f"| `{k}` | {ty} | The {k.replace('_', ' ')} of the {name} |")
        dd.append("")
    (docs / "data-dictionary.md").write_text("\n".join(dd))

    db = out / "db"
    db.mkdir(exist_ok=True)
    sql = ["-- Synthetic schema"]
    for i, name in enumerate(names):
        cols = list(zip(PROPS, SQL_TYPES))[:6] + ([("extra_flag", "boolean")] if i % 8 == 3 else [])
        sql.append(f"CREATE TABLE {name}s (  -- {fr(i, 0)}")
        sql.append(",\n".join(f"    {c} {t}{' PRIMARY KEY' if c == 'id' else ''}" for c, t in cols))
        sql.append(");\n")
    (db / "schema.sql").write_text("\n".join(sql))
    (out / "specgate.toml").write_text("# synthetic benchmark workspace\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=pathlib.Path)
    ap.add_argument("--scale", type=int, default=1)
    ap.add_argument("--resources", type=int, default=50, help="resources at scale 1")
    ap.add_argument("--single-file", action="store_true")
    a = ap.parse_args()
    n = a.resources * a.scale
    write(a.out, n, a.single_file)
    lines = sum(p.read_text().count("\n") for p in a.out.rglob("*") if p.is_file())
    print(f"{a.out}: {n} resources, {5 * n} operations, {lines} lines")


if __name__ == "__main__":
    main()
