//! Requirement IDs for fixes: which requirements an operation most likely
//! serves, which defined ID a typo meant, and the next free ID.

use super::similarity::{edit_distance, rank};
use crate::index::{Index, ReqKey, Resolution};
use crate::model::openapi::Operation;
use crate::model::prd::Requirement;
use serde::{Deserialize, Serialize};

/// The data of a finding about one written requirement ID, for its fixes.
#[derive(Serialize, Deserialize)]
pub struct IdData {
    pub id: String,
}

/// An ID as prefix, number and zero-padded width (`FR-006` → `FR-`, 6, 3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdParts {
    pub prefix: String,
    pub number: u64,
    pub width: usize,
}

pub fn split_id(id: &str) -> Option<IdParts> {
    let digits = id.len() - id.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 {
        return None;
    }
    let (p, n) = id.split_at(id.len() - digits);
    Some(IdParts {
        prefix: p.to_string(),
        number: n.parse().ok()?,
        width: digits,
    })
}

pub fn format_id(prefix: &str, n: u64, width: usize) -> String {
    format!("{prefix}{n:0width$}")
}

/// The requirements an ID written in `from_file` can resolve to, one per
/// ID (the definition that file would see), in PRD order. When a PRD sits
/// in the file's own folder or an ancestor (a spec-kit feature's `spec.md`
/// for its `contracts/`), only the requirements of those PRDs: an ID that
/// only another feature defines is no suggestion for this one.
pub fn resolvable<'a>(index: &'a Index, from_file: &str) -> Vec<(ReqKey, &'a Requirement)> {
    let mut out: Vec<(ReqKey, &Requirement)> = Vec::new();
    let in_scope = |prd_file: &str| {
        let dir = prd_file.rsplit_once('/').map_or("", |(d, _)| d);
        dir.is_empty() || from_file.starts_with(&format!("{dir}/"))
    };
    let scoped = index
        .all_requirements()
        .any(|(_, f, _)| in_scope(f) && f.contains('/'));
    for (k, f, req) in index.all_requirements() {
        if out.iter().any(|(_, r)| r.id == req.id) {
            continue;
        }
        if scoped && !in_scope(f) {
            continue;
        }
        if index.resolve_id(from_file, &req.id) == Resolution::Found(k) {
            out.push((k, req));
        }
    }
    out
}

/// The words of an operation that say what it does.
pub fn op_query(op: &Operation) -> String {
    let mut q = String::new();
    for s in [&op.summary, &op.description, &op.operation_id]
        .into_iter()
        .flatten()
    {
        q.push_str(s);
        q.push(' ');
    }
    // Path segments (parameter names included: `{patientId}` says "patient").
    q.push_str(&op.path.replace(['/', '{', '}', '-', '_'], " "));
    q
}

/// Requirements ranked by TF-IDF cosine similarity of their titles with `query`.
pub fn rank_requirements<'a>(
    index: &'a Index,
    from_file: &str,
    query: &str,
) -> Vec<(&'a Requirement, f64)> {
    let reqs = resolvable(index, from_file);
    let docs: Vec<String> = reqs.iter().map(|(_, r)| r.title.clone()).collect();
    rank(query, &docs)
        .into_iter()
        .map(|(i, s)| (reqs[i].1, s))
        .collect()
}

/// Defined IDs a mistyped `id` most likely meant: close in spelling or
/// number, and (with `context`, the text around the mention) close in title.
pub fn closest_ids<'a>(
    index: &'a Index,
    from_file: &str,
    id: &str,
    context: Option<&str>,
    max: usize,
) -> Vec<&'a Requirement> {
    let reqs = resolvable(index, from_file);
    if reqs.is_empty() {
        return Vec::new();
    }
    let parts = split_id(id);
    let title_scores: Vec<f64> = match context {
        Some(c) => {
            let docs: Vec<String> = reqs.iter().map(|(_, r)| r.title.clone()).collect();
            let mut s = vec![0.0; reqs.len()];
            for (i, v) in rank(c, &docs) {
                s[i] = v;
            }
            s
        }
        None => vec![0.0; reqs.len()],
    };
    let mut scored: Vec<(f64, usize)> = reqs
        .iter()
        .enumerate()
        .map(|(i, (_, r))| {
            let rp = split_id(&r.id);
            let spelling = {
                let (a, b) = match (&parts, &rp) {
                    (Some(a), Some(b)) if a.prefix == b.prefix => {
                        (a.number.to_string(), b.number.to_string())
                    }
                    _ => (id.to_string(), r.id.clone()),
                };
                // Compare the digits as written, zero padding included.
                let da = id.trim_start_matches(|c: char| !c.is_ascii_digit());
                let db = r.id.trim_start_matches(|c: char| !c.is_ascii_digit());
                edit_distance(da, db).min(edit_distance(&a, &b))
            };
            let numeric = match (&parts, &rp) {
                (Some(a), Some(b)) => a.number.abs_diff(b.number) as f64,
                _ => 1000.0,
            };
            let s = 1.5 * title_scores[i] + 1.0 / (1.0 + spelling as f64) + 0.25 / (1.0 + numeric);
            (s, i)
        })
        .collect();
    let key = |s: f64| (s * 1e9).round() as i64;
    scored.sort_by(|a, b| key(b.0).cmp(&key(a.0)).then(a.1.cmp(&b.1)));
    scored
        .into_iter()
        .take(max)
        .map(|(_, i)| reqs[i].1)
        .collect()
}

/// The next ID after every ID defined with the same prefix, skipping IDs
/// mentioned anywhere (so renumbering never makes a dangling mention resolve),
/// written with the same zero padding as `like`.
pub fn next_free_id(index: &Index, like: &str) -> Option<String> {
    let p = split_id(like)?;
    let mut max = 0;
    for (_, _, r) in index.all_requirements() {
        if let Some(q) = split_id(&r.id) {
            if q.prefix == p.prefix {
                max = max.max(q.number);
            }
        }
    }
    let mentioned: std::collections::HashSet<String> = index
        .id_mentions()
        .into_iter()
        .map(|(_, m)| m.id.clone())
        .collect();
    let mut n = max + 1;
    loop {
        let id = format_id(&p.prefix, n, p.width);
        if !mentioned.contains(&id) {
            return Some(id);
        }
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert_eq!(
            split_id("FR-006"),
            Some(IdParts {
                prefix: "FR-".into(),
                number: 6,
                width: 3
            })
        );
        assert_eq!(format_id("FR-", 12, 3), "FR-012");
        assert_eq!(format_id("REQ", 7, 1), "REQ7");
        assert_eq!(split_id("FR-"), None);
    }
}
