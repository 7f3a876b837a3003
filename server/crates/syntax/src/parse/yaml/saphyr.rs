//! The exact path of the YAML reader: saphyr-parser's events turned into the
//! located tree.
//!
//! saphyr-parser reads all of YAML 1.2 but stops at the first error and
//! reports positions in characters; this module converts them to bytes,
//! recomputes spans the way the rest of the reader defines them (quoted
//! scalars end at their closing quote, block scalars start at their `|`/`>`),
//! expands aliases under a global budget, applies merge keys and caps the
//! nesting depth. On an error it closes the open collections, so the caller
//! still gets the tree read so far.

use std::collections::{HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use saphyr_parser::{Event, Parser, ScalarStyle as SStyle};

use crate::parse::MAX_DEPTH;
use crate::tree::{CollStyle, Comment, Entry, Node, ScalarStyle, Span, SyntaxError, Value};

pub(super) const ALIAS_LIMIT_MSG: &str = "alias expansion limit reached (possible alias bomb)";

/// State shared by all the pieces of one document: anchors (so that an alias
/// can refer to an anchor read by another piece) and the alias budget.
pub(super) struct Ctx {
    /// Anchored nodes and their sizes; `None` for a node too big for the
    /// budget.
    pub anchors: HashMap<String, Option<(Node, usize)>>,
    /// Nodes that may still be cloned for aliases and anchors.
    pub budget: usize,
    pub budget_hit: bool,
    /// Whether any anchor or alias was seen.
    pub saw_anchors: bool,
    /// Set while a padded copy of a piece is read (`lenient.rs`): the
    /// copy's offsets are not the document's. Anchored nodes are stored in
    /// the document's offsets (mapped with this), and the spans inside an
    /// alias's copy, which already are the document's, get [`FOREIGN`]
    /// added so that mapping the copy's tree back gives them unchanged.
    pub to_doc: Option<Arc<dyn Fn(u32) -> u32 + Send + Sync>>,
}

/// Marks a span offset that is already the document's while a padded copy
/// is read (see [`Ctx::to_doc`]). Spans are `u32` and a text that long is
/// never padded, so no real offset carries it.
pub(super) const FOREIGN: u32 = 1 << 31;

/// Applies `f` to every span of `node` (node spans and key spans).
pub(super) fn map_spans(node: &mut Node, f: &impl Fn(&mut Span)) {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        f(&mut n.span);
        match &mut n.value {
            Value::Map(es, _) => {
                for e in es.iter_mut() {
                    f(&mut e.key_span);
                    stack.push(&mut e.value);
                }
            }
            Value::Seq(items, _) => stack.extend(items.iter_mut()),
            _ => {}
        }
    }
}

impl Ctx {
    pub fn new(text_len: usize) -> Self {
        Ctx {
            anchors: HashMap::new(),
            budget: (text_len / 2).max(100_000),
            budget_hit: false,
            saw_anchors: false,
            to_doc: None,
        }
    }

    /// Remembers `node` under `name` (cloning it, within the budget).
    pub fn register(&mut self, name: &str, node: &Node) {
        self.saw_anchors = true;
        let n = count_nodes(node, self.budget + 1);
        if n > self.budget {
            self.anchors.insert(name.to_string(), None);
            return;
        }
        self.budget -= n;
        let mut copy = node.clone();
        if let Some(to_doc) = &self.to_doc {
            map_spans(&mut copy, &|s: &mut Span| {
                s.start = to_doc(s.start);
                s.end = to_doc(s.end).max(s.start);
            });
        }
        self.anchors.insert(name.to_string(), Some((copy, n)));
    }

    /// A copy of the node anchored as `name`, with its outer span moved to
    /// `span` (the alias). `Err(Some(message))` when it cannot be expanded,
    /// `Err(None)` when the budget ran out and that was already reported.
    pub fn expand(&mut self, name: &str, span: Span) -> Result<Node, Option<String>> {
        self.saw_anchors = true;
        let over = match self.anchors.get(name) {
            None => return Err(Some(format!("unknown anchor '{name}'"))),
            Some(Some((node, n))) if *n <= self.budget => {
                self.budget -= *n;
                let mut c = node.clone();
                if self.to_doc.is_some() {
                    map_spans(&mut c, &|s: &mut Span| {
                        s.start += FOREIGN;
                        s.end += FOREIGN;
                    });
                }
                c.span = span;
                return Ok(c);
            }
            Some(_) => true,
        };
        debug_assert!(over);
        if self.budget_hit {
            Err(None)
        } else {
            self.budget_hit = true;
            Err(Some(ALIAS_LIMIT_MSG.to_string()))
        }
    }
}

