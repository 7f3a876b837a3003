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

/// Who a requirement is for, when its text says so: "As a clinic admin, …",
/// "Patients can …", "Clinic admins must be able to …", "System MUST allow
/// clinicians to …". `None` when no actor is named (or only the system).
pub fn actor(text: &str) -> Option<String> {
    let t = text.trim().trim_start_matches(['*', '_', ' ']);
    let lower = t.to_ascii_lowercase();
    // "As a <role>, …" / "As an <role> I …"
    for p in ["as an ", "as a "] {
        if let Some(rest) = lower.strip_prefix(p) {
            let end = rest.find([',', '.', ';']).unwrap_or(rest.len()).min(60);
            // Byte offsets of `lower` are those of `t` (ASCII lowercasing);
            // the cap at 60 may fall inside a character.
            let end = specgate_syntax::text::floor_char_boundary(t, p.len() + end);
            let who = t[p.len()..end].trim();
            let who = who.split(" i ").next().unwrap_or(who).trim();
            return (!who.is_empty()).then(|| who.to_string());
        }
    }
    const MODALS: &[&str] = &[
        " can ",
        " must ",
        " may ",
        " should ",
        " shall ",
        " are able to ",
        " is able to ",
        " need to ",
        " needs to ",
    ];
    let (at, _) = MODALS
        .iter()
        .filter_map(|m| lower.find(m).map(|i| (i, *m)))
        .min_by_key(|(i, _)| *i)?;
    let subject = t[..at].trim();
    let subject_l = subject.to_ascii_lowercase();
    let system = [
        "system",
        "the system",
        "api",
        "the api",
        "service",
        "the service",
        "application",
        "the application",
        "the platform",
        "platform",
        "backend",
        "the backend",
        "server",
        "the server",
    ];
    if system.contains(&subject_l.as_str()) {
        // "System MUST allow clinicians to …" / "let users …" / "enable admins to …"
        let after = &lower[at..];
        for verb in ["allow ", "let ", "enable ", "permit "] {
            if let Some(i) = after.find(verb) {
                let start = at + i + verb.len();
                let rest = &t[start..];
                let end = rest
                    .to_ascii_lowercase()
                    .find(" to ")
                    .or_else(|| rest.find(' ').map(|_| rest.len()))?;
                let who = rest[..end].trim();
                let words = who.split_whitespace().count();
                return (words > 0 && words <= 4 && role_like(who)).then(|| who.to_string());
            }
        }
        return None;
    }
    let words = subject.split_whitespace().count();
    (words > 0 && words <= 4 && role_like(subject)).then(|| subject.to_string())
}

/// Whether a noun phrase names people ("Clinic admins", "A player",
/// "authorized users"), not a thing ("The document", "This feature"): its
/// last word is a role.
fn role_like(phrase: &str) -> bool {
    const ROLES: &[&str] = &[
        "user",
        "admin",
        "administrator",
        "member",
        "player",
        "customer",
        "patient",
        "clinician",
        "staff",
        "manager",
        "owner",
        "guest",
        "visitor",
        "reviewer",
        "editor",
        "author",
        "operator",
        "organizer",
        "organiser",
        "developer",
        "agent",
        "buyer",
        "seller",
        "employee",
        "student",
        "teacher",
        "doctor",
        "nurse",
        "moderator",
        "subscriber",
        "tenant",
        "partner",
        "vendor",
        "supplier",
        "driver",
        "rider",
        "host",
        "attendee",
        "participant",
        "contributor",
        "maintainer",
        "approver",
        "requester",
        "applicant",
        "candidate",
        "recruiter",
        "coach",
        "captain",
        "lead",
        "people",
        "person",
        "client",
        "borrower",
        "lender",
        "account holder",
        "holder",
        "parent",
        "child",
        "volunteer",
        "analyst",
        "auditor",
        "accountant",
        "cashier",
        "clerk",
        "support",
        "superuser",
        "creator",
        "inviter",
        "invitee",
        "follower",
        "viewer",
        "caller",
        "consumer",
    ];
    let last = phrase
        .split_whitespace()
        .last()
        .unwrap_or("")
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_ascii_lowercase();
    let singular = last
        .strip_suffix("ies")
        .map(|s| format!("{s}y"))
        .or_else(|| last.strip_suffix('s').map(str::to_string))
        .unwrap_or_else(|| last.clone());
    ROLES.contains(&last.as_str()) || ROLES.contains(&singular.as_str())
}

#[cfg(test)]
mod actor_tests {
    use super::actor;

    #[test]
    fn actors_people_write() {
        assert_eq!(
            actor("Patients can view their profile").as_deref(),
            Some("Patients")
        );
        assert_eq!(
            actor("Clinic admins must be able to add clinicians").as_deref(),
            Some("Clinic admins")
        );
        assert_eq!(
            actor("As a clinician, I want to publish slots").as_deref(),
            Some("clinician")
        );
        assert_eq!(
            actor("System MUST allow users to create tasks").as_deref(),
            Some("users")
        );
        assert_eq!(actor("System MUST validate email addresses"), None);
        assert_eq!(actor("List appointments"), None);
        assert_eq!(actor("The document MUST show the policy"), None);
        assert_eq!(
            actor("An admin MUST be able to revoke invites").as_deref(),
            Some("An admin")
        );
        // Never cut inside a character.
        let long = format!("As a {}, I want", "ü".repeat(40));
        assert!(actor(&long).is_some());
    }
}
