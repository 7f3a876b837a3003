//! Reading what libyaml reads: flow collections and quoted scalars whose
//! lines are indented less than YAML 1.2 allows.
//!
//! YAML 1.2 wants every line of a flow collection (`{ … }`, `[ … ]`) and
//! every continuation line of a quoted scalar to be indented more than the
//! block collection that holds it. libyaml (PyYAML, and so most tools)
//! ignores indentation inside them, and real API descriptions rely on it:
//!
//! ```yaml
//!       example: {
//!           "a": 1
//!     }
//! ```
//!
//! saphyr-parser rejects such text. When it does, [`read_exact`] finds the
//! under-indented lines (a small lexer that follows flow collections and
//! quotes through the piece), reads a copy of the piece with just those lines
//! indented enough, maps the spans back to the original text and reports one
//! departure per line; the document keeps one warning for all of them
//! ([`summarize`]). Nothing here runs unless saphyr-parser failed on
//! indentation, so valid YAML costs nothing.

use super::saphyr::{self as yaml_saphyr, map_spans, Ctx, Read, FOREIGN};
use crate::tree::{Span, SyntaxError};
use std::sync::Arc;

/// A line that YAML 1.2 finds indented too little.
#[derive(Clone, Debug)]
struct Short {
    /// Its start, and its indentation.
    line_start: usize,
    indent: usize,
    /// The indentation it needs (more than the holding block collection).
    need: usize,
    /// What it is inside: `{`, `[`, `"` or `'`.
    inside: u8,
    /// Whether the line starts with the closing bracket.
    closer: bool,
    /// Where the outermost flow collection or quote it is inside opens.
    opened: usize,
}

/// saphyr-parser's read of `text[cs..ce]`; if that fails only on lines of
/// flow collections or quoted scalars indented less than YAML 1.2 allows,
/// the lenient read (as libyaml reads it) and one departure per such line.
pub(super) fn read_exact(
    text: &str,
    cs: usize,
    ce: usize,
    ctx: &mut Ctx,
) -> (Read, Vec<SyntaxError>) {
    let r = yaml_saphyr::read(text, cs, ce, ctx);
    let Some(f) = &r.fatal else {
        return (r, Vec::new());
    };
    // (A text long enough to reach FOREIGN is not padded.)
    if f.msg != "bad indentation" || ce >= (FOREIGN / 2) as usize {
        return (r, Vec::new());
    }
    let fail_at = f.pos as usize;
    let s = text.as_bytes();
    let shorts = find_short_lines(s, cs, ce);
    // The error must be at one of those lines or in what holds it (saphyr
    // reports a quoted scalar's at its start), else it is something else.
    if !shorts
        .iter()
        .any(|x| x.opened <= fail_at && fail_at <= x.line_start + x.indent)
    {
        return (r, Vec::new());
    }
    // The piece with those lines indented (insertions at line starts).
    let mut padded = String::with_capacity(ce - cs + shorts.len() * 8);
    let mut ins: Vec<(usize, usize)> = Vec::with_capacity(shorts.len());
    let mut from = cs;
    for x in &shorts {
        padded.push_str(&text[from..x.line_start]);
        let k = x.need - x.indent;
        ins.push((padded.len(), k));
        padded.extend(std::iter::repeat_n(' ', k));
        from = x.line_start;
    }
    padded.push_str(&text[from..ce]);
    // Offsets of the copy back to the document's: anchors registered while
    // it is read are stored with these, and an alias's copy keeps its own.
    let to_doc = move |q: u32| -> u32 {
        if q >= FOREIGN {
            q - FOREIGN
        } else {
            (cs + unpad(&ins, q as usize)) as u32
        }
    };
    let to_doc: Arc<dyn Fn(u32) -> u32 + Send + Sync> = Arc::new(to_doc);
    ctx.to_doc = Some(to_doc.clone());
    let mut pr = yaml_saphyr::read(&padded, 0, padded.len(), ctx);
    ctx.to_doc = None;
    if pr.fatal.is_some() {
        return (r, Vec::new());
    }
    let map_span = |sp: &mut Span| {
        sp.start = to_doc(sp.start);
        sp.end = to_doc(sp.end).max(sp.start);
    };
    if let Some(root) = &mut pr.root {
        map_spans(root, &map_span);
    }
    for c in &mut pr.comments {
        map_span(&mut c.span);
    }
    for e in &mut pr.errors {
        map_span(&mut e.span);
    }
    let warnings = shorts.iter().map(|x| departure(s, x)).collect();
    (pr, warnings)
}

