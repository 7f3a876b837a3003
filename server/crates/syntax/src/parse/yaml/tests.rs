//! Tests of the YAML reader.
#![cfg(test)]

use super::saphyr::{self as yaml_saphyr, Ctx};
use super::{parse_yaml, parse_yaml_incremental, ParsedYaml};
use crate::parse::test_util::{corpus, diff, dump, files, Rng};
use crate::tree::{Document, Node, ScalarStyle, Value};

/// The document read in one piece by saphyr-parser (the reference).
fn reference(text: &str) -> Document {
    let mut ctx = Ctx::new(text.len());
    let r = yaml_saphyr::read(text, 0, text.len(), &mut ctx);
    assert!(r.fatal.is_none(), "reference failed: {:?}", r.fatal);
    Document {
        root: r.root,
        comments: r.comments,
        errors: r.errors,
        warnings: Vec::new(),
    }
}

/// Asserts that the chunked reader and the reference agree on `text`.
fn same_as_reference(name: &str, text: &str) {
    let doc = parse_yaml(text);
    let refd = reference(text);
    assert!(
        doc.errors.is_empty(),
        "{name}: unexpected errors {:?}",
        doc.errors
    );
    match (&doc.root, &refd.root) {
        (Some(a), Some(b)) => {
            if let Some(d) = diff(a, b) {
                panic!("{name}: differs from the reference: {d}");
            }
        }
        (a, b) => assert_eq!(a.is_none(), b.is_none(), "{name}: root presence"),
    }
    assert_eq!(doc.comments, refd.comments, "{name}: comments");
}

#[test]
fn corpus_matches_reference() {
    let Some(dir) = corpus() else { return };
    for f in files(&dir, &["yaml", "yml"]) {
        let text = std::fs::read_to_string(&f).unwrap();
        let mut ctx = Ctx::new(text.len());
        if yaml_saphyr::read(&text, 0, text.len(), &mut ctx)
            .fatal
            .is_some()
        {
            // Not valid YAML (the corpus has a broken file); the reference
            // has nothing to say about it.
            continue;
        }
        same_as_reference(&f.display().to_string(), &text);
    }
}

fn scalar(n: &Node) -> (&str, ScalarStyle) {
    match &n.value {
        Value::Scalar(s, st) => (s, *st),
        v => panic!("not a scalar: {v:?}"),
    }
}

#[test]
fn tricky_constructs_match_reference() {
    let cases = [
        "a: 1\nb: two words\nc: 'single ''q'''\nd: \"dq \\t \\u00e9 \\x41\"\n",
        "a: |\n  line1\n   indented\n\n  after blank\nb: >\n  folded\n  text\n\n  para\n   more\n  end\nc: |-\n  strip\n\nd: |+\n  keep\n\ne: x\n",
        "a: >2\n    two extra\n  base\nb: |1-\n  x\n",
        "k: plain\n  continued\n\n  new para\nz: 1\n",
        "k: \"multi\n  line \\\n  escaped\n\n  quoted\"\nz: 'sq\n  two'\n",
        "seq:\n- a\n- b: 1\n  c: 2\n- - x\n  - y\n-\n- [1, 2, {a: b}]\nafter: 1\n",
        "m:\n  - name: x\n    in: query\n  - name: y\n",
        "f: {a: 1, b: [x, y], \"c\": 'd', e: }\ng: [ ]\nh: {}\ni: [a,\n  b, c]\n",
        "# lead\nk: v # trailing\n# between\nl:   # after colon\n  m: 1\n",
        "e1:\ne2:\n  # only comment\ne3: ~\n",
        "url: http://x.y/z#frag\nhash: a#b\ncolon: a:b\n",
        "neg: -1\n-k: v\nf: [-1, -2]\n",
        "\"quoted key\": 1\n'sq key': 2\n\"esc\\\"key\": 3\n",
        "a:\n  b:\n    c:\n      d: deep\n",
        "top:\n  - |\n    lit in seq\n  - >-\n    folded\n    in seq\n",
        "é: 😀\n漢字: \"值\"\nk: 'ü'\n",
        "a: b\r\nc:\r\n  - d\r\n  - \"e\r\n  f\"\r\n# c\r\ng: |\r\n  x\r\n  y\r\n",
        "anchors: &a\n  x: 1\nuse: *a\nmerge:\n  <<: *a\n  y: 2\n",
        "- a\n- b\n",
        "--- # doc\na: 1\n...\n",
        "a: 1\n---\nb: 2\n",
        "enum: [\n  a, b\n]\nx: 1\n",
        "tagged: !str 123\nset: !!set {a, b}\n",
        "? complex\n: value\nk: v\n",
        "a: 'x' # c\nb: \"y\"   # d\nc: [1, 2] # e\nd: {} # f\n",
        "text: |  # header comment\n  # not a comment\n  body\n",
        "empty_block: |\nnext: 1\n",
        "k: a\tb\nl:  \tvalue\n",
        "  indented: 1\n  doc: 2\n",
        "a: 1\rb: [x, é]\rc: |\r  t\r",
        "\u{feff}a: 1\nb: 2\n",
        "a: x\u{85}y\nb: \"\\N\"\n",
    ];
    for (i, c) in cases.iter().enumerate() {
        same_as_reference(&format!("case {i}: {c:?}"), c);
    }
}

