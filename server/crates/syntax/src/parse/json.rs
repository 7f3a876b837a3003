//! JSON → located tree.
//!
//! A hand-written scanner reads valid JSON in one pass over the bytes, with
//! an explicit stack (no recursion) and exact byte spans. On the first
//! syntax error it stops, and the file is read again by tree-sitter-json,
//! which recovers from errors, so the tree still holds everything around
//! the broken spot; the scanner's error (precise position, clear message)
//! is reported first.

use std::panic::{catch_unwind, AssertUnwindSafe};

use tree_sitter::{Node as TsNode, Parser};

use super::MAX_DEPTH;
use crate::tree::{
    CollStyle, Comment, Document, Entry, Node, ScalarStyle, Span, SyntaxError, Value,
};

/// Reads a JSON document. Never fails: syntax errors are in
/// [`Document::errors`] and the tree holds everything that could be read.
pub fn parse_json(text: &str) -> Document {
    if text.len() >= u32::MAX as usize {
        return Document {
            root: None,
            comments: Vec::new(),
            errors: vec![SyntaxError {
                span: Span::new(0, 0),
                message: "file too large".to_string(),
            }],
            warnings: Vec::new(),
        };
    }
    let fast = catch_unwind(|| Scanner::new(text).document());
    match fast {
        Ok(Ok(root)) => Document {
            root,
            comments: Vec::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
        },
        Ok(Err(e)) => recover(text, Some(e)),
        Err(_) => recover(text, None),
    }
}

struct Scanner<'a> {
    src: &'a str,
    s: &'a [u8],
    pos: usize,
}

enum Frame {
    Obj {
        start: u32,
        entries: Vec<Entry>,
        key: Option<(String, Span)>,
    },
    Arr {
        start: u32,
        items: Vec<Node>,
    },
}

type R<T> = Result<T, SyntaxError>;

/// The end of the character that starts at byte `i` (`i` itself at the end
/// of the text). Error spans must not end inside a multi-byte character:
/// everything downstream slices the text with them.
fn char_end(src: &str, i: usize) -> usize {
    if i >= src.len() {
        return src.len();
    }
    ceil_boundary(src, i + 1)
}

