//! The fast path of the YAML reader: a byte-level reader for the block-style
//! subset of YAML that API descriptions are written in.
//!
//! It reads block mappings and sequences, plain, quoted and block scalars and
//! flow collections, and produces the located tree directly with byte spans.
//! It never guesses: on anything outside that subset (anchors, aliases, tags,
//! explicit keys, tabs as indentation, unusual plain scalars, any syntax
//! error) it returns a [`Fail`] and the caller reads the chunk with
//! saphyr-parser instead. Its decoding rules mirror saphyr-parser's scanner, so
//! both paths give the same tree for the same text (a test checks this on
//! every chunk of the corpus).
//!
//! Preconditions (checked once per document by the caller): the text has no
//! NUL byte, no byte order mark after its start, and no lone `\r`.

/// The fast reader recurses once per level of nesting; deeper documents
/// are left to saphyr-parser (whose reading is iterative and capped at
/// [`crate::parse::MAX_DEPTH`]), so the stack stays small even in debug builds.
const FAST_MAX_DEPTH: u32 = 128;
use crate::tree::{CollStyle, Comment, Entry, Node, ScalarStyle, Span, Value};

/// Why the fast reader stopped.
#[derive(Clone, Debug)]
pub(super) struct Fail {
    pub pos: u32,
    pub msg: &'static str,
    /// A definite syntax error (saphyr-parser rejects it too, with a vaguer
    /// message); otherwise just something the fast reader does not handle.
    pub definite: bool,
}

type R<T> = Result<T, Fail>;

fn unsupported<T>(pos: usize, msg: &'static str) -> R<T> {
    Err(Fail {
        pos: pos as u32,
        msg,
        definite: false,
    })
}

fn error<T>(pos: usize, msg: &'static str) -> R<T> {
    Err(Fail {
        pos: pos as u32,
        msg,
        definite: true,
    })
}

#[inline]
fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

#[inline]
fn is_break(b: u8) -> bool {
    b == b'\n' || b == b'\r'
}

#[inline]
fn is_flow_ind(b: u8) -> bool {
    matches!(b, b',' | b'[' | b']' | b'{' | b'}')
}

/// Characters that cannot start a plain scalar (or that the fast reader
/// leaves to saphyr when they start one).
#[inline]
fn is_indicator(b: u8) -> bool {
    matches!(
        b,
        b'-' | b'?'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
    )
}

/// Where a line of plain scalar text stopped.
enum Stop {
    /// At the line break (or the end of the input) at this offset.
    Eol(usize),
    /// At a comment starting at this offset (the `#`).
    Comment(usize),
}

/// An implicit key found on a line.
pub(super) struct Key {
    pub key: String,
    pub span: Span,
    /// Offset just after the `:`.
    pub after_colon: usize,
}

pub(super) struct Fast<'a> {
    src: &'a str,
    s: &'a [u8],
    end: usize,
    /// Always at a line start between constructs.
    pos: usize,
    depth: u32,
    pub comments: Vec<Comment>,
}

/// Reads the block node in `src[start..end]` (which starts at a line start).
/// `Ok(None)` when the range holds only blank lines and comments.
pub(super) fn parse_block(src: &str, start: usize, end: usize) -> R<(Option<Node>, Vec<Comment>)> {
    let mut p = Fast::new(src, start, end);
    let node = match p.next_line()? {
        None => None,
        Some((ind, f)) => {
            let node = p.block_node(ind, f, ind as i32 - 1)?;
            if let Some((_, f)) = p.next_line()? {
                return unsupported(f, "unexpected content after the node (check indentation)");
            }
            Some(node)
        }
    };
    Ok((node, p.comments))
}

impl<'a> Fast<'a> {
    pub(super) fn new(src: &'a str, start: usize, end: usize) -> Self {
        Fast {
            src,
            s: src.as_bytes(),
            end: end.min(src.len()),
            pos: start,
            depth: 0,
            comments: Vec::new(),
        }
    }

    #[inline]
    fn at(&self, i: usize) -> u8 {
        if i < self.end {
            self.s[i]
        } else {
            0
        }
    }

    /// Whether `i` is a blank, a line break or the end.
    #[inline]
    fn blank_or_end(&self, i: usize) -> bool {
        i >= self.end || matches!(self.s[i], b' ' | b'\t' | b'\n' | b'\r')
    }

    #[inline]
    fn is_dash(&self, i: usize) -> bool {
        self.at(i) == b'-' && self.blank_or_end(i + 1)
    }

    /// Offset of the line break ending the line that contains `i` (or the end).
    #[inline]
    fn eol(&self, i: usize) -> usize {
        // No lone `\r` here (a precondition), so a line ends at `\n`.
        let i = i.min(self.end);
        let n = crate::parse::find_nl(self.s, i, self.end);
        if n > i && self.s[n - 1] == b'\r' {
            n - 1
        } else {
            n
        }
    }

