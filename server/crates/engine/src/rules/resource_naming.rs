//! `resource-naming`: a path segment that breaks the API's naming style, or
//! a collection named in the singular.
//!
//! **What.** Two checks on each path of the API's own `paths`:
//! - **Style.** Static segments are lowercase kebab-case (`check-runs`),
//!   unless the API's multi-word segments mostly use another style
//!   (`payment_intents`, `IncomingPhoneNumbers`): then that style is the
//!   API's, and only segments that break it are named. A leading `_`
//!   (`_search`, OpenSearch's system endpoints), dots (`.well-known`,
//!   `Calls.json`) and digits (`v1`, `2010-04-01`) are part of any style.
//! - **Plural collections.** A static segment followed by a path parameter
//!   names a collection and is a plural noun: `/patients/{id}`, not
//!   `/patient/{id}`. Singletons (`me`, `health`, `status`, `search`,
//!   `login`, `logout`, `auth`, `self`, `current`, `latest`, `default`, …;
//!   more with `[rules.resource-naming] singletons = ["inbox"]`),
//!   uncountable and irregular plurals (`data`, `media`, `people`,
//!   `series`, `news`, …), version segments and system segments (`_doc`,
//!   and what follows one), filters (`scheduled`, `pending`) and selectors
//!   by a field (`/users/username/{username}`) are exempt. Only a parameter
//!   that identifies an item (`{id}`, `{petId}`, `{slug}`, `{pet}`) makes
//!   a collection: `/board/{row}` is not one.
//! - **Actions** (`/orders/{id}/cancel`, `/projects/{gid}/addFollowers`:
//!   segments starting with a verb) are neither resources nor styled.
//!
//! Each path is reported once, at its key in the Paths Object. Parameters,
//! segments that mix text and parameters (`v{version}`), and paths of
//! protocols that fix their own names (SCIM's `/scim/v2/Users`,
//! `/.well-known/…`) are not
//! checked. A parameter that qualifies rather than identifies (`{ref}`,
//! `{sha}`: `/tarball/{ref}`) does not make a collection.
//!
//! **Why.** Resource naming is part of the design phase's API conventions:
//! a consumer guesses the next URL from the last one, and one odd segment
//! (`/patient/{id}` beside `/clinicians/{id}`) is a question in every code
//! review that uses it.
//!
//! **Example.** `/Patients/{id}/appointmentSlots` in an API of kebab-case
//! paths: `Patients` and `appointmentSlots`.
//!
//! **Fix.** Rename the path key (unsafe: clients use the URL): the segment
//! in the API's style, a singular collection in the plural.
//!
//! Range: the path key.

use super::Rule;
use crate::diag::{Applicability, Diagnostic, Fix, Severity};
use crate::edit::EditSet;
use crate::index::{Api, Index};
use crate::model::dictionary;
use crate::rules::shared::similarity::words;
use serde::{Deserialize, Serialize};
use specgate_syntax::tree::Entry;

pub const RULE: Rule = Rule {
    code: "resource-naming",
    source: include_str!("resource_naming.rs"),
    default_severity: Severity::Warning,
    summary: "A path segment breaks the API's naming style (kebab-case by default), or a collection is singular",
    points_at: "the path key",
    check,
    fixes,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    Kebab,
    Snake,
    Camel,
}

const SINGLETONS: &[&str] = &[
    "me", "health", "status", "search", "login", "logout", "auth", "self", "current", "latest",
    "default", "config", "settings", "info", "version", "profile", "account", "admin", "api",
];

/// Words whose singular and plural are one, or irregular plurals.
const PLURAL_AS_IS: &[&str] = &[
    "data",
    "media",
    "metadata",
    "people",
    "children",
    "men",
    "women",
    "series",
    "news",
    "criteria",
    "feedback",
    "staff",
    "equipment",
    "software",
    "hardware",
    "information",
    "mail",
    "analytics",
    "stats",
    "statistics",
    "inventory",
    "stock",
    "audio",
    "music",
    "sheep",
    "fish",
    "deer",
    "species",
    "aircraft",
    "content",
    "traffic",
    "billing",
    "history",
    "sms",
];

