//! YAML → located tree.
//!
//! # Design
//!
//! A block-style document is cut into *chunks* by indentation: each line
//! that starts a top-level entry (a key at the document's indentation, or a
//! `- ` of a top-level sequence) starts a chunk, and a chunk is the entry's
//! text up to the next one. Chunks bigger than [`SPLIT_BYTES`] whose first
//! line is a plain `key:` are split again, at their children's indentation,
//! and so on. Every leaf chunk is read on its own:
//!
//! 1. by the fast reader (`yaml_fast`), a byte-level reader of the
//!    block subset API descriptions use, which declines anything unusual;
//! 2. else by saphyr-parser (`yaml_saphyr`), which reads all of YAML;
//! 3. else (a syntax error) the chunk is split at its children, so that the
//!    error is narrowed to the smallest piece, and a piece that cannot be
//!    split is read by tree-sitter-yaml (`yaml_ts`), which recovers
//!    from errors.
//!
//! The trees of the chunks are stitched into one tree with absolute spans.
//! Cutting by indentation is what YAML's block structure means, so a valid
//! document gives the same tree as reading it whole; when a chunk fails in a
//! way that may come from the cutting (an alias to an anchor in another
//! chunk, or an error at the very end of a chunk, like a flow collection
//! closed in the next one), the whole document is read again in one piece.
//! Documents that do not start with a block mapping or sequence (flow style,
//! directives, content on the `---` line) are read in one piece too.
//!
//! tree-sitter-yaml alone cannot read big files (0.7.2 turns a document of
//! more than 32,768 lines into one error node); here it only ever sees small
//! broken pieces.
//!
//! [`ParsedYaml`] keeps the chunks, so that after an edit only the chunk that
//! changed is read again ([`parse_yaml_incremental`]).

mod fast;
mod incr;
mod lenient;
mod saphyr;
#[cfg(test)]
mod tests;
mod ts;

use self::fast::{self as yaml_fast, Fast};
use self::lenient as yaml_lenient;
use self::saphyr::{self as yaml_saphyr, Ctx, Read};
use self::ts as yaml_ts;
use crate::tree::{CollStyle, Comment, Document, Entry, Node, Span, SyntaxError, Value};

/// Chunks bigger than this are split at their children (for error recovery,
/// incremental updates and the size of what each reader sees).
pub const SPLIT_BYTES: usize = 16 * 1024;

/// Chunks are not split deeper than this (the reading recurses once per
/// level); deeper pieces are read whole.
pub(super) const MAX_SPLIT_DEPTH: u32 = 64;

/// After this many chunks with errors (a text that is not really YAML, say
/// prose with a line per chunk), the rest of a region is read in one piece.
pub(super) const MAX_FAILURES: u32 = 64;

/// tree-sitter-yaml is not used on pieces with more lines than this.
const TS_MAX_LINES: usize = 30_000;

/// After a chunk fails at its end, the whole document is read again in one
/// piece only up to this size (so that a half-typed quote in a huge file
/// does not cost a full slow read on every keystroke).
const RETRY_WHOLE_MAX: usize = 256 << 10;

/// Reads the first YAML document in `text`. Never fails: syntax errors are
/// in [`Document::errors`] and the tree holds everything that could be read.
pub fn parse_yaml(text: &str) -> Document {
    read_document(text).doc
}

/// A parsed YAML file that can be updated cheaply after an edit.
#[derive(Clone, Debug)]
pub struct ParsedYaml {
    text: String,
    doc: Document,
    plan: Option<Plan>,
    stats: ReadStats,
}

impl ParsedYaml {
    pub fn new(text: &str) -> Self {
        let o = read_document(text);
        ParsedYaml {
            text: text.to_string(),
            doc: o.doc,
            plan: o.plan,
            stats: o.stats,
        }
    }

    /// How the pieces of the document were read.
    pub fn stats(&self) -> ReadStats {
        self.stats
    }

    pub fn document(&self) -> &Document {
        &self.doc
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// How many chunks were read on their own (0 when the document was read
    /// in one piece).
    pub fn chunk_count(&self) -> usize {
        fn count(r: &Region) -> usize {
            r.chunks
                .iter()
                .map(|c| match &c.split {
                    Some(s) => count(&s.region),
                    None => 1,
                })
                .sum()
        }
        self.plan.as_ref().map(|p| count(&p.region)).unwrap_or(0)
    }
}

impl ParsedYaml {
    /// Updates to `new_text` (see [`parse_yaml_incremental`]).
    pub fn update(&mut self, new_text: &str) {
        let prev = std::mem::replace(
            self,
            ParsedYaml {
                text: String::new(),
                doc: Document::default(),
                plan: None,
                stats: ReadStats::default(),
            },
        );
        *self = parse_yaml_incremental(prev, new_text);
    }
}

/// Re-reads `new_text`, reusing the trees of the chunks of `prev` that the
/// edit did not touch. Gives the same document as [`parse_yaml`] for valid
/// YAML.
pub fn parse_yaml_incremental(prev: ParsedYaml, new_text: &str) -> ParsedYaml {
    incr::update(prev, new_text)
}

impl ParsedYaml {
    pub(super) fn from_parts(
        text: String,
        doc: Document,
        plan: Option<Plan>,
        stats: ReadStats,
    ) -> Self {
        ParsedYaml {
            text,
            doc,
            plan,
            stats,
        }
    }