    /// Offset of the start of the line after the break at `e` (`e` is an
    /// offset returned by [`Self::eol`]).
    #[inline]
    fn after_break(&self, e: usize) -> usize {
        if e >= self.end {
            self.end
        } else if self.s[e] == b'\r' && self.at(e + 1) == b'\n' {
            e + 2
        } else {
            e + 1
        }
    }

    fn line_start(&self, i: usize) -> usize {
        match self.s[..i].iter().rposition(|&b| b == b'\n') {
            Some(k) => k + 1,
            None => 0,
        }
    }

    fn comment(&mut self, hash: usize) -> usize {
        let e = self.eol(hash);
        self.comments.push(Comment {
            span: Span::new(hash as u32, e as u32),
        });
        e
    }

    fn enter(&mut self, at: usize) -> R<()> {
        self.depth += 1;
        if self.depth > FAST_MAX_DEPTH {
            return unsupported(at, "nesting too deep");
        }
        Ok(())
    }

    /// From a line start, skips blank and comment-only lines (recording the
    /// comments). Leaves `pos` at the start of the next content line and
    /// returns its indentation and the offset of its first character.
    fn next_line(&mut self) -> R<Option<(usize, usize)>> {
        loop {
            let ls = self.pos;
            if ls >= self.end {
                return Ok(None);
            }
            let mut i = ls;
            while i < self.end && self.s[i] == b' ' {
                i += 1;
            }
            let mut j = i;
            while j < self.end && is_blank(self.s[j]) {
                j += 1;
            }
            if j >= self.end {
                self.pos = self.end;
                return Ok(None);
            }
            match self.s[j] {
                b'\n' | b'\r' => self.pos = self.after_break(j),
                b'#' => {
                    let e = self.comment(j);
                    self.pos = self.after_break(e);
                }
                _ => {
                    if j != i {
                        return unsupported(i, "tab in indentation");
                    }
                    return Ok(Some((i - ls, i)));
                }
            }
        }
    }

    /// After a complete value at `i` on the current line: blanks, an optional
    /// comment, then the line break. Moves `pos` to the next line.
    fn finish_line(&mut self, mut i: usize) -> R<()> {
        let v = i;
        while i < self.end && is_blank(self.s[i]) {
            i += 1;
        }
        if i < self.end && self.s[i] == b'#' {
            if i == v {
                return unsupported(i, "comment not separated by whitespace");
            }
            i = self.comment(i);
        }
        if i < self.end && !is_break(self.s[i]) {
            return unsupported(i, "unexpected text after the value");
        }
        self.pos = self.after_break(i);
        Ok(())
    }

    /// A block node whose first character is at `f` on a line indented by
    /// `ind`, inside a block collection indented by `n`.
    fn block_node(&mut self, ind: usize, f: usize, n: i32) -> R<Node> {
        if self.is_dash(f) {
            self.block_sequence(ind, f)
        } else if let Some(key) = self.try_key(f)? {
            self.block_mapping(ind, key)
        } else {
            self.inline_node(f, n)
        }
    }

    /// An implicit key at `i` on this line (`key:` followed by a blank or the
    /// line end), or `None` when the line does not start with one.
    pub(super) fn try_key(&self, i: usize) -> R<Option<Key>> {
        let b = self.at(i);
        match b {
            b'"' | b'\'' => {
                // A single-line quoted key.
                let e = self.eol(i);
                let mut k = i + 1;
                let close = loop {
                    if k >= e {
                        return Ok(None);
                    }
                    let c = self.s[k];
                    if c == b'\\' && b == b'"' {
                        k += 2;
                        continue;
                    }
                    if c == b {
                        if b == b'\'' && self.at(k + 1) == b'\'' {
                            k += 2;
                            continue;
                        }
                        break k;
                    }
                    k += 1;
                };
                let mut j = close + 1;
                while j < e && is_blank(self.s[j]) {
                    j += 1;
                }
                if j < e && self.s[j] == b':' && self.blank_or_end(j + 1) {
                    let mut q = Fast::new(self.src, i, e);
                    let (key, qe) = q.quoted(i, -1)?;
                    debug_assert_eq!(qe, close + 1);
                    return Ok(Some(Key {
                        key,
                        span: Span::new(i as u32, (close + 1) as u32),
                        after_colon: j + 1,
                    }));
                }
                if j < e && self.s[j] == b':' {
                    return unsupported(j, "':' right after a quoted key");
                }
                Ok(None)
            }
            b'-' | b'?' | b':' if self.blank_or_end(i + 1) => Ok(None),
            b'?' | b':' => unsupported(i, "plain key starting with an indicator"),
            _ if is_indicator(b) && b != b'-' => Ok(None),
            _ if self.blank_or_end(i) => Ok(None),
            _ => {
                let mut k = i;
                loop {
                    if k >= self.end {
                        return Ok(None);
                    }
                    match self.s[k] {
                        b'\n' | b'\r' => return Ok(None),
                        b':' if self.blank_or_end(k + 1) => break,
                        b' ' | b'\t' if self.at(k + 1) == b'#' => return Ok(None),
                        _ => k += 1,
                    }
                }
                let mut e = k;
                while e > i && is_blank(self.s[e - 1]) {
                    e -= 1;
                }
                if e - i > 1024 {
                    return unsupported(i, "implicit key longer than 1024 characters");
                }
                Ok(Some(Key {
                    key: self.src[i..e].to_string(),
                    span: Span::new(i as u32, e as u32),
                    after_colon: k + 1,
                }))
            }
        }
    }