/// First words of action segments (`/orders/{id}/cancel`,
/// `/projects/{gid}/addFollowers`): not resources, so neither style nor
/// plural applies.
const VERBS: &[&str] = &[
    "add",
    "remove",
    "set",
    "get",
    "insert",
    "duplicate",
    "cancel",
    "approve",
    "reject",
    "archive",
    "unarchive",
    "publish",
    "unpublish",
    "start",
    "stop",
    "restart",
    "reset",
    "resend",
    "verify",
    "confirm",
    "close",
    "reopen",
    "merge",
    "move",
    "copy",
    "import",
    "export",
    "upload",
    "download",
    "accept",
    "decline",
    "activate",
    "deactivate",
    "enable",
    "disable",
    "lock",
    "unlock",
    "subscribe",
    "unsubscribe",
    "lookup",
    "batch",
    "apply",
    "refresh",
    "revoke",
    "rotate",
    "complete",
    "retry",
    "run",
    "rerun",
    "rerequest",
    "sync",
    "test",
    "validate",
    "preview",
    "transfer",
    "assign",
    "unassign",
    "invite",
    "join",
    "leave",
    "submit",
    "check",
    "find",
    "list",
    "create",
    "update",
    "delete",
    "render",
    "generate",
    "convert",
    "redeliver",
    "dispatch",
    "replay",
    "mark",
    "pin",
    "unpin",
    "star",
    "unstar",
    "follow",
    "unfollow",
    "block",
    "unblock",
    "mute",
    "unmute",
    "attach",
    "detach",
    "link",
    "unlink",
    "send",
    "share",
    "clone",
    "fork",
    "sign",
    "void",
    "pay",
    "finalize",
    "capture",
    "refund",
    "reverse",
    "expire",
    "resolve",
    "reindex",
    "clear",
    "flush",
    "forcemerge",
    "shrink",
    "split",
    "rollover",
    "freeze",
    "unfreeze",
    "explain",
    "analyze",
    "aliveness",
    "hash",
];

/// Adjectives that filter a collection (`/payments/scheduled/{id}`).
const FILTERS: &[&str] = &[
    "active", "pending", "recent", "open", "closed", "public", "private", "all",
];

#[derive(Serialize, Deserialize)]
struct Data {
    path: String,
    new_path: String,
}

fn is_param(seg: &str) -> bool {
    seg.starts_with('{') && seg.ends_with('}') && seg.matches('{').count() == 1
}

/// The part of a segment the style is about: without a leading `_` and a
/// file extension.
fn core(seg: &str) -> &str {
    let s = seg.strip_prefix('_').unwrap_or(seg);
    if let Some(rest) = s.strip_prefix('.') {
        return rest;
    }
    match s.split_once('.') {
        Some((a, _)) if !a.is_empty() => a,
        _ => s,
    }
}

fn style_of(seg: &str) -> Option<Style> {
    let c = core(seg);
    if c.contains('-') {
        Some(Style::Kebab)
    } else if c.contains('_') {
        Some(Style::Snake)
    } else if c.chars().any(|ch| ch.is_ascii_uppercase()) {
        Some(Style::Camel)
    } else {
        None
    }
}

fn fits(seg: &str, style: Style) -> bool {
    let c = core(seg);
    let ok_chars = |extra: char| {
        c.chars()
            .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == extra || ch == '.')
    };
    match style {
        Style::Kebab => {
            ok_chars('-') && !c.starts_with('-') && !c.ends_with('-') && !c.contains("--")
        }
        Style::Snake => ok_chars('_'),
        Style::Camel => c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '.'),
    }
}

fn restyle(seg: &str, style: Style) -> String {
    let prefix = if seg.starts_with('_') { "_" } else { "" };
    let body = seg.strip_prefix('_').unwrap_or(seg);
    let (name, ext) = match body.split_once('.') {
        Some((a, b)) if !a.is_empty() => (a, format!(".{b}")),
        _ => (body, String::new()),
    };
    let w = words(name);
    let joined = match style {
        Style::Kebab => w.join("-"),
        Style::Snake => w.join("_"),
        Style::Camel => {
            let mut s = String::new();
            for (i, x) in w.iter().enumerate() {
                let upper_first = i > 0 || name.starts_with(|c: char| c.is_ascii_uppercase());
                let mut cs = x.chars();
                if let Some(f) = cs.next() {
                    if upper_first {
                        s.push(f.to_ascii_uppercase());
                    } else {
                        s.push(f);
                    }
                    s.extend(cs);
                }
            }
            s
        }
    };
    format!("{prefix}{joined}{ext}")
}

fn is_plural(word: &str, extra: &[String]) -> bool {
    let w = word.to_ascii_lowercase();
    if PLURAL_AS_IS.contains(&w.as_str()) || SINGLETONS.contains(&w.as_str()) || extra.contains(&w)
    {
        return true;
    }
    w.ends_with('s') && !(w.ends_with("ss") || w.ends_with("us") || w.ends_with("is"))
}

fn is_action(seg: &str) -> bool {
    words(core(seg))
        .first()
        .is_some_and(|w| VERBS.contains(&w.as_str()))
}