/// The offset in the original piece of offset `q` of the padded one.
fn unpad(ins: &[(usize, usize)], q: usize) -> usize {
    // Insertions before or at `q`.
    let k = ins.partition_point(|&(p, _)| p <= q);
    let mut shift: usize = ins[..k].iter().map(|&(_, n)| n).sum();
    if k > 0 {
        let (p, n) = ins[k - 1];
        if q < p + n {
            // Inside inserted spaces: the line start.
            shift = shift - n + (q - p);
        }
    }
    q - shift
}

fn departure(s: &[u8], x: &Short) -> SyntaxError {
    let at = x.line_start + x.indent;
    let what = match (x.inside, x.closer) {
        (b'{', true) => "'}' closing a flow mapping",
        (b'[', true) => "']' closing a flow sequence",
        (b'{', false) => "line of a flow mapping",
        (b'[', false) => "line of a flow sequence",
        _ => "continuation line of a quoted scalar",
    };
    SyntaxError {
        span: super::error_span(s, at, s.len()),
        message: format!(
            "{what} is at column {}; YAML 1.2 wants column {} or more (indented more \
             than the block collection holding it); read as libyaml (PyYAML) reads it",
            x.indent + 1,
            x.need + 1
        ),
    }
}

/// The departures in `text[cs..ce]` that saphyr-parser happened to accept
/// (it checks some of these lines only), after the fast reader declined the
/// piece for one: so that the same form always gets the same warning.
pub(super) fn departures(text: &str, cs: usize, ce: usize) -> Vec<SyntaxError> {
    let s = text.as_bytes();
    find_short_lines(s, cs, ce)
        .iter()
        .map(|x| departure(s, x))
        .collect()
}

/// The document's warning for the departures of all its pieces: the first,
/// with how many lines there are in all.
pub(super) fn summarize(mut all: Vec<SyntaxError>) -> Vec<SyntaxError> {
    let n = all.len();
    all.truncate(1);
    if let Some(w) = all.first_mut() {
        if n > 1 {
            w.message
                .push_str(&format!(" ({} such lines in this file)", n));
        }
    }
    all
}

/// Lines of `s[cs..ce]` inside a flow collection or a quoted scalar that
/// are indented no more than the block collection holding it.
fn find_short_lines(s: &[u8], cs: usize, ce: usize) -> Vec<Short> {
    let mut lx = Lexer {
        s,
        end: ce,
        out: Vec::new(),
        watch: None,
    };
    lx.run(cs);
    lx.out
}

/// When a piece `cs..ce` (cut at a line that only looks like an entry) ends
/// inside a flow collection or a quote that lines indented less than YAML
/// 1.2 allows continue: the start of the first line after `ce` (and before
/// `end`) that is outside it again.
pub(super) fn flow_continues(s: &[u8], cs: usize, ce: usize, end: usize) -> Option<usize> {
    let mut lx = Lexer {
        s,
        end,
        out: Vec::new(),
        watch: Some(Watch {
            from: ce,
            inside: None,
            closed_at: None,
        }),
    };
    lx.run(cs);
    let w = lx.watch?;
    match (w.inside, lx.out.is_empty()) {
        (Some(true), false) => w.closed_at,
        _ => None,
    }
}

struct Watch {
    from: usize,
    /// Whether the line at `from` is inside a flow collection or quote.
    inside: Option<bool>,
    closed_at: Option<usize>,
}

