//! Re-reading a YAML document after an edit, reusing the chunks it did not
//! touch.
//!
//! The edit is found by comparing the old and new texts (common prefix and
//! suffix). The innermost run of chunks that contains it is read again (cut
//! and read exactly as a full read would), its entries replace the old ones
//! in the tree, and every position after the edit is shifted. The result is
//! the document a full read gives. When the edit may change the structure
//! around the chunks (a line indented less than the chunk's region, a new
//! `---`, the first line of a chunk that no longer starts an entry), the
//! enclosing chunk is read again instead, up to the whole document.
//! Documents read in one piece, or with anchors, are always read again in
//! full.

use std::panic::{catch_unwind, AssertUnwindSafe};

use super::SPLIT_BYTES;
use super::{
    collect, eol, peek_content_line, read_bounds, split_lines, starts_entry, Cx, Items, ParsedYaml,
    Plan, ReadStats, Region,
};
use crate::text::{common_prefix, common_suffix};
use crate::tree::{Document, Node, Span, Value};

pub(super) fn update(prev: ParsedYaml, new_text: &str) -> ParsedYaml {
    let (mut text, mut doc, plan, stats) = prev.into_parts();
    if text == new_text {
        return ParsedYaml::from_parts(text, doc, plan, stats);
    }
    let Some(mut plan) = plan else {
        return ParsedYaml::new(new_text);
    };
    if plan.anchors || plan.capped || new_text.len() >= u32::MAX as usize {
        return ParsedYaml::new(new_text);
    }
    let r = catch_unwind(AssertUnwindSafe(|| {
        try_update(&text, new_text, &mut doc, &mut plan)
    }));
    match r {
        Ok(Some(stats)) => {
            text.clear();
            text.push_str(new_text);
            ParsedYaml::from_parts(text, doc, Some(plan), stats)
        }
        _ => ParsedYaml::new(new_text),
    }
}

/// Whether the fast reader may still be used: it could before, and the text
/// around the edit adds nothing that rules it out.
fn fast_still_ok(plan: &Plan, new: &[u8], p: usize, new_end: usize) -> bool {
    if !plan.fast {
        return false;
    }
    let lo = p.saturating_sub(1);
    let hi = (new_end + 1).min(new.len());
    let w = &new[lo..hi];
    !w.contains(&0)
        && !w.windows(3).any(|x| x == [0xEF, 0xBB, 0xBF])
        && !w
            .iter()
            .enumerate()
            .any(|(k, &b)| b == b'\r' && new.get(lo + k + 1) != Some(&b'\n'))
}

/// The chunks `i..=j` of the region at `path` cover the edit.
struct Target {
    path: Vec<usize>,
    i: usize,
    j: usize,
}

fn region_at<'a>(plan: &'a Plan, path: &[usize]) -> &'a Region {
    let mut r = &plan.region;
    for &k in path {
        r = &r.chunks[k]
            .split
            .as_ref()
            .expect("path follows split chunks")
            .region;
    }
    r
}

fn region_at_mut<'a>(plan: &'a mut Plan, path: &[usize]) -> &'a mut Region {
    let mut r = &mut plan.region;
    for &k in path {
        r = &mut r.chunks[k]
            .split
            .as_mut()
            .expect("path follows split chunks")
            .region;
    }
    r
}

/// The collection node of the region at `path`.
fn coll_mut<'a>(node: &'a mut Node, region: &Region, path: &[usize]) -> Option<&'a mut Node> {
    let Some((&k, rest)) = path.split_first() else {
        return Some(node);
    };
    let idx: usize = region.chunks[..k].iter().map(|c| c.count as usize).sum();
    let Value::Map(entries, _) = &mut node.value else {
        return None;
    };
    let e = entries.get_mut(idx)?;
    let sub = &region.chunks[k].split.as_ref()?.region;
    coll_mut(&mut e.value, sub, rest)
}