    fn block_mapping(&mut self, indent: usize, first: Key) -> R<Node> {
        self.enter(first.span.start as usize)?;
        let mut entries = Vec::new();
        let mut key = first;
        loop {
            let after = key.after_colon;
            let value = self.value_after_colon(indent as i32, after)?;
            entries.push(Entry {
                key: key.key,
                key_span: key.span,
                value,
            });
            match self.next_line()? {
                None => break,
                Some((ind, f)) => {
                    if ind < indent {
                        break;
                    }
                    if ind > indent {
                        return unsupported(f, "bad indentation of a mapping entry");
                    }
                    match self.try_key(f)? {
                        Some(k) => key = k,
                        None => return unsupported(f, "expected a mapping key"),
                    }
                }
            }
        }
        self.depth -= 1;
        let span = Span::new(
            entries[0].key_span.start,
            entries[entries.len() - 1].value.span.end,
        );
        Ok(Node {
            span,
            value: Value::Map(entries, CollStyle::Block),
        })
    }

    fn block_sequence(&mut self, indent: usize, first: usize) -> R<Node> {
        self.enter(first)?;
        let mut items = Vec::new();
        let mut dash = first;
        loop {
            let mut i = dash + 1;
            while i < self.end && self.s[i] == b' ' {
                i += 1;
            }
            let c = self.at(i);
            let item = if c == b'\t' {
                return unsupported(i, "tab after '-'");
            } else if i >= self.end || is_break(c) || c == b'#' {
                if c == b'#' {
                    i = self.comment(i);
                }
                self.pos = self.after_break(self.eol(i));
                match self.next_line()? {
                    Some((ind, f)) if ind > indent => self.block_node(ind, f, indent as i32)?,
                    _ => Node::missing(dash as u32 + 1),
                }
            } else {
                let col = indent + (i - dash);
                if self.is_dash(i) {
                    self.block_sequence(col, i)?
                } else if let Some(key) = self.try_key(i)? {
                    self.block_mapping(col, key)?
                } else {
                    self.inline_node(i, indent as i32)?
                }
            };
            items.push(item);
            match self.next_line()? {
                None => break,
                Some((ind, f)) => {
                    if ind < indent {
                        break;
                    }
                    if ind > indent {
                        return unsupported(f, "bad indentation of a sequence entry");
                    }
                    if !self.is_dash(f) {
                        break;
                    }
                    dash = f;
                }
            }
        }
        self.depth -= 1;
        let span = Span::new(first as u32, items[items.len() - 1].span.end);
        Ok(Node {
            span,
            value: Value::Seq(items, CollStyle::Block),
        })
    }

    /// The value after a mapping key's `:` at `after` (the offset just past
    /// it), in a block mapping indented by `n`.
    fn value_after_colon(&mut self, n: i32, after: usize) -> R<Node> {
        if self.at(after) == b'\t' {
            // saphyr-parser rejects a tab right after ':'.
            return unsupported(after, "tab after ':'");
        }
        let mut j = after;
        while j < self.end && is_blank(self.s[j]) {
            j += 1;
        }
        let c = self.at(j);
        if j >= self.end || is_break(c) || c == b'#' {
            if c == b'#' && j < self.end {
                j = self.comment(j);
            }
            self.pos = self.after_break(self.eol(j));
            return match self.next_line()? {
                Some((ind, f)) if ind as i32 > n => self.block_node(ind, f, n),
                Some((ind, f)) if ind as i32 == n && self.is_dash(f) => self.block_sequence(ind, f),
                _ => Ok(Node::missing(after as u32)),
            };
        }
        self.inline_node(j, n)
    }

