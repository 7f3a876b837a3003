//! Edits on real parses: each case inserts or replaces, re-parses the result
//! (no syntax errors, the new value reads back), and snapshots the text.

use super::render::{Raw, Val};
use super::structured::{DocEditor, Pos};
use super::style::{detect, Format};
use crate::diag::FileId;
use specgate_syntax::tree::{Document, Node};

fn parse(file: &str, text: &str) -> Document {
    match Format::of(file) {
        Format::Json => specgate_syntax::parse::parse_json(text),
        Format::Yaml => specgate_syntax::parse::parse_yaml(text),
    }
}

/// Runs `f` on an editor of `text` and returns the edited text, checking
/// that it parses without errors.
fn edit(file: &str, text: &str, f: impl for<'a> FnOnce(&mut DocEditor<'a>, &'a Node)) -> String {
    let doc = parse(file, text);
    assert!(
        doc.errors.is_empty(),
        "fixture does not parse: {:?}",
        doc.errors
    );
    let id: FileId = file.into();
    let root = doc.root.as_ref().expect("root");
    let mut ed = DocEditor::new(&id, text, Some(&doc));
    f(&mut ed, root);
    let edits = ed.finish();
    let out = super::apply(text, &edits).expect("edits apply");
    let again = parse(file, &out);
    assert!(
        again.errors.is_empty(),
        "edited text does not parse: {:?}\n{out}",
        again.errors
    );
    out
}

fn at<'a>(root: &'a Node, path: &[&str]) -> &'a Node {
    root.pointer(path.iter().copied()).expect("path exists")
}

#[test]
fn style_of_block_yaml() {
    let t = "a:\n    b:\n    - x: 1\n      y: \"q\"\n    c: {d: 1}\n    e: {f: 2}\n";
    let doc = parse("a.yaml", t);
    let s = detect(t, Some(&doc), Format::Yaml);
    assert_eq!(s.indent, 4);
    assert!(!s.seq_indent);
    assert!(s.flow_small);
}

#[test]
fn entry_before_a_commented_key_keeps_the_comment_with_it() {
    let t = "get:\n  summary: x\n  # the responses\n  responses: {}\n";
    let out = edit("a.yaml", t, |ed, root| {
        ed.insert_entry(
            at(root, &["get"]),
            "x-fr-ids",
            Val::Seq(vec![Val::str("FR-1")]),
            Pos::Before(&["responses"]),
        );
    });
    assert_eq!(
        out,
        "get:\n  summary: x\n  x-fr-ids: [FR-1]\n  # the responses\n  responses: {}\n"
    );
}

#[test]
fn entry_at_the_end_after_a_trailing_comment_and_block_scalar() {
    let t = "a:\n  b: 1 # one\nc: 2\n";
    let out = edit("a.yaml", t, |ed, root| {
        ed.insert_entry(at(root, &["a"]), "z", Val::str("new"), Pos::End);
    });
    assert_eq!(out, "a:\n  b: 1 # one\n  z: new\nc: 2\n");
    let t = "a:\n  text: |\n    line\n\nc: 2\n";
    let out = edit("a.yaml", t, |ed, root| {
        ed.insert_entry(at(root, &["a"]), "z", Val::lit("1"), Pos::End);
    });
    assert!(out.contains("    line\n  z: 1\n"), "{out}");
}

#[test]
fn entry_into_a_list_item_map_and_before_its_first_key() {
    let t = "params:\n  - name: a\n    in: query\n";
    let out = edit("a.yaml", t, |ed, root| {
        let item = &at(root, &["params"]).items()[0];
        ed.insert_entry(item, "description", Val::str("first"), Pos::Start);
    });
    assert_eq!(
        out,
        "params:\n  - description: first\n    name: a\n    in: query\n"
    );
}