struct Lexer<'a> {
    s: &'a [u8],
    end: usize,
    out: Vec<Short>,
    watch: Option<Watch>,
}

/// What the lexer is inside at a line start.
#[derive(Clone, Copy)]
enum State {
    /// Block context.
    Block,
    /// Continuation lines of a plain scalar (or of a block scalar's
    /// content): lines indented more than `owner`.
    More { owner: isize },
    /// Inside a flow collection `depth` deep, or inside a quote (`quote`
    /// is `"` or `'`, with `depth` the flow collections around it); lines
    /// must be indented more than `owner`.
    Flow {
        depth: u32,
        quote: u8,
        owner: isize,
        outer: u8,
        opened: usize,
    },
}

#[inline]
fn blank_or_end(s: &[u8], i: usize, end: usize) -> bool {
    i >= end || matches!(s[i], b' ' | b'\t' | b'\n' | b'\r')
}

impl Lexer<'_> {
    fn eol(&self, i: usize) -> usize {
        super::eol(self.s, i, self.end)
    }

    fn run(&mut self, cs: usize) {
        let (s, end) = (self.s, self.end);
        let mut st = State::Block;
        let mut ls = cs;
        while ls < end {
            if let Some(w) = &mut self.watch {
                if ls >= w.from {
                    let inside = matches!(st, State::Flow { .. });
                    match w.inside {
                        None if !inside => {
                            w.inside = Some(false);
                            return;
                        }
                        None => w.inside = Some(true),
                        Some(_) if !inside => {
                            w.closed_at = Some(ls);
                            return;
                        }
                        Some(_) => {}
                    }
                }
            }
            let e = self.eol(ls);
            let mut i = ls;
            while i < e && s[i] == b' ' {
                i += 1;
            }
            let indent = i - ls;
            let empty = i >= e || s[i] == b'#';
            let marker = indent == 0
                && e - ls >= 3
                && (s[ls..ls + 3] == *b"---" || s[ls..ls + 3] == *b"...")
                && blank_or_end(s, ls + 3, end);
            if marker {
                // A document marker ends everything (libyaml rejects one
                // inside a flow collection too).
                if matches!(st, State::Flow { .. }) {
                    self.out.clear();
                }
                return;
            }
            st = match st {
                State::More { owner } if empty || indent as isize > owner => st,
                State::More { .. } | State::Block => {
                    if empty {
                        State::Block
                    } else {
                        self.block_line(i, e, indent)
                    }
                }
                State::Flow {
                    depth,
                    quote,
                    owner,
                    outer,
                    opened,
                } => {
                    let blank_in_quote = quote != 0 && i >= e;
                    if !(blank_in_quote || quote == 0 && empty) && indent as isize <= owner {
                        let closer = quote == 0 && matches!(s[i], b'}' | b']');
                        self.out.push(Short {
                            line_start: ls,
                            indent,
                            need: (owner + 1) as usize,
                            inside: if quote != 0 { quote } else { outer },
                            closer,
                            opened,
                        });
                    }
                    self.flow(i, e, depth, quote, (owner, outer, opened))
                }
            };
            ls = super::after_break(s, e, end);
        }
    }

    /// A line in block context, from its first character `i`.
    fn block_line(&mut self, mut i: usize, e: usize, indent: usize) -> State {
        let s = self.s;
        // The column the value belongs to (a key's or a `-`'s); lines of a
        // flow collection or quote must be indented more.
        let mut owner = indent as isize - 1;
        loop {
            while i < e && s[i] == b' ' {
                i += 1;
            }
            if i >= e {
                return State::Block;
            }
            let c = s[i];
            match c {
                b'-' | b'?' | b':' if blank_or_end(s, i + 1, e) => {
                    owner = (i - self.line_start(i)) as isize;
                    i += 1;
                }
                b'&' | b'!' => {
                    while i < e && !matches!(s[i], b' ' | b'\t') {
                        i += 1;
                    }
                }
                b'#' => return State::Block,
                b'|' | b'>' => return State::More { owner },
                b'[' | b'{' => {
                    return self.flow(i + 1, e, 1, 0, (owner, c, i));
                }
                b'"' | b'\'' => {
                    let st = self.flow(i + 1, e, 0, c, (owner, c, i));
                    if !matches!(st, State::Block) {
                        return st;
                    }
                    // Closed on this line: a key if a ':' follows.
                    let close = self.quote_end_on_line(i, e);
                    let mut k = close;
                    while k < e && s[k] == b' ' {
                        k += 1;
                    }
                    if k < e && s[k] == b':' && blank_or_end(s, k + 1, e) {
                        owner = (i - self.line_start(i)) as isize;
                        i = k + 1;
                    } else {
                        return State::Block;
                    }
                }
                _ => {
                    // A plain key or value: up to ': ' or ' #'.
                    let start = i;
                    let mut k = i;
                    let mut key = false;
                    while k < e {
                        if s[k] == b':' && blank_or_end(s, k + 1, e) {
                            key = true;
                            break;
                        }
                        if s[k] == b'#' && k > start && matches!(s[k - 1], b' ' | b'\t') {
                            break;
                        }
                        k += 1;
                    }
                    if !key {
                        return State::More { owner };
                    }
                    owner = (start - self.line_start(start)) as isize;
                    i = k + 1;
                }
            }
        }
    }

    fn line_start(&self, i: usize) -> usize {
        self.s[..i]
            .iter()
            .rposition(|&b| b == b'\n')
            .map(|k| k + 1)
            .unwrap_or(0)
    }

    /// Where the quote opening at `q` closes on its line (after the
    /// closing quote), or the line end.
    fn quote_end_on_line(&self, q: usize, e: usize) -> usize {
        let s = self.s;
        let quote = s[q];
        let mut i = q + 1;
        while i < e {
            let b = s[i];
            if quote == b'"' && b == b'\\' {
                i += 2;
                continue;
            }
            if b == quote {
                if quote == b'\'' && i + 1 < e && s[i + 1] == b'\'' {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i += 1;
        }
        e
    }

    /// Follows a flow collection (`depth` deep) or a quote from `i` to the
    /// line end `e`; returns the state at the next line.
    fn flow(
        &mut self,
        mut i: usize,
        e: usize,
        mut depth: u32,
        mut quote: u8,
        (owner, outer, opened): (isize, u8, usize),
    ) -> State {
        let s = self.s;
        // Whether a node may start here (a quote opens only there).
        let mut tok = true;
        while i < e {
            let b = s[i];
            if quote != 0 {
                if quote == b'"' && b == b'\\' {
                    i += 2;
                    continue;
                }
                if b == quote {
                    if quote == b'\'' && i + 1 < e && s[i + 1] == b'\'' {
                        i += 2;
                        continue;
                    }
                    quote = 0;
                    tok = false;
                    if depth == 0 {
                        return State::Block;
                    }
                }
                i += 1;
                continue;
            }
            match b {
                b'[' | b'{' => {
                    depth += 1;
                    tok = true;
                }
                b']' | b'}' => {
                    depth = depth.saturating_sub(1);
                    tok = false;
                    if depth == 0 {
                        // Back in block context: the rest of the line is a
                        // ': ', a comment or nothing.
                        return State::Block;
                    }
                }
                b',' => tok = true,
                b':' if blank_or_end(s, i + 1, e)
                    || matches!(s.get(i + 1), Some(b',' | b'[' | b']' | b'{' | b'}')) =>
                {
                    tok = true
                }
                b'?' if blank_or_end(s, i + 1, e) => tok = true,
                b' ' | b'\t' => {}
                b'#' if i == 0 || matches!(s[i - 1], b' ' | b'\t' | b'\n') => break,
                b'"' | b'\'' if tok => quote = b,
                _ => tok = false,
            }
            i += 1;
        }
        // The line ended inside; a `"` ending with a `\` escapes the break.
        State::Flow {
            depth,
            quote,
            owner,
            outer,
            opened,
        }
    }
}