/// The first char boundary at or after byte `i`, at most the text's length.
fn ceil_boundary(src: &str, i: usize) -> usize {
    let mut i = i.min(src.len());
    while !src.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// An error from `start` to `end`. Callers pass an `end` that is a char
/// boundary: a `+ 1` only over an ASCII byte (a quote, a bracket, a digit,
/// a control character), else [`char_end`] or [`ceil_boundary`].
fn err<T>(start: usize, end: usize, message: &str) -> R<T> {
    Err(SyntaxError {
        span: Span::new(start as u32, end.max(start) as u32),
        message: message.to_string(),
    })
}

impl<'a> Scanner<'a> {
    fn new(src: &'a str) -> Self {
        Scanner {
            src,
            s: src.as_bytes(),
            pos: 0,
        }
    }

    #[inline]
    fn ws(&mut self) {
        while self.pos < self.s.len() && matches!(self.s[self.pos], b' ' | b'\n' | b'\r' | b'\t') {
            self.pos += 1;
        }
    }

    /// An error span for the character at `i` (empty at the end).
    fn at_char(&self, i: usize, message: &str) -> SyntaxError {
        SyntaxError {
            span: Span::new(i as u32, char_end(self.src, i) as u32),
            message: message.to_string(),
        }
    }

    fn document(mut self) -> R<Option<Node>> {
        // A byte order mark is tolerated.
        if self.src.starts_with('\u{feff}') {
            self.pos = 3;
        }
        self.ws();
        if self.pos >= self.s.len() {
            return Ok(None);
        }
        let root = self.value()?;
        self.ws();
        if self.pos < self.s.len() {
            return Err(self.at_char(self.pos, "unexpected text after the JSON value"));
        }
        Ok(Some(root))
    }

    /// Reads one value (with everything nested in it).
    fn value(&mut self) -> R<Node> {
        let mut stack: Vec<Frame> = Vec::new();
        loop {
            // Read a value start.
            self.ws();
            let i = self.pos;
            let node = match self.s.get(i) {
                None => return Err(self.at_char(i, "unexpected end of JSON (expected a value)")),
                Some(b'{') | Some(b'[') => {
                    if stack.len() >= MAX_DEPTH as usize {
                        return err(
                            i,
                            i + 1,
                            &format!("nesting too deep (more than {MAX_DEPTH} levels)"),
                        );
                    }
                    let obj = self.s[i] == b'{';
                    self.pos += 1;
                    self.ws();
                    let close = if obj { b'}' } else { b']' };
                    if self.s.get(self.pos) == Some(&close) {
                        self.pos += 1;
                        Node {
                            span: Span::new(i as u32, self.pos as u32),
                            value: if obj {
                                Value::Map(Vec::new(), CollStyle::Flow)
                            } else {
                                Value::Seq(Vec::new(), CollStyle::Flow)
                            },
                        }
                    } else if obj {
                        let key = self.key()?;
                        stack.push(Frame::Obj {
                            start: i as u32,
                            entries: Vec::new(),
                            key: Some(key),
                        });
                        continue;
                    } else {
                        stack.push(Frame::Arr {
                            start: i as u32,
                            items: Vec::new(),
                        });
                        continue;
                    }
                }
                Some(b'"') => {
                    let (v, e) = self.string()?;
                    Node {
                        span: Span::new(i as u32, e as u32),
                        value: Value::Scalar(v, ScalarStyle::JsonString),
                    }
                }
                Some(b't') => self.literal("true")?,
                Some(b'f') => self.literal("false")?,
                Some(b'n') => self.literal("null")?,
                Some(b'-' | b'0'..=b'9') => self.number()?,
                Some(_) => return Err(self.at_char(i, "expected a JSON value")),
            };
            // Attach it and close finished collections.
            let mut node = node;
            loop {
                let Some(top) = stack.last_mut() else {
                    return Ok(node);
                };
                self.ws();
                let c = self.s.get(self.pos).copied();
                match top {
                    Frame::Obj { entries, key, .. } => {
                        let (k, ks) = key.take().unwrap_or_default();
                        entries.push(Entry {
                            key: k,
                            key_span: ks,
                            value: node,
                        });
                        match c {
                            Some(b',') => {
                                self.pos += 1;
                                self.ws();
                                let k = self.key()?;
                                *key = Some(k);
                                break;
                            }
                            Some(b'}') => {
                                self.pos += 1;
                            }
                            _ => {
                                return Err(self.at_char(
                                    self.pos,
                                    "expected ',' or '}' after an object member",
                                ))
                            }
                        }
                    }
                    Frame::Arr { items, .. } => {
                        items.push(node);
                        match c {
                            Some(b',') => {
                                self.pos += 1;
                                self.ws();
                                if self.s.get(self.pos) == Some(&b']') {
                                    return Err(self.at_char(self.pos, "trailing comma in array"));
                                }
                                break;
                            }
                            Some(b']') => {
                                self.pos += 1;
                            }
                            _ => {
                                return Err(self.at_char(
                                    self.pos,
                                    "expected ',' or ']' after an array element",
                                ))
                            }
                        }
                    }
                }
                // The collection on top is complete.
                let end = self.pos as u32;
                node = match stack.pop() {
                    Some(Frame::Obj { start, entries, .. }) => Node {
                        span: Span::new(start, end),
                        value: Value::Map(entries, CollStyle::Flow),
                    },
                    Some(Frame::Arr { start, items }) => Node {
                        span: Span::new(start, end),
                        value: Value::Seq(items, CollStyle::Flow),
                    },
                    None => unreachable!("checked above"),
                };
            }
        }
    }

    /// A member name and its `:`.
    fn key(&mut self) -> R<(String, Span)> {
        let i = self.pos;
        if self.s.get(i) != Some(&b'"') {
            if self.s.get(i) == Some(&b'}') {
                return Err(self.at_char(i, "trailing comma in object"));
            }
            return Err(self.at_char(i, "expected a member name (a string in double quotes)"));
        }
        let (k, e) = self.string()?;
        self.ws();
        if self.s.get(self.pos) != Some(&b':') {
            return Err(self.at_char(self.pos, "expected ':' after the member name"));
        }
        self.pos += 1;
        Ok((k, Span::new(i as u32, e as u32)))
    }

    fn literal(&mut self, word: &str) -> R<Node> {
        let i = self.pos;
        if self.s[i..].starts_with(word.as_bytes()) {
            let e = i + word.len();
            if !self.s.get(e).is_some_and(|b| b.is_ascii_alphanumeric()) {
                self.pos = e;
                return Ok(Node {
                    span: Span::new(i as u32, e as u32),
                    value: Value::Scalar(word.to_string(), ScalarStyle::JsonLiteral),
                });
            }
        }
        let mut e = i;
        while e < self.s.len() && self.s[e].is_ascii_alphanumeric() {
            e += 1;
        }
        err(
            i,
            e.max(i + 1),
            "invalid literal (expected true, false or null)",
        )
    }

    fn number(&mut self) -> R<Node> {
        let s = self.s;
        let i = self.pos;
        let mut k = i;
        let digits = |k: &mut usize| {
            let st = *k;
            while *k < s.len() && s[*k].is_ascii_digit() {
                *k += 1;
            }
            *k - st
        };
        if s[k] == b'-' {
            k += 1;
        }
        let int_start = k;
        let n = digits(&mut k);
        if n == 0 {
            return err(i, k.max(i + 1), "invalid number");
        }
        if n > 1 && s[int_start] == b'0' {
            return err(i, k, "invalid number (leading zero)");
        }
        if k < s.len() && s[k] == b'.' {
            k += 1;
            if digits(&mut k) == 0 {
                return err(i, k, "invalid number (digits expected after '.')");
            }
        }
        if k < s.len() && (s[k] == b'e' || s[k] == b'E') {
            k += 1;
            if k < s.len() && (s[k] == b'+' || s[k] == b'-') {
                k += 1;
            }
            if digits(&mut k) == 0 {
                return err(i, k, "invalid number (digits expected in the exponent)");
            }
        }
        self.pos = k;
        Ok(Node {
            span: Span::new(i as u32, k as u32),
            value: Value::Scalar(self.src[i..k].to_string(), ScalarStyle::JsonLiteral),
        })
    }

    /// A string whose opening quote is at `pos`. Returns its decoded text
    /// and the offset after the closing quote.
    fn string(&mut self) -> R<(String, usize)> {
        let (v, e) = decode_string(self.src, self.pos)?;
        self.pos = e;
        Ok((v, e))
    }
}

/// Decodes the JSON string whose opening quote is at `q`.
fn decode_string(src: &str, q: usize) -> R<(String, usize)> {
    let s = src.as_bytes();
    let mut i = q + 1;
    // Fast path: no escapes.
    while i < s.len() {
        let b = s[i];
        if b == b'"' {
            return Ok((src[q + 1..i].to_string(), i + 1));
        }
        if b == b'\\' || b < 0x20 {
            break;
        }
        i += 1;
    }
    let mut out = String::with_capacity(i - q + 16);
    out.push_str(&src[q + 1..i]);
    loop {
        let st = i;
        while i < s.len() && s[i] != b'"' && s[i] != b'\\' && s[i] >= 0x20 {
            i += 1;
        }
        out.push_str(&src[st..i]);
        if i >= s.len() {
            return err(q, q + 1, "unclosed string");
        }
        match s[i] {
            b'"' => return Ok((out, i + 1)),
            b'\\' => {
                let c = s.get(i + 1).copied().unwrap_or(0);
                let simple = match c {
                    b'"' => Some('"'),
                    b'\\' => Some('\\'),
                    b'/' => Some('/'),
                    b'b' => Some('\u{8}'),
                    b'f' => Some('\u{c}'),
                    b'n' => Some('\n'),
                    b'r' => Some('\r'),
                    b't' => Some('\t'),
                    _ => None,
                };
                if let Some(ch) = simple {
                    out.push(ch);
                    i += 2;
                    continue;
                }
                if c != b'u' {
                    // The escaped character may be multi-byte (`\é`): the
                    // span ends after all of it, not one byte in.
                    return err(i, char_end(src, i + 1), "invalid escape sequence in string");
                }
                let hi = hex4(s, i + 2).ok_or_else(|| SyntaxError {
                    // `\u` and the next four bytes, meant as hex digits; a
                    // multi-byte character among them (`\u1😀`) would put
                    // the end inside it, so round the end up to a boundary.
                    span: Span::new(i as u32, ceil_boundary(src, i + 6) as u32),
                    message: "invalid \\u escape (four hex digits expected)".to_string(),
                })?;
                i += 6;
                let ch = if (0xD800..0xDC00).contains(&hi) {
                    // A high surrogate: a low one should follow.
                    match (s.get(i), s.get(i + 1), hex4(s, i + 2)) {
                        (Some(b'\\'), Some(b'u'), Some(lo)) if (0xDC00..0xE000).contains(&lo) => {
                            i += 6;
                            char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                        }
                        _ => None,
                    }
                } else {
                    char::from_u32(hi)
                };
                // A lone surrogate cannot be held in a Rust string.
                out.push(ch.unwrap_or('\u{fffd}'));
            }
            _ => {
                return err(
                    i,
                    i + 1,
                    if s[i] == b'\n' || s[i] == b'\r' {
                        "unclosed string (line break inside a string)"
                    } else {
                        "control character inside a string (escape it)"
                    },
                )
            }
        }
    }
}

fn hex4(s: &[u8], i: usize) -> Option<u32> {
    let h = s.get(i..i + 4)?;
    let mut v = 0u32;
    for &b in h {
        v = v * 16
            + match b {
                b'0'..=b'9' => b - b'0',
                b'a'..=b'f' => b - b'a' + 10,
                b'A'..=b'F' => b - b'A' + 10,
                _ => return None,
            } as u32;
    }
    Some(v)
}

// ---------------------------------------------------------------------------
// Error recovery with tree-sitter-json.

/// Reads a broken file with tree-sitter-json. `primary` is the scanner's
/// error, reported first.
fn recover(text: &str, primary: Option<SyntaxError>) -> Document {
    let ts = std::thread::scope(|scope| {
        // The conversion recurses once per level (up to MAX_DEPTH): give it
        // a big stack.
        let h = std::thread::Builder::new()
            .name("json-recover".into())
            .stack_size(64 << 20)
            .spawn_scoped(scope, || {
                catch_unwind(AssertUnwindSafe(|| ts_read(text)))
                    .ok()
                    .flatten()
            })
            .ok()?;
        h.join().ok().flatten()
    });
    let (root, comments, ts_errors) = ts.unwrap_or((None, Vec::new(), Vec::new()));
    let mut errors = Vec::new();
    if let Some(p) = &primary {
        errors.push(p.clone());
    }
    for e in ts_errors {
        let overlaps = primary
            .as_ref()
            .is_some_and(|p| e.span.start <= p.span.end && p.span.start <= e.span.end);
        if !overlaps {
            errors.push(e);
        }
    }
    if errors.is_empty() {
        errors.push(SyntaxError {
            span: Span::new(0, 0),
            message: "invalid JSON".to_string(),
        });
    }
    let root = root.or_else(|| {
        let p = text.len() - text.trim_start().len();
        (p < text.len()).then(|| Node::missing(p as u32))
    });
    Document {
        root,
        comments,
        errors,
        warnings: Vec::new(),
    }
}

type TsOut = (Option<Node>, Vec<Comment>, Vec<SyntaxError>);

fn ts_read(text: &str) -> Option<TsOut> {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_json::LANGUAGE.into())
        .ok()?;
    let tree = parser.parse(text, None)?;
    let root = tree.root_node();
    let mut comments = Vec::new();
    let mut errors = Vec::new();
    // Comments and errors anywhere.
    let mut cur = root.walk();
    'walk: loop {
        let n = cur.node();
        let span = Span::new(n.start_byte() as u32, n.end_byte() as u32);
        let mut descend = true;
        if n.kind() == "comment" {
            comments.push(Comment { span });
            errors.push(SyntaxError {
                span,
                message: "comments are not allowed in JSON".to_string(),
            });
            descend = false;
        } else if n.is_error() {
            errors.push(SyntaxError {
                span,
                message: "syntax error".to_string(),
            });
        } else if n.is_missing() {
            errors.push(SyntaxError {
                span,
                message: format!("missing '{}'", n.kind()),
            });
        }
        if descend && cur.goto_first_child() {
            continue;
        }
        loop {
            if cur.goto_next_sibling() {
                continue 'walk;
            }
            if !cur.goto_parent() {
                break 'walk;
            }
        }
    }
    let mut conv = TsConv {
        src: text,
        too_deep: false,
        errors: Vec::new(),
    };
    let mut value = None;
    let mut c = root.walk();
    for ch in root.named_children(&mut c) {
        if let Some(v) = conv.value(ch, 0) {
            value = Some(v);
            break;
        }
    }
    errors.extend(conv.errors);
    Some((value, comments, errors))
}