/// Finds the innermost run of chunks containing the edit `[p, old_end)`.
fn locate(plan: &Plan, p: usize, old_end: usize, old_len: usize, delta: i64) -> Option<Target> {
    let mut path = Vec::new();
    loop {
        let r = region_at(plan, &path);
        let top = path.is_empty();
        if p < r.start as usize || r.chunks.is_empty() {
            return None;
        }
        let last = r.chunks.len() - 1;
        let i = r
            .chunks
            .partition_point(|c| (c.start as usize) <= p)
            .checked_sub(1)?;
        let j = r
            .chunks
            .partition_point(|c| (c.start as usize) <= old_end)
            .checked_sub(1)?;
        // The edit must end inside the run (the next chunk's first line is
        // untouched), or at the end of the text for the last chunk.
        let end = r.chunks[j].end as usize;
        let ok_end = old_end < end || (top && j == last && end == old_len);
        if !ok_end {
            return if top {
                None
            } else {
                let k = path.pop()?;
                Some(Target { path, i: k, j: k })
            };
        }
        if i == j {
            let c = &r.chunks[i];
            // Go into a chunk split for its size, if it stays big enough to
            // be split by a full read too.
            let new_len = c.end as i64 + delta - c.start as i64;
            if let Some(s) = c
                .split
                .as_ref()
                .filter(|s| !s.recovered && new_len > SPLIT_BYTES as i64)
            {
                if p >= s.region.start as usize && old_end < s.region.end as usize {
                    path.push(i);
                    continue;
                }
            }
        }
        return Some(Target { path, i, j });
    }
}

/// Whether the new text of a run of chunks keeps the structure around it:
/// its first content line starts an entry of the region, and no line in it
/// could start an entry of an enclosing region.
fn keeps_structure(s: &[u8], start: usize, end: usize, r: &Region) -> bool {
    let indent = r.indent as usize;
    let Some((_, ind, f)) = peek_content_line(s, start, end) else {
        return false;
    };
    if ind != indent || !starts_entry(s, f, end, r.seq) {
        return false;
    }
    let mut ls = start;
    while ls < end {
        let e = eol(s, ls, end);
        let mut i = ls;
        while i < e && s[i] == b' ' {
            i += 1;
        }
        if i < e {
            let c = s[i];
            let inert = matches!(c, b'#' | b']' | b'}' | b',');
            let d = i - ls;
            if !inert && (d < indent || d == indent && r.seq && !starts_entry(s, i, end, true)) {
                return false;
            }
        }
        ls = if e >= end {
            end
        } else if s[e] == b'\r' {
            e + 2
        } else {
            e + 1
        };
    }
    true
}

/// Chunks with errors that end at or before `at` (as a full read counts
/// them, see [`super::MAX_FAILURES`]).
fn failures_before(r: &Region, at: u32) -> u32 {
    let mut n = 0;
    for c in &r.chunks {
        if c.start >= at {
            break;
        }
        if c.end <= at && !c.errors.is_empty() {
            n += 1;
        }
        if let Some(s) = &c.split {
            n += failures_before(&s.region, at);
        }
    }
    n
}

/// Adds `delta` to every position at or after `t`.
#[inline]
fn sh(x: &mut u32, t: u32, delta: i64) {
    if *x >= t {
        *x = (*x as i64 + delta) as u32;
    }
}

fn shift_span(s: &mut Span, t: u32, delta: i64) {
    sh(&mut s.start, t, delta);
    sh(&mut s.end, t, delta);
}

fn shift_node(n: &mut Node, t: u32, delta: i64) {
    let mut stack = vec![n];
    while let Some(n) = stack.pop() {
        if n.span.end < t {
            continue;
        }
        shift_span(&mut n.span, t, delta);
        match &mut n.value {
            Value::Map(es, _) => {
                for e in es.iter_mut() {
                    shift_span(&mut e.key_span, t, delta);
                    stack.push(&mut e.value);
                }
            }
            Value::Seq(items, _) => stack.extend(items.iter_mut()),
            _ => {}
        }
    }
}

fn shift_region(r: &mut Region, t: u32, delta: i64) {
    if r.end < t {
        return;
    }
    sh(&mut r.start, t, delta);
    sh(&mut r.end, t, delta);
    for c in &mut r.chunks {
        if c.end < t {
            continue;
        }
        sh(&mut c.start, t, delta);
        sh(&mut c.end, t, delta);
        for x in &mut c.comments {
            shift_span(&mut x.span, t, delta);
        }
        for x in c.errors.iter_mut().chain(c.warnings.iter_mut()) {
            shift_span(&mut x.span, t, delta);
        }
        if let Some(s) = &mut c.split {
            shift_region(&mut s.region, t, delta);
        }
    }
}