#[test]
fn spans_are_exact() {
    let text =
        "a: plain value\nq: \"dq\"\ns: 'sq'\nb: |\n  x\n  y\n\nf: [1, {k: v}]\nm:\n  n: 1\nz:\n";
    let doc = parse_yaml(text);
    let root = doc.root.as_ref().unwrap();
    let at = |k: &str| {
        let e = root.entry(k).unwrap();
        (
            &text[e.key_span.start as usize..e.key_span.end as usize],
            &text[e.value.span.start as usize..e.value.span.end as usize],
        )
    };
    assert_eq!(at("a"), ("a", "plain value"));
    assert_eq!(at("q"), ("q", "\"dq\""));
    assert_eq!(at("s"), ("s", "'sq'"));
    assert_eq!(at("b"), ("b", "|\n  x\n  y"));
    assert_eq!(at("f"), ("f", "[1, {k: v}]"));
    assert_eq!(at("m"), ("m", "n: 1"));
    let z = root.get("z").unwrap();
    assert_eq!(z.value, Value::Missing);
    assert_eq!(z.span.start as usize, text.len() - 1);
    assert!(z.span.is_empty());
    assert_eq!(
        scalar(root.get("b").unwrap()),
        ("x\ny\n", ScalarStyle::Literal)
    );
    let f = root.get("f").unwrap();
    let inner = &f.items()[1];
    assert_eq!(
        &text[inner.span.start as usize..inner.span.end as usize],
        "{k: v}"
    );
}

#[test]
fn multibyte_and_crlf_spans() {
    let text = "é: 😀 x\r\n漢字:\r\n  - \"a\r\n    b\"\r\n  - c # note é\r\n";
    let doc = parse_yaml(text);
    let root = doc.root.as_ref().unwrap();
    let e = root.entry("é").unwrap();
    assert_eq!(
        &text[e.key_span.start as usize..e.key_span.end as usize],
        "é"
    );
    assert_eq!(
        &text[e.value.span.start as usize..e.value.span.end as usize],
        "😀 x"
    );
    let items = root.get("漢字").unwrap().items();
    assert_eq!(scalar(&items[0]), ("a b", ScalarStyle::DoubleQuoted));
    assert_eq!(
        &text[items[0].span.start as usize..items[0].span.end as usize],
        "\"a\r\n    b\""
    );
    assert_eq!(scalar(&items[1]).0, "c");
    assert_eq!(doc.comments.len(), 1);
    let c = doc.comments[0].span;
    assert_eq!(&text[c.start as usize..c.end as usize], "# note é");
    same_as_reference("crlf", text);
}

#[test]
fn half_typed_yaml_keeps_the_rest() {
    let text = "paths:\n  /a:\n    get:\n      summary: \"unclosed\n  /b:\n    post: {}\n";
    let doc = parse_yaml(text);
    let root = doc.root.as_ref().unwrap();
    let paths = root.get("paths").unwrap();
    let b = paths.get("/b").expect("/b is read");
    assert!(b.get("post").unwrap().is_map());
    assert!(paths.get("/a").unwrap().get("get").is_some());
    assert_eq!(doc.errors.len(), 1, "{:?}", doc.errors);
    let e = &doc.errors[0];
    let q = text.find('"').unwrap() as u32;
    assert_eq!(e.span.start, q, "{e:?}");
    assert_eq!(e.message, "unclosed quoted scalar");
}

#[test]
fn big_generated_document_is_read_completely() {
    let mut text = String::from("openapi: 3.0.0\ninfo:\n  title: t\n  version: '1'\npaths:\n");
    for i in 0..8000 {
        text.push_str(&format!(
            "  /items/{i}:\n    get:\n      operationId: get{i}\n      responses:\n        '200':\n          description: ok {i}\n"
        ));
    }
    assert!(text.lines().count() > 40_000);
    let doc = parse_yaml(&text);
    assert!(doc.errors.is_empty(), "{:?}", &doc.errors[..1]);
    let paths = doc.root.as_ref().unwrap().get("paths").unwrap();
    assert_eq!(paths.entries().len(), 8000);
    let last = paths.get("/items/7999").unwrap();
    let op = last.get("get").unwrap();
    assert_eq!(op.get("operationId").unwrap().as_str(), Some("get7999"));
    let d = op
        .get("responses")
        .unwrap()
        .get("200")
        .unwrap()
        .get("description")
        .unwrap();
    assert_eq!(d.as_str(), Some("ok 7999"));
    assert_eq!(&text[d.span.start as usize..d.span.end as usize], "ok 7999");
    same_as_reference("generated", &text);
}

#[test]
fn alias_bomb_is_bounded() {
    let mut text = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for w in names.windows(2) {
        let (p, n) = (w[0], w[1]);
        text.push_str(&format!(
            "{n}: &{n} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
        ));
    }
    let t = std::time::Instant::now();
    let doc = parse_yaml(&text);
    let el = t.elapsed();
    assert!(el.as_millis() < 1000, "took {el:?}");
    assert!(
        doc.errors
            .iter()
            .any(|e| e.message.contains("alias expansion limit")),
        "{:?}",
        doc.errors
    );
    // The small levels are expanded.
    let b = doc.root.as_ref().unwrap().get("b").unwrap();
    assert_eq!(b.items().len(), 9);
    assert_eq!(b.items()[0].items().len(), 9);
}

#[test]
fn deep_nesting_does_not_overflow() {
    for text in [
        "[".repeat(100_000),
        format!("a: {}", "[".repeat(100_000)),
        format!("a: {}{}", "[".repeat(1000), "]".repeat(1000)),
        "- ".repeat(5000) + "x\n",
        "{a: ".repeat(20_000),
        (0..1000)
            .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
            .collect(),
    ] {
        let doc = parse_yaml(&text);
        assert!(!doc.errors.is_empty());
    }
}

#[test]
fn empty_and_comment_only() {
    assert!(parse_yaml("").root.is_none());
    let d = parse_yaml("# just a comment\n\n   # another\n");
    assert!(d.root.is_none());
    assert_eq!(d.comments.len(), 2);
    assert!(d.errors.is_empty());
    assert!(parse_yaml("---\n").root.is_none());
}