struct TsConv<'a> {
    src: &'a str,
    too_deep: bool,
    errors: Vec<SyntaxError>,
}

impl TsConv<'_> {
    fn span(n: TsNode) -> Span {
        Span::new(n.start_byte() as u32, n.end_byte() as u32)
    }

    fn value(&mut self, n: TsNode, depth: u32) -> Option<Node> {
        let span = Self::span(n);
        let text = self.src.get(n.byte_range()).unwrap_or("");
        match n.kind() {
            "object" | "array" => {
                if depth >= MAX_DEPTH {
                    if !self.too_deep {
                        self.too_deep = true;
                        // The node starts at its bracket, but tree-sitter's
                        // error recovery makes no promise of that: take the
                        // whole first character, whatever it is.
                        let end = char_end(self.src, span.start as usize) as u32;
                        self.errors.push(SyntaxError {
                            span: Span::new(span.start, end),
                            message: format!("nesting too deep (more than {MAX_DEPTH} levels)"),
                        });
                    }
                    return Some(Node::missing(span.start));
                }
                let mut cur = n.walk();
                let children: Vec<TsNode> = n.named_children(&mut cur).collect();
                if n.kind() == "object" {
                    let mut entries = Vec::new();
                    for ch in children {
                        if ch.kind() != "pair" {
                            continue;
                        }
                        let Some(k) = ch.child_by_field_name("key") else {
                            continue;
                        };
                        let ks = Self::span(k);
                        let key = match self.value(k, depth + 1) {
                            Some(Node {
                                value: Value::Scalar(s, _),
                                ..
                            }) => s,
                            _ => self.src.get(k.byte_range()).unwrap_or("").to_string(),
                        };
                        let value = match ch.child_by_field_name("value") {
                            Some(v) => self
                                .value(v, depth + 1)
                                .unwrap_or_else(|| Node::missing(Self::span(v).start)),
                            None => Node::missing(ch.end_byte() as u32),
                        };
                        entries.push(Entry {
                            key,
                            key_span: ks,
                            value,
                        });
                    }
                    Some(Node {
                        span,
                        value: Value::Map(entries, CollStyle::Flow),
                    })
                } else {
                    let items = children
                        .into_iter()
                        .filter_map(|ch| self.value(ch, depth + 1))
                        .collect();
                    Some(Node {
                        span,
                        value: Value::Seq(items, CollStyle::Flow),
                    })
                }
            }
            "string" => {
                let v = match decode_string(self.src, span.start as usize) {
                    Ok((v, e)) if e == span.end as usize => v,
                    _ => text
                        .strip_prefix('"')
                        .map(|t| t.strip_suffix('"').unwrap_or(t))
                        .unwrap_or(text)
                        .to_string(),
                };
                Some(Node {
                    span,
                    value: Value::Scalar(v, ScalarStyle::JsonString),
                })
            }
            "number" | "true" | "false" | "null" => Some(Node {
                span,
                value: Value::Scalar(text.to_string(), ScalarStyle::JsonLiteral),
            }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::test_util::{corpus, files};

    fn span_text(text: &str, s: Span) -> &str {
        &text[s.start as usize..s.end as usize]
    }

    #[test]
    fn values_and_spans() {
        let text = r#"{"a": 1, "é😀": "x\"y\u00e9\ud83d\ude00", "n": [true, false, null, -1.5e3], "o": {}}"#;
        let d = parse_json(text);
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        let root = d.root.unwrap();
        assert_eq!(root.span, Span::new(0, text.len() as u32));
        let e = root.entry("é😀").unwrap();
        assert_eq!(span_text(text, e.key_span), "\"é😀\"");
        assert_eq!(e.value.as_str(), Some("x\"yé😀"));
        assert_eq!(
            e.value.value,
            Value::Scalar("x\"yé😀".into(), ScalarStyle::JsonString)
        );
        assert_eq!(span_text(text, e.value.span), r#""x\"y\u00e9\ud83d\ude00""#);
        let n = root.get("n").unwrap();
        assert_eq!(span_text(text, n.span), "[true, false, null, -1.5e3]");
        assert_eq!(
            n.items()[3].value,
            Value::Scalar("-1.5e3".into(), ScalarStyle::JsonLiteral)
        );
        assert!(n.items()[2].is_null());
        assert_eq!(span_text(text, root.get("o").unwrap().span), "{}");
        assert!(matches!(root.value, Value::Map(_, CollStyle::Flow)));
    }

    #[test]
    fn crlf_and_whitespace() {
        let text = "\u{feff}{\r\n  \"k\" : [ 1 ,\r\n 2 ]\r\n}\r\n";
        let d = parse_json(text);
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        let k = d.root.as_ref().unwrap().get("k").unwrap();
        assert_eq!(span_text(text, k.span), "[ 1 ,\r\n 2 ]");
    }

    #[test]
    fn empty_is_no_root() {
        assert!(parse_json("").root.is_none());
        assert!(parse_json("  \n").root.is_none());
        assert!(parse_json("  \n").errors.is_empty());
    }

    #[test]
    fn errors_recover_the_rest() {
        let text = "{\n  \"a\": {\"x\": 1,},\n  \"b\": [1, 2],\n  \"c\": \"ok\"\n}\n";
        let d = parse_json(text);
        assert!(!d.errors.is_empty());
        let first = &d.errors[0];
        assert_eq!(first.message, "trailing comma in object");
        assert_eq!(first.span.start as usize, text.find(",}").unwrap() + 1);
        let root = d.root.unwrap();
        assert_eq!(root.get("c").unwrap().as_str(), Some("ok"));
        assert_eq!(root.get("b").unwrap().items().len(), 2);

        let text = "{\"a\": \"unclosed, \"b\": 2}";
        let d = parse_json(text);
        assert!(!d.errors.is_empty());
        let text = "{\"a\": 1 \"b\": 2}";
        let d = parse_json(text);
        assert_eq!(
            d.errors[0].message,
            "expected ',' or '}' after an object member"
        );
        assert_eq!(d.errors[0].span.start, 8);
        assert!(d.root.is_some());
    }

    #[test]
    fn invalid_tokens() {
        for (t, msg) in [
            ("[01]", "invalid number (leading zero)"),
            ("[1.]", "invalid number (digits expected after '.')"),
            ("[tru]", "invalid literal (expected true, false or null)"),
            ("[\"a\\q\"]", "invalid escape sequence in string"),
            ("[1] 2", "unexpected text after the JSON value"),
            ("{\"a\" 1}", "expected ':' after the member name"),
            ("[1,]", "trailing comma in array"),
            (
                "{'a': 1}",
                "expected a member name (a string in double quotes)",
            ),
        ] {
            let d = parse_json(t);
            assert_eq!(
                d.errors.first().map(|e| e.message.as_str()),
                Some(msg),
                "{t}"
            );
        }
    }

    /// Every span of `d` (nodes, keys, comments, errors) is a range of
    /// `text` whose ends are char boundaries.
    fn assert_char_boundary_spans(text: &str, d: &Document) {
        fn ok(text: &str, s: Span, what: &str) {
            let (a, b) = (s.start as usize, s.end as usize);
            assert!(
                a <= b && text.get(a..b).is_some(),
                "{what} span {a}..{b} is not on char boundaries of {text:?}"
            );
        }
        fn node(text: &str, n: &Node) {
            ok(text, n.span, "node");
            match &n.value {
                Value::Map(es, _) => {
                    for e in es {
                        ok(text, e.key_span, "key");
                        node(text, &e.value);
                    }
                }
                Value::Seq(items, _) => items.iter().for_each(|n| node(text, n)),
                _ => {}
            }
        }
        if let Some(r) = &d.root {
            node(text, r);
        }
        for c in &d.comments {
            ok(text, c.span, "comment");
        }
        for e in &d.errors {
            ok(text, e.span, "error");
        }
    }

    /// The error paths whose span used to end one byte past an ASCII
    /// position, inside the multi-byte character that was there (ROBUSTNESS.md
    /// finding 3): the span now covers the whole character.
    #[test]
    fn error_spans_cover_whole_multibyte_chars() {
        for (text, want, msg) in [
            // An invalid escape of a 2-, 4- and 3-byte character.
            (
                "{\"a\":\"\\é\"}",
                "\\é",
                "invalid escape sequence in string",
            ),
            (
                "{\"a\":\"\\😀\"}",
                "\\😀",
                "invalid escape sequence in string",
            ),
            (
                "{\"a\":\"\\中\"}",
                "\\中",
                "invalid escape sequence in string",
            ),
            // ... also as the last character of the text.
            ("[\"\\é", "\\é", "invalid escape sequence in string"),
            ("[\"\\😀", "\\😀", "invalid escape sequence in string"),
            // A `\u` escape whose fourth byte after `\u` is inside a character.
            (
                "[\"\\u123é\"]",
                "\\u123é",
                "invalid \\u escape (four hex digits expected)",
            ),
            (
                "[\"\\u1😀\"]",
                "\\u1😀",
                "invalid \\u escape (four hex digits expected)",
            ),
            (
                "[\"\\u12中\"]",
                "\\u12中",
                "invalid \\u escape (four hex digits expected)",
            ),
            (
                "[\"\\ué中",
                "\\ué中",
                "invalid \\u escape (four hex digits expected)",
            ),
        ] {
            let d = parse_json(text);
            assert_char_boundary_spans(text, &d);
            let first = d
                .errors
                .first()
                .unwrap_or_else(|| panic!("{text}: no error"));
            assert_eq!(first.message, msg, "{text}");
            assert_eq!(span_text(text, first.span), want, "{text}");
        }
        // The too-deep error of the tree-sitter recovery (the scanner stops
        // at the leading zero first) among multi-byte characters: it spans
        // the bracket.
        for ch in ["é", "😀", "中"] {
            let deep = format!("{}\"{ch}\"{}", "[".repeat(600), "]".repeat(600));
            let text = format!("{{\"{ch}\": 01, \"{ch}{ch}\": {deep}}}");
            let d = parse_json(&text);
            assert_char_boundary_spans(&text, &d);
            let deep = d
                .errors
                .iter()
                .find(|e| e.message.contains("nesting too deep"));
            assert_eq!(deep.map(|e| span_text(&text, e.span)), Some("["), "{ch}");
        }
    }

    #[test]
    fn deep_nesting_is_capped() {
        let d = parse_json(&"[".repeat(100_000));
        assert!(!d.errors.is_empty());
        let deep = format!("{}{}", "[".repeat(600), "]".repeat(600));
        let d = parse_json(&deep);
        assert!(d.errors[0].message.contains("nesting too deep"));
        let ok = format!("{}{}", "[".repeat(500), "]".repeat(500));
        assert!(parse_json(&ok).errors.is_empty());
    }

    #[test]
    fn corpus_json_parses() {
        let Some(dir) = corpus() else { return };
        for f in files(&dir, &["json"]) {
            let text = std::fs::read_to_string(&f).unwrap();
            let d = parse_json(&text);
            assert!(d.errors.is_empty(), "{}: {:?}", f.display(), d.errors);
            // Agrees with serde_json on the values.
            let body = text.strip_prefix('\u{feff}').unwrap_or(&text);
            let v: serde_json::Value = serde_json::from_str(body).unwrap();
            assert!(same(&v, d.root.as_ref().unwrap()), "{}", f.display());
        }
    }

    fn same(v: &serde_json::Value, n: &Node) -> bool {
        use serde_json::Value as J;
        match (v, &n.value) {
            (J::Object(m), Value::Map(es, _)) => {
                m.len() == es.len()
                    && es
                        .iter()
                        .all(|e| m.get(&e.key).is_some_and(|x| same(x, &e.value)))
            }
            (J::Array(a), Value::Seq(items, _)) => {
                a.len() == items.len() && a.iter().zip(items).all(|(x, y)| same(x, y))
            }
            (J::String(s), Value::Scalar(t, ScalarStyle::JsonString)) => s == t,
            (J::Null, Value::Scalar(t, ScalarStyle::JsonLiteral)) => t == "null",
            (J::Bool(b), Value::Scalar(t, ScalarStyle::JsonLiteral)) => {
                t == if *b { "true" } else { "false" }
            }
            (J::Number(x), Value::Scalar(t, ScalarStyle::JsonLiteral)) => {
                x.as_f64() == t.parse::<f64>().ok()
            }
            _ => false,
        }
    }
}