/// Number of nodes in `node`, counting up to `cap`.
pub(super) fn count_nodes(node: &Node, cap: usize) -> usize {
    let mut n = 0usize;
    let mut stack = vec![node];
    while let Some(x) = stack.pop() {
        n += 1;
        if n > cap {
            return n;
        }
        match &x.value {
            Value::Map(es, _) => stack.extend(es.iter().map(|e| &e.value)),
            Value::Seq(items, _) => stack.extend(items.iter()),
            _ => {}
        }
    }
    n
}

/// The outcome of reading a piece of text.
pub(super) struct Read {
    pub root: Option<Node>,
    pub comments: Vec<Comment>,
    /// Errors that did not stop the reading (depth, aliases).
    pub errors: Vec<SyntaxError>,
    /// The error that stopped it.
    pub fatal: Option<Fatal>,
}

#[derive(Clone, Debug)]
pub(super) struct Fatal {
    pub pos: u32,
    pub msg: String,
    pub unknown_anchor: bool,
}

/// Converts saphyr's character offsets (relative to `base`) to byte offsets.
struct Conv<'a> {
    src: &'a str,
    base: usize,
    end: usize,
    ascii: bool,
    ci: usize,
    bi: usize,
}

impl Conv<'_> {
    fn byte(&mut self, ci: usize) -> usize {
        if self.ascii {
            return (self.base + ci).min(self.end);
        }
        let s = self.src.as_bytes();
        while self.ci < ci && self.bi < self.end {
            let b = s[self.bi];
            self.bi += if b < 0x80 {
                1
            } else if b >= 0xF0 {
                4
            } else if b >= 0xE0 {
                3
            } else {
                2
            };
            self.ci += 1;
        }
        while self.ci > ci && self.bi > self.base {
            self.bi -= 1;
            while self.bi > self.base && !self.src.is_char_boundary(self.bi) {
                self.bi -= 1;
            }
            self.ci -= 1;
        }
        self.bi.min(self.end)
    }
}

enum Kind {
    Map {
        entries: Vec<Entry>,
        key: Option<(String, Span, bool)>,
        /// `<<` entries (merged into the map when it ends).
        merges: Vec<Entry>,
    },
    Seq(Vec<Node>),
}

struct Frame {
    kind: Kind,
    /// Offset of the `{`/`[` of a flow collection, or of the first `-` of a
    /// block sequence.
    start: u32,
    flow: bool,
    anchor: Option<String>,
}

struct Builder<'a, 'c> {
    src: &'a str,
    s: &'a [u8],
    start: usize,
    end: usize,
    conv: Conv<'a>,
    stack: Vec<Frame>,
    root: Option<Node>,
    skip: usize,
    last_end: usize,
    opaque: Vec<(u32, u32)>,
    ctx: &'c mut Ctx,
    errors: Vec<SyntaxError>,
}

/// Reads the first YAML document in `src[start..end]` with saphyr-parser.
pub(super) fn read(src: &str, start: usize, end: usize, ctx: &mut Ctx) -> Read {
    let r = catch_unwind(AssertUnwindSafe(|| read_inner(src, start, end, ctx)));
    match r {
        Ok(r) => r,
        Err(_) => Read {
            root: None,
            comments: Vec::new(),
            errors: Vec::new(),
            fatal: Some(Fatal {
                pos: start as u32,
                msg: "internal error in the YAML parser".to_string(),
                unknown_anchor: false,
            }),
        },
    }
}