#[test]
fn first_document_only() {
    let d = parse_yaml("a: 1\n---\nb: [\n");
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    let root = d.root.unwrap();
    assert!(root.get("a").is_some());
    assert!(root.get("b").is_none());
}

#[test]
fn duplicate_keys_are_kept() {
    let d = parse_yaml("a: 1\na: 2\n");
    let root = d.root.unwrap();
    assert_eq!(root.entries().len(), 2);
    assert_eq!(root.get("a").unwrap().as_str(), Some("1"));
}

#[test]
fn unquoted_ref_is_a_comment() {
    let d = parse_yaml("schema:\n  $ref: #/components/schemas/Pet\n");
    assert!(d.errors.is_empty());
    let r = d.root.unwrap();
    let s = r.get("schema").unwrap();
    assert!(s.get("$ref").unwrap().is_null());
    assert_eq!(d.comments.len(), 1);
}

#[test]
fn dump_smoke() {
    let text = "a: 1 # c\n";
    let s = dump(text, &parse_yaml(text));
    assert!(s.contains("comment"));
}

/// A random edit of `text` (at a char boundary), like typing would make.
fn random_edit(text: &str, rng: &mut Rng) -> String {
    let mut at = rng.below(text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let mut end = (at + rng.below(12)).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let ins = [
        "",
        "x",
        " ",
        "\n",
        "\"",
        "'",
        ":",
        ": ",
        "- ",
        "#",
        "[",
        "]",
        "{",
        "}",
        "\n  k: v",
        "\nnew: 1\n",
        "  ",
        "\n- a\n",
        "|\n  t\n",
        "é",
        "\t",
        ",",
        "&a ",
        "*a",
    ];
    let what = ins[rng.below(ins.len())];
    let mut out = String::with_capacity(text.len() + 16);
    out.push_str(&text[..at]);
    out.push_str(what);
    out.push_str(&text[end..]);
    out
}

fn assert_same_doc(ctx: &str, text: &str, inc: &Document) {
    let full = parse_yaml(text);
    if inc.root != full.root {
        let d = match (&inc.root, &full.root) {
            (Some(a), Some(b)) => diff(a, b).unwrap_or_default(),
            _ => "root presence".to_string(),
        };
        panic!("{ctx}: incremental tree differs from a full read: {d}\n--- text:\n{text}");
    }
    assert_eq!(inc.comments, full.comments, "{ctx}: comments");
    assert_eq!(inc.errors, full.errors, "{ctx}: errors\n--- text:\n{text}");
    assert_eq!(
        inc.warnings, full.warnings,
        "{ctx}: warnings\n--- text:\n{text}"
    );
}

#[test]
fn incremental_gives_the_same_document() {
    let text = "a: 1\nb:\n  c: 2\n";
    let p = ParsedYaml::new(text);
    let q = parse_yaml_incremental(p, "a: 1\nb:\n  c: 3\n");
    assert_same_doc("simple", "a: 1\nb:\n  c: 3\n", q.document());
}

#[test]
fn incremental_random_edits_small() {
    let base = "openapi: 3.0.0\ninfo:\n  title: T # c\n  version: '1'\npaths:\n  /a:\n    get:\n      summary: \"s\"\n      tags: [x, y]\n      responses:\n        '200':\n          description: |\n            ok\n            more\n  /b:\n    post: {}\nlist:\n- a\n- b: 1\n  c: 2\n";
    let mut rng = Rng(0x9e3779b97f4a7c15);
    for round in 0..120 {
        let mut p = ParsedYaml::new(base);
        let mut text = base.to_string();
        for step in 0..8 {
            let next = random_edit(&text, &mut rng);
            p = parse_yaml_incremental(p, &next);
            let prev = std::mem::replace(&mut text, next);
            assert_eq!(p.text(), text);
            assert_same_doc(
                &format!("round {round} step {step}, previous text:\n{prev}\n"),
                &text,
                p.document(),
            );
        }
    }
}

/// A generated document big enough to be split at several levels.
fn big_doc(n: usize) -> String {
    let mut text = String::from("openapi: 3.0.0\npaths:\n");
    for i in 0..n {
        text.push_str(&format!(
            "  /items/{i}:\n    get:\n      operationId: get{i} # op\n      description: >\n        Item {i}\n        folded\n      parameters:\n      - name: p{i}\n        in: query\n      responses:\n        '200':\n          description: ok {i}\n"
        ));
    }
    text.push_str("components:\n  schemas:\n");
    for i in 0..n {
        text.push_str(&format!(
            "    S{i}:\n      type: object\n      properties:\n        id: {{type: string}}\n        n{i}: {{type: integer, enum: [1, 2]}}\n"
        ));
    }
    text
}

#[test]
fn incremental_random_edits_big() {
    let base = big_doc(400);
    let mut rng = Rng(0x2545f4914f6cdd1d);
    let mut p = ParsedYaml::new(&base);
    assert!(p.chunk_count() > 100, "{}", p.chunk_count());
    let mut text = base.clone();
    for step in 0..150 {
        let next = random_edit(&text, &mut rng);
        p = parse_yaml_incremental(p, &next);
        text = next;
        assert_same_doc(&format!("step {step}"), &text, p.document());
        if step % 25 == 24 {
            // Start again from a valid text now and then.
            text = base.clone();
            p = parse_yaml_incremental(p, &text);
            assert_same_doc("reset", &text, p.document());
        }
    }
}

#[test]
fn incremental_edit_reads_one_chunk() {
    let base = big_doc(400);
    let p = ParsedYaml::new(&base);
    let at = base.find("ok 200").unwrap();
    let mut next = base.clone();
    next.insert(at + 3, '7');
    let q = parse_yaml_incremental(p, &next);
    let s = q.stats();
    assert_eq!(s.fast + s.exact + s.recovered, 1, "{s:?}");
    assert_same_doc("one chunk", &next, q.document());
}

/// Cuts `text` at `n` evenly spaced points (on char boundaries).
fn cut_points(text: &str, n: usize) -> Vec<usize> {
    (1..=n)
        .map(|k| {
            let mut at = text.len() * k / n;
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            at
        })
        .collect()
}

#[test]
fn every_prefix_smoke() {
    let Some(dir) = corpus() else { return };
    let yaml = [
        "small/swagger-petstore-3.0.4.yaml",
        "small/libopenapi-burgershop-3.1.yaml",
        "small/swagger-petstore-3.1-design-first.yaml",
        "medium/redocly-museum-api.yaml",
        "medium/asana-1.0.yaml",
    ];
    for f in yaml {
        let text = std::fs::read_to_string(dir.join(f)).unwrap();
        for at in cut_points(&text, 300) {
            let doc = parse_yaml(&text[..at]);
            assert!(
                doc.root.is_some() || text[..at].trim().is_empty(),
                "{f} at {at}"
            );
            for e in &doc.errors {
                assert!(
                    e.span.start <= e.span.end && e.span.end as usize <= at,
                    "{f} at {at}: {e:?}"
                );
            }
        }
    }
    for f in [
        "small/spectral-petstore.oas2.json",
        "small/azure-autorest-paging.json",
    ] {
        let text = std::fs::read_to_string(dir.join(f)).unwrap();
        for at in cut_points(&text, 300) {
            let doc = crate::parse::parse_json(&text[..at]);
            if at < text.trim_end().len() {
                assert!(!doc.errors.is_empty(), "{f} at {at}");
            }
        }
    }
}

/// Every span in the tree lies inside the text and on char boundaries.
fn check_spans(text: &str, doc: &Document) {
    fn go(text: &str, n: &Node) {
        let ok = |s: crate::tree::Span| {
            s.start <= s.end
                && (s.end as usize) <= text.len()
                && text.is_char_boundary(s.start as usize)
                && text.is_char_boundary(s.end as usize)
        };
        assert!(ok(n.span), "bad span {:?}", n.span);
        match &n.value {
            Value::Map(es, _) => {
                for e in es {
                    assert!(ok(e.key_span), "bad key span {:?}", e.key_span);
                    go(text, &e.value);
                }
            }
            Value::Seq(items, _) => items.iter().for_each(|i| go(text, i)),
            _ => {}
        }
    }
    if let Some(r) = &doc.root {
        go(text, r);
    }
}

#[test]
fn broken_inputs_keep_what_they_can() {
    let cases: &[(&str, &str, &[&str])] = &[
        // (text, expected first error message, keys that must survive)
        (
            "a: [1, 2\nb: 3\n",
            "unclosed flow sequence (missing ']')",
            &["b"],
        ),
        (
            "a: {x: 1\nb: 3\n",
            "unclosed flow mapping (missing '}')",
            &["b"],
        ),
        (
            "a: 1\nb\nc: 3\n",
            "expected ':' after mapping key",
            &["a", "c"],
        ),
        (
            "a:\n  b: 1\n   c: 2\nd: 4\n",
            "bad indentation of a mapping entry",
            &["d"],
        ),
        (
            "a: \"x\\q\"\nb: 1\n",
            "unknown escape sequence in double-quoted scalar",
            &["b"],
        ),
        (
            "a: b: c\nd: 1\n",
            "a ':' is not allowed here (quote the value if it contains ': ')",
            &["d"],
        ),
        (
            "a:\n\tb: 1\nc: 2\n",
            "tabs cannot be used for indentation",
            &["c"],
        ),
        ("a: *nope\nb: 1\n", "unknown anchor 'nope'", &["b"]),
        ("a: 'open\nb: 1\n", "unclosed quoted scalar", &["a"]),
    ];
    for (text, msg, keys) in cases {
        let doc = parse_yaml(text);
        check_spans(text, &doc);
        assert!(!doc.errors.is_empty(), "{text:?}: no error");
        assert_eq!(doc.errors[0].message, *msg, "{text:?}: {:?}", doc.errors);
        let root = doc.root.as_ref().unwrap();
        for k in *keys {
            assert!(
                root.get(k).is_some(),
                "{text:?}: key {k} lost: {}",
                dump(text, &doc)
            );
        }
    }
}

#[test]
fn broken_quote_in_a_big_file() {
    let Some(dir) = corpus() else { return };
    let text = std::fs::read_to_string(dir.join("large/stripe-spec3-2023-09-12.yaml")).unwrap();
    let at = text.find("'/v1/customers/{customer}':").unwrap();
    let at = text[at..].find("description: ").unwrap() + at + 13;
    let mut broken = text.clone();
    broken.insert(at, '"');
    let good = parse_yaml(&text);
    let doc = parse_yaml(&broken);
    check_spans(&broken, &doc);
    assert_eq!(doc.errors.len(), 1, "{:?}", doc.errors);
    assert_eq!(doc.errors[0].span.start as usize, at);
    let (g, b) = (good.root.unwrap(), doc.root.unwrap());
    assert_eq!(
        g.get("paths").unwrap().entries().len(),
        b.get("paths").unwrap().entries().len()
    );
    assert_eq!(
        g.get("components")
            .unwrap()
            .get("schemas")
            .unwrap()
            .entries()
            .len(),
        b.get("components")
            .unwrap()
            .get("schemas")
            .unwrap()
            .entries()
            .len()
    );
}

#[test]
fn snapshots() {
    let cases = [
        (
            "styles",
            "plain: a b\nsq: 'it''s'\ndq: \"tab\\tend\"\nlit: |+\n  keep\n\nfold: >-\n  a\n  b\nflow: {k: [1, \"two\"]}\nempty:\nnull: ~\n",
        ),
        ("multiline", "p: first\n  second\n\n  third\nq: \"one\n  two\"\n"),
        ("crlf_utf8", "é: 😀\r\n漢字:\r\n  - x # ü\r\n  - |\r\n    y\r\n"),
        ("sequence_top", "- a\n- k: v\n  l: w\n-\n"),
        ("comments", "# head\na: 1 # one\n# mid\nb: '#no' # two\n"),
        ("half_typed", "paths:\n  /a:\n    get:\n      summary: \"unclosed\n  /b:\n    post: {}\n"),
        ("merge", "base: &b {x: 1, y: 2}\nder:\n  <<: *b\n  y: 3\n"),
        ("flow_doc", "{a: 1, b: [x, y]}\n"),
    ];
    for (name, text) in cases {
        let doc = parse_yaml(text);
        check_spans(text, &doc);
        insta::assert_snapshot!(name, dump(text, &doc));
    }
}

/// Random edits of real files: whenever saphyr-parser (reading the whole
/// text) accepts the result, the chunked reader must give the same tree
/// without errors; whenever it rejects it, the chunked reader must report an
/// error.
#[test]
fn mutations_agree_with_reference() {
    let Some(dir) = corpus() else { return };
    let seed = std::env::var("SPECGATE_MUT_SEED")
        .ok()
        .and_then(|x| x.parse().ok());
    let mut rng = Rng(seed.unwrap_or(0xdead_beef_cafe_f00d));
    let mut agreed = 0;
    let default = "small/oai-v3.0-petstore.yaml small/oai-v3.1-tictactoe.yaml small/oai-v3.0-uspto.yaml small/libopenapi-circular-refs.yaml";
    let list = std::env::var("SPECGATE_MUT_FILES").unwrap_or(default.to_string());
    for f in list.split_whitespace() {
        let base = std::fs::read_to_string(dir.join(f)).unwrap();
        for round in 0..std::env::var("SPECGATE_MUT_ROUNDS")
            .ok()
            .and_then(|x| x.parse().ok())
            .unwrap_or(400)
        {
            let mut text = base.clone();
            for _ in 0..1 + rng.below(3) {
                text = random_edit(&text, &mut rng);
            }
            let doc = parse_yaml(&text);
            check_spans(&text, &doc);
            let mut ctx = Ctx::new(text.len());
            let r = yaml_saphyr::read(&text, 0, text.len(), &mut ctx);
            let ctx_msg = format!("{f} round {round}:\n{text}");
            match r.fatal {
                None if r.errors.is_empty() => {
                    assert!(doc.errors.is_empty(), "{ctx_msg}\nerrors: {:?}", doc.errors);
                    match (&doc.root, &r.root) {
                        (Some(a), Some(b)) => {
                            if let Some(d) = diff(a, b) {
                                panic!("{ctx_msg}\ndiffers: {d}");
                            }
                        }
                        (a, b) => assert_eq!(a.is_some(), b.is_some(), "{ctx_msg}"),
                    }
                    assert_eq!(doc.comments, r.comments, "{ctx_msg}\ncomments");
                    agreed += 1;
                }
                None => {}
                // An error, or a form libyaml reads (a warning says so).
                Some(e) => assert!(
                    !doc.errors.is_empty() || !doc.warnings.is_empty(),
                    "{ctx_msg}\nsaphyr: {e:?}"
                ),
            }
        }
    }
    assert!(agreed > 100, "{agreed}");
}

#[test]
fn prose_is_bounded() {
    // A text that is not YAML: every line would be a chunk with an error.
    let text = format!("a: \"{}", "some words here\n".repeat(20_000));
    let t = std::time::Instant::now();
    let doc = parse_yaml(&text);
    assert!(t.elapsed().as_secs() < 10);
    assert!(!doc.errors.is_empty());
    assert!(doc.errors.len() <= 100, "{}", doc.errors.len());
    assert_eq!(doc.errors[0].message, "unclosed quoted scalar");
    check_spans(&text, &doc);
}

/// Random YAML in the styles API descriptions use (and a few more).
struct Gen {
    rng: Rng,
}

impl Gen {
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.rng.below(xs.len())]
    }

    fn comment(&mut self) -> &'static str {
        if self.rng.below(6) == 0 {
            " # note"
        } else {
            ""
        }
    }

    fn scalar(&mut self, ind: usize) -> String {
        let pad = " ".repeat(ind + 2);
        match self.rng.below(12) {
            0 => self
                .pick(&[
                    "plain",
                    "two words",
                    "-1",
                    "a:b",
                    "a#b",
                    "é😀",
                    "http://x/y#z",
                    "~",
                    "1.5e3",
                    "null",
                ])
                .to_string(),
            1 => format!("'{}'", self.pick(&["it''s", "", " sp ", "a: b", "#x"])),
            2 => format!(
                "\"{}\"",
                self.pick(&[
                    "esc \\\" \\\\ \\t \\u00e9",
                    "",
                    "a: b",
                    "\\x41\\U0001F600",
                    "tab\there"
                ])
            ),
            3 => format!("first\n{pad}second\n\n{pad}third"),
            4 => format!("\"multi\n{pad}line \\\n{pad}esc\n\n{pad}end\""),
            5 => format!("'multi\n{pad}single\n\n{pad}quoted'"),
            6 | 7 => {
                let hdr = self.pick(&["|", ">", "|-", ">-", "|+", ">+", "|2", ">2-"]);
                let extra = if hdr.contains('2') {
                    0
                } else {
                    self.rng.below(2) * 2
                };
                let cpad = " ".repeat(ind + 2 + extra);
                let mut s = format!("{hdr}{}\n", self.comment());
                s.push_str(&format!("{cpad}first\n"));
                for _ in 0..self.rng.below(4) {
                    match self.rng.below(5) {
                        0 => s.push('\n'),
                        1 => s.push_str(&format!("{cpad}  more indented\n")),
                        2 => s.push_str(&format!("{cpad}# not a comment\n")),
                        _ => s.push_str(&format!("{cpad}line {}\n", self.rng.below(100))),
                    }
                }
                s.push_str(&format!("{cpad}last"));
                if self.rng.below(3) == 0 {
                    s.push_str("\n\n");
                    s.pop();
                }
                s
            }
            8 => format!(
                "[a, \"b\", {{k: v, 'q': [1, 2]}}, -3{}]",
                if self.rng.below(2) == 0 { "," } else { "" }
            ),
            9 => "{a: 1, b: [x, y], c: }".to_string(),
            10 => format!("[\n{pad}one,\n{pad}two # c\n{pad}]"),
            _ => "{}".to_string(),
        }
    }

    fn map(&mut self, ind: usize, depth: usize, out: &mut String, first_inline: bool) {
        let n = 1 + self.rng.below(4);
        for k in 0..n {
            if !(first_inline && k == 0) {
                out.push_str(&" ".repeat(ind));
            }
            if self.rng.below(8) == 0 {
                out.push_str(&format!("# comment {k}\n{}", " ".repeat(ind)));
            }
            let key = self.pick(&[
                "key#",
                "'quoted key#'",
                "\"dq#\"",
                "/path/{id}#",
                "x-ext#",
                "é#",
                "-k#",
                "a b#",
            ]);
            out.push_str(&key.replace('#', &k.to_string()));
            out.push(':');
            self.value(ind, depth, out);
        }
    }

    fn value(&mut self, ind: usize, depth: usize, out: &mut String) {
        let r = if depth > 4 { 0 } else { self.rng.below(5) };
        match r {
            0 | 1 => {
                let s = self.scalar(ind);
                out.push(' ');
                out.push_str(&s);
                if !s.ends_with('\n') {
                    let c = self.comment();
                    out.push_str(
                        if s.contains('\n') && (s.starts_with('|') || s.starts_with('>')) {
                            ""
                        } else {
                            c
                        },
                    );
                    out.push('\n');
                }
            }
            2 => {
                out.push_str(self.comment());
                out.push('\n');
                self.map(ind + 2, depth + 1, out, false);
            }
            3 => {
                out.push('\n');
                let sind = if self.rng.below(2) == 0 { ind } else { ind + 2 };
                self.seq(sind, depth + 1, out);
            }
            _ => out.push_str(if self.rng.below(2) == 0 {
                "\n"
            } else {
                "   # empty\n"
            }),
        }
    }

    fn seq(&mut self, ind: usize, depth: usize, out: &mut String) {
        for _ in 0..1 + self.rng.below(3) {
            out.push_str(&" ".repeat(ind));
            out.push('-');
            match self.rng.below(4) {
                0 => {
                    out.push(' ');
                    self.map(ind + 2, depth + 1, out, true);
                }
                1 if depth < 4 => {
                    out.push_str(" - x\n");
                    out.push_str(&format!("{}  - y\n", " ".repeat(ind)));
                }
                _ => {
                    let s = self.scalar(ind);
                    out.push(' ');
                    out.push_str(&s);
                    if !s.ends_with('\n') {
                        out.push('\n');
                    }
                }
            }
        }
    }
}