#[test]
fn empty_flow_map_becomes_a_block_map() {
    let t = "paths:\n  /a:\n    get:\n      responses: {}\n";
    let out = edit("a.yaml", t, |ed, root| {
        let r = at(root, &["paths", "/a", "get", "responses"]);
        ed.insert_entry(
            r,
            "404",
            Val::Ref("#/components/responses/NotFound".into()),
            Pos::Status,
        );
    });
    assert_eq!(
        out,
        "paths:\n  /a:\n    get:\n      responses:\n        '404':\n          $ref: '#/components/responses/NotFound'\n"
    );
}

#[test]
fn missing_parents_are_created_once() {
    let t = "openapi: 3.0.3\npaths: {}\n";
    let out = edit("a.yaml", t, |ed, _| {
        assert!(ed.ensure_entry(
            &["components", "schemas"],
            "Problem",
            Val::map([("type", Val::str("object"))]),
            Pos::End
        ));
        assert!(ed.ensure_entry(
            &["components", "responses"],
            "NotFound",
            Val::map([("description", Val::str("No such thing."))]),
            Pos::End
        ));
    });
    assert_eq!(
        out,
        "openapi: 3.0.3\npaths: {}\ncomponents:\n  schemas:\n    Problem:\n      type: object\n  responses:\n    NotFound:\n      description: No such thing.\n"
    );
}

#[test]
fn empty_value_is_filled() {
    let t = "components:\nx: 1\n";
    let out = edit("a.yaml", t, |ed, _| {
        assert!(ed.ensure_entry(
            &["components", "schemas"],
            "A",
            Val::map([("type", Val::str("object"))]),
            Pos::End
        ));
    });
    assert_eq!(
        out,
        "components:\n  schemas:\n    A:\n      type: object\nx: 1\n"
    );
}

#[test]
fn status_order_and_crlf() {
    let t = "r:\r\n  '200': {description: ok}\r\n  '409': {description: c}\r\n  default: {description: d}\r\n";
    let out = edit("a.yaml", t, |ed, root| {
        let r = at(root, &["r"]);
        ed.insert_entry(
            r,
            "404",
            Val::map([("description", Val::str("nf"))]),
            Pos::Status,
        );
        ed.insert_entry(
            r,
            "500",
            Val::map([("description", Val::str("e"))]),
            Pos::Status,
        );
        ed.insert_entry(
            r,
            "401",
            Val::map([("description", Val::str("u"))]),
            Pos::Status,
        );
    });
    assert_eq!(
        out,
        "r:\r\n  '200': {description: ok}\r\n  '401': {description: u}\r\n  '404': {description: nf}\r\n  '409': {description: c}\r\n  '500': {description: e}\r\n  default: {description: d}\r\n"
    );
}

#[test]
fn list_items_block_flow_and_empty() {
    let t = "a:\n- x\nb: [x]\nc: []\n";
    let out = edit("a.yaml", t, |ed, root| {
        ed.insert_item(at(root, &["a"]), Val::str("w"), None);
        ed.insert_item(at(root, &["b"]), Val::str("w, z"), None);
        ed.insert_item(at(root, &["c"]), Val::str("yes"), None);
    });
    assert_eq!(out, "a:\n- x\n- w\nb: [x, 'w, z']\nc: ['yes']\n");
}

#[test]
fn raw_text_moves_deeper_without_rewriting() {
    let t = "s:\n  schema:\n    type: array # the list\n    items:\n      $ref: '#/x'\n";
    let out = edit("a.yaml", t, |ed, root| {
        let s = at(root, &["s", "schema"]);
        let entry = at(root, &["s"]).entry("schema").unwrap();
        let raw = Val::Raw(Raw {
            text: t[s.span.start as usize..s.span.end as usize].to_string(),
            col: 4,
            block: true,
        });
        ed.replace_value(
            entry,
            Val::map([
                ("type", Val::str("object")),
                ("properties", Val::Map(vec![("data".into(), raw)])),
            ]),
        );
    });
    assert_eq!(
        out,
        "s:\n  schema:\n    type: object\n    properties:\n      data:\n        type: array # the list\n        items:\n          $ref: '#/x'\n"
    );
}

