//! Hover: what an FR-ID, a `$ref` or a column stands for.

use super::{dictionary_target, line_no, op_title, ref_at, requirement_at, tracing_operations};
use super::{DictTarget, IdAt};
use crate::index::{Index, ReqKey, Resolution};
use crate::model::dictionary::{Attribute, Entity};
use specgate_syntax::tree::{Node, Span};

/// Markdown to show, and the span it is about.
#[derive(Clone, Debug, PartialEq)]
pub struct Hover {
    pub span: Span,
    pub markdown: String,
}

pub fn hover(index: &Index, file: &str, offset: u32) -> Option<Hover> {
    if let Some(r) = ref_at(index, file, offset) {
        return Some(Hover {
            span: r.site.span,
            markdown: ref_hover(index, r),
        });
    }
    if let Some(at) = requirement_at(index, file, offset) {
        return Some(Hover {
            span: at.span,
            markdown: requirement_hover(index, &at),
        });
    }
    if let Some(h) = operation_hover(index, file, offset) {
        return Some(h);
    }
    if let Some(crate::index::Parsed::Dictionary(dict, _)) = index.parsed(file) {
        for e in &dict.entities {
            if let Some(a) = e.attributes.iter().find(|a| a.span.contains(offset)) {
                let df = index.dictionaries.iter().find(|d| ***d == *file)?;
                return Some(Hover {
                    span: a.span,
                    markdown: attribute_hover(index, df, e, a),
                });
            }
        }
    }
    let t = dictionary_target(index, file, offset)?;
    let markdown = match &t {
        DictTarget::Entity(df, e) => entity_hover(index, df, e),
        DictTarget::Attribute(df, e, Some(a), _) => attribute_hover(index, df, e, a),
        DictTarget::Attribute(df, e, None, name) => format!(
            "`{name}` is not an attribute of entity **{}** ({df}:{})",
            e.name,
            line_no(index, df, e.span.start)
        ),
    };
    Some(Hover {
        span: word_at(index.text(file), offset),
        markdown,
    })
}