#[test]
fn generated_documents_match_reference() {
    let seed = std::env::var("SPECGATE_GEN_SEED")
        .ok()
        .and_then(|x| x.parse().ok());
    let mut g = Gen {
        rng: Rng(seed.unwrap_or(0x1234_5678_9abc_def1)),
    };
    let rounds = std::env::var("SPECGATE_GEN_ROUNDS")
        .ok()
        .and_then(|x| x.parse().ok())
        .unwrap_or(300);
    let mut checked = 0;
    let (mut fast, mut exact) = (0, 0);
    for round in 0..rounds {
        let mut text = String::new();
        g.map(0, 0, &mut text, false);
        let mut ctx = Ctx::new(text.len());
        let r = yaml_saphyr::read(&text, 0, text.len(), &mut ctx);
        let doc = parse_yaml(&text);
        check_spans(&text, &doc);
        if r.fatal.is_some() {
            if std::env::var_os("SPECGATE_GEN_SHOW").is_some() {
                println!("--- invalid: {:?}\n{text}", r.fatal);
            }
            assert!(
                !doc.errors.is_empty(),
                "round {round}: saphyr rejects it, we do not:\n{text}\n{:?}",
                r.fatal
            );
            continue;
        }
        checked += 1;
        let st = ParsedYaml::new(&text).stats();
        fast += st.fast;
        exact += st.exact;
        assert!(
            doc.errors.is_empty(),
            "round {round}:\n{text}\n{:?}",
            doc.errors
        );
        if let Some(d) = diff(doc.root.as_ref().unwrap(), r.root.as_ref().unwrap()) {
            panic!("round {round}: {d}\n{text}");
        }
        assert_eq!(doc.comments, r.comments, "round {round}:\n{text}");
    }
    assert!(
        checked * 2 > rounds,
        "{checked} of {rounds} generated documents were valid"
    );
    // Most pieces go through the fast reader (so it is what is compared).
    println!("fast {fast}, exact {exact}");
    assert!(fast > 3 * exact, "fast {fast}, exact {exact}");
}