    /// A node starting at `j` on the current line, in block context, inside
    /// a block collection indented by `n`; ends at the next line start.
    fn inline_node(&mut self, j: usize, n: i32) -> R<Node> {
        let c = self.at(j);
        match c {
            b'|' | b'>' => self.block_scalar(j, n),
            b'"' | b'\'' => {
                let (v, e) = self.quoted(j, n)?;
                self.finish_line(e)?;
                let style = if c == b'"' {
                    ScalarStyle::DoubleQuoted
                } else {
                    ScalarStyle::SingleQuoted
                };
                Ok(Node {
                    span: Span::new(j as u32, e as u32),
                    value: Value::Scalar(v, style),
                })
            }
            b'[' | b'{' => {
                let node = self.flow(j, n)?;
                self.finish_line(node.span.end as usize)?;
                Ok(node)
            }
            b'-' | b'?' | b':' if self.blank_or_end(j + 1) => {
                unsupported(j, "block collection in this position")
            }
            _ if is_indicator(c) && c != b'-' => unsupported(j, "indicator character"),
            _ => self.plain_block(j, n),
        }
    }

    /// Scans one line of a plain scalar in block context from `i`.
    /// Returns the end of its text (trailing blanks excluded) and where it
    /// stopped.
    fn plain_line(&self, i: usize) -> R<(usize, Stop)> {
        let mut k = i;
        let mut last = i;
        loop {
            if k >= self.end {
                return Ok((last, Stop::Eol(self.end)));
            }
            match self.s[k] {
                b'\n' | b'\r' => return Ok((last, Stop::Eol(k))),
                b' ' | b'\t' => {
                    if self.at(k + 1) == b'#' {
                        return Ok((last, Stop::Comment(k + 1)));
                    }
                    k += 1;
                }
                b':' if self.blank_or_end(k + 1) => {
                    return unsupported(k, "mapping values are not allowed here");
                }
                _ => {
                    k += 1;
                    last = k;
                }
            }
        }
    }

    /// A plain scalar in block context starting at `start`, inside a block
    /// collection indented by `n` (continuation lines are indented more).
    fn plain_block(&mut self, start: usize, n: i32) -> R<Node> {
        let (first_end, stop) = self.plain_line(start)?;
        let mut last_end = first_end;
        let mut out: Option<String> = None;
        let mut stop = stop;
        loop {
            match stop {
                Stop::Comment(h) => {
                    let e = self.comment(h);
                    self.pos = self.after_break(e);
                    break;
                }
                Stop::Eol(e) => self.pos = self.after_break(e),
            }
            // Look for a continuation line.
            let mut p = self.pos;
            let mut breaks = 0usize;
            let (ls, f) = loop {
                if p >= self.end {
                    break (p, p);
                }
                let ls = p;
                let mut k = p;
                while k < self.end && is_blank(self.s[k]) {
                    k += 1;
                }
                if k >= self.end {
                    break (self.end, self.end);
                }
                if is_break(self.s[k]) {
                    breaks += 1;
                    p = self.after_break(k);
                    continue;
                }
                break (ls, k);
            };
            if f >= self.end {
                break;
            }
            let mut sp = ls;
            while self.s[sp] == b' ' {
                sp += 1;
            }
            let ind = sp - ls;
            if ind as i32 <= n {
                break;
            }
            if self.s[f] == b'#' {
                break;
            }
            if sp != f {
                return unsupported(sp, "tab in a plain scalar continuation line");
            }
            let (ce, st) = match self.plain_line(f) {
                Ok(x) => x,
                // `key: value` more indented than its siblings reads as the
                // continuation of the scalar above, then fails at the ':'.
                Err(_) => return error(f, "bad indentation of a mapping entry"),
            };
            let o = out.get_or_insert_with(|| self.src[start..first_end].to_string());
            if breaks == 0 {
                o.push(' ');
            } else {
                for _ in 0..breaks {
                    o.push('\n');
                }
            }
            o.push_str(&self.src[f..ce]);
            last_end = ce;
            stop = st;
        }
        let text = out.unwrap_or_else(|| self.src[start..first_end].to_string());
        Ok(Node {
            span: Span::new(start as u32, last_end as u32),
            value: Value::Scalar(text, ScalarStyle::Plain),
        })
    }