/// Whether a path parameter identifies items (`{id}`, `{petId}`,
/// `{order_number}`, `{slug}`), or names the segment's own item
/// (`/pets/{pet}`); `{offset}` or `{row}` do not.
fn identifies(param: &str, seg_words: &[String]) -> bool {
    let p = param.trim_matches(['{', '}']);
    let words = words(p);
    let Some(last) = words.last() else {
        return false;
    };
    const ID: &[&str] = &[
        "id", "ids", "key", "name", "slug", "sid", "gid", "uuid", "number", "code", "username",
        "login", "handle", "token", "uid",
    ];
    ID.contains(&last.as_str())
        || seg_words.last().is_some_and(|s| {
            words
                .first()
                .is_some_and(|f| f == s || dictionary::pluralize(f) == *s)
        })
}

fn is_version(seg: &str) -> bool {
    let c = core(seg);
    let rest = c.strip_prefix(['v', 'V']).unwrap_or(c);
    !rest.is_empty()
        && rest
            .chars()
            .all(|ch| ch.is_ascii_digit() || ch == '.' || ch == '-')
}

/// The API's style: the one most multi-word segments use (kebab-case when
/// none, or on a tie with it).
fn api_style(paths: &[&Entry]) -> Style {
    let mut counts = [0usize; 3];
    for e in paths {
        if e.key.contains("/.well-known") {
            continue;
        }
        for seg in e
            .key
            .split('/')
            .filter(|s| !s.is_empty() && !s.contains('{'))
        {
            if words(core(seg)).len() < 2 || is_version(seg) || is_action(seg) {
                continue;
            }
            match style_of(seg) {
                Some(Style::Kebab) => counts[0] += 1,
                Some(Style::Snake) => counts[1] += 1,
                Some(Style::Camel) => counts[2] += 1,
                None => {}
            }
        }
    }
    if counts[1] > counts[0] && counts[1] >= counts[2] {
        Style::Snake
    } else if counts[2] > counts[0] && counts[2] > counts[1] {
        Style::Camel
    } else {
        Style::Kebab
    }
}

/// What is wrong with `path` and the path it should be.
fn problems(path: &str, style: Style, singletons: &[String]) -> Option<(Vec<String>, String)> {
    let segs: Vec<&str> = path.split('/').collect();
    // SCIM (RFC 7644) names its endpoints itself (`Users`, `Groups`), and
    // so do well-known URIs (RFC 8615: `/.well-known/openid-configuration`).
    if segs
        .iter()
        .any(|s| s.eq_ignore_ascii_case("scim") || *s == ".well-known")
    {
        return None;
    }
    let mut why = Vec::new();
    let mut fixed: Vec<String> = Vec::new();
    for (i, seg) in segs.iter().enumerate() {
        if seg.is_empty() || seg.contains('{') || is_version(seg) {
            fixed.push(seg.to_string());
            continue;
        }
        // Most segments are fine: in style, and not before a parameter.
        let next_is_param = segs.get(i + 1).is_some_and(|n| is_param(n));
        if !next_is_param && fits(seg, style) {
            fixed.push(seg.to_string());
            continue;
        }
        let mut new = seg.to_string();
        if !fits(seg, style) && !is_action(seg) {
            new = restyle(seg, style);
            why.push(format!(
                "`{seg}` is not {}",
                match style {
                    Style::Kebab => "lowercase kebab-case",
                    Style::Snake => "snake_case (the API's style)",
                    Style::Camel => "camelCase (the API's style)",
                }
            ));
        }
        // A collection: a resource segment whose next segment is a
        // parameter that identifies its items. Not inside a system path
        // (`/_cat/allocation/{node_id}`), not a selector by field
        // (`/users/username/{username}`), not an abbreviation (`/e/{name}`).
        let seg_words = words(core(&new));
        let next = segs.get(i + 1).copied().filter(|n| is_param(n));
        let system = segs[..i].iter().any(|s| s.starts_with('_')) || seg.starts_with('_');
        let selector = next.is_some_and(|n| {
            let pw = words(n.trim_matches(['{', '}']));
            pw == seg_words
        });
        let collection = next.is_some_and(|n| identifies(n, &seg_words))
            && !system
            && !selector
            && core(seg).len() > 2
            && !is_action(seg);
        if collection {
            // `codes_of_conduct`: the noun before `of` carries the plural.
            let noun_at = seg_words
                .iter()
                .position(|w| w == "of")
                .map_or(seg_words.len().saturating_sub(1), |p| p.saturating_sub(1));
            if let Some(noun) = seg_words.get(noun_at) {
                let filter = FILTERS.contains(&noun.as_str())
                    || noun.ends_with("ed")
                    || noun.ends_with("ing");
                if !is_plural(noun, singletons) && !filter {
                    why.push(format!("`{seg}` names a collection in the singular"));
                    let c_end = core(&new).to_ascii_lowercase();
                    if noun_at + 1 == seg_words.len() && c_end.ends_with(noun.as_str()) {
                        let c = core(&new).to_string();
                        let at = new.rfind(&c).unwrap_or(0);
                        let lw = c.len() - noun.len();
                        let plural = format!("{}{}", &c[..lw], dictionary::pluralize(&c[lw..]));
                        new = format!("{}{}{}", &new[..at], plural, &new[at + c.len()..]);
                    }
                }
            }
        }
        fixed.push(new);
    }
    (!why.is_empty()).then(|| (why, fixed.join("/")))
}

