//! Requirements (PRD) in Markdown: where each FR-ID is defined, with its
//! title, priority and release, and every other mention of an ID.
//!
//! The document's block structure (headings, pipe tables, list items, code)
//! comes from [`specgate_syntax::markdown::markdown_outline`] (tree-sitter-md). An ID
//! is *defined* where it starts a heading, a list item, or a table row's ID
//! cell (the column headed "ID", else the first); everything else —
//! prose, other columns, code, HTML comments — is a mention.

use super::{IdMention, Priority, Span};
use regex::Regex;
use specgate_syntax::markdown::{markdown_outline, MdBlock, MdTable};
use specgate_syntax::tree::{line_around, slice};
use std::sync::OnceLock;

#[derive(Clone, Debug, PartialEq)]
pub struct Requirement {
    pub id: String,
    /// The ID where it is defined.
    pub span: Span,
    /// The whole defining line (row, heading or list item), for hover and fixes.
    pub line_span: Span,
    pub title: String,
    pub priority: Option<Priority>,
    /// Tagged MVP (a Release/Scope/MVP column, or "MVP" in the heading/item).
    pub mvp: bool,
    /// Marked as needing no endpoint: `(NON-GOAL)` or `[no-api]` (any case)
    /// in its defining line, or a `non-goal`/`no-api` tag.
    pub no_api: bool,
    /// Where a ` [no-api]` marker is written: after the title (the end of
    /// the heading or item line, or of the title cell in a table row).
    pub marker_at: u32,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Prd {
    pub requirements: Vec<Requirement>,
    /// Every occurrence of an ID that is not a definition.
    pub mentions: Vec<IdMention>,
    /// `Release Mode: MVP` appears in the document.
    pub release_mode_mvp: bool,
    /// Span of the `Release Mode: …` value, when present.
    pub release_mode_span: Option<Span>,
    /// The document's title: the text of its first level-1 heading, else of
    /// its first heading.
    pub title_span: Option<Span>,
}

/// Reads a PRD. `id_pattern` matches one requirement ID (e.g. `FR-\d+`); it
/// is only taken where it is not part of a longer word (`NFR-001`).
///
/// Definitions:
/// - a table row whose ID cell starts with an ID; title, priority and MVP
///   come from the columns headed Requirement/Title/Name (else
///   Description), Priority, and Release/Scope/MVP/Phase;
/// - a heading that starts with an ID: `### FR-010: Export as CSV (P1)`;
/// - a list item that starts with an ID, bold or not:
///   `- **FR-001**: System MUST … (P0, MVP)`.
///
/// Trailing tag groups like `(P0, MVP)` / `[MVP]` give priority and MVP and
/// are not part of the title. `(NON-GOAL)` or `[no-api]` anywhere in the
/// defining line marks a requirement that needs no endpoint. Without a priority, an RFC 2119 keyword in the
/// title sets it: MUST/SHALL → P0, SHOULD → P1, MAY/COULD → P2.
pub fn parse_prd(text: &str, id_pattern: &Regex) -> Prd {
    prd_from_outline(text, id_pattern, &markdown_outline(text))
}

fn prd_from_outline(text: &str, id_pattern: &Regex, blocks: &[MdBlock]) -> Prd {
    let all = find_mentions(text, id_pattern);
    let mut prd = Prd::default();
    let mut defined = vec![false; all.len()];
    let mut opaque = Vec::new(); // code and HTML blocks
    let mut first_heading = None;
    for block in blocks {
        match block {
            MdBlock::Heading(h) => {
                if h.level == 1 && prd.title_span.is_none() {
                    prd.title_span = Some(h.content);
                }
                first_heading.get_or_insert(h.content);
                let at = skip_markup(text, h.content.start, h.content.end);
                if let Some(k) = mention_at(&all, at) {
                    defined[k] = true;
                    prd.requirements
                        .push(from_line(text, &all[k], h.content.end));
                }
            }
            MdBlock::Item(item) => {
                let end = line_around(text, item.content_start).end;
                let at = skip_markup(text, item.content_start, end);
                if let Some(k) = mention_at(&all, at) {
                    defined[k] = true;
                    prd.requirements.push(from_line(text, &all[k], end));
                }
            }
            MdBlock::Table(t) => read_table(text, t, &all, &mut defined, &mut prd),
            MdBlock::Code(s) | MdBlock::Html(s) => opaque.push(*s),
            MdBlock::Paragraph(_) => {}
        }
    }
    // The first `Release Mode` wins, on a line of its own or in a table row.
    if let Some(line) = release_mode_line(text, &opaque) {
        if prd.release_mode_span.is_none_or(|t| line.start < t.start) {
            set_release_mode(text, line, &mut prd);
        }
    }
    if prd.title_span.is_none() {
        prd.title_span = first_heading;
    }
    prd.mentions = all
        .into_iter()
        .zip(defined)
        .filter_map(|(m, d)| (!d).then_some(m))
        .collect();
    prd
}

/// Index of the mention starting exactly at `at`.
fn mention_at(all: &[IdMention], at: u32) -> Option<usize> {
    all.binary_search_by_key(&at, |m| m.span.start).ok()
}

/// Skips whitespace and opening markup (`**`, `_`, `` ` ``, `[`, `~~`, `(`).
pub(crate) fn skip_markup(text: &str, start: u32, end: u32) -> u32 {
    let b = text.as_bytes();
    let mut i = start as usize;
    let end = (end as usize).min(b.len());
    while i < end && matches!(b[i], b' ' | b'\t' | b'*' | b'_' | b'`' | b'[' | b'~' | b'(') {
        i += 1;
    }
    i as u32
}

/// Inline Markdown to plain text: emphasis, code backticks, strikethrough
/// and escapes removed, links reduced to their text, whitespace collapsed.
pub(crate) fn clean_inline(s: &str) -> String {
    static LINK: OnceLock<Regex> = OnceLock::new();
    let link = LINK.get_or_init(|| Regex::new(r"!?\[([^\]\[]*)\]\([^)]*\)").expect("valid regex"));
    let s = link.replace_all(s, "$1");
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' if chars.get(i + 1).is_some_and(|n| n.is_ascii_punctuation()) => {
                out.push(chars[i + 1]);
                i += 2;
                continue;
            }
            '`' | '*' => {}
            '~' if chars.get(i + 1) == Some(&'~') => i += 1,
            '_' => {
                // Emphasis only at a word edge: keep snake_case.
                let prev = i
                    .checked_sub(1)
                    .and_then(|p| chars.get(p))
                    .is_some_and(|c| c.is_alphanumeric());
                let next = chars.get(i + 1).is_some_and(|c| c.is_alphanumeric());
                if prev && next {
                    out.push('_');
                }
            }
            c if c.is_whitespace() => {
                if !out.is_empty() && !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    out.trim().to_string()
}

/// A header or cell as lower-case plain words (`**Req. ID**` → `req. id`).
pub(crate) fn normalized(s: &str) -> String {
    clean_inline(s).to_lowercase()
}

fn words(s: &str) -> Vec<String> {
    s.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Tags from a group like `(P0, MVP)` or `[Priority: P1]`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Tags {
    /// An explicit `P0`–`P3`.
    explicit: Option<Priority>,
    /// MoSCoW or High/Medium/Low.
    soft: Option<Priority>,
    mvp: bool,
    /// `non-goal` / `no-api`.
    no_api: bool,
}

impl Tags {
    fn priority(&self) -> Option<Priority> {
        self.explicit.or(self.soft)
    }
}

enum Tag {
    Explicit(Priority),
    Soft(Priority),
    Mvp(bool),
    /// `NON-GOAL`, `no-api`: the requirement needs no endpoint.
    NoApi,
}

/// One tag: `P1`, `Priority: P1`, `MUST`, `High`, `MVP`, `Post-MVP`, `Later`.
fn parse_tag(part: &str) -> Option<Tag> {
    let w = words(&clean_inline(part));
    let w: Vec<&str> = w.iter().map(String::as_str).collect();
    let w = match w.as_slice() {
        ["priority" | "prio" | "release" | "scope" | "phase" | "moscow", rest @ ..]
            if !rest.is_empty() =>
        {
            rest
        }
        other => other,
    };
    Some(match w {
        [p] if p.len() == 2 && p.starts_with('p') => match &p[1..] {
            "0" => Tag::Explicit(Priority::P0),
            "1" => Tag::Explicit(Priority::P1),
            "2" => Tag::Explicit(Priority::P2),
            "3" => Tag::Explicit(Priority::P3),
            _ => return None,
        },
        ["mvp"] | ["in", "mvp"] => Tag::Mvp(true),
        ["non", "goal"] | ["nongoal"] | ["no", "api"] => Tag::NoApi,
        [_, "mvp"]
        | ["later"]
        | ["future"]
        | ["full"]
        | ["full", "production"]
        | ["v2"]
        | ["v3"] => Tag::Mvp(false),
        ["phase" | "release" | "v", _] => Tag::Mvp(false),
        other => Tag::Soft(soft_priority(other)?),
    })
}

/// MoSCoW and High/Medium/Low words.
fn soft_priority(w: &[&str]) -> Option<Priority> {
    Some(match w {
        ["must"] | ["must", "have"] | ["shall"] | ["high"] | ["highest"] | ["critical"] => {
            Priority::P0
        }
        ["should"] | ["should", "have"] | ["medium"] | ["med"] | ["normal"] => Priority::P1,
        ["could"] | ["could", "have"] | ["may"] | ["nice", "to", "have"] | ["low"] | ["lowest"] => {
            Priority::P2
        }
        _ => return None,
    })
}

/// A tag group's content, if every part of it is a tag.
fn parse_tag_group(content: &str) -> Option<Tags> {
    let mut tags = Tags::default();
    let mut any = false;
    for part in content.split([',', ';', '/', '|']) {
        if part.trim().is_empty() {
            continue;
        }
        let parsed: Vec<Tag> = match parse_tag(part) {
            Some(t) => vec![t],
            // `(P0 MVP)`: tags separated by spaces.
            None => part
                .split_whitespace()
                .map(parse_tag)
                .collect::<Option<Vec<_>>>()?,
        };
        for t in parsed {
            any = true;
            match t {
                Tag::Explicit(p) => {
                    tags.explicit.get_or_insert(p);
                }
                Tag::Soft(p) => {
                    tags.soft.get_or_insert(p);
                }
                Tag::Mvp(m) => tags.mvp |= m,
                Tag::NoApi => tags.no_api = true,
            }
        }
    }
    any.then_some(tags)
}

/// RFC 2119 keyword in a requirement's text.
fn keyword_priority(title: &str) -> Option<Priority> {
    static KW: OnceLock<Regex> = OnceLock::new();
    let kw =
        KW.get_or_init(|| Regex::new(r"\b(MUST|SHALL|SHOULD|MAY|COULD)\b").expect("valid regex"));
    match kw.find(title)?.as_str() {
        "MUST" | "SHALL" => Some(Priority::P0),
        "SHOULD" => Some(Priority::P1),
        _ => Some(Priority::P2),
    }
}

/// Splits `text` into a title and the tag groups around it: leading
/// separators and markup are skipped, trailing `(…)`/`[…]` tag groups
/// removed. Returns (title start, title end, tags).
fn title_and_tags(text: &str, start: usize, end: usize) -> (usize, usize, Tags) {
    let b = text.as_bytes();
    let mut tags = Tags::default();
    let merge = |tags: &mut Tags, t: Tags| {
        tags.explicit = tags.explicit.or(t.explicit);
        tags.soft = tags.soft.or(t.soft);
        tags.mvp |= t.mvp;
        tags.no_api |= t.no_api;
    };
    let mut s = start;
    // Closing markup, separators and leading tag groups: `**: `, ` — `, `(P0): `.
    loop {
        while s < end
            && matches!(
                b[s],
                b' ' | b'\t' | b'*' | b'_' | b'`' | b']' | b')' | b'~' | b':' | b'.' | b'|' | b'-'
            )
        {
            s += 1;
        }
        if let Some(rest) = text.get(s..end) {
            if rest.starts_with('—') || rest.starts_with('–') {
                s += 3;
                continue;
            }
            if rest.starts_with('(') || rest.starts_with('[') {
                let close = if rest.starts_with('(') { ')' } else { ']' };
                if let Some(p) = rest.find(close) {
                    if let Some(t) = parse_tag_group(&rest[1..p]) {
                        merge(&mut tags, t);
                        s += p + 1;
                        continue;
                    }
                }
            }
        }
        break;
    }
    let mut e = end.max(s);
    // Trailing tag groups, possibly several: `Title (P1) [MVP]`.
    loop {
        while e > s && matches!(b[e - 1], b' ' | b'\t' | b'*' | b'_' | b'.') {
            e -= 1;
        }
        let close = match b.get(e.wrapping_sub(1)) {
            Some(b')') if e > s => b'(',
            Some(b']') if e > s => b'[',
            _ => break,
        };
        let Some(open) = b[s..e - 1].iter().rposition(|&c| c == close).map(|p| s + p) else {
            break;
        };
        match text.get(open + 1..e - 1).and_then(parse_tag_group) {
            Some(t) => {
                merge(&mut tags, t);
                e = open;
            }
            None => break,
        }
    }
    // Keep a sentence's final period, drop only markup.
    while e > s && matches!(b[e - 1], b' ' | b'\t' | b'*' | b'_') {
        e -= 1;
    }
    if text.get(e..end).map(str::trim) == Some(".") {
        e += 1;
    }
    (s, e, tags)
}

/// A requirement defined on a heading or list item line.
fn from_line(text: &str, m: &IdMention, content_end: u32) -> Requirement {
    let (s, e, tags) = title_and_tags(
        text,
        m.span.end as usize,
        (content_end as usize).max(m.span.end as usize),
    );
    let title = clean_inline(text.get(s..e).unwrap_or(""));
    let priority = tags.priority().or_else(|| keyword_priority(&title));
    let line_span = line_around(text, m.span.start);
    Requirement {
        id: m.id.clone(),
        span: m.span,
        line_span,
        title,
        priority,
        mvp: tags.mvp,
        no_api: tags.no_api || has_no_api_marker(text, line_span),
        marker_at: trim_end(text, m.span.end, content_end.min(line_span.end)),
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Col {
    Id,
    /// `#`, `Ref`, `Key`: an ID column only when no column says "ID".
    WeakId,
    Title,
    Description,
    Priority,
    Release,
    Other,
}

fn column_kind(header: &str) -> Col {
    let n = normalized(header);
    let w = words(&n);
    let has = |k: &str| w.iter().any(|x| x == k);
    let contains = |k: &str| n.contains(k);
    if has("id") || has("ids") || has("identifier") {
        Col::Id
    } else if matches!(
        n.as_str(),
        "#" | "no." | "nr" | "ref" | "key" | "fr" | "req" | "req."
    ) {
        Col::WeakId
    } else if contains("priority") || has("prio") || has("moscow") || has("importance") {
        Col::Priority
    } else if contains("release")
        || has("scope")
        || contains("mvp")
        || has("phase")
        || has("milestone")
    {
        Col::Release
    } else if contains("requirement")
        || has("title")
        || has("name")
        || has("feature")
        || has("summary")
        || has("story")
    {
        Col::Title
    } else if contains("description") || contains("detail") || has("desc") || has("statement") {
        Col::Description
    } else {
        Col::Other
    }
}

/// A Priority cell: `P0`–`P3`, MUST/SHOULD/COULD, High/Medium/Low.
fn cell_priority(cell: &str) -> Option<Priority> {
    let t = clean_inline(cell);
    match parse_tag(&t) {
        Some(Tag::Explicit(p) | Tag::Soft(p)) => Some(p),
        _ => {
            // `P1 (must)`, `High - P0`: the first recognizable word.
            let w = words(&t);
            w.iter().find_map(|x| match parse_tag(x) {
                Some(Tag::Explicit(p) | Tag::Soft(p)) => Some(p),
                _ => None,
            })
        }
    }
}

/// A Release/Scope/MVP cell that says MVP (`MVP`, `yes`, `✓`, `x`, `true`).
fn cell_is_mvp(cell: &str) -> bool {
    let n = normalized(cell);
    if matches!(
        n.as_str(),
        "yes" | "y" | "x" | "true" | "✓" | "✔" | "✔️" | "✅" | "☑" | "☑️" | "mvp"
    ) {
        return true;
    }
    says_mvp(&n)
}

/// "MVP" as a word, not negated (`Post-MVP`, `non-MVP`, `not MVP`).
fn says_mvp(s: &str) -> bool {
    let w = words(s);
    w.iter().enumerate().any(|(i, x)| {
        x == "mvp"
            && !(i > 0
                && matches!(
                    w[i - 1].as_str(),
                    "post" | "non" | "not" | "no" | "pre" | "after" | "beyond"
                ))
    })
}

fn read_table(text: &str, t: &MdTable, all: &[IdMention], defined: &mut [bool], prd: &mut Prd) {
    let kinds: Vec<Col> = t
        .header
        .cells
        .iter()
        .map(|c| column_kind(slice(text, *c)))
        .collect();
    let id_col = kinds
        .iter()
        .position(|k| *k == Col::Id)
        .or_else(|| kinds.iter().position(|k| *k == Col::WeakId))
        .unwrap_or(0);
    let col = |k: Col| kinds.iter().position(|x| *x == k);
    // `| Release Mode | MVP |` as a key/value row (the header row included).
    for row in std::iter::once(&t.header).chain(&t.rows) {
        if prd.release_mode_span.is_none()
            && row.cells.len() >= 2
            && normalized(slice(text, row.cells[0])) == "release mode"
        {
            set_release_mode(text, row.cells[1], prd);
        }
    }
    for row in &t.rows {
        let Some(cell) = row.cells.get(id_col) else {
            continue;
        };
        let at = skip_markup(text, cell.start, cell.end);
        let Some(k) = mention_at(all, at).filter(|&k| all[k].span.end <= cell.end) else {
            continue;
        };
        defined[k] = true;
        let m = &all[k];
        let get = |i: Option<usize>| {
            i.filter(|&i| i != id_col)
                .and_then(|i| row.cells.get(i))
                .map(|c| clean_inline(slice(text, *c)))
                .filter(|s| !s.is_empty())
        };
        let fallback = || {
            (0..row.cells.len())
                .filter(|&i| i != id_col && kinds.get(i).is_none_or(|k| *k == Col::Other))
                .find_map(|i| get(Some(i)))
        };
        // The rest of the ID cell: `| FR-040 Book a slot (P2) |`.
        let rest_of_id_cell = || {
            let s = clean_inline(
                text.get(m.span.end as usize..cell.end as usize)
                    .unwrap_or(""),
            );
            let s = s
                .trim_start_matches([':', '-', '.', '|', ' ', '—', '–'])
                .trim()
                .to_string();
            (!s.is_empty()).then_some(s)
        };
        let raw_title = get(col(Col::Title))
            .or_else(|| get(col(Col::Description)))
            .or_else(rest_of_id_cell)
            .or_else(fallback);
        // The cell the title came from, for the `[no-api]` marker.
        let title_cell = [col(Col::Title), col(Col::Description)]
            .into_iter()
            .find(|&i| get(i).is_some())
            .flatten()
            .and_then(|i| row.cells.get(i))
            .copied()
            .unwrap_or(Span::new(m.span.start, cell.end));
        // Tags written into the title cell (`Book a slot (P0)`) count too.
        let (title, tags) = match raw_title {
            Some(s) => {
                let (a, b, tags) = title_and_tags(&s, 0, s.len());
                (s.get(a..b).unwrap_or("").trim().to_string(), tags)
            }
            None => (String::new(), Tags::default()),
        };
        let priority = get(col(Col::Priority))
            .and_then(|c| cell_priority(&c))
            .or(tags.priority())
            .or_else(|| keyword_priority(&title));
        let mvp = get(col(Col::Release)).is_some_and(|c| cell_is_mvp(&c)) || tags.mvp;
        let line_span = line_around(text, m.span.start);
        prd.requirements.push(Requirement {
            id: m.id.clone(),
            span: m.span,
            line_span,
            title,
            priority,
            mvp,
            no_api: tags.no_api || has_no_api_marker(text, line_span),
            marker_at: trim_end(text, title_cell.start.max(m.span.end), title_cell.end),
        });
    }
}

fn set_release_mode(text: &str, value: Span, prd: &mut Prd) {
    let b = text.as_bytes();
    let (mut s, mut e) = (value.start as usize, (value.end as usize).min(b.len()));
    while s < e && matches!(b[s], b' ' | b'\t' | b'*' | b'_' | b'`' | b'"' | b'\'') {
        s += 1;
    }
    while e > s
        && matches!(
            b[e - 1],
            b' ' | b'\t' | b'*' | b'_' | b'`' | b'"' | b'\'' | b'\r'
        )
    {
        e -= 1;
    }
    let v = text.get(s..e).unwrap_or("");
    prd.release_mode_mvp = says_mvp(v);
    prd.release_mode_span = Some(Span::new(s as u32, e as u32));
}

/// `Release Mode: MVP`, `**Release Mode:** MVP`, `- Release mode: Full` on
/// a line of its own (not in code or HTML blocks).
fn release_mode_line(text: &str, opaque: &[Span]) -> Option<Span> {
    static RM: OnceLock<Regex> = OnceLock::new();
    let rm = RM.get_or_init(|| {
        Regex::new(
            r"(?imR)^[ \t>]*(?:[-*+][ \t]+)?(?:#{1,6}[ \t]+)?(?:\*\*|__)?release[ \t]+mode[ \t]*(?:\*\*|__)?[ \t]*:[ \t]*(?:\*\*|__)?(?P<v>[^\r\n]*)",
        )
        .expect("valid regex")
    });
    for c in rm.captures_iter(text) {
        let Some(v) = c.name("v") else { continue };
        let at = v.start() as u32;
        if opaque.iter().any(|s| s.start <= at && at < s.end) {
            continue;
        }
        return Some(Span::new(v.start() as u32, v.end() as u32));
    }
    None
}

/// `(NON-GOAL)`, `[no-api]` (any case, brackets or parentheses) in `line`.
fn has_no_api_marker(text: &str, line: Span) -> bool {
    static NO_API: OnceLock<Regex> = OnceLock::new();
    let re = NO_API.get_or_init(|| {
        Regex::new(r"(?i)[(\[][ \t]*(?:non[- ]?goal|no[- ]api)[ \t]*[)\]]").expect("valid regex")
    });
    re.is_match(slice(text, line))
}

/// `end`, moved back over trailing whitespace and table pipes, not before `start`.
fn trim_end(text: &str, start: u32, end: u32) -> u32 {
    let b = text.as_bytes();
    let mut e = (end as usize).min(b.len());
    let s = (start as usize).min(e);
    while e > s && matches!(b[e - 1], b' ' | b'\t' | b'\r' | b'\n') {
        e -= 1;
    }
    e as u32
}

/// Every ID occurrence in any text, word-bounded (`NFR-001` is not `FR-001`).
pub fn find_mentions(text: &str, id_pattern: &Regex) -> Vec<IdMention> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    for m in id_pattern.find_iter(text) {
        if m.is_empty() {
            continue;
        }
        let before = m.start().checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(m.end()).copied();
        let wordish = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
        if before.is_some_and(wordish)
            || after.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            continue;
        }
        out.push(IdMention {
            id: m.as_str().to_string(),
            span: Span::new(m.start() as u32, m.end() as u32),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids() -> Regex {
        Regex::new(r"FR-\d+").unwrap()
    }

    /// `ID | title | priority | mvp` per requirement.
    fn reqs(p: &Prd) -> Vec<String> {
        p.requirements
            .iter()
            .map(|r| {
                format!(
                    "{} | {} | {} | {}",
                    r.id,
                    r.title,
                    r.priority.map_or("-", Priority::as_str),
                    if r.mvp { "MVP" } else { "-" }
                )
            })
            .collect()
    }

    fn mention_ids(p: &Prd) -> Vec<&str> {
        p.mentions.iter().map(|m| m.id.as_str()).collect()
    }

    fn at(text: &str, s: Span) -> &str {
        &text[s.start as usize..s.end as usize]
    }

    const CLINIC: &str = "# Clinic Booking — Product Requirements\n\n**Release Mode:** Full Production\n\n## Functional requirements\n\n| ID     | Requirement                                          | Priority | Release |\n|--------|------------------------------------------------------|----------|---------|\n| FR-001 | Patients can register an account                     | P0       | MVP     |\n| FR-002 | Patients can **view** and update their `profile`     | P1       | MVP     |\n| FR-007 | Patients can reschedule an appointment               | P1       |         |\n\n### FR-010: Export appointments as CSV (P1)\n\nFront-desk staff export a day's appointments.\n\n## FR-011 — Rate a visit (P0, MVP)\n\nRatings feed the clinician quality report (see FR-009).\n\n## Non-functional requirements\n\n- NFR-001: p95 latency under 300 ms for every read endpoint.\n";

    #[test]
    fn clinic_prd() {
        let p = parse_prd(CLINIC, &ids());
        assert_eq!(
            reqs(&p),
            vec![
                "FR-001 | Patients can register an account | P0 | MVP",
                "FR-002 | Patients can view and update their profile | P1 | MVP",
                "FR-007 | Patients can reschedule an appointment | P1 | -",
                "FR-010 | Export appointments as CSV | P1 | -",
                "FR-011 | Rate a visit | P0 | MVP",
            ]
        );
        assert_eq!(mention_ids(&p), vec!["FR-009"]);
        assert!(!p.release_mode_mvp);
        assert_eq!(at(CLINIC, p.release_mode_span.unwrap()), "Full Production");
        let r = &p.requirements[3];
        assert_eq!(at(CLINIC, r.span), "FR-010");
        assert_eq!(
            at(CLINIC, r.line_span),
            "### FR-010: Export appointments as CSV (P1)"
        );
        let r = &p.requirements[0];
        assert_eq!(
            at(CLINIC, r.line_span),
            "| FR-001 | Patients can register an account                     | P0       | MVP     |"
        );
    }

    #[test]
    fn nfr_is_never_fr() {
        let text = "- NFR-001: fast\n| NFR-002 | x |\n|---|---|\n| NFR-003 | y |\n\n### NFR-004: z\nSee NFR-005, xFR-006, FR-007a, FR_008 and FR-009.\n";
        let p = parse_prd(text, &ids());
        assert!(p.requirements.is_empty());
        assert_eq!(mention_ids(&p), vec!["FR-009"]);
    }

    #[test]
    fn spec_kit_list_items() {
        let text = "### Functional Requirements\n\n- **FR-001**: System MUST allow users to create accounts\n- **FR-002**: System SHOULD validate email addresses (P0, MVP)\n- FR-003: Users MAY reset their password [MVP]\n* *FR-004* — Export reports\n- **FR-005:** System COULD log events.\n  - FR-006: nested item, depends on FR-001\n1. `FR-007` Ordered (Priority: P2)\n- [ ] FR-008: task item (High)\n- Depends on FR-001\n";
        let p = parse_prd(text, &ids());
        assert_eq!(
            reqs(&p),
            vec![
                "FR-001 | System MUST allow users to create accounts | P0 | -",
                "FR-002 | System SHOULD validate email addresses | P0 | MVP",
                "FR-003 | Users MAY reset their password | P2 | MVP",
                "FR-004 | Export reports | - | -",
                "FR-005 | System COULD log events. | P2 | -",
                "FR-006 | nested item, depends on FR-001 | - | -",
                "FR-007 | Ordered | P2 | -",
                "FR-008 | task item | P0 | -",
            ]
        );
        assert_eq!(mention_ids(&p), vec!["FR-001", "FR-001"]);
        let r = &p.requirements[0];
        assert_eq!(at(text, r.span), "FR-001");
        assert_eq!(
            at(text, r.line_span),
            "- **FR-001**: System MUST allow users to create accounts"
        );
    }

    #[test]
    fn letter_suffix_ids_with_the_default_pattern() {
        let re = crate::config::Config::default().id_regex;
        let text = "- **FR-051**: Chat MUST badge\n- **FR-051a**: Chat MUST NOT add a type\n\nSee FR-051a and FR-051, not FR-051ab or FR-051A.\n";
        let p = parse_prd(text, &re);
        let ids: Vec<&str> = p.requirements.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, vec!["FR-051", "FR-051a"]);
        assert_eq!(p.requirements[1].title, "Chat MUST NOT add a type");
        assert_eq!(mention_ids(&p), vec!["FR-051a", "FR-051"]);
    }

    #[test]
    fn no_api_markers() {
        let text = "# Title\n\n- **FR-001** (NON-GOAL): System MUST NOT store cards\n- **FR-002**: System MUST keep logs (non-goal)\n- **FR-003**: Nightly backup [no-api] (P0)\n- **FR-004**: System MUST list pets\n- **FR-005**: Runs [No-API] daily, MUST\n\n| ID | Requirement | Priority |\n|---|---|---|\n| FR-006 | Audit trail [no-api] | P0 |\n| FR-007 | List visits  | P0 |\n\n### FR-008: Export (P1, non-goal)\n";
        let p = parse_prd(text, &ids());
        let got: Vec<String> = p
            .requirements
            .iter()
            .map(|r| format!("{} {} {}", r.id, r.no_api, r.title))
            .collect();
        assert_eq!(
            got,
            vec![
                "FR-001 true System MUST NOT store cards",
                "FR-002 true System MUST keep logs",
                "FR-003 true Nightly backup",
                "FR-004 false System MUST list pets",
                "FR-005 true Runs [No-API] daily, MUST",
                "FR-006 true Audit trail",
                "FR-007 false List visits",
                "FR-008 true Export",
            ]
        );
        assert_eq!(p.requirements[3].priority, Some(Priority::P0));
        // Where ` [no-api]` goes: after the title, inside a table's title cell.
        let before = |i: usize| &text[..p.requirements[i].marker_at as usize];
        assert!(before(3).ends_with("System MUST list pets"));
        assert!(before(6).ends_with("| FR-007 | List visits"));
        assert!(before(7).ends_with("### FR-008: Export (P1, non-goal)"));
        assert_eq!(at(text, p.title_span.unwrap()), "Title");
    }

    #[test]
    fn heading_forms() {
        let text = "## FR-020: Plain\n### **FR-021** – Bold (MUST)\n#### FR-022. Dotted [P3] [MVP]\n# FR-023\n## FR-024 Setext-less title (CSV)\nFR-025 setext heading (P1)\n---\n## About FR-026\n";
        let p = parse_prd(text, &ids());
        assert_eq!(
            reqs(&p),
            vec![
                "FR-020 | Plain | - | -",
                "FR-021 | Bold | P0 | -",
                "FR-022 | Dotted | P3 | MVP",
                "FR-023 |  | - | -",
                "FR-024 | Setext-less title (CSV) | - | -",
                "FR-025 | setext heading | P1 | -",
            ]
        );
        assert_eq!(mention_ids(&p), vec!["FR-026"]);
    }

    #[test]
    fn table_columns() {
        let text = "| # | Req ID | Title | Description | Priority | MVP? | Depends on |\n|---|---|---|---|---|---|---|\n| 1 | FR-030 | Book | Long text | MUST | yes | FR-031 |\n| 2 | `FR-031` |  | Only description | Low | ✓ | |\n| 3 | **FR-032** | Third | | should | Post-MVP | FR-030, FR-031 |\n| 4 | FR-033 | Fourth | | High | x |\n| 5 | see FR-034 | not a definition | | | | |\n\n| Requirement | Priority | Scope |\n|---|---|---|\n| FR-040 Book a slot (P2) | | MVP |\n| FR-041 | Medium | Later |\n\n| Endpoint | Requirement |\n|---|---|\n| GET /x | FR-050 |\n";
        let p = parse_prd(text, &ids());
        assert_eq!(
            reqs(&p),
            vec![
                "FR-030 | Book | P0 | MVP",
                "FR-031 | Only description | P2 | MVP",
                "FR-032 | Third | P1 | -",
                "FR-033 | Fourth | P0 | MVP",
                "FR-040 | Book a slot | P2 | MVP",
                "FR-041 |  | P1 | -",
            ]
        );
        assert_eq!(
            mention_ids(&p),
            vec!["FR-031", "FR-030", "FR-031", "FR-034", "FR-050"]
        );
    }

    #[test]
    fn release_mode_forms() {
        for (text, mvp, value) in [
            ("Release Mode: MVP\n", true, "MVP"),
            ("**Release Mode:** MVP\n", true, "MVP"),
            ("**Release Mode**: `mvp`\n", true, "mvp"),
            (
                "- Release mode: Full Production\r\n",
                false,
                "Full Production",
            ),
            ("## Release Mode: Post-MVP\n", false, "Post-MVP"),
            (
                "| Key | Value |\n|---|---|\n| Release Mode | **MVP** |\n",
                true,
                "MVP",
            ),
            ("Release Mode:\n", false, ""),
            ("Release Mode: MVP\n\nRelease Mode: Full\n", true, "MVP"),
        ] {
            let p = parse_prd(text, &ids());
            assert_eq!(p.release_mode_mvp, mvp, "{text}");
            assert_eq!(at(text, p.release_mode_span.expect(text)), value, "{text}");
        }
        for text in [
            "```\nRelease Mode: MVP\n```\n",
            "<!--\nRelease Mode: MVP\n-->\n",
            "The release mode is MVP.\n",
        ] {
            let p = parse_prd(text, &ids());
            assert!(!p.release_mode_mvp, "{text}");
            assert_eq!(p.release_mode_span, None, "{text}");
        }
    }

    #[test]
    fn code_and_html_are_mentions() {
        let text = "```\n- **FR-001**: in a fence\n| FR-002 | x |\n```\n\n<!--\n- FR-003: commented out\n-->\n\n    ## FR-004 indented code\n\nInline `FR-005` code.\n";
        let p = parse_prd(text, &ids());
        assert!(p.requirements.is_empty(), "{:?}", p.requirements);
        assert_eq!(
            mention_ids(&p),
            vec!["FR-001", "FR-002", "FR-003", "FR-004", "FR-005"]
        );
    }

    /// The line-scanner outline (used for very large files) reads the same.
    #[test]
    fn same_with_either_outline() {
        let lists = "### Functional Requirements\n\n- **FR-001**: System MUST allow users to create accounts\n- FR-003: Users MAY reset their password [MVP]\n  - FR-006: nested item, depends on FR-001\n1. `FR-007` Ordered (Priority: P2)\n\n```\n- FR-008 in code\n```\n<!--\n- FR-009\n-->\n";
        for text in [CLINIC, lists, &CLINIC.replace('\n', "\r\n")] {
            let ts = specgate_syntax::markdown::markdown_outline_tree_sitter(text).unwrap();
            let lines = specgate_syntax::markdown::markdown_outline_lines(text);
            let a = prd_from_outline(text, &ids(), &ts);
            assert!(!a.requirements.is_empty());
            assert_eq!(a, prd_from_outline(text, &ids(), &lines));
        }
    }

    #[test]
    fn crlf_and_multibyte_spans() {
        let text = "# Ünïcödé 😀 PRD\r\n\r\n| ID | Requirement | Priority |\r\n|---|---|---|\r\n| FR-001 | Büchen 漢字 | P0 |\r\n\r\n### FR-002: Émoji 😀 title (P1)\r\n- **FR-003**: Système MUST löschen\r\n\r\nSiehe FR-001 — 漢字 FR-002.\r\n";
        let p = parse_prd(text, &ids());
        assert_eq!(
            reqs(&p),
            vec![
                "FR-001 | Büchen 漢字 | P0 | -",
                "FR-002 | Émoji 😀 title | P1 | -",
                "FR-003 | Système MUST löschen | P0 | -",
            ]
        );
        for r in &p.requirements {
            assert_eq!(at(text, r.span), r.id);
            assert!(!at(text, r.line_span).contains('\r'));
        }
        assert_eq!(
            at(text, p.requirements[1].line_span),
            "### FR-002: Émoji 😀 title (P1)"
        );
        assert_eq!(mention_ids(&p), vec!["FR-001", "FR-002"]);
        for m in &p.mentions {
            assert_eq!(at(text, m.span), m.id);
        }
    }

    #[test]
    fn half_typed_input() {
        let text = "| ID | Requirement | Priority |\n|---|---|---|\n| FR-001 | Book a sl";
        let p = parse_prd(text, &ids());
        assert_eq!(reqs(&p), vec!["FR-001 | Book a sl | - | -"]);
        let p = parse_prd("- **FR-00", &ids());
        assert_eq!(reqs(&p), vec!["FR-00 |  | - | -"]);
        let p = parse_prd("### FR-1", &ids());
        assert_eq!(reqs(&p), vec!["FR-1 |  | - | -"]);
        let p = parse_prd("- **FR-002**: System MUST (P0, MV", &ids());
        assert_eq!(reqs(&p), vec!["FR-002 | System MUST (P0, MV | P0 | -"]);
    }

    #[test]
    fn spec_kit_template_parses() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../../shared/corpus/prd/spec-kit-templates/spec-template.md"
        );
        let Ok(text) = std::fs::read_to_string(path) else {
            // The shared corpus is outside the repository; use an excerpt.
            let text = "### Functional Requirements\n\n- **FR-001**: System MUST [specific capability, e.g., \"allow users to create accounts\"]\n- **FR-006**: System MUST authenticate users via [NEEDS CLARIFICATION: auth method not specified - email/password, SSO, OAuth?]\n";
            let p = parse_prd(text, &ids());
            assert_eq!(p.requirements.len(), 2);
            return;
        };
        let p = parse_prd(&text, &ids());
        let got: Vec<_> = p.requirements.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(
            got,
            vec!["FR-001", "FR-002", "FR-003", "FR-004", "FR-005", "FR-006", "FR-007"]
        );
        assert!(p
            .requirements
            .iter()
            .all(|r| r.priority == Some(Priority::P0)));
        assert_eq!(
            p.requirements[0].title,
            "System MUST [specific capability, e.g., \"allow users to create accounts\"]"
        );
        assert!(p.mentions.is_empty());
        // Several specs in one workspace each define their own FR-001.
        let two = format!("{text}\n{text}");
        assert_eq!(parse_prd(&two, &ids()).requirements.len(), 14);
    }

    #[test]
    fn other_id_patterns() {
        let re = Regex::new(r"REQ-[A-Z]+-\d+").unwrap();
        let p = parse_prd(
            "- REQ-AUTH-1: Log in\n- See REQ-AUTH-1\n- XREQ-AUTH-2\n",
            &re,
        );
        assert_eq!(reqs(&p), vec!["REQ-AUTH-1 | Log in | - | -"]);
        assert_eq!(mention_ids(&p), vec!["REQ-AUTH-1"]);
        // A pattern that can match the empty string never yields empty IDs.
        let p = parse_prd("- x: y\n", &Regex::new(r"\d*").unwrap());
        assert!(p.mentions.iter().all(|m| !m.id.is_empty()));
    }

    #[test]
    fn never_panics_on_odd_input() {
        let inputs = [
            "",
            "#",
            "|",
            "||",
            "|-|",
            "| FR-1 |\n|-|\n|",
            "- ",
            "-",
            "* **",
            "- **FR-1",
            "### FR-1 (",
            "### FR-1 )",
            "### FR-1 [",
            "- FR-1 (P0",
            "- FR-1 —",
            "- FR-1 –",
            "Release Mode",
            "Release Mode:",
            "**Release Mode:**",
            "```",
            "```\nFR-1",
            "<!--",
            "> > > - FR-1: x",
            "\u{feff}# FR-1: bom",
            "- FR-1: é\u{301}",
            "\r\r\r- FR-1\r",
            "| FR-1 | 😀 |\n|---|---|\n| FR-2 | \\| |",
            "- FR-1: \\",
            "1) FR-1: x",
            "- [x] FR-1",
            "- [ ]",
        ];
        for s in inputs {
            let _ = parse_prd(s, &ids());
        }
        for (i, _) in CLINIC.char_indices() {
            let _ = parse_prd(&CLINIC[..i], &ids());
        }
        // Deep nesting.
        let deep = format!("{}- FR-1: deep\n", "> ".repeat(2000));
        let _ = parse_prd(&deep, &ids());
        let deep: String = (0..500)
            .map(|i| format!("{}- FR-{i}: x\n", "  ".repeat(i)))
            .collect();
        let _ = parse_prd(&deep, &ids());
    }

    fn generated(lines: usize) -> String {
        let mut s = String::from("# Big PRD\n\nRelease Mode: MVP\n\n| ID | Requirement | Priority | Release |\n|---|---|---|---|\n");
        let table = lines * 3 / 10;
        for i in 0..table {
            s.push_str(&format!(
                "| FR-{i:05} | Requirement {i} with ünïcödé 😀, depends on FR-{:05} | P{} | {} |\n",
                (i * 7) % table.max(1),
                i % 3,
                if i % 2 == 1 { "MVP" } else { "Later" }
            ));
        }
        s.push('\n');
        let mut count = table + 7;
        let mut i = table;
        while count < lines {
            s.push_str(&format!("### FR-{i:05}: Heading requirement {i} (P1, MVP)\nSome prose mentioning FR-{:05} and NFR-{i:05}.\n\n- **FR-{}**: System MUST do {i}\n\n", i - 1, i + 100_000));
            count += 5;
            i += 1;
        }
        s
    }

    #[test]
    fn large_prd_by_line_scanner_matches_tree_sitter() {
        // Same answer from both outlines on a mid-sized generated document.
        let text = generated(3000);
        let ts = specgate_syntax::markdown::markdown_outline_tree_sitter(&text).unwrap();
        let lines = specgate_syntax::markdown::markdown_outline_lines(&text);
        assert_eq!(ts, lines);
        let p = parse_prd(&text, &ids());
        assert!(p.requirements.len() > 900);
        assert!(p.release_mode_mvp);
    }

    /// `cargo test -p specgate --release -- --ignored prd_timings --nocapture`
    #[test]
    #[ignore]
    fn prd_timings() {
        let text = generated(100_000);
        let n = text.lines().count();
        let t = std::time::Instant::now();
        let p = parse_prd(&text, &ids());
        println!(
            "{n} lines, {} bytes: parse_prd {:?} ({} requirements, {} mentions)",
            text.len(),
            t.elapsed(),
            p.requirements.len(),
            p.mentions.len()
        );
        let t = std::time::Instant::now();
        let o = specgate_syntax::markdown::markdown_outline_lines(&text);
        println!(
            "  line-scanner outline {:?} ({} blocks)",
            t.elapsed(),
            o.len()
        );
        let t = std::time::Instant::now();
        let o = specgate_syntax::markdown::markdown_outline_tree_sitter(&text).unwrap();
        println!(
            "  tree-sitter-md outline {:?} ({} blocks)",
            t.elapsed(),
            o.len()
        );
    }
}