    /// A single- or double-quoted scalar whose opening quote is at `q`, in a
    /// block collection indented by `n` (`-1` at the top or in a key).
    /// Returns the decoded text and the offset after the closing quote.
    pub(super) fn quoted(&mut self, q: usize, n: i32) -> R<(String, usize)> {
        let quote = self.s[q];
        let single = quote == b'\'';
        let mut i = q + 1;
        // Fast path: one line, no escapes.
        {
            let mut k = i;
            while k < self.end {
                let b = self.s[k];
                if b == quote || (b == b'\\' && !single) || is_break(b) {
                    break;
                }
                k += 1;
            }
            if k < self.end && self.s[k] == quote && !(single && self.at(k + 1) == b'\'') {
                return Ok((self.src[i..k].to_string(), k + 1));
            }
        }
        let mut out = String::new();
        loop {
            let mut leading_blanks = false;
            // Non-blank characters.
            loop {
                if i >= self.end {
                    return error(q, "unclosed quoted scalar");
                }
                let b = self.s[i];
                match b {
                    b' ' | b'\t' | b'\n' | b'\r' => break,
                    b'\'' if single => {
                        if self.at(i + 1) == b'\'' {
                            out.push('\'');
                            i += 2;
                        } else {
                            return Ok((out, i + 1));
                        }
                    }
                    b'"' if !single => return Ok((out, i + 1)),
                    b'\\' if !single => {
                        let nb = self.at(i + 1);
                        if i + 1 < self.end && is_break(nb) {
                            i = self.after_break(i + 1);
                            leading_blanks = true;
                            break;
                        }
                        i = self.escape(i, q, &mut out)?;
                    }
                    _ => {
                        let st = i;
                        while i < self.end
                            && !matches!(
                                self.s[i],
                                b' ' | b'\t' | b'\n' | b'\r' | b'\\' | b'\'' | b'"'
                            )
                        {
                            i += 1;
                        }
                        if st == i {
                            // A quote of the other kind.
                            i += 1;
                        }
                        out.push_str(&self.src[st..i]);
                    }
                }
            }
            // Blanks and line breaks.
            let ws_start = i;
            let mut ws_end = i;
            let mut leading_break = false;
            let mut trailing_breaks = 0usize;
            let mut line_start = None;
            while i < self.end && (is_blank(self.s[i]) || is_break(self.s[i])) {
                if is_blank(self.s[i]) {
                    if leading_blanks {
                        if self.s[i] == b'\t' {
                            return unsupported(i, "tab in a quoted scalar continuation line");
                        }
                    } else {
                        ws_end = i + 1;
                    }
                    i += 1;
                } else {
                    if leading_blanks {
                        trailing_breaks += 1;
                    } else {
                        leading_break = true;
                        leading_blanks = true;
                    }
                    i = self.after_break(i);
                    line_start = Some(i);
                }
            }
            if let Some(ls) = line_start {
                if i >= self.end {
                    return error(q, "unclosed quoted scalar");
                }
                let col = i - ls;
                if col as i32 <= n {
                    return unsupported(i, "badly indented quoted scalar continuation");
                }
                if col == 0 && self.doc_marker(i) {
                    return unsupported(i, "document marker in a quoted scalar");
                }
            } else if leading_blanks {
                // After an escaped line break.
                let ls = self.line_start(i);
                if (i - ls) as i32 <= n && i < self.end {
                    return unsupported(i, "badly indented quoted scalar continuation");
                }
            }
            if leading_blanks {
                if !leading_break {
                    for _ in 0..trailing_breaks {
                        out.push('\n');
                    }
                } else if trailing_breaks == 0 {
                    out.push(' ');
                } else {
                    for _ in 0..trailing_breaks {
                        out.push('\n');
                    }
                }
            } else {
                out.push_str(&self.src[ws_start..ws_end]);
            }
        }
    }

    fn doc_marker(&self, i: usize) -> bool {
        let b = self.at(i);
        (b == b'-' || b == b'.')
            && self.at(i + 1) == b
            && self.at(i + 2) == b
            && self.blank_or_end(i + 3)
    }

    /// Decodes the escape sequence at `i` (a backslash) into `out`.
    fn escape(&self, i: usize, q: usize, out: &mut String) -> R<usize> {
        let c = self.at(i + 1);
        let simple = match c {
            b'0' => Some('\0'),
            b'a' => Some('\x07'),
            b'b' => Some('\x08'),
            b't' | b'\t' => Some('\t'),
            b'n' => Some('\n'),
            b'v' => Some('\x0b'),
            b'f' => Some('\x0c'),
            b'r' => Some('\r'),
            b'e' => Some('\x1b'),
            b' ' => Some(' '),
            b'"' => Some('"'),
            b'/' => Some('/'),
            b'\\' => Some('\\'),
            b'N' => Some('\u{85}'),
            b'_' => Some('\u{a0}'),
            b'L' => Some('\u{2028}'),
            b'P' => Some('\u{2029}'),
            _ => None,
        };
        if let Some(ch) = simple {
            out.push(ch);
            return Ok(i + 2);
        }
        let len = match c {
            b'x' => 2,
            b'u' => 4,
            b'U' => 8,
            _ => return error(i, "unknown escape sequence in double-quoted scalar"),
        };
        let mut v: u32 = 0;
        for k in 0..len {
            let h = self.at(i + 2 + k);
            let d = match h {
                b'0'..=b'9' => h - b'0',
                b'a'..=b'f' => h - b'a' + 10,
                b'A'..=b'F' => h - b'A' + 10,
                _ => return error(i, "expected hexadecimal digits in escape sequence"),
            };
            v = (v << 4) | d as u32;
        }
        match char::from_u32(v) {
            Some(ch) => out.push(ch),
            None => return error(i, "invalid Unicode escape"),
        }
        let _ = q;
        Ok(i + 2 + len)
    }