/// The span of a block collection from its items (as a full read makes it).
fn respan(node: &mut Node, s: &[u8], r: &Region) {
    match &node.value {
        Value::Map(es, _) => {
            if let (Some(f), Some(l)) = (es.first(), es.last()) {
                let st = f.key_span.start;
                node.span = Span::new(st, l.value.span.end.max(l.key_span.end).max(st));
            }
        }
        Value::Seq(items, _) => {
            if let Some(l) = items.last() {
                let st = peek_content_line(s, r.start as usize, r.end as usize)
                    .map(|(_, _, f)| f as u32)
                    .unwrap_or(l.span.start);
                node.span = Span::new(st, l.span.end.max(st));
            }
        }
        _ => {}
    }
}

fn try_update(old: &str, new: &str, doc: &mut Document, plan: &mut Plan) -> Option<ReadStats> {
    let (a, b) = (old.as_bytes(), new.as_bytes());
    let p = common_prefix(a, b);
    let sfx = common_suffix(a, b, a.len().min(b.len()) - p);
    let old_end = a.len() - sfx;
    let new_end = b.len() - sfx;
    let delta = new_end as i64 - old_end as i64;
    if (plan.region.end as usize) < a.len() && old_end >= plan.region.end as usize {
        // Next to a `---` that ends the first document.
        return None;
    }
    let fast = fast_still_ok(plan, b, p, new_end);
    let mut t = locate(plan, p, old_end, a.len(), delta)?;

    // Read the run again, going up while the structure may have changed.
    let (new_chunks, new_items, stats) = loop {
        let r = region_at(plan, &t.path);
        let start = r.chunks[t.i].start as usize;
        let end = (r.chunks[t.j].end as i64 + delta) as usize;
        let top = t.path.is_empty();
        let mut ok = end <= b.len() && start <= end && keeps_structure(b, start, end, r);
        let mut read = None;
        if ok {
            let (bounds, region_end) = split_lines(b, start, end, r.indent as usize, r.seq, top);
            if region_end < end {
                ok = false;
            } else {
                let mut cx = Cx::with_fast(new, fast);
                cx.split_depth = t.path.len() as u32;
                cx.failures = failures_before(&plan.region, start as u32);
                let (chunks, items) =
                    read_bounds(&mut cx, &bounds, region_end, r.indent as usize, r.seq);
                if cx.retry_whole || cx.ctx.saw_anchors || cx.capped {
                    return None;
                }
                read = Some((chunks, items, cx.stats));
            }
        }
        match read {
            Some(x) if ok => break x,
            _ => {
                let k = t.path.pop()?;
                t.i = k;
                t.j = k;
            }
        }
    };

    // Shift everything after the run, then splice the new chunks in.
    let r = region_at(plan, &t.path);
    let old_run_end = r.chunks[t.j].end;
    let off: usize = r.chunks[..t.i].iter().map(|c| c.count as usize).sum();
    let removed: usize = r.chunks[t.i..=t.j].iter().map(|c| c.count as usize).sum();
    let total: usize = r.chunks.iter().map(|c| c.count as usize).sum();
    if total - removed + new_items.len() == 0 {
        return None;
    }
    let root = doc.root.as_mut()?;
    shift_node(root, old_run_end, delta);
    shift_region(&mut plan.region, old_run_end, delta);
    {
        let coll = coll_mut(root, &plan.region, &t.path)?;
        match (&mut coll.value, new_items) {
            (Value::Map(es, _), Items::Map(new_es)) => {
                es.splice(off..off + removed, new_es);
            }
            (Value::Seq(items, _), Items::Seq(new_items)) => {
                items.splice(off..off + removed, new_items);
            }
            _ => return None,
        }
    }
    region_at_mut(plan, &t.path)
        .chunks
        .splice(t.i..=t.j, new_chunks);
    // The spans of the collections holding the run.
    for depth in (0..=t.path.len()).rev() {
        let path = &t.path[..depth];
        let r = region_at(plan, path);
        let coll = coll_mut(root, &plan.region, path)?;
        respan(coll, b, r);
    }
    let mut comments = plan.pre_comments.clone();
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    collect(&plan.region, &mut comments, &mut errors, &mut warnings);
    doc.comments = comments;
    doc.errors = errors;
    doc.warnings = super::lenient::summarize(warnings);
    plan.fast = fast;
    Some(stats)
}