#[test]
fn directives_and_markers() {
    for text in [
        "%YAML 1.2\n---\na: 1\nb: [x]\n",
        "--- # start\na: 1\n...\n",
        "---\n- a\n- b\n",
    ] {
        same_as_reference(text, text);
    }
    let d = parse_yaml("%YAML 1.2\n---\na: 1\n");
    assert_eq!(d.root.unwrap().get("a").unwrap().as_str(), Some("1"));
}

#[test]
fn aliases_across_chunks() {
    // Valid: read again in one piece, the alias resolves.
    let d = parse_yaml("a: &x {k: 1}\nb: *x\n");
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    let b = d.root.as_ref().unwrap().get("b").unwrap();
    assert_eq!(b.get("k").unwrap().as_str(), Some("1"));
    // With an error elsewhere: the alias still resolves (through the
    // document's anchor table), only the broken entry is reported.
    let text = "a: &x {k: 1}\nb: *x\nc: [broken\nd: 2\n";
    let d = parse_yaml(text);
    assert_eq!(d.errors.len(), 1, "{:?}", d.errors);
    assert_eq!(d.errors[0].span.start as usize, text.find('[').unwrap());
    let root = d.root.unwrap();
    assert_eq!(root.get("b").unwrap().get("k").unwrap().as_str(), Some("1"));
    assert_eq!(root.get("d").unwrap().as_str(), Some("2"));
}

