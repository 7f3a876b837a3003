//! The API's security design as the security rules read it: its schemes
//! (`components/securitySchemes`, Swagger 2.0's `securityDefinitions`,
//! followed through `$ref`s), the requirement lists at the root and on each
//! operation, and the scheme the API uses most.

use crate::diag::FileId;
use crate::index::{Api, Index};
use crate::model::openapi::{Operation, Version};
use specgate_syntax::tree::{Entry, Node};

/// A security scheme the API defines: its name, object (after `$ref`s) and
/// the file that object is written in (where a fix edits it).
pub struct Scheme<'a> {
    pub name: &'a str,
    pub node: &'a Node,
    pub file: FileId,
}

/// The root document's node of `api`.
pub fn root<'a>(index: &'a Index, api: &Api) -> Option<&'a Node> {
    index.doc(&api.root).and_then(|d| d.root.as_ref())
}

/// Every scheme `api` defines, in the order written.
pub fn schemes<'a>(index: &'a Index, api: &Api) -> Vec<Scheme<'a>> {
    let Some(root) = root(index, api) else {
        return Vec::new();
    };
    let map = if api.version == Version::Swagger2 {
        root.get("securityDefinitions")
            .map(|n| index.deref(&api.root, n))
    } else {
        root.get("components")
            .map(|c| index.deref(&api.root, c))
            .and_then(|(f, c)| Some((f.clone(), c.get("securitySchemes")?)))
            .map(|(f, s)| index.deref(&f, s))
    };
    let Some((file, map)) = map else {
        return Vec::new();
    };
    map.entries()
        .iter()
        .map(|e| {
            let (f, node) = index.deref(&file, &e.value);
            Scheme {
                name: &e.key,
                node,
                file: f,
            }
        })
        .collect()
}

/// Every requirement list of `api`: the root's and each operation's (once
/// per place it is written, operations sharing a file by `$ref` too), with
/// the file it is written in.
pub fn requirement_lists<'a>(index: &'a Index, api: &Api) -> Vec<(FileId, &'a Node)> {
    let mut out: Vec<(FileId, &Node)> = Vec::new();
    if let Some(e) = root_security(index, api) {
        out.push((api.root.clone(), &e.value));
    }
    for op in index.operations.iter().filter(|o| o.api_root == api.root) {
        if let Some(e) = op_security(index, op) {
            if !out.iter().any(|(_, n)| std::ptr::eq(*n, &e.value)) {
                out.push((op.file.clone(), &e.value));
            }
        }
    }
    out
}

/// The root's `security` entry, if written.
pub fn root_security<'a>(index: &'a Index, api: &Api) -> Option<&'a Entry> {
    root(index, api)?.entry("security")
}

/// The operation's own `security` entry, if written.
pub fn op_security<'a>(index: &'a Index, op: &Operation) -> Option<&'a Entry> {
    index.op_node(op)?.entry("security")
}

/// The requirement list in effect for `op`: its own `security`, else the
/// root's; and whether it is the operation's own.
pub fn in_effect<'a>(index: &'a Index, api: &Api, op: &Operation) -> Option<(&'a Node, bool)> {
    match op_security(index, op) {
        Some(e) => Some((&e.value, true)),
        None => root_security(index, api).map(|e| (&e.value, false)),
    }
}

/// The scheme names a requirement list names (`- {bearer: [], key: []}`),
/// each with its key entry.
pub fn named(list: &Node) -> impl Iterator<Item = &Entry> {
    list.items().iter().flat_map(|req| req.entries())
}

/// The scheme the API's requirements name most (the root's count once per
/// operation that inherits it), ties to the first defined; else the first
/// defined scheme.
pub fn preferred<'a>(index: &'a Index, api: &Api, schemes: &[Scheme<'a>]) -> Option<&'a str> {
    let mut counts: Vec<usize> = vec![0; schemes.len()];
    let mut count = |list: &Node| {
        for e in named(list) {
            if let Some(i) = schemes.iter().position(|s| s.name == e.key) {
                counts[i] += 1;
            }
        }
    };
    for op in index.operations.iter().filter(|o| o.api_root == api.root) {
        if let Some((list, _)) = in_effect(index, api, op) {
            count(list);
        }
    }
    let best = counts.iter().copied().max()?;
    let i = counts.iter().position(|&c| c == best)?;
    Some(schemes[i].name)
}

/// How an operation is secured, as the inventory and hover show it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Auth {
    /// "public", "not designed", or the requirement alternatives
    /// (`oauth (pets:write) or key`), "optional: …" when `{}` is one.
    pub summary: String,
    /// Every scope and role the operation names (the permission matrix).
    pub permissions: Vec<String>,
}

/// The roles `op` lists in the keys `[rules.missing-permission] keys`
/// names (`x-roles`, `x-permissions` by default).
pub fn roles<'a>(index: &'a Index, op: &Operation) -> Vec<&'a str> {
    let Some(n) = index.op_node(op) else {
        return Vec::new();
    };
    index
        .config()
        .permission_keys
        .iter()
        .filter_map(|k| n.get(k))
        .flat_map(|v| v.items().iter().filter_map(Node::as_str))
        .collect()
}

/// How `op` is secured: its own requirements, else the root's.
pub fn auth(index: &Index, api: &Api, op: &Operation) -> Auth {
    let list = in_effect(index, api, op).map(|(l, _)| l);
    let mut permissions: Vec<String> = Vec::new();
    let summary = match list {
        None => "not designed".to_string(),
        Some(l) if l.items().is_empty() => "public".to_string(),
        Some(l) => {
            let mut optional = false;
            let mut alts: Vec<String> = Vec::new();
            for req in l.items() {
                if req.entries().is_empty() {
                    optional = true;
                    continue;
                }
                let parts: Vec<String> = req
                    .entries()
                    .iter()
                    .map(|e| {
                        let scopes: Vec<&str> =
                            e.value.items().iter().filter_map(Node::as_str).collect();
                        for s in &scopes {
                            if !permissions.iter().any(|p| p == s) {
                                permissions.push(s.to_string());
                            }
                        }
                        if scopes.is_empty() {
                            format!("`{}`", e.key)
                        } else {
                            format!("`{}` ({})", e.key, scopes.join(", "))
                        }
                    })
                    .collect();
                alts.push(parts.join(" + "));
            }
            let joined = alts.join(" or ");
            if optional {
                format!("optional: {joined}")
            } else {
                joined
            }
        }
    };
    let roles = roles(index, op);
    let summary = if roles.is_empty() {
        summary
    } else {
        format!("{summary}; roles: {}", roles.join(", "))
    };
    for r in roles {
        if !permissions.iter().any(|p| p == r) {
            permissions.push(r.to_string());
        }
    }
    Auth {
        summary,
        permissions,
    }
}