    /// A literal (`|`) or folded (`>`) block scalar whose indicator is at
    /// `h`, inside a block collection indented by `n`.
    pub(super) fn block_scalar(&mut self, h: usize, n: i32) -> R<Node> {
        if n < 0 {
            return unsupported(h, "block scalar at the top level");
        }
        let literal = self.s[h] == b'|';
        let style = if literal {
            ScalarStyle::Literal
        } else {
            ScalarStyle::Folded
        };
        #[derive(PartialEq)]
        enum Chomp {
            Strip,
            Clip,
            Keep,
        }
        let mut chomp = Chomp::Clip;
        let mut inc = 0usize;
        let mut i = h + 1;
        let c = self.at(i);
        if c == b'+' || c == b'-' {
            chomp = if c == b'+' { Chomp::Keep } else { Chomp::Strip };
            i += 1;
            let d = self.at(i);
            if d.is_ascii_digit() {
                if d == b'0' {
                    return error(i, "block scalar indentation indicator cannot be 0");
                }
                inc = (d - b'0') as usize;
                i += 1;
            }
        } else if c.is_ascii_digit() {
            if c == b'0' {
                return error(i, "block scalar indentation indicator cannot be 0");
            }
            inc = (c - b'0') as usize;
            i += 1;
            let d = self.at(i);
            if d == b'+' || d == b'-' {
                chomp = if d == b'+' { Chomp::Keep } else { Chomp::Strip };
                i += 1;
            }
        }
        let hdr_end = i;
        while i < self.end && is_blank(self.s[i]) {
            i += 1;
        }
        if i < self.end && self.s[i] == b'#' {
            if i == hdr_end {
                return unsupported(i, "comment not separated by whitespace");
            }
            i = self.comment(i);
        }
        if i < self.end && !is_break(self.s[i]) {
            return error(
                i,
                "expected a comment or a line break after the block scalar header",
            );
        }
        i = self.after_break(i);
        let mut ls = i;
        let header_only = |me: &mut Self, at: usize| {
            me.pos = at;
            Node {
                span: Span::new(h as u32, hdr_end as u32),
                value: Value::Scalar(String::new(), style),
            }
        };
        if i >= self.end {
            if chomp == Chomp::Keep {
                return unsupported(h, "kept block scalar at the end of input");
            }
            return Ok(header_only(self, self.end));
        }
        if self.s[i] == b'\t' {
            return unsupported(i, "block scalar content starting with a tab");
        }
        let mut trailing_breaks = 0usize;
        let indent: usize;
        if inc > 0 {
            indent = if n >= 0 { n as usize + inc } else { inc };
            // skip_block_scalar_indent
            loop {
                while i < self.end && i - ls < indent && self.s[i] == b' ' {
                    i += 1;
                }
                if i < self.end && is_break(self.s[i]) {
                    trailing_breaks += 1;
                    i = self.after_break(i);
                    ls = i;
                } else {
                    break;
                }
            }
        } else {
            let mut max_indent = 0usize;
            loop {
                while i < self.end && self.s[i] == b' ' {
                    i += 1;
                }
                max_indent = max_indent.max(i - ls);
                if i < self.end && is_break(self.s[i]) {
                    trailing_breaks += 1;
                    i = self.after_break(i);
                    ls = i;
                } else {
                    break;
                }
            }
            let mut ind = max_indent.max((n + 1).max(0) as usize);
            if n > 0 {
                ind = ind.max(1);
            }
            indent = ind;
        }
        if i >= self.end {
            if chomp == Chomp::Keep {
                return unsupported(h, "kept block scalar at the end of input");
            }
            return Ok(header_only(self, self.end));
        }
        let col = i - ls;
        if col < indent && col as i32 > n {
            return error(i, "wrongly indented line in block scalar");
        }
        if col < indent && is_blank(self.s[i]) {
            return unsupported(i, "tab in block scalar indentation");
        }
        let mut out = String::new();
        let mut leading_break = false;
        let mut leading_blank = false;
        let mut last_end = hdr_end;
        while i - ls == indent && i < self.end && !is_break(self.s[i]) {
            let trailing_blank = is_blank(self.s[i]);
            if !literal && leading_break && !leading_blank && !trailing_blank {
                if trailing_breaks == 0 {
                    out.push(' ');
                }
                for _ in 0..trailing_breaks {
                    out.push('\n');
                }
            } else {
                if leading_break {
                    out.push('\n');
                }
                for _ in 0..trailing_breaks {
                    out.push('\n');
                }
            }
            leading_break = false;
            trailing_breaks = 0;
            leading_blank = trailing_blank;
            let e = self.eol(i);
            out.push_str(&self.src[i..e]);
            last_end = e;
            if e >= self.end {
                i = e;
                break;
            }
            leading_break = true;
            i = self.after_break(e);
            ls = i;
            loop {
                while i < self.end && i - ls < indent && self.s[i] == b' ' {
                    i += 1;
                }
                if i < self.end && is_break(self.s[i]) {
                    trailing_breaks += 1;
                    i = self.after_break(i);
                    ls = i;
                } else {
                    break;
                }
            }
            if i < self.end && i - ls < indent && self.s[i] == b'\t' {
                return unsupported(i, "tab in block scalar indentation");
            }
        }
        if chomp != Chomp::Strip {
            if leading_break {
                out.push('\n');
            }
            if i >= self.end && i - ls >= indent.max(1) {
                out.push('\n');
            }
        }
        if chomp == Chomp::Keep {
            for _ in 0..trailing_breaks {
                out.push('\n');
            }
        }
        self.pos = if i >= self.end { self.end } else { ls };
        Ok(Node {
            span: Span::new(h as u32, last_end as u32),
            value: Value::Scalar(out, style),
        })
    }