#[test]
fn corpus_specifics() {
    let Some(dir) = corpus() else { return };
    // `$ref: #/...` unquoted is a comment: the value is null, not an error.
    let f = "small/swagger-petstore-3.1-design-first.yaml";
    let text = std::fs::read_to_string(dir.join(f)).unwrap();
    let doc = parse_yaml(&text);
    assert!(doc.errors.is_empty());
    let line = text.find("$ref: #").expect("the unquoted $ref");
    let hash = line + "$ref: ".len();
    assert!(doc.comments.iter().any(|c| c.span.start as usize == hash));
    fn find_null_ref(n: &Node, at: usize) -> bool {
        n.entries().iter().any(|e| {
            e.key == "$ref" && e.key_span.start as usize == at && e.value.is_null()
                || find_null_ref(&e.value, at)
        }) || n.items().iter().any(|i| find_null_ref(i, at))
    }
    assert!(find_null_ref(doc.root.as_ref().unwrap(), line));
    // No corpus file is syntactically broken (the "invalid" Spectral fixture
    // is invalid OpenAPI, valid JSON): every YAML file reads without errors
    // (corpus_matches_reference) and so does every JSON file
    // (json::tests::corpus_json_parses).
    let stripe = std::fs::read_to_string(dir.join("large/stripe-spec3-2023-09-12.yaml")).unwrap();
    let p = ParsedYaml::new(&stripe);
    assert!(p.chunk_count() > 1000);
    let root = p.document().root.as_ref().unwrap();
    assert_eq!(root.get("openapi").unwrap().as_str(), Some("3.0.0"));
    assert!(root.get("paths").unwrap().entries().len() > 300);
}

