//! The Markdown outline that the PRD and data dictionary readers share
//! (headings, pipe tables, list items, paragraphs, code), read with
//! tree-sitter-md and its query `queries/markdown_blocks.scm`, compiled once.
//!
//! A query that fails to compile yields `None` (a test compiles each one), so
//! readers fall back to their hand-written scanners instead of panicking.

use crate::tree::{after_line_ending, slice, trim_span, Span};
use std::sync::OnceLock;
use tree_sitter::{Language, Node, Parser, Query, QueryCursor, StreamingIterator};

/// Block structure of Markdown: headings, pipe tables, list items, paragraphs, code.
pub const MARKDOWN_BLOCKS: &str = include_str!("../../../../queries/markdown_blocks.scm");

pub fn markdown_language() -> Language {
    tree_sitter_md::LANGUAGE.into()
}

pub(crate) fn compile(
    cell: &'static OnceLock<Option<Query>>,
    lang: Language,
    src: &str,
) -> Option<&'static Query> {
    cell.get_or_init(|| Query::new(&lang, src).ok()).as_ref()
}

/// [`MARKDOWN_BLOCKS`] compiled for the tree-sitter-md block grammar.
pub fn markdown_blocks() -> Option<&'static Query> {
    static Q: OnceLock<Option<Query>> = OnceLock::new();
    compile(&Q, markdown_language(), MARKDOWN_BLOCKS)
}

/// One block of a Markdown outline.
#[derive(Clone, Debug, PartialEq)]
pub enum MdBlock {
    Heading(MdHeading),
    Table(MdTable),
    Item(MdItem),
    /// A paragraph that is not the content of a list item or heading.
    Paragraph(Span),
    /// A fenced or indented code block.
    Code(Span),
    /// An HTML block (including `<!-- comments -->`).
    Html(Span),
}

