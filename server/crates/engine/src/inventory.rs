//! The Endpoint Inventory of the design package: every operation with its
//! FR-IDs, and the coverage matrix of every requirement.

use crate::index::{Index, Resolution};
use crate::model::openapi::{OpKind, Operation};
use crate::rules::shared::security;
use serde::Serialize;
use specgate_syntax::text::Encoding;

#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct InvOperation {
    /// `path`, `webhook` or `callback`.
    pub kind: OpKind,
    pub method: String,
    pub path: String,
    pub operation_id: Option<String>,
    pub requirements: Vec<String>,
    /// How it is secured: "public", "not designed", or its requirements.
    pub auth: String,
    /// The scopes and roles it names (the permission matrix's row).
    pub permissions: Vec<String>,
    pub file: String,
    pub line: u32,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct InvRequirement {
    pub id: String,
    pub title: String,
    pub priority: Option<String>,
    pub release: Option<String>,
    /// Who it is for, when its text names them ("Clinic admins can …").
    pub actor: Option<String>,
    pub file: String,
    pub line: u32,
    /// `METHOD /path` of each operation that traces it.
    pub operations: Vec<String>,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct Inventory {
    pub operations: Vec<InvOperation>,
    /// Webhooks and callbacks: requests the API sends, which trace to
    /// requirements like its own endpoints.
    pub integration_points: Vec<InvOperation>,
    pub requirements: Vec<InvRequirement>,
}

fn line_of(index: &Index, file: &str, offset: u32) -> u32 {
    index
        .source(file)
        .map(|s| s.line_index.line_col(&s.text, offset, Encoding::Utf32).line + 1)
        .unwrap_or(1)
}

/// Builds the inventory; `only_api` restricts it to the API rooted at that file.
pub fn build(index: &Index, only_api: Option<&str>) -> Inventory {
    let ops: Vec<&Operation> = index
        .operations
        .iter()
        .filter(|o| only_api.is_none_or(|r| &*o.api_root == r))
        .collect();
    let inv_op = |o: &Operation| {
        let auth = crate::rules::shared::openapi::api_of(index, o)
            .map(|api| security::auth(index, api, o))
            .unwrap_or(security::Auth {
                summary: "not designed".into(),
                permissions: Vec::new(),
            });
        InvOperation {
            kind: o.kind,
            method: o.method.clone(),
            path: o.path.clone(),
            operation_id: o.operation_id.clone(),
            requirements: o.ids().into_iter().map(str::to_string).collect(),
            auth: auth.summary,
            permissions: auth.permissions,
            file: o.file.to_string(),
            line: line_of(index, &o.file, o.method_span.start),
        }
    };
    let mut requirements = Vec::new();
    for (key, file, req) in index.all_requirements() {
        let operations = ops
            .iter()
            .filter(|o| {
                o.traces.iter().any(|t| {
                    t.mention.id == req.id
                        && index.resolve_at(&t.file, t.mention.span, &t.mention.id)
                            == Resolution::Found(key)
                })
            })
            .map(|o| o.label())
            .collect();
        requirements.push(InvRequirement {
            id: req.id.clone(),
            title: req.title.clone(),
            priority: req.priority.map(|p| p.as_str().to_string()),
            release: req.mvp.then(|| "MVP".to_string()),
            actor: crate::rules::shared::requirements::actor(&req.title),
            file: file.to_string(),
            line: line_of(index, file, req.span.start),
            operations,
        });
    }
    Inventory {
        operations: ops
            .iter()
            .filter(|o| !o.webhook)
            .map(|o| inv_op(o))
            .collect(),
        integration_points: ops
            .iter()
            .filter(|o| o.webhook)
            .map(|o| inv_op(o))
            .collect(),
        requirements,
    }
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

impl Inventory {
    pub fn to_markdown(&self) -> String {
        let mut s = String::from("# Endpoint Inventory\n\n");
        s.push_str(&format!(
            "{} operations, {} requirements ({} traced by no operation).\n\n",
            self.operations.len(),
            self.requirements.len(),
            self.requirements
                .iter()
                .filter(|r| r.operations.is_empty())
                .count()
        ));
        let actors: std::collections::HashMap<&str, &str> = self
            .requirements
            .iter()
            .filter_map(|r| Some((r.id.as_str(), r.actor.as_deref()?)))
            .collect();
        s.push_str("| Method | Path | operationId | FR-IDs | Auth | Location |\n|---|---|---|---|---|---|\n");
        for o in &self.operations {
            s.push_str(&format!(
                "| {} | `{}` | {} | {} | {} | {}:{} |\n",
                o.method,
                cell(&o.path),
                o.operation_id.as_deref().map(cell).unwrap_or_default(),
                if o.requirements.is_empty() {
                    "—".to_string()
                } else {
                    // "FR-008 (clinic admins)": who the requirement is for,
                    // beside how the operation is secured.
                    o.requirements
                        .iter()
                        .map(|id| match actors.get(id.as_str()) {
                            Some(a) => format!("{id} ({})", cell(a)),
                            None => id.clone(),
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                },
                cell(&o.auth),
                o.file,
                o.line
            ));
        }
        // The permission matrix, when the API assigns scopes or roles.
        let mut perms: Vec<&str> = Vec::new();
        for o in &self.operations {
            for p in &o.permissions {
                if !perms.contains(&p.as_str()) {
                    perms.push(p);
                }
            }
        }
        if !perms.is_empty() {
            s.push_str("\n## Permissions\n\nScopes and roles (columns) each operation asks for.\n\n| Operation |");
            for p in &perms {
                s.push_str(&format!(" `{}` |", cell(p)));
            }
            s.push_str("\n|---|");
            s.push_str(&"---|".repeat(perms.len()));
            s.push('\n');
            for o in &self.operations {
                s.push_str(&format!("| {} `{}` |", o.method, cell(&o.path)));
                for p in &perms {
                    s.push_str(if o.permissions.iter().any(|x| x == p) {
                        " ✓ |"
                    } else {
                        "  |"
                    });
                }
                s.push('\n');
            }
        }
        if !self.integration_points.is_empty() {
            s.push_str(
                "\n## Integration points\n\nRequests the API sends: webhooks and callbacks.\n\n| Kind | Method | Event or URL | FR-IDs | Location |\n|---|---|---|---|---|\n",
            );
            for o in &self.integration_points {
                s.push_str(&format!(
                    "| {} | {} | `{}` | {} | {}:{} |\n",
                    if o.kind == OpKind::Callback {
                        "callback"
                    } else {
                        "webhook"
                    },
                    o.method,
                    cell(&o.path),
                    if o.requirements.is_empty() {
                        "—".to_string()
                    } else {
                        o.requirements.join(", ")
                    },
                    o.file,
                    o.line
                ));
            }
        }
        s.push_str("\n## Coverage\n\n| ID | Title | Actor | Priority | Release | Operations | Defined at |\n|---|---|---|---|---|---|---|\n");
        for r in &self.requirements {
            s.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {}:{} |\n",
                r.id,
                cell(&r.title),
                r.actor.as_deref().map(cell).unwrap_or_default(),
                r.priority.as_deref().unwrap_or(""),
                r.release.as_deref().unwrap_or(""),
                if r.operations.is_empty() {
                    "**not traced**".to_string()
                } else {
                    r.operations
                        .iter()
                        .map(|o| format!("`{}`", cell(o)))
                        .collect::<Vec<_>>()
                        .join(", ")
                },
                r.file,
                r.line
            ));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::index;

    #[test]
    fn auth_column_and_permission_matrix() {
        let a = "openapi: 3.1.0\nsecurity:\n  - oauth: [pets:read]\ncomponents:\n  securitySchemes:\n    oauth: {type: oauth2, flows: {clientCredentials: {tokenUrl: 'https://a/t', scopes: {pets:read: r, pets:write: w}}}}\n    key: {type: apiKey, name: k, in: header}\npaths:\n  /pets:\n    get:\n      responses: {'200': {description: ok}}\n    post:\n      security:\n        - oauth: [pets:write]\n        - key: []\n      x-roles: [admin]\n      responses: {'201': {description: ok}}\n  /health:\n    get:\n      security: []\n      responses: {'200': {description: ok}}\n  /feed:\n    get:\n      security: [{}, {key: []}]\n      responses: {'200': {description: ok}}\n";
        let idx = index(&[("openapi.yaml", a)]);
        let md = super::build(&idx, None).to_markdown();
        for row in [
            "| GET | `/pets` |  | — | `oauth` (pets:read) | openapi.yaml:10 |",
            "| POST | `/pets` |  | — | `oauth` (pets:write) or `key`; roles: admin | openapi.yaml:12 |",
            "| GET | `/health` |  | — | public | openapi.yaml:19 |",
            "| GET | `/feed` |  | — | optional: `key` | openapi.yaml:23 |",
            "| Operation | `pets:read` | `pets:write` | `admin` |",
            "| GET `/pets` | ✓ |  |  |",
            "| POST `/pets` |  | ✓ | ✓ |",
        ] {
            assert!(md.contains(row), "{row}\n{md}");
        }
    }
}