/// The values of a tree, without spans or styles.
fn plain(n: &Node) -> String {
    match &n.value {
        Value::Scalar(s, _) => format!("{s:?}"),
        Value::Map(es, _) => {
            let v: Vec<String> = es
                .iter()
                .map(|e| format!("{:?}: {}", e.key, plain(&e.value)))
                .collect();
            format!("{{{}}}", v.join(", "))
        }
        Value::Seq(xs, _) => format!("[{}]", xs.iter().map(plain).collect::<Vec<_>>().join(", ")),
        Value::Missing => "~".to_string(),
    }
}

/// Flow collections and quoted scalars whose lines are indented less than
/// YAML 1.2 allows are read as libyaml (PyYAML) reads them: the same tree as
/// the text indented properly, no error, one warning at the first such line.
#[test]
fn libyaml_leniency_in_flow_and_quoted_lines() {
    // (lenient text, the same indented as YAML 1.2 wants, the first short
    // line's text, how many short lines)
    let cases = [
        (
            "a:\n  b:\n      example: {\n          \"a\": 1\n    }\n      d: ok\nz: 1\n",
            "a:\n  b:\n      example: {\n          \"a\": 1\n       }\n      d: ok\nz: 1\n",
            "}",
            1,
        ),
        (
            "a:\n  example: [\n      1, 2\n]\nb: 2\n",
            "a:\n  example: [\n      1, 2\n   ]\nb: 2\n",
            "]",
            1,
        ),
        (
            "a:\n  example: {\n    \"a\": {\n  \"x\": 1\n  }\n  }\nb: 2\n",
            "a:\n  example: {\n    \"a\": {\n   \"x\": 1\n   }\n   }\nb: 2\n",
            "\"x\": 1",
            3,
        ),
        (
            "a:\n  example: \"foo\n bar\"\nb: 2\n",
            "a:\n  example: \"foo\n   bar\"\nb: 2\n",
            "bar\"",
            1,
        ),
        (
            "a:\n  - x: {\n    a: 1\n  }\n  - y: [\n1 ]\nb: 2\n",
            "a:\n  - x: {\n      a: 1\n     }\n  - y: [\n     1 ]\nb: 2\n",
            "a: 1",
            3,
        ),
        // Cut by indentation at a line that looks like a top-level entry.
        (
            "example: {\n\"a\": 1,\n  \"b\": [1,\n2]\n}\nc: 3\n",
            "example: {\n \"a\": 1,\n  \"b\": [1,\n 2]\n }\nc: 3\n",
            "\"a\": 1,",
            3,
        ),
        // With an alias (read by saphyr-parser, not the fast reader).
        (
            "a:\n  base: &x {k: 1}\n  example: {\n    \"a\": *x\n  }\n  c: 3\n",
            "a:\n  base: &x {k: 1}\n  example: {\n    \"a\": *x\n     }\n  c: 3\n",
            "}",
            1,
        ),
        // A `'` inside a plain scalar does not open a quote.
        (
            "a:\n  d: it's [here\n  e: {\n  x: 1}\n",
            "a:\n  d: it's [here\n  e: {\n   x: 1}\n",
            "x: 1}",
            1,
        ),
    ];
    for (lenient, strict, at, n) in cases {
        let want = parse_yaml(strict);
        assert!(
            want.errors.is_empty() && want.warnings.is_empty(),
            "{strict}"
        );
        let got = parse_yaml(lenient);
        assert!(got.errors.is_empty(), "{lenient}: {:?}", got.errors);
        check_spans(lenient, &got);
        assert_eq!(
            plain(got.root.as_ref().unwrap()),
            plain(want.root.as_ref().unwrap()),
            "{lenient}"
        );
        assert_eq!(got.warnings.len(), 1, "{lenient}");
        let w = &got.warnings[0];
        let line_end = lenient[w.span.start as usize..]
            .find('\n')
            .map(|k| k + w.span.start as usize)
            .unwrap();
        assert_eq!(&lenient[w.span.start as usize..line_end], at, "{lenient}");
        assert!(w.message.contains("YAML 1.2"), "{}", w.message);
        if n > 1 {
            assert!(
                w.message
                    .ends_with(&format!("({n} such lines in this file)")),
                "{lenient}: {}",
                w.message
            );
        } else {
            assert!(!w.message.contains("such lines"), "{}", w.message);
        }
    }
}