fn read_inner(src: &str, start: usize, end: usize, ctx: &mut Ctx) -> Read {
    let text = &src[start..end];
    let mut b = Builder {
        src,
        s: src.as_bytes(),
        start,
        end,
        conv: Conv {
            src,
            base: start,
            end,
            ascii: text.is_ascii(),
            ci: 0,
            bi: start,
        },
        stack: Vec::new(),
        root: None,
        skip: 0,
        last_end: start,
        opaque: Vec::new(),
        ctx,
        errors: Vec::new(),
    };
    let mut parser = Parser::new_from_str(text);
    let mut fatal = None;
    let mut seen_doc = false;
    loop {
        match parser.next_event() {
            None => break,
            Some(Ok((ev, span))) => {
                let (s0, s1) = (span.start.index(), span.end.index());
                match ev {
                    Event::StreamStart | Event::Nothing => {}
                    Event::DocumentStart(_) => {
                        if seen_doc {
                            break;
                        }
                        seen_doc = true;
                    }
                    Event::DocumentEnd | Event::StreamEnd => break,
                    Event::Scalar(v, style, aid, tag) => {
                        b.scalar(v.into_owned(), style, aid > 0 || tag.is_some(), s0, s1)
                    }
                    Event::Alias(_) => b.alias(s0, s1),
                    Event::MappingStart(aid, tag) => b.start(true, aid > 0 || tag.is_some(), s0),
                    Event::SequenceStart(aid, tag) => b.start(false, aid > 0 || tag.is_some(), s0),
                    Event::MappingEnd | Event::SequenceEnd => b.end_coll(s0, s1),
                }
            }
            Some(Err(e)) => {
                let pos = b.conv.byte(e.marker().index());
                let info = e.info();
                fatal = Some(Fatal {
                    pos: pos as u32,
                    msg: friendly(info),
                    unknown_anchor: info.contains("unknown anchor"),
                });
                break;
            }
        }
    }
    // Close whatever is still open (after an error).
    let at = fatal.as_ref().map(|f| f.pos).unwrap_or(end as u32);
    while !b.stack.is_empty() {
        b.skip = 0;
        b.finish_top(at);
    }
    let comments = b.comments();
    Read {
        root: b.root,
        comments,
        errors: b.errors,
        fatal,
    }
}

/// A clearer message for saphyr's error texts.
pub(super) fn friendly(info: &str) -> String {
    let m = if info.contains("quoted scalar, found unexpected end of stream") {
        "unclosed quoted scalar"
    } else if info.contains("could not find expected ':'") {
        "expected ':' after mapping key"
    } else if info.contains("mapping values are not allowed") {
        "a ':' is not allowed here (quote the value if it contains ': ')"
    } else if info.contains("did not find expected key") {
        "expected a mapping key here (check the indentation)"
    } else if info.contains("did not find expected ',' or ']'") {
        "expected ',' or ']' in flow sequence"
    } else if info.contains("did not find expected ',' or '}'") {
        "expected ',' or '}' in flow mapping"
    } else if info.contains("did not find expected '-'") {
        "expected a sequence item ('- ') here (check the indentation)"
    } else if info.contains("unknown anchor") {
        "unknown anchor"
    } else if info.contains("invalid indentation") || info.contains("wrongly indented") {
        "bad indentation"
    } else if info.contains("did not find expected node content") {
        "expected a value here"
    } else if info.contains("found a tab") || info.contains("tab") && info.contains("indentation") {
        "tabs cannot be used for indentation"
    } else if info.contains("unknown escape") {
        "unknown escape sequence in double-quoted scalar"
    } else if info.contains("comment intercepting") {
        "a comment cannot interrupt a multi-line plain scalar"
    } else {
        return info
            .strip_prefix("while parsing ")
            .or_else(|| info.strip_prefix("while scanning "))
            .unwrap_or(info)
            .to_string();
    };
    m.to_string()
}

#[inline]
fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

impl Builder<'_, '_> {
    fn at(&self, i: usize) -> u8 {
        if i < self.end {
            self.s[i]
        } else {
            0
        }
    }

    fn eol(&self, i: usize) -> usize {
        let i = i.min(self.end);
        match self.s[i..self.end]
            .iter()
            .position(|&b| b == b'\n' || b == b'\r')
        {
            Some(k) => i + k,
            None => self.end,
        }
    }

    /// Skips node properties (`&anchor`, `!tag`) at `p`. Returns the anchor
    /// name, the end of the properties and the start of the content.
    fn props(&self, mut p: usize) -> (Option<String>, usize, usize) {
        let mut anchor = None;
        let mut props_end = p;
        loop {
            let c = self.at(p);
            if c != b'&' && c != b'!' {
                break;
            }
            let st = p;
            while p < self.end && !matches!(self.s[p], b' ' | b'\t' | b'\n' | b'\r') {
                if c == b'&' && matches!(self.s[p], b',' | b'[' | b']' | b'{' | b'}') {
                    break;
                }
                p += 1;
            }
            if c == b'&' {
                anchor = Some(self.src[st + 1..p].to_string());
            }
            props_end = p;
            // Blanks, line breaks and comments up to the content.
            loop {
                while p < self.end && matches!(self.s[p], b' ' | b'\t' | b'\n' | b'\r') {
                    p += 1;
                }
                if self.at(p) == b'#' {
                    p = self.eol(p);
                    continue;
                }
                break;
            }
        }
        (anchor, props_end, p)
    }