    /// Skips blanks, line breaks and comments inside a flow collection.
    /// Lines must stay indented more than the block collection (`n`).
    fn flow_ws(&mut self, mut i: usize, n: i32) -> R<usize> {
        loop {
            if i >= self.end {
                return Ok(i);
            }
            match self.s[i] {
                b' ' | b'\t' => i += 1,
                b'\n' | b'\r' => {
                    i = self.after_break(i);
                    let ls = i;
                    while i < self.end && self.s[i] == b' ' {
                        i += 1;
                    }
                    if i < self.end && self.s[i] == b'\t' {
                        return unsupported(i, "tab in a flow collection line");
                    }
                    if i < self.end && !is_break(self.s[i]) {
                        if ((i - ls) as i32) <= n {
                            return unsupported(i, "badly indented flow collection line");
                        }
                        if i == ls && self.doc_marker(i) {
                            return unsupported(i, "document marker in a flow collection");
                        }
                    }
                }
                b'#' => {
                    if i == 0 || !is_blank(self.s[i - 1]) && !is_break(self.s[i - 1]) {
                        return unsupported(i, "comment not separated by whitespace");
                    }
                    i = self.comment(i);
                }
                _ => return Ok(i),
            }
        }
    }

    /// A flow sequence or mapping opening at `j`.
    fn flow(&mut self, j: usize, n: i32) -> R<Node> {
        self.enter(j)?;
        let open = self.s[j];
        let close = if open == b'[' { b']' } else { b'}' };
        let mut i = j + 1;
        let mut items = Vec::new();
        let mut entries = Vec::new();
        loop {
            i = self.flow_ws(i, n)?;
            if i >= self.end {
                return error(
                    j,
                    if open == b'[' {
                        "unclosed flow sequence (missing ']')"
                    } else {
                        "unclosed flow mapping (missing '}')"
                    },
                );
            }
            if self.s[i] == close {
                i += 1;
                break;
            }
            if open == b'[' {
                let (node, ni) = self.flow_node(i, n)?;
                i = self.flow_ws(ni, n)?;
                if self.at(i) == b':' {
                    return unsupported(i, "mapping inside a flow sequence");
                }
                items.push(node);
            } else {
                let b = self.at(i);
                let (key, key_span, ke) = if b == b'"' || b == b'\'' {
                    let (k, e) = self.quoted(i, n)?;
                    (k, Span::new(i as u32, e as u32), e)
                } else if is_indicator(b) {
                    return unsupported(i, "unusual flow mapping key");
                } else {
                    let e = self.plain_flow(i)?;
                    (self.src[i..e].to_string(), Span::new(i as u32, e as u32), e)
                };
                let mut k = ke;
                while k < self.end && is_blank(self.s[k]) {
                    k += 1;
                }
                let c = self.at(k);
                let value = if c == b':' {
                    let quoted_key = b == b'"' || b == b'\'';
                    let nc = self.at(k + 1);
                    if !(quoted_key || self.blank_or_end(k + 1) || is_flow_ind(nc)) {
                        return unsupported(k, "unusual flow mapping key");
                    }
                    if self.at(k + 1) == b'\t' {
                        return unsupported(k + 1, "tab after ':'");
                    }
                    let v = self.flow_ws(k + 1, n)?;
                    let vc = self.at(v);
                    if v < self.end && (vc == b',' || vc == b'}') {
                        i = v;
                        Node::missing(k as u32 + 1)
                    } else {
                        let (node, ni) = self.flow_node(v, n)?;
                        i = ni;
                        node
                    }
                } else if c == b',' || c == b'}' {
                    i = k;
                    Node::missing(ke as u32)
                } else {
                    return unsupported(k, "unusual flow mapping entry");
                };
                entries.push(Entry {
                    key,
                    key_span,
                    value,
                });
                i = self.flow_ws(i, n)?;
            }
            match self.at(i) {
                b',' => i += 1,
                c if c == close && i < self.end => {
                    i += 1;
                    break;
                }
                _ if i >= self.end => {
                    return error(
                        j,
                        if open == b'[' {
                            "unclosed flow sequence (missing ']')"
                        } else {
                            "unclosed flow mapping (missing '}')"
                        },
                    )
                }
                _ => {
                    return error(
                        i,
                        if open == b'[' {
                            "expected ',' or ']' in flow sequence"
                        } else {
                            "expected ',' or '}' in flow mapping"
                        },
                    )
                }
            }
        }
        self.depth -= 1;
        let span = Span::new(j as u32, i as u32);
        Ok(Node {
            span,
            value: if open == b'[' {
                Value::Seq(items, CollStyle::Flow)
            } else {
                Value::Map(entries, CollStyle::Flow)
            },
        })
    }