    pub(super) fn into_parts(self) -> (String, Document, Option<Plan>, ReadStats) {
        (self.text, self.doc, self.plan, self.stats)
    }
}

/// Everything a [`ParsedYaml`] keeps besides its document: the text and how
/// it was cut. The document can live elsewhere (in an index that others
/// read) while this waits; [`ParsedYaml::join`] puts the two back together
/// for the next incremental update, without copying the tree.
#[derive(Clone, Debug)]
pub struct YamlState {
    text: String,
    plan: Option<Plan>,
    stats: ReadStats,
}

impl YamlState {
    /// The text the document was read from.
    pub fn text(&self) -> &str {
        &self.text
    }
}

impl ParsedYaml {
    /// Separates the document from the rest.
    pub fn split(self) -> (Document, YamlState) {
        (
            self.doc,
            YamlState {
                text: self.text,
                plan: self.plan,
                stats: self.stats,
            },
        )
    }

    /// The inverse of [`ParsedYaml::split`]. `doc` must be the document
    /// split from `state` (the caller checks that the texts match).
    pub fn join(state: YamlState, doc: Document) -> ParsedYaml {
        ParsedYaml {
            text: state.text,
            doc,
            plan: state.plan,
            stats: state.stats,
        }
    }
}

// ---------------------------------------------------------------------------
// Plan: how a document was cut.

#[derive(Clone, Debug)]
pub(super) struct Plan {
    /// Comments before the region (before and on the `---` line).
    pub pre_comments: Vec<Comment>,
    pub region: Region,
    /// Whether the fast reader may be used on this text.
    pub fast: bool,
    /// Whether the document has anchors or aliases (then an edit is read
    /// again in full, since an alias may refer to another chunk).
    pub anchors: bool,
    /// Whether [`MAX_FAILURES`] was reached (then too).
    pub capped: bool,
}

/// A run of sibling entries (or sequence items) at one indentation.
#[derive(Clone, Debug)]
pub(super) struct Region {
    pub start: u32,
    pub end: u32,
    pub indent: u32,
    pub seq: bool,
    pub chunks: Vec<Chunk>,
}

#[derive(Clone, Debug)]
pub(super) struct Chunk {
    pub start: u32,
    pub end: u32,
    /// How many entries (or items) of the region this chunk produced.
    pub count: u32,
    pub split: Option<Box<Split>>,
    /// Comments and errors of this chunk itself (for a split chunk: of its
    /// first line and the comments before it).
    pub comments: Vec<Comment>,
    pub errors: Vec<SyntaxError>,
    /// Lines read the way libyaml reads them though YAML 1.2 does not
    /// allow them (see `yaml_lenient`), one departure each.
    pub warnings: Vec<SyntaxError>,
}

/// A chunk read as `key:` plus the region of its children.
#[derive(Clone, Debug)]
pub(super) struct Split {
    pub region: Region,
    /// Split because the chunk has a syntax error (not because of its
    /// size): after an edit it is read again whole, since it may now read
    /// differently as one piece.
    pub recovered: bool,
}

/// The entries or items a region or chunk produced.
pub(super) enum Items {
    Map(Vec<Entry>),
    Seq(Vec<Node>),
}

impl Items {
    fn new(seq: bool) -> Self {
        if seq {
            Items::Seq(Vec::new())
        } else {
            Items::Map(Vec::new())
        }
    }

    pub(super) fn len(&self) -> usize {
        match self {
            Items::Map(v) => v.len(),
            Items::Seq(v) => v.len(),
        }
    }

    pub(super) fn append(&mut self, other: Items) {
        match (self, other) {
            (Items::Map(a), Items::Map(b)) => a.extend(b),
            (Items::Seq(a), Items::Seq(b)) => a.extend(b),
            _ => {}
        }
    }