    fn start(&mut self, map: bool, has_props: bool, s0: usize) {
        if self.skip > 0 || self.stack.len() >= MAX_DEPTH as usize {
            if self.skip == 0 {
                let at = self.conv.byte(s0) as u32;
                self.errors.push(SyntaxError {
                    span: Span::new(at, at + 1),
                    message: format!("nesting too deep (more than {MAX_DEPTH} levels)"),
                });
            }
            self.skip += 1;
            return;
        }
        let p = self.conv.byte(s0);
        let (anchor, _, content) = if has_props {
            self.props(p)
        } else {
            (None, p, p)
        };
        let mut content = content;
        let key_end = match self.stack.last() {
            Some(Frame {
                kind:
                    Kind::Map {
                        key: Some((_, ks, _)),
                        ..
                    },
                ..
            }) => Some(ks.end as usize),
            _ => None,
        };
        let mut dash = false;
        if let (false, Some(from)) = (map, key_end) {
            // A block sequence that is a mapping value starts at its first
            // `-` (saphyr puts the start of an indentless one after it, at
            // its first item, which may be a flow collection).
            if let Some(d) = self.find_dash(from, content + 1) {
                content = d;
                dash = true;
            }
        }
        let c = self.at(content);
        let flow = !dash && if map { c == b'{' } else { c == b'[' };
        self.stack.push(Frame {
            kind: if map {
                Kind::Map {
                    entries: Vec::new(),
                    key: None,
                    merges: Vec::new(),
                }
            } else {
                Kind::Seq(Vec::new())
            },
            start: content as u32,
            flow,
            anchor,
        });
    }

    fn end_coll(&mut self, s0: usize, s1: usize) {
        if self.skip > 0 {
            self.skip -= 1;
            if self.skip == 0 {
                let at = self.conv.byte(s1) as u32;
                self.push(Node::missing(at), None, false);
            }
            return;
        }
        // The end of a flow collection is just after its bracket (saphyr's
        // span may run on over blanks and a comment).
        let p0 = self.conv.byte(s0);
        let at = match self.closing_bracket(p0) {
            Some(b) => b + 1,
            None => self.conv.byte(s1),
        };
        self.finish_top(at as u32);
    }