/// The Paths Object entries of `api`.
fn path_entries<'a>(index: &'a Index, api: &Api) -> Vec<&'a Entry> {
    index
        .doc(&api.root)
        .and_then(|d| d.root.as_ref())
        .and_then(|r| r.get("paths"))
        .map(|p| {
            p.entries()
                .iter()
                .filter(|e| e.key.starts_with('/'))
                .collect()
        })
        .unwrap_or_default()
}

fn check(index: &Index, out: &mut Vec<Diagnostic>) {
    for api in &index.apis {
        // Only paths with operations of the API's own (not stitched-in
        // documents' roots, whose paths are checked where they are written).
        if crate::rules::shared::openapi::own_ops(index, api)
            .next()
            .is_none()
        {
            continue;
        }
        let entries = path_entries(index, api);
        let style = api_style(&entries);
        for e in &entries {
            if let Some((why, new_path)) =
                problems(&e.key, style, &index.config().naming_singletons)
            {
                out.push(
                    Diagnostic::new(
                        RULE.code,
                        &api.root,
                        e.key_span,
                        format!("path {}: {}", e.key, why.join("; ")),
                    )
                    .with_data(&Data {
                        path: e.key.clone(),
                        new_path,
                    }),
                );
            }
        }
    }
}

fn fixes(index: &Index, d: &Diagnostic) -> Vec<Fix> {
    let Some(Data { path, new_path }) = d.data() else {
        return Vec::new();
    };
    let Some(api) = index.apis.iter().find(|a| a.root == d.location.file) else {
        return Vec::new();
    };
    let entries = path_entries(index, api);
    if entries.iter().any(|e| e.key == new_path) || !entries.iter().any(|e| e.key == path) {
        return Vec::new();
    }
    let Some(src) = index.source(&d.location.file) else {
        return Vec::new();
    };
    let written = src
        .text
        .get(d.location.span.start as usize..d.location.span.end as usize)
        .unwrap_or("");
    let mut set = EditSet::new(index);
    set.replace(
        &d.location.file,
        d.location.span,
        written.replace(&path, &new_path),
    );
    set.into_fix(format!("Rename to {new_path}"), Applicability::Unsafe)
        .into_iter()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles_and_plurals() {
        assert_eq!(
            problems("/patients/{id}/appointment-slots", Style::Kebab, &[]),
            None
        );
        let (why, new) = problems("/Patient/{id}/appointmentSlots", Style::Kebab, &[]).unwrap();
        assert_eq!(new, "/patients/{id}/appointment-slots", "{why:?}");
        assert_eq!(
            problems("/v1/payment_intents/{intent}", Style::Snake, &[]),
            None
        );
        assert_eq!(
            problems(
                "/2010-04-01/Accounts/{AccountSid}/Calls.json",
                Style::Camel,
                &[]
            ),
            None
        );
        assert_eq!(problems("/{index}/_doc/{id}", Style::Snake, &[]), None);
        assert_eq!(
            problems("/.well-known/openid-configuration", Style::Kebab, &[]),
            None
        );
        assert_eq!(problems("/users/me", Style::Kebab, &[]), None);
        assert_eq!(
            problems("/projects/{gid}/addFollowers", Style::Snake, &[]),
            None
        );
        assert_eq!(problems("/codes_of_conduct/{key}", Style::Snake, &[]), None);
        assert_eq!(
            problems("/users/username/{username}", Style::Kebab, &[]),
            None
        );
        assert_eq!(
            problems("/_cat/allocation/{node_id}", Style::Snake, &[]),
            None
        );
        assert_eq!(problems("/board/{row}/{column}", Style::Kebab, &[]), None);
        assert_eq!(
            problems(
                "/loans/{id}/payments/scheduled/{scheduleId}",
                Style::Kebab,
                &[]
            ),
            None
        );
        let (_, new) = problems("/category/{id}", Style::Kebab, &[]).unwrap();
        assert_eq!(new, "/categories/{id}");
        let (_, new) = problems("/box/{id}", Style::Kebab, &[]).unwrap();
        assert_eq!(new, "/boxes/{id}");
        assert_eq!(
            problems("/inbox/{messageId}", Style::Kebab, &["inbox".into()]),
            None
        );
    }
}