impl MdBlock {
    pub fn span(&self) -> Span {
        match self {
            MdBlock::Heading(h) => h.span,
            MdBlock::Table(t) => t.span,
            MdBlock::Item(i) => i.span,
            MdBlock::Paragraph(s) | MdBlock::Code(s) | MdBlock::Html(s) => *s,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct MdHeading {
    /// 1–6.
    pub level: u8,
    /// The heading line(s), without the final line ending.
    pub span: Span,
    /// The heading text, trimmed, without `#` markers.
    pub content: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MdRow {
    /// The row's line, without its line ending.
    pub span: Span,
    /// Offset just after the row's line ending.
    pub end: u32,
    /// Cell contents, trimmed.
    pub cells: Vec<Span>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MdTable {
    pub span: Span,
    pub header: MdRow,
    /// Offset just after the delimiter row's line ending (where the first
    /// body row starts or would start).
    pub body_start: u32,
    pub rows: Vec<MdRow>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MdItem {
    /// From the marker to the end of the item's last non-blank line
    /// (nested content included).
    pub span: Span,
    /// Where the item's text starts (after the marker and a task box).
    pub content_start: u32,
    /// Offset just after the line ending of the item's last line.
    pub end: u32,
    /// 0 for a top-level item, 1 inside another item, …
    pub depth: u8,
}

/// Files above this size are outlined by the line scanner: tree-sitter-md
/// reads about 2 MB/s, the scanner about a hundred times faster.
pub const MARKDOWN_TREE_SITTER_LIMIT: usize = 256 << 10;

/// The outline of a Markdown document, in document order. Never fails: uses
/// tree-sitter-md, or the line scanner for very large texts.
pub fn markdown_outline(text: &str) -> Vec<MdBlock> {
    if text.len() <= MARKDOWN_TREE_SITTER_LIMIT {
        if let Some(blocks) = markdown_outline_tree_sitter(text) {
            return blocks;
        }
    }
    markdown_outline_lines(text)
}

/// The outline from tree-sitter-md; `None` if the parser or query is unavailable.
pub fn markdown_outline_tree_sitter(text: &str) -> Option<Vec<MdBlock>> {
    let query = markdown_blocks()?;
    let mut parser = Parser::new();
    parser.set_language(&markdown_language()).ok()?;
    let tree = parser.parse(text, None)?;
    let names = query.capture_names();
    let mut cursor = QueryCursor::new();
    let mut out = Vec::new();
    let mut matches = cursor.matches(query, tree.root_node(), text.as_bytes());
    while let Some(m) = matches.next() {
        for cap in m.captures {
            let node = cap.node;
            let span = node_span(node);
            match names.get(cap.index as usize).copied().unwrap_or("") {
                "heading" => out.push(MdBlock::Heading(ts_heading(text, node))),
                "table" => out.push(MdBlock::Table(ts_table(text, node))),
                "item" => out.push(MdBlock::Item(ts_item(text, node))),
                "paragraph" => {
                    let parent = node.parent().map(|p| p.kind()).unwrap_or("");
                    if parent != "list_item" && parent != "setext_heading" {
                        out.push(MdBlock::Paragraph(trim_span(text, span)));
                    }
                }
                "code" => out.push(MdBlock::Code(trim_span(text, span))),
                "html" => out.push(MdBlock::Html(trim_span(text, span))),
                _ => {}
            }
        }
    }
    out.sort_by_key(|b| b.span().start);
    Some(out)
}

fn node_span(n: Node) -> Span {
    Span::new(n.start_byte() as u32, n.end_byte() as u32)
}

fn ts_heading(text: &str, node: Node) -> MdHeading {
    let span = trim_span(text, node_span(node));
    let mut level = 1u8;
    let mut content = None;
    let mut c = node.walk();
    for ch in node.children(&mut c) {
        let k = ch.kind();
        if let Some(d) = k
            .strip_prefix("atx_h")
            .and_then(|r| r.strip_suffix("_marker"))
        {
            level = d.parse().unwrap_or(1);
        } else if k == "setext_h2_underline" {
            level = 2;
        } else if k == "inline" || k == "paragraph" {
            content = Some(trim_span(text, node_span(ch)));
        }
    }
    let mut content = content.unwrap_or(Span::new(span.end, span.end));
    if node.kind() == "atx_heading" {
        content = without_closing_hashes(text, content);
    }
    MdHeading {
        level,
        span,
        content,
    }
}

/// An ATX heading's text without its optional closing `#` sequence.
fn without_closing_hashes(text: &str, content: Span) -> Span {
    let cs = slice(text, content);
    let trimmed = cs.trim_end_matches('#');
    if trimmed.len() < cs.len() && (trimmed.is_empty() || trimmed.ends_with([' ', '\t'])) {
        trim_span(
            text,
            Span::new(content.start, content.start + trimmed.len() as u32),
        )
    } else {
        content
    }
}

fn ts_row(text: &str, node: Node) -> MdRow {
    let span = trim_span(text, node_span(node));
    let mut c = node.walk();
    let cells = node
        .children(&mut c)
        .filter(|ch| ch.kind() == "pipe_table_cell")
        .map(|ch| trim_span(text, node_span(ch)))
        .collect();
    MdRow {
        span,
        end: after_line_ending(text, span.end),
        cells,
    }
}

fn ts_table(text: &str, node: Node) -> MdTable {
    let span = trim_span(text, node_span(node));
    let mut header = None;
    let mut body_start = None;
    let mut rows = Vec::new();
    let mut c = node.walk();
    for ch in node.children(&mut c) {
        match ch.kind() {
            "pipe_table_header" => header = Some(ts_row(text, ch)),
            "pipe_table_delimiter_row" => {
                body_start = Some(after_line_ending(text, trim_span(text, node_span(ch)).end))
            }
            "pipe_table_row" => rows.push(ts_row(text, ch)),
            _ => {}
        }
    }
    let header = header.unwrap_or(MdRow {
        span: Span::new(span.start, span.start),
        end: span.start,
        cells: Vec::new(),
    });
    let body_start = body_start.unwrap_or(header.end);
    MdTable {
        span,
        header,
        body_start,
        rows,
    }
}

fn ts_item(text: &str, node: Node) -> MdItem {
    let span = trim_span(text, node_span(node));
    let mut content_start = span.start;
    let mut c = node.walk();
    for ch in node.children(&mut c) {
        let k = ch.kind();
        if k.starts_with("list_marker") || k.starts_with("task_list_marker") {
            content_start = ch.end_byte() as u32;
        }
    }
    // Skip the spaces after the marker (tree-sitter-md includes one).
    let b = text.as_bytes();
    while (content_start as usize) < b.len() && matches!(b[content_start as usize], b' ' | b'\t') {
        content_start += 1;
    }
    let mut depth = 0u8;
    let mut p = node.parent();
    while let Some(n) = p {
        if n.kind() == "list_item" {
            depth += 1;
            if depth >= 8 {
                break;
            }
        }
        p = n.parent();
    }
    MdItem {
        span,
        content_start: content_start.min(span.end.max(span.start)),
        end: after_line_ending(text, span.end),
        depth,
    }
}

// ---------------------------------------------------------------------------
// The line scanner: the same outline for texts too large for tree-sitter-md.
// It knows ATX and setext headings, pipe tables, list items (nesting by
// indentation), fenced and indented code, HTML comments/blocks and block
// quotes (`>` prefixes are skipped); not CommonMark's finer points.
// ---------------------------------------------------------------------------

#[derive(Clone, Copy)]
struct Line {
    start: usize,
    end: usize,
}

fn split_lines(text: &str) -> Vec<Line> {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len() / 40 + 1);
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\n' => {
                out.push(Line { start, end: i });
                start = i + 1;
            }
            b'\r' => {
                out.push(Line { start, end: i });
                if b.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < b.len() {
        out.push(Line {
            start,
            end: b.len(),
        });
    }
    out
}

/// Offset of a line's body after `>` block-quote markers, and the body's
/// indentation in columns.
fn line_body(b: &[u8], line: Line) -> (usize, usize) {
    let mut i = line.start;
    loop {
        let mut j = i;
        let mut sp = 0;
        while j < line.end && b[j] == b' ' && sp < 3 {
            j += 1;
            sp += 1;
        }
        if j < line.end && b[j] == b'>' {
            i = j + 1;
            if i < line.end && b[i] == b' ' {
                i += 1;
            }
        } else {
            break;
        }
    }
    let mut col = 0;
    let mut j = i;
    while j < line.end {
        match b[j] {
            b' ' => col += 1,
            b'\t' => col += 4 - col % 4,
            _ => break,
        }
        j += 1;
    }
    (j, col)
}

fn is_blank(b: &[u8], line: Line) -> bool {
    b[line.start..line.end]
        .iter()
        .all(|c| c.is_ascii_whitespace())
}

fn fence_open(b: &[u8], at: usize, end: usize) -> Option<(u8, usize)> {
    let c = *b.get(at)?;
    if c != b'`' && c != b'~' {
        return None;
    }
    let n = b[at..end].iter().take_while(|&&x| x == c).count();
    if n < 3 {
        return None;
    }
    if c == b'`' && b[at + n..end].contains(&b'`') {
        return None;
    }
    Some((c, n))
}

fn fence_closes(b: &[u8], at: usize, end: usize, fence: (u8, usize)) -> bool {
    let n = b[at..end].iter().take_while(|&&x| x == fence.0).count();
    n >= fence.1 && b[at + n..end].iter().all(|c| c.is_ascii_whitespace())
}

fn atx_level(b: &[u8], at: usize, end: usize) -> Option<(u8, usize)> {
    let n = b[at..end].iter().take_while(|&&x| x == b'#').count();
    if n == 0 || n > 6 {
        return None;
    }
    match b.get(at + n) {
        Some(b' ' | b'\t') => Some((n as u8, at + n)),
        _ if at + n == end => Some((n as u8, at + n)),
        _ => None,
    }
}

fn thematic_break(b: &[u8], at: usize, end: usize) -> bool {
    let Some(&c) = b.get(at) else { return false };
    if !matches!(c, b'-' | b'*' | b'_') {
        return false;
    }
    let mut n = 0;
    for &x in &b[at..end] {
        if x == c {
            n += 1;
        } else if x != b' ' && x != b'\t' {
            return false;
        }
    }
    n >= 3
}

fn setext_underline(b: &[u8], at: usize, end: usize) -> Option<u8> {
    let c = *b.get(at)?;
    if c != b'=' && c != b'-' {
        return None;
    }
    let n = b[at..end].iter().take_while(|&&x| x == c).count();
    if b[at + n..end].iter().all(|x| x.is_ascii_whitespace()) {
        Some(if c == b'=' { 1 } else { 2 })
    } else {
        None
    }
}

/// A list marker at `at`: (content start, content indent in columns).
fn list_marker(b: &[u8], at: usize, end: usize, indent: usize) -> Option<(usize, usize)> {
    let mut i = at;
    match b.get(i)? {
        b'-' | b'*' | b'+' => i += 1,
        b'0'..=b'9' => {
            let n = b[i..end].iter().take_while(|c| c.is_ascii_digit()).count();
            if n > 9 {
                return None;
            }
            i += n;
            if !matches!(b.get(i), Some(b'.' | b')')) || i >= end {
                return None;
            }
            i += 1;
        }
        _ => return None,
    }
    if i < end && b[i] != b' ' && b[i] != b'\t' {
        return None;
    }
    let marker_w = i - at;
    let mut j = i;
    while j < end && (b[j] == b' ' || b[j] == b'\t') {
        j += 1;
    }
    let gap = (j - i).clamp(1, 4);
    Some((j, indent + marker_w + gap))
}

/// Cells of a pipe-table line: trimmed spans between unescaped `|`.
fn split_cells(text: &str, start: usize, end: usize) -> Vec<Span> {
    let b = text.as_bytes();
    let mut s = start;
    let mut e = end;
    while s < e && b[s].is_ascii_whitespace() {
        s += 1;
    }
    while e > s && b[e - 1].is_ascii_whitespace() {
        e -= 1;
    }
    if s < e && b[s] == b'|' {
        s += 1;
    }
    let mut cells = Vec::new();
    let mut cell_start = s;
    let mut i = s;
    while i < e {
        match b[i] {
            b'\\' => i += 1,
            b'|' => {
                cells.push(trim_span(text, Span::new(cell_start as u32, i as u32)));
                cell_start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if cell_start < e {
        cells.push(trim_span(text, Span::new(cell_start as u32, e as u32)));
    }
    cells
}

fn is_delimiter_row(text: &str, start: usize, end: usize) -> Option<usize> {
    if !text.as_bytes()[start..end].contains(&b'-') {
        return None;
    }
    let cells = split_cells(text, start, end);
    let ok = !cells.is_empty()
        && cells.iter().all(|c| {
            let s = slice(text, *c);
            let s = s.strip_prefix(':').unwrap_or(s);
            let s = s.strip_suffix(':').unwrap_or(s);
            !s.is_empty() && s.bytes().all(|x| x == b'-')
        });
    ok.then_some(cells.len())
}

struct OpenItem {
    marker_indent: usize,
    content_indent: usize,
    block: usize,
    last_end: usize,
}

/// The outline by a line scanner (no tree-sitter); see the notes above.
pub fn markdown_outline_lines(text: &str) -> Vec<MdBlock> {
    let b = text.as_bytes();
    let lines = split_lines(text);
    let mut out: Vec<MdBlock> = Vec::new();
    let mut stack: Vec<OpenItem> = Vec::new();
    let mut prev_blank = true;
    let mut para: Option<(usize, usize)> = None; // (start, end) of the open paragraph
    let close_item = |out: &mut Vec<MdBlock>, it: OpenItem| {
        if let Some(MdBlock::Item(item)) = out.get_mut(it.block) {
            item.span.end = it.last_end as u32;
            item.end = after_line_ending(text, it.last_end as u32);
        }
    };
    let flush_para = |out: &mut Vec<MdBlock>, para: &mut Option<(usize, usize)>| {
        if let Some((s, e)) = para.take() {
            out.push(MdBlock::Paragraph(trim_span(
                text,
                Span::new(s as u32, e as u32),
            )));
        }
    };
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if is_blank(b, line) {
            flush_para(&mut out, &mut para);
            prev_blank = true;
            i += 1;
            continue;
        }
        let (body, indent) = line_body(b, line);
        let marker =
            list_marker(b, body, line.end, indent).filter(|_| !thematic_break(b, body, line.end));
        // Close the list items this line ends.
        while let Some(top) = stack.last() {
            let starts_block = marker.is_some()
                || atx_level(b, body, line.end).is_some()
                || fence_open(b, body, line.end).is_some()
                || thematic_break(b, body, line.end);
            let ends = if marker.is_some() {
                indent <= top.marker_indent || (indent < top.content_indent && prev_blank)
            } else {
                indent < top.content_indent && (prev_blank || starts_block)
            };
            if !ends {
                break;
            }
            if let Some(it) = stack.pop() {
                close_item(&mut out, it);
            }
        }
        let in_item = !stack.is_empty();
        // Fenced code (at top level or inside an item).
        if let Some(fence) = fence_open(b, body, line.end).filter(|_| indent < 4 || in_item) {
            flush_para(&mut out, &mut para);
            let start = line.start;
            let mut j = i + 1;
            let mut end = line.end;
            while j < lines.len() {
                let (bb, _) = line_body(b, lines[j]);
                end = lines[j].end;
                j += 1;
                if fence_closes(b, bb, lines[j - 1].end, fence) {
                    break;
                }
            }
            if !in_item {
                out.push(MdBlock::Code(trim_span(
                    text,
                    Span::new(start as u32, end as u32),
                )));
            }
            for it in stack.iter_mut() {
                it.last_end = end;
            }
            i = j;
            prev_blank = false;
            continue;
        }
        if let Some((content, content_indent)) = marker {
            flush_para(&mut out, &mut para);
            let depth = stack.len().min(255) as u8;
            let mut cs = content;
            // Task box `[ ]` / `[x]`.
            if let Some(rest) = b.get(cs..cs + 3) {
                if rest[0] == b'[' && rest[2] == b']' && matches!(rest[1], b' ' | b'x' | b'X') {
                    cs += 3;
                    while cs < line.end && (b[cs] == b' ' || b[cs] == b'\t') {
                        cs += 1;
                    }
                }
            }
            out.push(MdBlock::Item(MdItem {
                span: Span::new(body.min(line.end) as u32, line.end as u32),
                content_start: cs.min(line.end) as u32,
                end: after_line_ending(text, line.end as u32),
                depth,
            }));
            for it in stack.iter_mut() {
                it.last_end = line.end;
            }
            stack.push(OpenItem {
                marker_indent: indent,
                content_indent,
                block: out.len() - 1,
                last_end: line.end,
            });
            prev_blank = false;
            i += 1;
            continue;
        }
        if in_item {
            for it in stack.iter_mut() {
                it.last_end = line.end;
            }
            prev_blank = false;
            i += 1;
            continue;
        }
        let at = body;
        if indent >= 4 && para.is_none() {
            // Indented code: runs over indented and blank lines.
            let start = line.start;
            let mut end = line.end;
            let mut j = i + 1;
            while j < lines.len() {
                let l = lines[j];
                if !is_blank(b, l) {
                    if line_body(b, l).1 < 4 {
                        break;
                    }
                    end = l.end;
                }
                j += 1;
            }
            out.push(MdBlock::Code(trim_span(
                text,
                Span::new(start as u32, end as u32),
            )));
            i = j;
            prev_blank = false;
            continue;
        }
        if b[at..line.end].starts_with(b"<!--") || (b.get(at) == Some(&b'<') && para.is_none()) {
            flush_para(&mut out, &mut para);
            let comment = b[at..line.end].starts_with(b"<!--");
            let start = line.start;
            let mut end = line.end;
            let mut j = i;
            while j < lines.len() {
                let l = lines[j];
                if comment {
                    end = l.end;
                    j += 1;
                    if text.get(l.start..l.end).is_some_and(|s| s.contains("-->")) {
                        break;
                    }
                } else {
                    if is_blank(b, l) {
                        break;
                    }
                    end = l.end;
                    j += 1;
                }
            }
            out.push(MdBlock::Html(trim_span(
                text,
                Span::new(start as u32, end as u32),
            )));
            i = j;
            prev_blank = false;
            continue;
        }
        if let Some((level, after)) = atx_level(b, at, line.end) {
            flush_para(&mut out, &mut para);
            let content = trim_span(text, Span::new(after as u32, line.end as u32));
            out.push(MdBlock::Heading(MdHeading {
                level,
                span: trim_span(text, Span::new(line.start as u32, line.end as u32)),
                content: without_closing_hashes(text, content),
            }));
            i += 1;
            prev_blank = false;
            continue;
        }
        if thematic_break(b, at, line.end) && para.is_none() {
            i += 1;
            prev_blank = false;
            continue;
        }
        // Pipe table: this line has a `|` and the next is a delimiter row.
        if b[at..line.end].contains(&b'|') {
            if let Some(next) = lines.get(i + 1) {
                let (nb, _) = line_body(b, *next);
                let header_cells = split_cells(text, at, line.end);
                if is_delimiter_row(text, nb, next.end) == Some(header_cells.len()) {
                    flush_para(&mut out, &mut para);
                    let header = MdRow {
                        span: trim_span(text, Span::new(at as u32, line.end as u32)),
                        end: after_line_ending(text, line.end as u32),
                        cells: header_cells,
                    };
                    let body_start = after_line_ending(text, next.end as u32);
                    let mut rows = Vec::new();
                    let mut j = i + 2;
                    let mut end = next.end;
                    while j < lines.len() {
                        let l = lines[j];
                        if is_blank(b, l) {
                            break;
                        }
                        let (rb, _) = line_body(b, l);
                        if !b[rb..l.end].contains(&b'|')
                            || atx_level(b, rb, l.end).is_some()
                            || fence_open(b, rb, l.end).is_some()
                        {
                            break;
                        }
                        rows.push(MdRow {
                            span: trim_span(text, Span::new(rb as u32, l.end as u32)),
                            end: after_line_ending(text, l.end as u32),
                            cells: split_cells(text, rb, l.end),
                        });
                        end = l.end;
                        j += 1;
                    }
                    out.push(MdBlock::Table(MdTable {
                        span: trim_span(text, Span::new(at as u32, end as u32)),
                        header,
                        body_start,
                        rows,
                    }));
                    i = j;
                    prev_blank = false;
                    continue;
                }
            }
        }
        // Setext heading: paragraph text followed by `===` / `---`.
        if let Some((ps, _)) = para {
            if let Some(level) = setext_underline(b, at, line.end).filter(|_| indent < 4) {
                para = None;
                out.push(MdBlock::Heading(MdHeading {
                    level,
                    span: trim_span(text, Span::new(ps as u32, line.end as u32)),
                    content: trim_span(text, Span::new(ps as u32, line.start as u32)),
                }));
                i += 1;
                prev_blank = false;
                continue;
            }
        }
        para = Some(match para {
            Some((s, _)) => (s, line.end),
            None => (at, line.end),
        });
        prev_blank = false;
        i += 1;
    }
    flush_para(&mut out, &mut para);
    while let Some(it) = stack.pop() {
        close_item(&mut out, it);
    }
    out.sort_by_key(|b| b.span().start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::{sql_language, sql_tables, SQL_TABLES};
    use crate::tree::line_around;

    #[test]
    fn every_query_compiles() {
        let md = Query::new(&markdown_language(), MARKDOWN_BLOCKS);
        assert!(md.is_ok(), "{:?}", md.err());
        let sql = Query::new(&sql_language(), SQL_TABLES);
        assert!(sql.is_ok(), "{:?}", sql.err());
        assert!(markdown_blocks().is_some());
        assert!(sql_tables().is_some());
        for name in ["heading", "table", "item", "paragraph", "code", "html"] {
            assert!(
                markdown_blocks()
                    .unwrap()
                    .capture_index_for_name(name)
                    .is_some(),
                "{name}"
            );
        }
        for name in ["create", "alter", "table.name", "column"] {
            assert!(
                sql_tables().unwrap().capture_index_for_name(name).is_some(),
                "{name}"
            );
        }
    }

    fn kinds(blocks: &[MdBlock], text: &str) -> Vec<String> {
        blocks
            .iter()
            .map(|b| match b {
                MdBlock::Heading(h) => format!("H{} {}", h.level, slice(text, h.content)),
                MdBlock::Table(t) => format!(
                    "T {} rows [{}]",
                    t.rows.len(),
                    t.header
                        .cells
                        .iter()
                        .map(|c| slice(text, *c))
                        .collect::<Vec<_>>()
                        .join("|")
                ),
                MdBlock::Item(i) => format!(
                    "I{} {}",
                    i.depth,
                    slice(
                        text,
                        Span::new(i.content_start, line_around(text, i.content_start).end)
                    )
                ),
                MdBlock::Paragraph(s) => {
                    format!("P {}", slice(text, *s).lines().next().unwrap_or(""))
                }
                MdBlock::Code(_) => "C".into(),
                MdBlock::Html(_) => "X".into(),
            })
            .collect()
    }

    const DOC: &str = "# Title\n\nIntro text\nmore\n\n| ID | Name |\n|----|------|\n| FR-1 | a |\n| FR-2 | b\n\n## Sub ##\n- one\n  - nested\n- [x] two\n\n1. first\n\n```\n- not an item\n```\n\n<!--\n- hidden\n-->\n\nSetext\n------\n> - quoted item\n";

    #[test]
    fn outline_from_tree_sitter_and_lines_agree() {
        let ts = markdown_outline_tree_sitter(DOC).unwrap();
        let lines = markdown_outline_lines(DOC);
        let expected = vec![
            "H1 Title",
            "P Intro text",
            "T 2 rows [ID|Name]",
            "H2 Sub",
            "I0 one",
            "I1 nested",
            "I0 two",
            "I0 first",
            "C",
            "X",
            "H2 Setext",
            "I0 quoted item",
        ];
        assert_eq!(kinds(&ts, DOC), expected);
        assert_eq!(kinds(&lines, DOC), expected);
        // Row spans and insert points agree too.
        let rows = |bs: &[MdBlock]| {
            bs.iter()
                .find_map(|b| match b {
                    MdBlock::Table(t) => Some((t.body_start, t.rows.clone())),
                    _ => None,
                })
                .unwrap()
        };
        assert_eq!(rows(&ts), rows(&lines));
        let items = |bs: &[MdBlock]| {
            bs.iter()
                .filter_map(|b| match b {
                    MdBlock::Item(i) => Some((i.span, i.end)),
                    _ => None,
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(items(&ts), items(&lines));
    }

    #[test]
    fn outline_of_crlf_text() {
        let text = DOC.replace('\n', "\r\n");
        let ts = markdown_outline_tree_sitter(&text).unwrap();
        let lines = markdown_outline_lines(&text);
        assert_eq!(kinds(&ts, &text), kinds(&lines, &text));
        assert_eq!(kinds(&ts, &text)[0], "H1 Title");
    }

    /// Random mixes of the characters and fragments the readers care about:
    /// no reader may panic, and spans must stay on char boundaries.
    #[test]
    fn readers_never_panic_on_random_input() {
        const PIECES: &[&str] = &[
            "|",
            "-",
            "*",
            "**",
            "_",
            "`",
            "```",
            "~~~",
            "#",
            "## ",
            ">",
            "\n",
            "\r\n",
            "\r",
            " ",
            "\t",
            "    ",
            "FR-1",
            "FR-002",
            "NFR-3",
            "(",
            ")",
            "[",
            "]",
            ":",
            ",",
            ";",
            "'",
            "\"",
            "$$",
            "$f$",
            "--",
            "/*",
            "*/",
            "é",
            "😀",
            "漢",
            "\u{feff}",
            "\u{0}",
            "1.",
            "- [ ] ",
            "<!--",
            "-->",
            "CREATE TABLE t (",
            "ALTER TABLE t ADD ",
            "a int",
            "Release Mode: MVP",
            "| Attribute | Type |",
            "|---|---|",
            "Table: t",
            "**Fields**:",
            "E'",
            "\\",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..1500 {
            let len = (next() % 60) as usize;
            let text: String = (0..len)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect();
            for blocks in [
                markdown_outline_tree_sitter(&text).unwrap(),
                markdown_outline_lines(&text),
            ] {
                for b in &blocks {
                    let sp = b.span();
                    assert!(
                        text.get(sp.start as usize..sp.end as usize).is_some(),
                        "{text:?} {b:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn helpers_clamp() {
        assert_eq!(after_line_ending("ab\r\ncd", 2), 4);
        assert_eq!(after_line_ending("ab\ncd", 2), 3);
        assert_eq!(after_line_ending("ab", 2), 2);
        assert_eq!(after_line_ending("ab", 99), 2);
        assert_eq!(line_around("ab\r\ncd\n", 5), Span::new(4, 6));
        assert_eq!(slice("é", Span::new(0, 1)), "");
        assert_eq!(trim_span(" a \n", Span::new(0, 4)), Span::new(1, 2));
    }
}