    /// Closes the innermost open collection; `at` is the end of a flow
    /// collection (after its closing bracket) or where reading stopped.
    fn finish_top(&mut self, at: u32) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let style = if frame.flow {
            CollStyle::Flow
        } else {
            CollStyle::Block
        };
        let (value, first, last) = match frame.kind {
            Kind::Map {
                mut entries,
                key,
                merges,
            } => {
                if let Some((k, ks, _)) = key {
                    // A key whose value was never read.
                    entries.push(Entry {
                        key: k,
                        key_span: ks,
                        value: Node::missing(ks.end),
                    });
                }
                // The map's own text, `<<` entries included.
                let own = entries.iter().chain(merges.iter());
                let first = own.clone().map(|e| e.key_span.start).min();
                let last = own.map(|e| e.value.span.end.max(e.key_span.end)).max();
                apply_merges(&mut entries, merges);
                (Value::Map(entries, style), first, last)
            }
            Kind::Seq(items) => {
                let first = if items.is_empty() {
                    None
                } else {
                    Some(frame.start)
                };
                let last = items.last().map(|n| n.span.end);
                (Value::Seq(items, style), first, last)
            }
        };
        let span = if frame.flow {
            Span::new(frame.start, at.max(frame.start))
        } else {
            let st = first.unwrap_or(frame.start);
            Span::new(st, last.unwrap_or(st).max(st))
        };
        let node = Node { span, value };
        if let Some(name) = &frame.anchor {
            self.ctx.register(name, &node);
        }
        self.push(node, None, false);
    }

    fn scalar(&mut self, v: String, style: SStyle, has_props: bool, s0: usize, s1: usize) {
        if self.skip > 0 {
            return;
        }
        let p0 = self.conv.byte(s0);
        let p1 = self.conv.byte(s1);
        let (anchor, props_end, st) = if has_props {
            self.props(p0)
        } else {
            (None, p0, p0)
        };
        let node = match style {
            SStyle::Plain if v.is_empty() => {
                let at = if has_props {
                    props_end
                } else {
                    self.missing_pos(p0)
                };
                Node::missing(at as u32)
            }
            SStyle::Plain => {
                let e = p1.max(st);
                self.opaque.push((st as u32, e as u32));
                Node {
                    span: Span::new(st as u32, e as u32),
                    value: Value::Scalar(v, ScalarStyle::Plain),
                }
            }
            SStyle::SingleQuoted | SStyle::DoubleQuoted => {
                let e = self.closing_quote(st).unwrap_or(p1.max(st));
                self.opaque.push((st as u32, e as u32));
                let style = if style == SStyle::SingleQuoted {
                    ScalarStyle::SingleQuoted
                } else {
                    ScalarStyle::DoubleQuoted
                };
                Node {
                    span: Span::new(st as u32, e as u32),
                    value: Value::Scalar(v, style),
                }
            }
            SStyle::Literal | SStyle::Folded => {
                let hdr = if has_props && matches!(self.at(st), b'|' | b'>') {
                    st
                } else {
                    self.find_header(self.last_end, p0.max(self.last_end))
                        .unwrap_or(p0)
                };
                let mut he = hdr + 1;
                while matches!(self.at(he), b'+' | b'-' | b'1'..=b'9') {
                    he += 1;
                }
                let hl_end = self.eol(hdr);
                let mut e = p1.max(hdr);
                while e > hdr && matches!(self.s[e - 1], b'\n' | b'\r' | b' ' | b'\t') {
                    e -= 1;
                }
                while e < p1 && is_blank(self.s[e]) {
                    e += 1;
                }
                if v.is_empty() || e <= hl_end {
                    e = he;
                } else {
                    let body = (hl_end + 1).min(e);
                    self.opaque.push((body as u32, e as u32));
                }
                let style = if style == SStyle::Literal {
                    ScalarStyle::Literal
                } else {
                    ScalarStyle::Folded
                };
                Node {
                    span: Span::new(hdr as u32, e as u32),
                    value: Value::Scalar(v, style),
                }
            }
        };
        if let Some(name) = &anchor {
            self.ctx.register(name, &node);
        }
        let plain = style == SStyle::Plain;
        self.push(node, None, plain);
    }

    fn alias(&mut self, s0: usize, s1: usize) {
        if self.skip > 0 {
            return;
        }
        let p0 = self.conv.byte(s0);
        let p1 = self.conv.byte(s1).max(p0);
        let name = self.src.get(p0 + 1..p1).unwrap_or("").to_string();
        let span = Span::new(p0 as u32, p1 as u32);
        let node = match self.ctx.expand(&name, span) {
            Ok(n) => n,
            Err(msg) => {
                if let Some(message) = msg {
                    self.errors.push(SyntaxError { span, message });
                }
                Node::missing(p0 as u32)
            }
        };
        self.push(node, Some(()), false);
    }

    /// Where an empty value is: right after the `:` of its key.
    fn missing_pos(&self, fallback: usize) -> usize {
        if let Some(Frame {
            kind:
                Kind::Map {
                    key: Some((_, ks, _)),
                    ..
                },
            ..
        }) = self.stack.last()
        {
            let mut p = ks.end as usize;
            while is_blank(self.at(p)) {
                p += 1;
            }
            if self.at(p) == b':' {
                return p + 1;
            }
            return ks.end as usize;
        }
        if let Some(Frame {
            kind: Kind::Seq(items),
            flow: false,
            start,
            ..
        }) = self.stack.last()
        {
            // Right after the item's `-`.
            let from = if items.is_empty() {
                *start as usize
            } else {
                self.last_end
            };
            if let Some(d) = self.find_dash(from, fallback.max(from)) {
                return d + 1;
            }
        }
        fallback.clamp(self.start, self.end)
    }

    /// The closing bracket of a flow collection, at `p` or after a trailing
    /// comma, blanks and comments (saphyr sometimes puts the end of a
    /// collection at the comma before its bracket).
    fn closing_bracket(&self, mut p: usize) -> Option<usize> {
        let top_flow = self.stack.last().is_some_and(|f| f.flow);
        if !top_flow {
            return None;
        }
        while p < self.end {
            match self.s[p] {
                b'}' | b']' => return Some(p),
                b',' | b' ' | b'\t' | b'\n' | b'\r' => p += 1,
                b'#' => p = self.eol(p),
                _ => return None,
            }
        }
        None
    }

    /// The first `-` followed by a blank in `from..to`, outside comments.
    fn find_dash(&self, from: usize, to: usize) -> Option<usize> {
        let mut i = from;
        while i < to.min(self.end) {
            match self.s[i] {
                b'-' if matches!(self.at(i + 1), b' ' | b'\t' | b'\n' | b'\r' | 0) => {
                    return Some(i)
                }
                b'#' if i == 0 || matches!(self.s[i - 1], b' ' | b'\t' | b'\n' | b'\r') => {
                    i = self.eol(i);
                }
                _ => i += 1,
            }
        }
        None
    }

    fn closing_quote(&self, q: usize) -> Option<usize> {
        let quote = self.at(q);
        if quote != b'"' && quote != b'\'' {
            return None;
        }
        let mut i = q + 1;
        while i < self.end {
            let c = self.s[i];
            if quote == b'"' && c == b'\\' {
                i += 2;
                continue;
            }
            if c == quote {
                if quote == b'\'' && self.at(i + 1) == b'\'' {
                    i += 2;
                    continue;
                }
                return Some(i + 1);
            }
            i += 1;
        }
        None
    }

    /// The first `|` or `>` in `from..to` outside comments.
    fn find_header(&self, from: usize, to: usize) -> Option<usize> {
        let mut i = from;
        while i < to.min(self.end) {
            match self.s[i] {
                b'|' | b'>' => return Some(i),
                b'#' if i == 0 || matches!(self.s[i - 1], b' ' | b'\t' | b'\n' | b'\r') => {
                    i = self.eol(i);
                }
                _ => i += 1,
            }
        }
        None
    }

    /// Adds a finished node to the innermost collection (or makes it the root).
    fn push(&mut self, node: Node, alias: Option<()>, plain: bool) {
        self.last_end = self.last_end.max(node.span.end as usize);
        let _ = alias;
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Frame {
                kind: Kind::Seq(items),
                ..
            }) => items.push(node),
            Some(Frame {
                kind:
                    Kind::Map {
                        entries,
                        key,
                        merges,
                    },
                ..
            }) => match key.take() {
                None => {
                    let k = match &node.value {
                        Value::Scalar(s, _) => s.clone(),
                        Value::Missing => String::new(),
                        _ => self
                            .src
                            .get(node.span.start as usize..node.span.end as usize)
                            .unwrap_or("")
                            .to_string(),
                    };
                    *key = Some((k, node.span, plain));
                }
                Some((k, ks, key_plain)) => {
                    let e = Entry {
                        key: k,
                        key_span: ks,
                        value: node,
                    };
                    if key_plain && e.key == "<<" && is_mergeable(&e.value) {
                        merges.push(e);
                    } else {
                        entries.push(e);
                    }
                }
            },
        }
    }

    /// Comments in the text read: every `#` that starts a comment, outside
    /// scalars.
    fn comments(&mut self) -> Vec<Comment> {
        self.opaque.sort_unstable();
        let mut out = Vec::new();
        let mut i = self.start;
        let mut oi = 0;
        while i < self.end {
            let Some(k) = self.s[i..self.end].iter().position(|&b| b == b'#') else {
                break;
            };
            let h = i + k;
            let starts = h == self.start || matches!(self.s[h - 1], b' ' | b'\t' | b'\n' | b'\r');
            while oi < self.opaque.len() && self.opaque[oi].1 as usize <= h {
                oi += 1;
            }
            let inside = oi < self.opaque.len() && (self.opaque[oi].0 as usize) <= h;
            if starts && !inside {
                let e = self.eol(h);
                out.push(Comment {
                    span: Span::new(h as u32, e as u32),
                });
                i = e;
            } else {
                i = h + 1;
            }
        }
        out
    }
}

fn is_mergeable(node: &Node) -> bool {
    match &node.value {
        Value::Map(..) => true,
        Value::Seq(items, _) => items.iter().all(Node::is_map),
        _ => false,
    }
}

/// Adds the entries of merged maps (`<<: *x`) that the map does not define
/// itself, after its own entries (so that [`Node::get`] finds its own first).
pub(super) fn apply_merges(entries: &mut Vec<Entry>, merges: Vec<Entry>) {
    if merges.is_empty() {
        return;
    }
    let mut seen: HashSet<String> = entries.iter().map(|e| e.key.clone()).collect();
    for m in merges {
        let maps = match m.value.value {
            Value::Map(es, _) => vec![es],
            Value::Seq(items, _) => items
                .into_iter()
                .filter_map(|n| match n.value {
                    Value::Map(es, _) => Some(es),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        for es in maps {
            for e in es {
                if seen.insert(e.key.clone()) {
                    entries.push(e);
                }
            }
        }
    }
}