/// On an operation's method key: what it is, what it traces, and how it
/// is secured (as the inventory's Auth column says it).
fn operation_hover(index: &Index, file: &str, offset: u32) -> Option<Hover> {
    let op = index.operations.iter().find(|o| {
        let at = o
            .ref_from
            .as_ref()
            .filter(|(f, _)| &**f == file)
            .map(|(_, s)| *s);
        let own = (&*o.file == file).then_some(o.method_span);
        [at, own]
            .into_iter()
            .flatten()
            .any(|s| s.start <= offset && offset <= s.end)
    })?;
    let api = crate::rules::shared::openapi::api_of(index, op)?;
    let auth = crate::rules::shared::security::auth(index, api, op);
    let ids = op.ids();
    let mut md = format!("**{}**\n\n", op_title(op));
    md.push_str(&format!(
        "Traces: {}\n\nAuth: {}",
        if ids.is_empty() {
            "—".to_string()
        } else {
            ids.join(", ")
        },
        auth.summary
    ));
    if !auth.permissions.is_empty() {
        md.push_str(&format!(
            "\n\nPermissions: {}",
            auth.permissions
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let span = match &op.ref_from {
        Some((f, s)) if &**f == file && s.start <= offset && offset <= s.end => *s,
        _ => op.method_span,
    };
    Some(Hover { span, markdown: md })
}

/// The name (letters, digits, `_`, quotes) around `offset`.
fn word_at(text: &str, offset: u32) -> Span {
    let off = specgate_syntax::text::floor_char_boundary(text, offset as usize);
    let is_word = |c: char| c.is_alphanumeric() || c == '_' || c == '"' || c == '`';
    let start = text[..off]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_word(*c))
        .last()
        .map_or(off, |(i, _)| i);
    let end = text[off..]
        .char_indices()
        .find(|(_, c)| !is_word(*c))
        .map_or(text.len(), |(i, _)| off + i);
    Span::new(start as u32, end as u32)
}

fn requirement_block(index: &Index, k: ReqKey) -> String {
    let (f, req) = index.requirement(k);
    let mut s = format!("**{}** — {}\n\n", req.id, req.title);
    if let Some(who) = crate::rules::shared::requirements::actor(&req.title) {
        s.push_str(&format!("Actor: {who}\n\n"));
    }
    s.push_str(&format!(
        "Priority: {} · Release: {}\n\nDefined in `{}:{}`\n\n",
        req.priority.map(|p| p.as_str()).unwrap_or("—"),
        if req.mvp { "MVP" } else { "—" },
        f,
        line_no(index, f, req.span.start)
    ));
    let ops = tracing_operations(index, k);
    if ops.is_empty() {
        s.push_str("Traced by no operation.\n");
    } else {
        s.push_str(&format!(
            "Traced by {} operation{}:\n",
            ops.len(),
            if ops.len() == 1 { "" } else { "s" }
        ));
        for op in ops {
            s.push_str(&format!("- `{}`\n", op_title(op)));
        }
    }
    s
}

fn requirement_hover(index: &Index, at: &IdAt) -> String {
    match &at.resolution {
        Resolution::Found(k) => requirement_block(index, *k),
        Resolution::Ambiguous(ks) => {
            let mut s = format!(
                "**{}** is defined in several PRDs, none in this file's folder or above it:\n\n",
                at.id
            );
            for k in ks {
                s.push_str("---\n\n");
                s.push_str(&requirement_block(index, *k));
            }
            s
        }
        Resolution::Unknown => format!("**{}** is not defined in any PRD.", at.id),
    }
}

fn ref_hover(index: &Index, r: &crate::index::RefInfo) -> String {
    let t = match &r.target {
        Ok(t) => t,
        Err(e) => {
            return e.message(&r.site.target).unwrap_or_else(|| {
                format!("`{}` is a remote reference; it is not read", r.site.target)
            })
        }
    };
    let ptr = if t.pointer.is_empty() {
        String::new()
    } else {
        format!(
            "#/{}",
            t.pointer
                .iter()
                .map(|p| specgate_syntax::tree::escape_pointer_token(p))
                .collect::<Vec<_>>()
                .join("/")
        )
    };
    let mut s = format!("`{}{}`", t.file, ptr);
    let Some(node) = index.node(&t.file, &t.pointer) else {
        return s;
    };
    let (_, node) = index.deref(&t.file, node);
    s.push_str("\n\n");
    let field = |k: &str| node.get(k).and_then(Node::as_str);
    if let Some(title) = field("title") {
        s.push_str(&format!("**{title}**\n\n"));
    }
    if let Some(summary) = field("summary") {
        s.push_str(&format!("{summary}\n\n"));
    }
    if let Some(d) = field("description") {
        s.push_str(&format!("{d}\n\n"));
    }
    if let Some(ty) = field("type") {
        match node.get("format").and_then(Node::as_str) {
            Some(f) => s.push_str(&format!("Type: `{ty}` (`{f}`)\n\n")),
            None => s.push_str(&format!("Type: `{ty}`\n\n")),
        }
    } else if let Some(Node {
        value: specgate_syntax::tree::Value::Seq(items, _),
        ..
    }) = node.get("type")
    {
        let tys: Vec<&str> = items.iter().filter_map(Node::as_str).collect();
        s.push_str(&format!("Type: `{}`\n\n", tys.join(" | ")));
    }
    let props = node
        .get("properties")
        .map(Node::entries)
        .unwrap_or_default();
    if !props.is_empty() {
        let names: Vec<String> = props
            .iter()
            .take(20)
            .map(|e| format!("`{}`", e.key))
            .collect();
        let more = if props.len() > 20 { ", …" } else { "" };
        s.push_str(&format!("Properties: {}{more}\n", names.join(", ")));
    }
    s.trim_end().to_string()
}

fn entity_hover(index: &Index, df: &str, e: &Entity) -> String {
    let mut s = format!(
        "**{}** (entity, `{}:{}`)\n\n",
        e.name,
        df,
        line_no(index, df, e.span.start)
    );
    if let Some(t) = &e.table {
        s.push_str(&format!("Table: `{t}`\n\n"));
    }
    s.push_str("| Attribute | Type |\n|---|---|\n");
    for a in &e.attributes {
        s.push_str(&format!(
            "| `{}` | {} |\n",
            a.name,
            a.ty.as_deref().unwrap_or("")
        ));
    }
    s
}

fn attribute_hover(index: &Index, df: &str, e: &Entity, a: &Attribute) -> String {
    let mut s = format!("**{}.{}**", e.name, a.name);
    if let Some(t) = &a.ty {
        s.push_str(&format!(" `{t}`"));
    }
    s.push_str("\n\n");
    if let Some(d) = &a.description {
        s.push_str(&format!("{d}\n\n"));
    }
    let row = index
        .text(df)
        .get(a.row_span.start as usize..a.row_span.end as usize)
        .unwrap_or("")
        .trim();
    if !row.is_empty() {
        s.push_str(&format!("```\n{row}\n```\n\n"));
    }
    s.push_str(&format!(
        "Data dictionary: `{}:{}`",
        df,
        line_no(index, df, a.span.start)
    ));
    s.push_str(&three_way(index, e, a));
    s
}

/// The attribute as the dictionary, the SQL and the API have it, side by
/// side; `✗` marks what the alignment rules report.
fn three_way(index: &Index, e: &Entity, a: &Attribute) -> String {
    use crate::model::datatype::{schema_mismatch, sql_mismatch};
    use crate::rules::shared::alignment;
    let facts = a.facts.clone();
    let yes_no = |b: Option<bool>| match b {
        Some(true) => "required",
        Some(false) => "optional",
        None => "—",
    };
    let dict_type = match (&a.ty, &facts.ty) {
        (Some(t), Some(_)) => format!("`{t}`"),
        (Some(t), None) => format!("`{t}` (not understood: not checked)"),
        (None, _) => "—".into(),
    };
    let mut dict_key = Vec::new();
    if facts.primary_key {
        dict_key.push("primary key".to_string());
    }
    if let Some(r) = &facts.references {
        dict_key.push(format!("→ {r}"));
    }
    // SQL: the entity's table and the attribute's column.
    let mut sql = ["—".to_string(), "—".to_string(), "—".to_string()];
    if let Some(t) = alignment::entity_table(index, e) {
        let n = crate::model::dictionary::normalize_name(&a.name);
        match t
            .columns
            .iter()
            .find(|c| crate::model::dictionary::normalize_name(&c.def.name) == n)
        {
            Some(c) => {
                let col_ty = alignment::column_type(index, t, c);
                let bad = match (&facts.ty, &col_ty) {
                    (Some(d), Some(ct)) => {
                        sql_mismatch(d, ct, t.dialect, t.check_in(&c.def.name).as_deref()).is_some()
                    }
                    _ => false,
                };
                let check = t
                    .check_in(&c.def.name)
                    .map(|v| format!(" CHECK IN ({})", v.join(", ")))
                    .unwrap_or_default();
                sql[0] = format!("`{}`{check}{}", c.def.ty, if bad { " ✗" } else { "" });
                let key = t.in_primary_key(&c.def.name);
                let required = c.def.not_null || key;
                let req_bad = match facts.required {
                    Some(true) => !required,
                    Some(false) => c.def.not_null && !c.def.default && !key,
                    None => false,
                };
                sql[1] = format!(
                    "{}{}",
                    if required { "NOT NULL" } else { "nullable" },
                    if req_bad { " ✗" } else { "" }
                );
                let mut k = Vec::new();
                if key {
                    k.push("primary key".to_string());
                }
                if let Some(r) = t.reference(&c.def.name) {
                    k.push(format!("→ {}", r.table));
                } else if facts.references.is_some() {
                    k.push("no foreign key ✗".into());
                }
                if !k.is_empty() {
                    sql[2] = k.join(", ");
                }
            }
            None => sql[0] = format!("no column in `{}` ✗", t.name),
        }
    }
    // API: the property of each schema standing for the entity.
    let mut api = ["—".to_string(), "—".to_string()];
    for (name, file, node, entity, _) in
        crate::rules::property_not_in_dictionary::entity_schemas(index)
    {
        if !std::ptr::eq(entity, e) {
            continue;
        }
        let Some(p) = node.get("properties").and_then(|ps| {
            ps.entries()
                .iter()
                .find(|p| e.attribute(&p.key).is_some_and(|x| std::ptr::eq(x, a)))
        }) else {
            continue;
        };
        let (_, target) = index.deref(&file, &p.value);
        let Some(f) = alignment::schema_facts(target) else {
            continue;
        };
        let bad = facts
            .ty
            .as_ref()
            .is_some_and(|d| schema_mismatch(d, &f).is_some());
        let mut desc = vec![f.ty.clone().unwrap_or_else(|| "any".into())];
        desc.extend(f.format.iter().map(|x| format!("format: {x}")));
        desc.extend(f.max_length.iter().map(|x| format!("maxLength: {x}")));
        if let Some(v) = &f.enum_values {
            desc.push(format!("enum: {}", v.join(", ")));
        }
        api[0] = format!(
            "`{name}.{}`: {}{}",
            p.key,
            desc.join(", "),
            if bad { " ✗" } else { "" }
        );
        let listed = node
            .get("required")
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .any(|r| r.as_str() == Some(p.key.as_str()));
        let in_response = crate::rules::required_mismatch::response_schemas(index)
            .contains(&(file.clone(), node.span.start));
        api[1] = match (listed, facts.required, in_response) {
            (true, _, _) => "required".into(),
            (false, Some(true), true) => "optional ✗".into(),
            (false, _, _) => "optional".into(),
        };
        break;
    }
    format!(
        "\n\n| | Dictionary | SQL | API |\n|---|---|---|---|\n| Type | {dict_type} | {} | {} |\n| Required | {} | {} | {} |\n| Key | {} | {} | |\n",
        sql[0],
        api[0],
        yes_no(facts.required),
        sql[1],
        api[1],
        if dict_key.is_empty() { "—".into() } else { dict_key.join(", ") },
        sql[2],
    )
}