/// A document marker inside a flow collection stays an error (libyaml
/// rejects it too), and so does an unclosed collection.
#[test]
fn libyaml_leniency_stops_where_libyaml_does() {
    for text in [
        "a:\n  b: [1,\n---\n2]\n",
        "a:\n  b: {\n  x: 1\nc: 2\n",
        "a:\n  b: \"x\n  y\nc: 2\n",
    ] {
        let doc = parse_yaml(text);
        assert!(!doc.errors.is_empty(), "{text}");
        check_spans(text, &doc);
    }
}

/// In a big file (cut into chunks, some at lines of the flow collection that
/// look like entries), a full read and an incremental one agree, and the
/// departure costs only the chunks around it.
#[test]
fn libyaml_leniency_in_a_big_file() {
    let mut text = String::from("openapi: 3.0.0\npaths:\n");
    for i in 0..3000 {
        text.push_str(&format!("  /p{i}:\n    get:\n      description: op {i}\n"));
    }
    text.push_str("  /x:\n    get:\n      example: {\n  \"q\": 1,\n  \"r\": [2,\n  3]\n      }\n      description: x\n");
    for i in 0..3000 {
        text.push_str(&format!("  /z{i}:\n    get:\n      description: op {i}\n"));
    }
    assert!(text.len() > 256 << 10);
    let p = ParsedYaml::new(&text);
    let doc = p.document();
    assert!(doc.errors.is_empty(), "{:?}", doc.errors);
    assert_eq!(doc.warnings.len(), 1);
    assert!(
        doc.warnings[0].message.contains("(4 such lines"),
        "{:?}",
        doc.warnings
    );
    assert!(!p.stats().whole, "{:?}", p.stats());
    check_spans(&text, doc);
    // Edits near it and far from it.
    let at = text.find("\"q\": 1").unwrap();
    let edited = format!("{}\"q\": 10{}", &text[..at], &text[at + 6..]);
    let q = parse_yaml_incremental(p, &edited);
    assert_same_doc("edit in the flow mapping", &edited, q.document());
    let far = edited.replacen("op 5\n", "op 55\n", 1);
    let q = parse_yaml_incremental(q, &far);
    assert_same_doc("edit far away", &far, q.document());
    assert_eq!(q.document().warnings.len(), 1);
}

/// Every span of `doc` is a range of `text` on character boundaries.
fn assert_spans_valid(text: &str, doc: &Document) {
    let mut stack: Vec<&Node> = doc.root.iter().collect();
    while let Some(n) = stack.pop() {
        assert!(
            text.get(n.span.start as usize..n.span.end as usize)
                .is_some(),
            "{:?} in {text:?}",
            n.span
        );
        match &n.value {
            Value::Map(es, _) => {
                for e in es {
                    assert!(text
                        .get(e.key_span.start as usize..e.key_span.end as usize)
                        .is_some());
                    stack.push(&e.value);
                }
            }
            Value::Seq(items, _) => stack.extend(items),
            _ => {}
        }
    }
}

#[test]
fn anchors_read_in_a_padded_copy_keep_document_offsets() {
    // Found by fuzzing: the padded copy of a piece (flow lines indented
    // too little) failed too, but had stored its anchor with the copy's
    // offsets; the alias then pointed into the middle of a character.
    let t = "tt:\n : [: &a[\u{FFFD}\u{FFFD}]\nb: [*a]\nl]\nr";
    assert_spans_valid(t, &parse_yaml(t));

    // A padded copy that reads: an alias in it to an anchor of an earlier
    // piece keeps the anchor's offsets, and an anchor in it is stored with
    // the document's.
    let t = "defs:\n  base: &b {x: \u{e9}t\u{e9}}\npaths:\n  p:\n    example: {\n  \"a\": *b, \"c\": &c [z\u{e9}]\n    }\n  q: *c\n";
    let doc = parse_yaml(t);
    assert_spans_valid(t, &doc);
    assert!(
        doc.warnings.iter().any(|w| w.message.contains("libyaml")),
        "{:?}",
        doc.warnings
    );
    let root = doc.root.as_ref().unwrap();
    let find = |n: &'_ Node, k: &str| -> Node {
        match &n.value {
            Value::Map(es, _) => es.iter().find(|e| e.key == k).unwrap().value.clone(),
            _ => panic!("not a map"),
        }
    };
    let base = find(&find(root, "defs"), "base");
    let paths = find(root, "paths");
    let copy = find(&find(&find(&paths, "p"), "example"), "a");
    assert_eq!(find(&copy, "x").span, find(&base, "x").span);
    let q = find(&paths, "q");
    let Value::Seq(items, _) = &q.value else {
        panic!("q: {q:?}")
    };
    assert_eq!(
        &t[items[0].span.start as usize..items[0].span.end as usize],
        "z\u{e9}"
    );
}