#[test]
fn json_pretty_compact_and_tabs() {
    let t = "{\n    \"a\": {\n        \"b\": 1\n    }\n}\n";
    let out = edit("a.json", t, |ed, root| {
        ed.insert_entry(
            at(root, &["a"]),
            "c",
            Val::map([("d", Val::Seq(vec![Val::str("x")]))]),
            Pos::End,
        );
        ed.insert_entry(root, "z", Val::Map(Vec::new()), Pos::End);
    });
    assert_eq!(
        out,
        "{\n    \"a\": {\n        \"b\": 1,\n        \"c\": {\n            \"d\": [\"x\"]\n        }\n    },\n    \"z\": {}\n}\n"
    );
    let t = "{\"a\":{},\"b\":[1]}";
    let out = edit("a.json", t, |ed, root| {
        ed.insert_entry(at(root, &["a"]), "k", Val::str("v"), Pos::End);
        ed.insert_item(at(root, &["b"]), Val::lit("2"), None);
    });
    assert_eq!(out, "{\"a\":{\"k\":\"v\"},\"b\":[1,2]}");
    let t = "{\n\t\"a\": {\n\t\t\"b\": 1\n\t}\n}\n";
    let out = edit("a.json", t, |ed, root| {
        ed.insert_entry(
            at(root, &["a"]),
            "c",
            Val::map([("d", Val::lit("true"))]),
            Pos::Start,
        );
    });
    assert_eq!(
        out,
        "{\n\t\"a\": {\n\t\t\"c\": {\n\t\t\t\"d\": true\n\t\t},\n\t\t\"b\": 1\n\t}\n}\n"
    );
}

#[test]
fn flow_yaml_inline_and_multiline() {
    let t = "{a: {b: 1}, c: [1]}\n";
    let out = edit("a.yaml", t, |ed, root| {
        ed.insert_entry(at(root, &["a"]), "x", Val::str("#y"), Pos::End);
    });
    assert_eq!(out, "{a: {b: 1, x: '#y'}, c: [1]}\n");
    let t = "{\n  a: 1,\n  b: 2\n}\n";
    let out = edit("a.yaml", t, |ed, root| {
        ed.insert_entry(root, "aa", Val::str("x"), Pos::Index(1));
    });
    assert_eq!(out, "{\n  a: 1,\n  aa: x,\n  b: 2\n}\n");
}

/// A flow map whose last "key" has no colon (a comma inside a plain
/// description split it): the new entry goes before its `}`, not after the
/// next line's colon.
#[test]
fn flow_map_ending_in_a_key_without_colon() {
    let t = "r:\n  '401': { description: Denied (sign in, then return) }\n  '409': { description: x }\n";
    let out = edit("a.yaml", t, |ed, root| {
        ed.insert_entry(
            at(root, &["r", "401"]),
            "content",
            Val::map([("a", Val::lit("1"))]),
            Pos::End,
        );
    });
    assert_eq!(
        out,
        "r:\n  '401': { description: Denied (sign in, then return), content: {a: 1} }\n  '409': { description: x }\n"
    );
}

#[test]
fn responses_are_written_like_the_other_responses() {
    let t = "paths:\n  /a:\n    $ref: a.yaml\n  /b:\n    $ref: b.yaml\n  /c:\n    get:\n      responses:\n        '200': {$ref: r.yaml#/Ok}\n";
    let out = edit("a.yaml", t, |ed, root| {
        let r = at(root, &["paths", "/c", "get", "responses"]);
        ed.insert_entry(r, "404", Val::Ref("r.yaml#/NotFound".into()), Pos::Status);
        ed.insert_entry(
            at(root, &["paths"]),
            "/d",
            Val::Ref("d.yaml".into()),
            Pos::End,
        );
    });
    assert!(
        out.contains("        '404': {$ref: r.yaml#/NotFound}\n"),
        "{out}"
    );
    assert!(out.contains("  /d:\n    $ref: d.yaml"), "{out}");
}