    /// The block collection holding these items (`None` when empty).
    pub(super) fn into_node(self, seq_start: Option<u32>) -> Option<Node> {
        match self {
            Items::Map(entries) => {
                let first = entries.first()?.key_span.start;
                let last = entries
                    .last()
                    .map(|e| e.value.span.end.max(e.key_span.end))
                    .unwrap_or(first);
                Some(Node {
                    span: Span::new(first, last.max(first)),
                    value: Value::Map(entries, CollStyle::Block),
                })
            }
            Items::Seq(items) => {
                let first = seq_start.or_else(|| items.first().map(|n| n.span.start))?;
                let last = items.last()?.span.end;
                Some(Node {
                    span: Span::new(first, last.max(first)),
                    value: Value::Seq(items, CollStyle::Block),
                })
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Text helpers.

#[inline]
fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// The end of the line holding `i` (before its `\n` or `\r\n`). A lone
/// `\r` does not end a line here (documents with those are read by
/// saphyr-parser, in one piece when need be).
pub(super) fn eol(s: &[u8], i: usize, end: usize) -> usize {
    let i = i.min(end);
    let n = crate::parse::find_nl(s, i, end);
    if n > i && s[n - 1] == b'\r' {
        n - 1
    } else {
        n
    }
}

pub(super) fn after_break(s: &[u8], e: usize, end: usize) -> usize {
    if e >= end {
        end
    } else if s[e] == b'\r' && e + 1 < end && s[e + 1] == b'\n' {
        e + 2
    } else {
        e + 1
    }
}

fn blank_or_end(s: &[u8], i: usize, end: usize) -> bool {
    i >= end || matches!(s[i], b' ' | b'\t' | b'\n' | b'\r')
}

/// Document-wide facts that decide whether the fast reader may be used.
pub(super) fn fast_ok(text: &str) -> bool {
    let b = text.as_bytes();
    if b.contains(&0) {
        return false;
    }
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    if body.contains('\u{feff}') {
        return false;
    }
    if b.contains(&b'\r') {
        for (i, _) in text.match_indices('\r') {
            if b.get(i + 1) != Some(&b'\n') {
                return false;
            }
        }
    }
    true
}

/// The first content line at or after `pos` (a line start): its line start,
/// indentation and first character. Comment and blank lines are skipped;
/// `None` at the end or on a line indented with a tab.
pub(super) fn peek_content_line(
    s: &[u8],
    mut pos: usize,
    end: usize,
) -> Option<(usize, usize, usize)> {
    while pos < end {
        let ls = pos;
        let mut i = ls;
        while i < end && s[i] == b' ' {
            i += 1;
        }
        let mut j = i;
        while j < end && is_blank(s[j]) {
            j += 1;
        }
        if j >= end {
            return None;
        }
        match s[j] {
            b'\n' | b'\r' => pos = after_break(s, j, end),
            b'#' => pos = after_break(s, eol(s, j, end), end),
            _ => {
                if j != i {
                    return None;
                }
                return Some((ls, i - ls, i));
            }
        }
    }
    None
}

/// Cuts `start..end` into chunks: a chunk starts at each line whose first
/// character is at column `indent` and starts an entry (`seq`: a `- `).
/// With `top`, a `---` or `...` line at column 0 ends the region.
/// Returns the chunk bounds and where the region ends.
pub(super) fn split_lines(
    s: &[u8],
    start: usize,
    end: usize,
    indent: usize,
    seq: bool,
    top: bool,
) -> (Vec<(u32, u32)>, usize) {
    let mut bounds = Vec::new();
    let mut cur = start;
    let mut seen = false;
    let mut ls = start;
    let mut region_end = end;
    while ls < end {
        let e = eol(s, ls, end);
        if top
            && e - ls >= 3
            && (s[ls..ls + 3] == *b"---" || s[ls..ls + 3] == *b"...")
            && blank_or_end(s, ls + 3, end)
        {
            region_end = ls;
            break;
        }
        // Only lines indented exactly by `indent` matter (checked from the
        // column `indent` first: most lines are indented deeper).
        let i = ls + indent;
        if i < e
            && s[i] != b' '
            && s[ls..i].iter().all(|&b| b == b' ')
            && starts_entry(s, i, end, seq)
        {
            if seen {
                bounds.push((cur as u32, ls as u32));
                cur = ls;
            }
            seen = true;
        }
        ls = after_break(s, e, end);
    }
    if cur < region_end || bounds.is_empty() {
        bounds.push((cur as u32, region_end as u32));
    }
    (bounds, region_end)
}

/// Whether the character at `i` (at the indentation of a region) starts an
/// entry of the region: a key (`seq`: a `- `).
pub(super) fn starts_entry(s: &[u8], i: usize, end: usize, seq: bool) -> bool {
    match s[i] {
        b'#' | b'\t' | b']' | b'}' | b',' | b'\n' | b'\r' => false,
        b'-' if blank_or_end(s, i + 1, end) => seq,
        b':' if blank_or_end(s, i + 1, end) => false,
        _ => !seq,
    }
}

/// How a document starts.
enum Start {
    /// Empty or only comments.
    Empty(Vec<Comment>),
    /// A block collection: read it in chunks.
    Block {
        pre_comments: Vec<Comment>,
        region_start: usize,
        indent: usize,
        seq: bool,
    },
    /// Anything else: read it in one piece.
    Whole,
}

fn classify(text: &str) -> Start {
    let s = text.as_bytes();
    let end = s.len();
    let mut pos = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut comments = Vec::new();
    let mut region_start = pos;
    let mut saw_marker = false;
    while pos < end {
        let ls = pos;
        let e = eol(s, ls, end);
        let mut i = ls;
        while i < e && is_blank(s[i]) {
            i += 1;
        }
        if i == e {
            pos = after_break(s, e, end);
            continue;
        }
        if s[i] == b'#' {
            comments.push(Comment {
                span: Span::new(i as u32, e as u32),
            });
            pos = after_break(s, e, end);
            continue;
        }
        if i == ls && s[i] == b'%' {
            return Start::Whole;
        }
        if i == ls && e - ls >= 3 && blank_or_end(s, ls + 3, end) {
            if s[ls..ls + 3] == *b"..." {
                return Start::Whole;
            }
            if s[ls..ls + 3] == *b"---" {
                if saw_marker {
                    return Start::Whole;
                }
                saw_marker = true;
                let mut j = ls + 3;
                while j < e && is_blank(s[j]) {
                    j += 1;
                }
                if j < e {
                    if s[j] != b'#' {
                        return Start::Whole;
                    }
                    comments.push(Comment {
                        span: Span::new(j as u32, e as u32),
                    });
                }
                pos = after_break(s, e, end);
                region_start = pos;
                continue;
            }
        }
        // The first content line.
        if s[i] == b'\t' || i != ls && s[ls..i].contains(&b'\t') {
            return Start::Whole;
        }
        let c = s[i];
        let seq = c == b'-' && blank_or_end(s, i + 1, end);
        let whole = match c {
            b'[' | b'{' | b'|' | b'>' | b'&' | b'*' | b'!' | b'%' | b'@' | b'`' | b']' | b'}'
            | b',' => true,
            b'?' | b':' => blank_or_end(s, i + 1, end),
            _ => false,
        };
        if whole {
            return Start::Whole;
        }
        // Comments after the `---` line belong to the first chunk.
        comments.retain(|c| (c.span.start as usize) < region_start);
        return Start::Block {
            pre_comments: comments,
            region_start,
            indent: i - ls,
            seq,
        };
    }
    if saw_marker {
        // `---` with nothing after it: an empty document.
        return Start::Empty(comments);
    }
    Start::Empty(comments)
}

// ---------------------------------------------------------------------------
// Reading.

/// How the pieces of a document were read (for tests and tuning).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReadStats {
    /// Pieces read by the fast reader.
    pub fast: u32,
    /// Pieces read by saphyr-parser (the fast reader declined them).
    pub exact: u32,
    /// Pieces with a syntax error, read by tree-sitter or split further.
    pub recovered: u32,
    /// Whether the document was read in one piece.
    pub whole: bool,
}

pub(super) struct Cx<'t> {
    pub stats: ReadStats,
    /// Chunks that ended with errors so far, in document order.
    pub failures: u32,
    /// Set when [`MAX_FAILURES`] was reached and the rest of a region was
    /// read in one piece.
    pub capped: bool,
    /// How many split chunks enclose the one being read.
    pub split_depth: u32,
    pub text: &'t str,
    pub s: &'t [u8],
    pub fast: bool,
    ctx: Ctx,
    /// Set when a chunk failed in a way that may come from the cutting.
    pub retry_whole: bool,
}

impl<'t> Cx<'t> {
    pub(super) fn new(text: &'t str) -> Self {
        Self::with_fast(text, fast_ok(text))
    }

    pub(super) fn with_fast(text: &'t str, fast: bool) -> Self {
        Cx {
            stats: ReadStats::default(),
            failures: 0,
            capped: false,
            split_depth: 0,
            text,
            s: text.as_bytes(),
            fast,
            ctx: Ctx::new(text.len()),
            retry_whole: false,
        }
    }
}

pub(super) struct Outcome {
    pub doc: Document,
    pub plan: Option<Plan>,
    pub stats: ReadStats,
}

fn read_document(text: &str) -> Outcome {
    let fail = |message: &str| Outcome {
        doc: Document {
            root: None,
            comments: Vec::new(),
            errors: vec![SyntaxError {
                span: Span::new(0, 0),
                message: message.to_string(),
            }],
            warnings: Vec::new(),
        },
        plan: None,
        stats: ReadStats::default(),
    };
    if text.len() >= u32::MAX as usize {
        return fail("file too large");
    }
    match std::panic::catch_unwind(|| read_document_inner(text)) {
        Ok(x) => x,
        Err(_) => fail("internal error while reading YAML"),
    }
}

fn read_document_inner(text: &str) -> Outcome {
    let mut cx = Cx::new(text);
    match classify(text) {
        Start::Empty(comments) => Outcome {
            doc: Document {
                root: None,
                comments,
                errors: Vec::new(),
                warnings: Vec::new(),
            },
            plan: None,
            stats: cx.stats,
        },
        Start::Whole => {
            cx.stats.whole = true;
            let doc = read_whole(text, &mut cx);
            Outcome {
                doc,
                plan: None,
                stats: cx.stats,
            }
        }
        Start::Block {
            pre_comments,
            region_start,
            indent,
            seq,
        } => {
            let (region, items) = read_region(&mut cx, region_start, text.len(), indent, seq, true);
            let plan = Plan {
                pre_comments,
                region,
                fast: cx.fast,
                anchors: cx.ctx.saw_anchors,
                capped: cx.capped,
            };
            if cx.retry_whole {
                if let Some(doc) = retry_whole(text, &plan) {
                    cx.stats.whole = true;
                    return Outcome {
                        doc,
                        plan: None,
                        stats: cx.stats,
                    };
                }
            }
            let doc = assemble(text, &plan, items);
            Outcome {
                doc,
                plan: Some(plan),
                stats: cx.stats,
            }
        }
    }
}

/// Reads the document again in one piece; `Some` if that succeeds.
fn retry_whole(text: &str, plan: &Plan) -> Option<Document> {
    let mut cx = Cx::new(text);
    let start = plan.region.start as usize;
    let end = plan.region.end as usize;
    if cx.fast {
        if let Ok((Some(node), comments)) = yaml_fast::parse_block(text, start, end) {
            let mut all = plan.pre_comments.clone();
            all.extend(comments);
            return Some(Document {
                root: Some(node),
                comments: all,
                errors: Vec::new(),
                warnings: Vec::new(),
            });
        }
    }
    let (r, warnings) = yaml_lenient::read_exact(text, 0, text.len(), &mut cx.ctx);
    if r.fatal.is_some() {
        return None;
    }
    Some(Document {
        root: r.root,
        comments: r.comments,
        errors: r.errors,
        warnings: yaml_lenient::summarize(warnings),
    })
}

/// Reads a document that is not a block collection, in one piece.
fn read_whole(text: &str, cx: &mut Cx) -> Document {
    let (r, warnings) = yaml_lenient::read_exact(text, 0, text.len(), &mut cx.ctx);
    let Some(fatal) = r.fatal else {
        return Document {
            root: r.root,
            comments: r.comments,
            errors: r.errors,
            warnings: yaml_lenient::summarize(warnings),
        };
    };
    let primary = SyntaxError {
        span: error_span(cx.s, fatal.pos as usize, text.len()),
        message: fatal.msg.clone(),
    };
    let lines = cx.s.iter().filter(|&&b| b == b'\n').count();
    let mut ctx = Ctx::new(text.len());
    let ts = if lines < TS_MAX_LINES && !fatal.msg.contains("recursion limit") {
        yaml_ts::read(text, 0, text.len(), &mut ctx)
    } else {
        None
    };
    let (root, comments, mut errors) = match ts {
        Some(t) => (t.root, t.comments, t.errors),
        None => (r.root, r.comments, r.errors),
    };
    errors.retain(|e| e.message.starts_with("alias") || e.message.starts_with("unknown anchor"));
    errors.insert(0, primary);
    let root = root.or_else(|| first_content(cx.s).map(|p| Node::missing(p as u32)));
    Document {
        root,
        comments,
        errors,
        warnings: Vec::new(),
    }
}

fn first_content(s: &[u8]) -> Option<usize> {
    peek_content_line(s, 0, s.len()).map(|(_, _, f)| f)
}

/// An error span at `pos`: the character there (empty at a line end).
pub(super) fn error_span(s: &[u8], pos: usize, end: usize) -> Span {
    let pos = pos.min(end);
    let mut e = pos;
    if e < end && !matches!(s[e], b'\n' | b'\r') {
        e += 1;
        while e < end && (s[e] & 0xC0) == 0x80 {
            e += 1;
        }
    }
    Span::new(pos as u32, e as u32)
}

/// Reads the region `start..end` of sibling entries at `indent`.
pub(super) fn read_region(
    cx: &mut Cx,
    start: usize,
    end: usize,
    indent: usize,
    seq: bool,
    top: bool,
) -> (Region, Items) {
    let (bounds, region_end) = split_lines(cx.s, start, end, indent, seq, top);
    let (chunks, items) = read_bounds(cx, &bounds, region_end, indent, seq);
    (
        Region {
            start: start as u32,
            end: region_end as u32,
            indent: indent as u32,
            seq,
            chunks,
        },
        items,
    )
}

/// Reads the chunks `bounds` of a region at `indent` that ends at
/// `region_end`. A chunk that fails because it was cut inside a flow
/// collection or a quote (at a line of it that looks like an entry because
/// it is indented less than YAML 1.2 allows) is read again together with
/// the chunks up to where that closes.
pub(super) fn read_bounds(
    cx: &mut Cx,
    bounds: &[(u32, u32)],
    region_end: usize,
    indent: usize,
    seq: bool,
) -> (Vec<Chunk>, Items) {
    let mut chunks = Vec::with_capacity(bounds.len());
    let mut items = Items::new(seq);
    let mut k = 0;
    while k < bounds.len() {
        let (cs, ce) = bounds[k];
        let mut ce = if cx.failures >= MAX_FAILURES && k + 1 < bounds.len() {
            cx.capped = true;
            region_end as u32
        } else {
            ce
        };
        let saved = (cx.failures, cx.retry_whole);
        let (mut chunk, mut it) = read_chunk(cx, cs as usize, ce as usize, indent, seq);
        k += 1;
        if has_errors(&chunk) && (ce as usize) < region_end {
            let close = yaml_lenient::flow_continues(cx.s, cs as usize, ce as usize, region_end);
            if let Some(close) = close {
                let m = bounds[k..]
                    .iter()
                    .position(|b| b.1 as usize >= close)
                    .map(|m| m + k)
                    .unwrap_or(bounds.len() - 1);
                let after = (cx.failures, cx.retry_whole);
                (cx.failures, cx.retry_whole) = saved;
                let (c2, it2) = read_chunk(cx, cs as usize, bounds[m].1 as usize, indent, seq);
                if has_errors(&c2) {
                    (cx.failures, cx.retry_whole) = after;
                } else {
                    (chunk, it) = (c2, it2);
                    ce = bounds[m].1;
                    k = m + 1;
                }
            }
        }
        chunks.push(chunk);
        items.append(it);
        if ce as usize == region_end {
            break;
        }
    }
    (chunks, items)
}

/// The first line of a chunk that can be split: `key:` (plus an optional
/// comment) followed by its children on the next lines.
pub(super) struct Header {
    pub key: String,
    pub key_span: Span,
    pub colon_end: usize,
    pub comments: Vec<Comment>,
    pub children_start: usize,
    pub child_indent: usize,
    pub child_seq: bool,
}

pub(super) fn header(text: &str, cs: usize, ce: usize, indent: usize) -> Option<Header> {
    let s = text.as_bytes();
    let (ls, ind, f) = peek_content_line(s, cs, ce)?;
    if ind != indent {
        return None;
    }
    let mut comments = Vec::new();
    // Comment lines before the key.
    let mut p = cs;
    while p < ls {
        let e = eol(s, p, ce);
        let mut i = p;
        while i < e && is_blank(s[i]) {
            i += 1;
        }
        if i < e && s[i] == b'#' {
            comments.push(Comment {
                span: Span::new(i as u32, e as u32),
            });
        }
        p = after_break(s, e, ce);
    }
    let fast = Fast::new(text, f, ce);
    let key = fast.try_key(f).ok()??;
    let mut j = key.after_colon;
    let e = eol(s, j, ce);
    while j < e && is_blank(s[j]) {
        j += 1;
    }
    if j < e {
        if s[j] != b'#' || !is_blank(s[j - 1]) {
            return None;
        }
        comments.push(Comment {
            span: Span::new(j as u32, e as u32),
        });
    }
    let children_start = after_break(s, e, ce);
    let (_, ci, cf) = peek_content_line(s, children_start, ce)?;
    let dash = s[cf] == b'-' && blank_or_end(s, cf + 1, ce);
    let (child_indent, child_seq) = if ci > indent {
        (ci, dash)
    } else if ci == indent && dash {
        (ci, true)
    } else {
        return None;
    };
    Some(Header {
        key: key.key,
        key_span: key.span,
        colon_end: key.after_colon,
        comments,
        children_start,
        child_indent,
        child_seq,
    })
}

/// Reads one chunk of a region at `indent`.
pub(super) fn read_chunk(
    cx: &mut Cx,
    cs: usize,
    ce: usize,
    indent: usize,
    seq: bool,
) -> (Chunk, Items) {
    if !seq && ce - cs > SPLIT_BYTES && cx.split_depth < MAX_SPLIT_DEPTH {
        if let Some(h) = header(cx.text, cs, ce, indent) {
            return read_split(cx, cs, ce, h, false);
        }
    }
    read_leaf(cx, cs, ce, indent, seq)
}

fn read_split(cx: &mut Cx, cs: usize, ce: usize, h: Header, recovered: bool) -> (Chunk, Items) {
    cx.split_depth += 1;
    let (region, items) = read_region(cx, h.children_start, ce, h.child_indent, h.child_seq, false);
    cx.split_depth -= 1;
    let seq_start = if h.child_seq {
        region
            .chunks
            .first()
            .and_then(|c| peek_content_line(cx.s, c.start as usize, ce))
            .map(|(_, _, f)| f as u32)
    } else {
        None
    };
    let value = items
        .into_node(seq_start)
        .unwrap_or_else(|| Node::missing(h.colon_end as u32));
    let entry = Entry {
        key: h.key,
        key_span: h.key_span,
        value,
    };
    (
        Chunk {
            start: cs as u32,
            end: ce as u32,
            count: 1,
            split: Some(Box::new(Split { region, recovered })),
            comments: h.comments,
            errors: Vec::new(),
            warnings: Vec::new(),
        },
        Items::Map(vec![entry]),
    )
}

/// The items of a node read from a chunk, if it is the right kind.
fn items_of(node: Node, seq: bool) -> Result<Items, Node> {
    match node.value {
        Value::Map(entries, CollStyle::Block) if !seq => Ok(Items::Map(entries)),
        Value::Seq(items, CollStyle::Block) if seq => Ok(Items::Seq(items)),
        v => Err(Node {
            span: node.span,
            value: v,
        }),
    }
}

fn leaf(
    cs: usize,
    ce: usize,
    count: usize,
    comments: Vec<Comment>,
    errors: Vec<SyntaxError>,
) -> Chunk {
    Chunk {
        start: cs as u32,
        end: ce as u32,
        count: count as u32,
        split: None,
        comments,
        errors,
        warnings: Vec::new(),
    }
}

fn read_leaf(cx: &mut Cx, cs: usize, ce: usize, indent: usize, seq: bool) -> (Chunk, Items) {
    let mut fast_fail = None;
    if cx.fast {
        match yaml_fast::parse_block(cx.text, cs, ce) {
            Ok((Some(node), comments)) => match items_of(node, seq) {
                Ok(items) => {
                    cx.stats.fast += 1;
                    return (leaf(cs, ce, items.len(), comments, Vec::new()), items);
                }
                Err(_) => cx.retry_whole = true,
            },
            Ok((None, comments)) => {
                return (leaf(cs, ce, 0, comments, Vec::new()), Items::new(seq))
            }
            Err(f) => fast_fail = Some(f),
        }
    }
    let (r, warnings) = yaml_lenient::read_exact(cx.text, cs, ce, &mut cx.ctx);
    cx.stats.exact += 1;
    let (fatal, partial) = match r.fatal {
        None => match r.root {
            None => return (leaf(cs, ce, 0, r.comments, r.errors), Items::new(seq)),
            Some(node) => match items_of(node, seq) {
                Ok(items) => {
                    let mut chunk = leaf(cs, ce, items.len(), r.comments, r.errors);
                    chunk.warnings = warnings;
                    if chunk.warnings.is_empty()
                        && fast_fail.as_ref().is_some_and(|f| {
                            matches!(
                                f.msg,
                                "badly indented flow collection line"
                                    | "badly indented quoted scalar continuation"
                            )
                        })
                    {
                        chunk.warnings = yaml_lenient::departures(cx.text, cs, ce);
                    }
                    return (chunk, items);
                }
                Err(node) => {
                    cx.retry_whole = true;
                    let one_word = matches!(&node.value, Value::Scalar(s, _) if !s.contains('\n'));
                    let fatal = yaml_saphyr::Fatal {
                        pos: if one_word && !seq {
                            node.span.end
                        } else {
                            node.span.start
                        },
                        msg: if seq {
                            "expected a sequence item ('- ')".to_string()
                        } else if one_word {
                            "expected ':' after mapping key".to_string()
                        } else {
                            "expected a mapping entry ('key: value')".to_string()
                        },
                        unknown_anchor: false,
                    };
                    (fatal, Some(node))
                }
            },
        },
        Some(f) => (f, r.root),
    };
    // A syntax error in this chunk.
    if fatal.unknown_anchor || fatal.pos as usize >= content_end(cx.s, cs, ce) {
        cx.retry_whole = cx.retry_whole || fatal.unknown_anchor || cx.text.len() <= RETRY_WHOLE_MAX;
    }
    let primary = match fast_fail {
        Some(f) if f.definite => SyntaxError {
            span: error_span(cx.s, f.pos as usize, ce),
            message: f.msg.to_string(),
        },
        _ => SyntaxError {
            span: error_span(cx.s, fatal.pos as usize, ce),
            message: fatal.msg.clone(),
        },
    };
    recover(cx, cs, ce, indent, seq, primary, partial)
}

/// Where the content of `cs..ce` ends (before trailing blanks and comments
/// are ignored: a rough bound is enough).
fn content_end(s: &[u8], cs: usize, ce: usize) -> usize {
    let mut e = ce;
    while e > cs && matches!(s[e - 1], b' ' | b'\t' | b'\n' | b'\r') {
        e -= 1;
    }
    // A trailing comment line does not count as content.
    let ls = s[cs..e]
        .iter()
        .rposition(|&b| b == b'\n')
        .map(|k| cs + k + 1)
        .unwrap_or(cs);
    let mut i = ls;
    while i < e && is_blank(s[i]) {
        i += 1;
    }
    if i < e && s[i] == b'#' && ls > cs {
        return content_end(s, cs, ls);
    }
    e
}

/// Reads a chunk that has a syntax error: split it at its children if it
/// can be, else read it with tree-sitter.
fn recover(
    cx: &mut Cx,
    cs: usize,
    ce: usize,
    indent: usize,
    seq: bool,
    primary: SyntaxError,
    partial: Option<Node>,
) -> (Chunk, Items) {
    cx.stats.recovered += 1;
    let hopeless = primary.message.contains("recursion limit");
    if !seq && cx.split_depth < MAX_SPLIT_DEPTH && !hopeless {
        if let Some(h) = header(cx.text, cs, ce, indent) {
            let (mut chunk, items) = read_split(cx, cs, ce, h, true);
            if !has_errors(&chunk) {
                chunk.errors.push(primary);
                cx.failures += 1;
            }
            return (chunk, items);
        }
    }
    let lines = cx.s[cs..ce].iter().filter(|&&b| b == b'\n').count();
    // Nesting past saphyr's limit: tree-sitter would only be slow on it.
    let ts = if lines < TS_MAX_LINES && !hopeless {
        yaml_ts::read(cx.text, cs, ce, &mut cx.ctx)
    } else {
        None
    };
    let ts_ok = ts.is_some();
    let (root, comments, extra) = match ts {
        Some(Read {
            root,
            comments,
            errors,
            ..
        }) => (root, comments, errors),
        None => (partial, Vec::new(), Vec::new()),
    };
    // tree-sitter resolves aliases with the document's anchors (saphyr only
    // knows those of the chunk) and reports the unknown ones itself.
    let errors =
        if ts_ok && primary.message == "unknown anchor" {
            // Then tree-sitter's own errors are the only ones.
            extra
        } else {
            let mut v = vec![primary];
            v.extend(extra.into_iter().filter(|e| {
                e.message.starts_with("alias") || e.message.starts_with("unknown anchor")
            }));
            v
        };
    let mut items = match root.map(|n| items_of(n, seq)) {
        Some(Ok(items)) => items,
        _ => Items::new(seq),
    };
    if items.len() == 0 {
        // Keep at least the key of the first line.
        if let Some((_, ind, f)) = peek_content_line(cx.s, cs, ce) {
            if ind == indent {
                if seq {
                    items = Items::Seq(vec![Node::missing(f as u32 + 1)]);
                } else if let Ok(Some(k)) = Fast::new(cx.text, f, ce).try_key(f) {
                    items = Items::Map(vec![Entry {
                        key: k.key,
                        key_span: k.span,
                        value: Node::missing(k.after_colon as u32),
                    }]);
                }
            }
        }
    }
    let n = items.len();
    if !errors.is_empty() {
        cx.failures += 1;
    }
    (leaf(cs, ce, n, comments, errors), items)
}

fn has_errors(chunk: &Chunk) -> bool {
    if !chunk.errors.is_empty() {
        return true;
    }
    match &chunk.split {
        Some(s) => s.region.chunks.iter().any(has_errors),
        None => false,
    }
}

/// Builds the document from a plan and the items of its region.
pub(super) fn assemble(text: &str, plan: &Plan, items: Items) -> Document {
    let mut comments = plan.pre_comments.clone();
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    collect(&plan.region, &mut comments, &mut errors, &mut warnings);
    let seq_start = if plan.region.seq {
        peek_content_line(
            text.as_bytes(),
            plan.region.start as usize,
            plan.region.end as usize,
        )
        .map(|(_, _, f)| f as u32)
    } else {
        None
    };
    let root = items
        .into_node(seq_start)
        .or_else(|| Some(Node::missing(plan.region.start)));
    Document {
        root,
        comments,
        errors,
        warnings: yaml_lenient::summarize(warnings),
    }
}

pub(super) fn collect(
    r: &Region,
    comments: &mut Vec<Comment>,
    errors: &mut Vec<SyntaxError>,
    warnings: &mut Vec<SyntaxError>,
) {
    for c in &r.chunks {
        comments.extend(c.comments.iter().cloned());
        errors.extend(c.errors.iter().cloned());
        warnings.extend(c.warnings.iter().cloned());
        if let Some(s) = &c.split {
            collect(&s.region, comments, errors, warnings);
        }
    }
}
