//! The located tree: YAML and JSON documents as maps, sequences and scalars,
//! each with the byte range it came from.
//!
//! Every rule runs on this one small tree, whatever parser produced it
//! (tree-sitter for error tolerance, an event parser for very large YAML, a
//! hand-written scanner for JSON), so rules never care about the source syntax.

/// A byte range `[start, end)` in a file's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub const fn new(start: u32, end: u32) -> Self {
        Span { start, end }
    }
    pub fn contains(&self, offset: u32) -> bool {
        self.start <= offset && offset <= self.end
    }
    pub fn len(&self) -> u32 {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
}

/// How a scalar was written; fixes use it to write new values in the same style.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
    /// A JSON string.
    JsonString,
    /// A JSON number, `true`, `false` or `null`.
    JsonLiteral,
}

/// How a collection was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CollStyle {
    Block,
    /// `{…}` / `[…]` in YAML, or any JSON collection.
    Flow,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A scalar, decoded (escapes resolved, block scalars folded). `null`,
    /// `~`, numbers and booleans are scalars too: see [`Node::is_null`].
    Scalar(String, ScalarStyle),
    Map(Vec<Entry>, CollStyle),
    Seq(Vec<Node>, CollStyle),
    /// A value the parser could not read (inside a syntax error), or an
    /// empty value (`key:` with nothing after it).
    Missing,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub span: Span,
    pub value: Value,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The decoded key.
    pub key: String,
    /// Where the key is written (without the `:`).
    pub key_span: Span,
    pub value: Node,
}

impl Node {
    pub fn missing(at: u32) -> Node {
        Node {
            span: Span::new(at, at),
            value: Value::Missing,
        }
    }

    /// The value of `key` in a map (first one wins, like most YAML loaders).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Map(entries, _) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[Entry] {
        match &self.value {
            Value::Map(entries, _) => entries,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items, _) => items,
            _ => &[],
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(s, _) => Some(s),
            _ => None,
        }
    }

    pub fn is_map(&self) -> bool {
        matches!(self.value, Value::Map(..))
    }

    pub fn is_seq(&self) -> bool {
        matches!(self.value, Value::Seq(..))
    }

    pub fn is_null(&self) -> bool {
        match &self.value {
            Value::Missing => true,
            Value::Scalar(s, ScalarStyle::Plain | ScalarStyle::JsonLiteral) => {
                matches!(s.as_str(), "null" | "~" | "Null" | "NULL" | "")
            }
            _ => false,
        }
    }

    /// The `$ref` string of a Reference Object.
    pub fn ref_str(&self) -> Option<&str> {
        self.get("$ref").and_then(Node::as_str)
    }

    /// Follows a JSON pointer (already split and unescaped) from this node.
    pub fn pointer<I, S>(&self, tokens: I) -> Option<&Node>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut cur = self;
        for t in tokens {
            let t = t.as_ref();
            cur = match &cur.value {
                Value::Map(..) => cur.get(t)?,
                Value::Seq(items, _) => items.get(t.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(cur)
    }
}

/// A comment in a YAML document (`# …`), with the text after `#`.
#[derive(Clone, Debug, PartialEq)]
pub struct Comment {
    pub span: Span,
}

/// A syntax error found while reading a file.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
}

/// A parsed YAML or JSON document.
#[derive(Clone, Debug, Default)]
pub struct Document {
    /// The root value; `Missing` for an empty or unreadable file.
    pub root: Option<Node>,
    pub comments: Vec<Comment>,
    pub errors: Vec<SyntaxError>,
    /// Departures from the YAML spec that the reader read anyway, the way
    /// libyaml (PyYAML) and the other common readers do, so that the tree is
    /// complete (at most one a document; reported as `syntax-error`
    /// warnings).
    pub warnings: Vec<SyntaxError>,
}

/// Splits a JSON pointer fragment (`/paths/~1pets/get`) into unescaped tokens.
pub fn split_pointer(fragment: &str) -> Vec<String> {
    let f = fragment.strip_prefix('#').unwrap_or(fragment);
    if f.is_empty() {
        return Vec::new();
    }
    let f = percent_decode(f);
    f.strip_prefix('/')
        .unwrap_or(&f)
        .split('/')
        .map(|t| {
            if t.contains('~') {
                t.replace("~1", "/").replace("~0", "~")
            } else {
                t.to_string()
            }
        })
        .collect()
}

/// Escapes a key as a JSON pointer token.
pub fn escape_pointer_token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

// Spans of a text at hand.

/// The text of `span`, or `""` when it is out of range or not on char
/// boundaries (readers never index text directly).
pub fn slice(text: &str, span: Span) -> &str {
    text.get(span.start as usize..span.end as usize)
        .unwrap_or("")
}

/// `span` without leading and trailing whitespace (including line endings).
pub fn trim_span(text: &str, span: Span) -> Span {
    let s = slice(text, span);
    let lead = s.len() - s.trim_start().len();
    let inner = s.trim();
    let start = span.start + lead as u32;
    Span::new(start, start + inner.len() as u32)
}

/// Offset just after the line ending that follows `offset` (which should be
/// the end of a line's content); `offset` itself when there is none.
pub fn after_line_ending(text: &str, offset: u32) -> u32 {
    let b = text.as_bytes();
    let mut i = (offset as usize).min(b.len());
    while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
        i += 1;
    }
    match b.get(i) {
        Some(b'\r') if b.get(i + 1) == Some(&b'\n') => (i + 2) as u32,
        Some(b'\r' | b'\n') => (i + 1) as u32,
        _ => offset.min(b.len() as u32),
    }
}

/// The line containing `offset`, without its line ending.
pub fn line_around(text: &str, offset: u32) -> Span {
    let b = text.as_bytes();
    let off = (offset as usize).min(b.len());
    let start = b[..off]
        .iter()
        .rposition(|&c| c == b'\n' || c == b'\r')
        .map_or(0, |p| p + 1);
    let end = b[off..]
        .iter()
        .position(|&c| c == b'\n' || c == b'\r')
        .map_or(b.len(), |p| off + p);
    Span::new(start as u32, end as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_tokens_unescape() {
        assert_eq!(
            split_pointer("#/paths/~1pets~1{id}/get"),
            vec!["paths", "/pets/{id}", "get"]
        );
        assert_eq!(split_pointer("#/a~0b"), vec!["a~b"]);
        assert_eq!(split_pointer("#/a%20b"), vec!["a b"]);
        assert!(split_pointer("#").is_empty());
        assert_eq!(escape_pointer_token("/x~y"), "~1x~0y");
    }
}
