//! Go to definition, find references and rename.

use super::{dictionary_target, id_at, loc, ref_at, requirement_at, target_location, DictTarget};
use crate::diag::{FileId, Location, TextEdit};
use crate::index::{Index, Resolution};
use specgate_syntax::tree::Span;
use std::collections::HashSet;

/// Where the thing at `offset` is defined: an FR-ID's requirement (scoped
/// like the rules resolve it), a `$ref`'s target node, a SQL table's or
/// column's (or an entity schema property's) dictionary entity or attribute.
pub fn definition(index: &Index, file: &str, offset: u32) -> Vec<Location> {
    if let Some(r) = ref_at(index, file, offset) {
        return match &r.target {
            Ok(t) => target_location(index, t).into_iter().collect(),
            Err(_) => Vec::new(),
        };
    }
    if let Some(at) = requirement_at(index, file, offset) {
        let keys = match at.resolution {
            Resolution::Found(k) => vec![k],
            Resolution::Ambiguous(ks) => ks,
            Resolution::Unknown => Vec::new(),
        };
        return keys
            .into_iter()
            .map(|k| {
                let (f, req) = index.requirement(k);
                loc(f, req.span)
            })
            .collect();
    }
    match dictionary_target(index, file, offset) {
        Some(DictTarget::Entity(df, e)) => vec![loc(df, e.span)],
        Some(DictTarget::Attribute(df, _, Some(a), _)) => vec![loc(df, a.span)],
        Some(DictTarget::Attribute(df, e, None, _)) => vec![loc(df, e.span)],
        None => Vec::new(),
    }
}

/// Every place that names the same requirement as the ID at `offset`:
/// operations' traces first, then every other mention (PRD prose, Markdown,
/// SQL comments, YAML/JSON), then (when asked) the definition.
///
/// An ID that resolves to nothing finds the other mentions of the same
/// unknown ID.
pub fn references(index: &Index, file: &str, offset: u32, include_decl: bool) -> Vec<Location> {
    let Some(at) = requirement_at(index, file, offset) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut seen: HashSet<(FileId, Span)> = HashSet::new();
    let decl = match &at.resolution {
        Resolution::Found(k) => {
            let (f, req) = index.requirement(*k);
            seen.insert((f.clone(), req.span));
            Some(loc(f, req.span))
        }
        _ => None,
    };
    let same = |f: &str, span: Span, id: &str| {
        id == at.id && index.resolve_at(f, span, id) == at.resolution
    };
    for op in &index.operations {
        for t in &op.traces {
            if same(&t.file, t.mention.span, &t.mention.id)
                && seen.insert((t.file.clone(), t.mention.span))
            {
                out.push(loc(&t.file, t.mention.span));
            }
        }
    }
    let mut rest: Vec<Location> = index
        .id_mentions()
        .into_iter()
        .filter(|(f, m)| same(f, m.span, &m.id))
        .filter(|(f, m)| seen.insert(((*f).clone(), m.span)))
        .map(|(f, m)| loc(f, m.span))
        .collect();
    rest.sort();
    out.extend(rest);
    if include_decl {
        out.extend(decl);
    }
    out
}

/// The span of the ID that a rename at `offset` would change, and the ID.
pub fn prepare_rename(index: &Index, file: &str, offset: u32) -> Option<(Span, String)> {
    id_at(index, file, offset).map(|(id, span)| (span, id))
}

/// Renames the requirement ID at `offset` everywhere it is written: its
/// definition and every mention that resolves to it, in every file of the
/// workspace (open or not). The new name must be an ID itself.
pub fn rename(
    index: &Index,
    file: &str,
    offset: u32,
    new_name: &str,
) -> Result<Vec<TextEdit>, String> {
    let Some(at) = requirement_at(index, file, offset) else {
        return Err("no requirement ID here to rename".into());
    };
    let re = &index.config().id_regex;
    let whole = re
        .find(new_name)
        .is_some_and(|m| m.start() == 0 && m.end() == new_name.len());
    if !whole {
        return Err(format!(
            "`{new_name}` is not a requirement ID (requirements.id_patterns: {})",
            index.config().id_patterns.join(", ")
        ));
    }
    let mut edits: Vec<TextEdit> = references(index, file, offset, true)
        .into_iter()
        // Only where the text is exactly the ID (a trace in an escaped
        // string may point at its whole value).
        .filter(|l| {
            index
                .text(&l.file)
                .get(l.span.start as usize..l.span.end as usize)
                == Some(at.id.as_str())
        })
        .map(|l| TextEdit {
            file: l.file,
            span: l.span,
            new_text: new_name.to_string(),
        })
        .collect();
    edits.sort();
    edits.dedup();
    Ok(edits)
}