    /// A node inside a flow collection at `i`; returns it and the offset
    /// after it.
    fn flow_node(&mut self, i: usize, n: i32) -> R<(Node, usize)> {
        let b = self.at(i);
        match b {
            b'[' | b'{' => {
                let node = self.flow(i, n)?;
                let e = node.span.end as usize;
                Ok((node, e))
            }
            b'"' | b'\'' => {
                let (v, e) = self.quoted(i, n)?;
                let style = if b == b'"' {
                    ScalarStyle::DoubleQuoted
                } else {
                    ScalarStyle::SingleQuoted
                };
                Ok((
                    Node {
                        span: Span::new(i as u32, e as u32),
                        value: Value::Scalar(v, style),
                    },
                    e,
                ))
            }
            b'-' if !self.blank_or_end(i + 1) && !is_flow_ind(self.at(i + 1)) => {
                let e = self.plain_flow(i)?;
                Ok((
                    Node {
                        span: Span::new(i as u32, e as u32),
                        value: Value::Scalar(self.src[i..e].to_string(), ScalarStyle::Plain),
                    },
                    e,
                ))
            }
            _ if is_indicator(b) || i >= self.end => unsupported(i, "unusual flow node"),
            _ => {
                let e = self.plain_flow(i)?;
                Ok((
                    Node {
                        span: Span::new(i as u32, e as u32),
                        value: Value::Scalar(self.src[i..e].to_string(), ScalarStyle::Plain),
                    },
                    e,
                ))
            }
        }
    }

    /// A single-line plain scalar in flow context at `i`; returns the end of
    /// its text.
    fn plain_flow(&mut self, i: usize) -> R<usize> {
        let mut k = i;
        let mut last = i;
        loop {
            if k >= self.end {
                break;
            }
            match self.s[k] {
                b'\n' | b'\r' => {
                    // A multi-line plain scalar in a flow collection is left
                    // to saphyr; a collection or entry end is fine.
                    let mut p = self.after_break(k);
                    loop {
                        while p < self.end && is_blank(self.s[p]) {
                            p += 1;
                        }
                        if p < self.end && is_break(self.s[p]) {
                            p = self.after_break(p);
                            continue;
                        }
                        break;
                    }
                    let c = self.at(p);
                    if p < self.end && !matches!(c, b',' | b']' | b'}' | b':' | b'#') {
                        return unsupported(p, "multi-line plain scalar in a flow collection");
                    }
                    break;
                }
                b' ' | b'\t' => {
                    if self.at(k + 1) == b'#' {
                        break;
                    }
                    k += 1;
                }
                b':' if self.blank_or_end(k + 1) || is_flow_ind(self.at(k + 1)) => break,
                c if is_flow_ind(c) => break,
                _ => {
                    k += 1;
                    last = k;
                }
            }
        }
        Ok(last)
    }
}
