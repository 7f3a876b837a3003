//! The OpenAPI 3.0 object model as tables, and one walk of the located tree
//! that reports every place where a document does not fit it.
//!
//! The tables say what the `openapiv3` crate (2.x) reads, which is what code
//! generators and servers built on it read: which fields each object has,
//! their types, which are required. The walk applies the rules serde
//! follows when it deserializes `openapiv3`'s types from the document read
//! as JSON, so that a document has no misfit exactly when `openapiv3`
//! accepts it (a differential test, `oas30_oracle`, holds the two together):
//!
//! - Unknown keys are ignored everywhere; `x-` extensions take any value.
//! - A field that `openapiv3` types as `Option` may be missing or null
//!   ([`Need::Optional`]); a defaulted list, map or boolean may be missing
//!   but not null ([`Need::Default`]); other fields must be present.
//! - Scalars have their YAML 1.2 core-schema type ([`scalar_kind`]):
//!   `version: 1.0` is a number, so not a string; `'1.0'` is a string.
//! - A Reference Object is a map whose `$ref` is a string; its other keys
//!   are not read. A map whose `$ref` is not a string is read as the object.
//! - Paths are the keys that start with `/`; responses are the keys of
//!   three characters that are a status code (100 to 999) or a range
//!   (`2XX`, `2xx`); other keys are ignored.
//! - Parameter `in` and Security Scheme `type` pick the object's variant;
//!   serde also takes the variant's position (`in: 0` is `query`).
//! - Fieldless enums (`style`, an API key's `in`) are a name, or serde's
//!   other spelling of one, a map of one name to null (`{form: null}`).
//! - A Parameter or Header has `schema` or `content`; when it has both,
//!   only `content` is read (the JSON map is sorted, and serde takes the
//!   first). A Link's `operationId` and `operationRef` likewise.
//! - An Operation's `callbacks` are Callback Objects, not references, and
//!   every key of a callback, `x-` included, is a Path Item.
//! - A repeated key: the first one counts (JSON maps keep one).
//! - A value nested more than [`MAX_DEPTH`] levels deep reads as null.
//! - Schemas: any mix of keywords fits as long as each has its type (the
//!   crate falls back to its catch-all schema kind).
//!
//! The walk allocates nothing unless it finds a misfit.

use crate::memo::{relocate_span, Pass, Relocate};
use specgate_syntax::tree::{Entry, Node, ScalarStyle, Span, Value};

/// At most this many misfits are reported per document.
pub const MAX_MISFITS: usize = 200;

/// Values nested deeper than this read as null (and are not walked), like
/// the JSON conversion the `openapiv3` reading went through.
pub const MAX_DEPTH: u32 = 256;

/// One place where a document does not fit the model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Misfit {
    pub span: Span,
    pub message: String,
}

/// What a value must be.
#[derive(Clone, Copy, Debug)]
pub enum Ty {
    /// Anything (examples, defaults, extension values).
    Any,
    Str,
    Bool,
    /// A whole number, 0 or more (`minLength`, …).
    Count,
    /// Any number (`minimum`, `multipleOf`, …).
    Number,
    Obj(&'static Obj),
    /// A Reference Object or the type.
    RefOr(&'static Ty),
    /// A map from any key to the type.
    Map(&'static Ty),
    List(&'static Ty),
    /// One of these names (a fieldless enum).
    Name(&'static [&'static str]),
    /// `true`, `false` or the type (`additionalProperties`).
    BoolOr(&'static Ty),
}

/// Whether a field must be there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    Required,
    /// May be missing or null.
    Optional,
    /// May be missing, not null.
    Default,
    /// One of the object's `Either` fields is required; when several are
    /// there, only the first in byte order of the keys is read.
    Either,
}

#[derive(Debug)]
pub struct Field {
    pub key: &'static str,
    pub ty: &'static Ty,
    pub need: Need,
    /// The first eight bytes of `key` ([`head`]): keys are told apart by
    /// their length and head without a string comparison.
    head: u64,
}

/// The first eight bytes of a key (zero-padded), little-endian.
const fn head(key: &[u8]) -> u64 {
    let mut h = 0u64;
    let mut i = 0;
    while i < key.len() && i < 8 {
        h |= (key[i] as u64) << (8 * i);
        i += 1;
    }
    h
}

/// `x-`, as a [`head`] mask.
const EXTENSION: u64 = head(b"x-");

/// Keys other than the fields that hold values of one type.
#[derive(Debug)]
pub struct Pattern {
    pub keys: fn(&str) -> bool,
    pub ty: &'static Ty,
}

/// A field whose value picks the variant of the object.
#[derive(Debug)]
pub struct Tag {
    pub key: &'static str,
    pub variants: &'static [(&'static str, &'static Obj)],
}

/// An object of the model.
#[derive(Debug)]
pub struct Obj {
    /// With its article, for messages: "an Operation Object".
    pub name: &'static str,
    /// At most 64.
    pub fields: &'static [Field],
    pub pattern: Option<Pattern>,
    /// When set, the object is one of the variants (and `fields` is empty).
    pub tag: Option<Tag>,
    /// The fields that are [`Need::Required`] or [`Need::Either`], as bits
    /// of their indexes: most objects (schemas) have none to check.
    needs: u64,
}

const fn f(key: &'static str, ty: &'static Ty, need: Need) -> Field {
    Field {
        key,
        ty,
        need,
        head: head(key.as_bytes()),
    }
}

/// What a key is, besides a field index ([`Walk::fields`]).
const SKIP: u8 = u8::MAX;
const PATTERN: u8 = u8::MAX - 1;

/// The index of the field named `key` in `o`.
#[inline]
fn lookup(o: &Obj, key: &[u8], h: u64) -> Option<usize> {
    o.fields.iter().position(|f| {
        f.head == h
            && f.key.len() == key.len()
            && (key.len() <= 8 || f.key.as_bytes()[8..] == key[8..])
    })
}

const fn obj(name: &'static str, fields: &'static [Field]) -> Obj {
    patterned(name, fields, None)
}

const fn patterned(name: &'static str, fields: &'static [Field], pattern: Option<Pattern>) -> Obj {
    assert!(fields.len() <= 64);
    let mut needs = 0;
    let mut i = 0;
    while i < fields.len() {
        if matches!(fields[i].need, Need::Required | Need::Either) {
            needs |= 1 << i;
        }
        i += 1;
    }
    Obj {
        name,
        fields,
        pattern,
        tag: None,
        needs,
    }
}

const fn tagged(name: &'static str, tag: Tag) -> Obj {
    Obj {
        name,
        fields: &[],
        pattern: None,
        tag: Some(tag),
        needs: 0,
    }
}

use Need::{Default as Def, Either, Optional as Opt, Required as Req};

const STR: Ty = Ty::Str;
const BOOL: Ty = Ty::Bool;
const ANY: Ty = Ty::Any;
const COUNT: Ty = Ty::Count;
const NUMBER: Ty = Ty::Number;
static STRINGS: Ty = Ty::List(&STR);

/// The root of a 3.0 document.
pub static OPENAPI: Obj = obj(
    "the OpenAPI Object",
    &[
        f("openapi", &STR, Req),
        f("info", &Ty::Obj(&INFO), Req),
        f("servers", &Ty::List(&Ty::Obj(&SERVER)), Def),
        f("paths", &Ty::Obj(&PATHS), Req),
        f("components", &Ty::Obj(&COMPONENTS), Opt),
        f("security", &Ty::List(&SECURITY_REQUIREMENT), Opt),
        f("tags", &Ty::List(&Ty::Obj(&TAG)), Def),
        f("externalDocs", &Ty::Obj(&EXTERNAL_DOCS), Opt),
    ],
);

static INFO: Obj = obj(
    "an Info Object",
    &[
        f("title", &STR, Req),
        f("description", &STR, Opt),
        f("termsOfService", &STR, Opt),
        f("contact", &Ty::Obj(&CONTACT), Opt),
        f("license", &Ty::Obj(&LICENSE), Opt),
        f("version", &STR, Req),
    ],
);

static CONTACT: Obj = obj(
    "a Contact Object",
    &[
        f("name", &STR, Opt),
        f("url", &STR, Opt),
        f("email", &STR, Opt),
    ],
);

static LICENSE: Obj = obj(
    "a License Object",
    &[f("name", &STR, Req), f("url", &STR, Opt)],
);

static SERVER: Obj = obj(
    "a Server Object",
    &[
        f("url", &STR, Req),
        f("description", &STR, Opt),
        f("variables", &Ty::Map(&Ty::Obj(&SERVER_VARIABLE)), Opt),
    ],
);

static SERVER_VARIABLE: Obj = obj(
    "a Server Variable Object",
    &[
        f("enum", &STRINGS, Def),
        f("default", &STR, Req),
        f("description", &STR, Opt),
    ],
);

static COMPONENTS: Obj = obj(
    "a Components Object",
    &[
        f("schemas", &Ty::Map(&SCHEMA_OR_REF), Def),
        f("responses", &Ty::Map(&RESPONSE_OR_REF), Def),
        f("parameters", &Ty::Map(&PARAMETER_OR_REF), Def),
        f("examples", &Ty::Map(&EXAMPLE_OR_REF), Def),
        f("requestBodies", &Ty::Map(&REQUEST_BODY_OR_REF), Def),
        f("headers", &Ty::Map(&HEADER_OR_REF), Def),
        f(
            "securitySchemes",
            &Ty::Map(&Ty::RefOr(&Ty::Obj(&SECURITY_SCHEME))),
            Def,
        ),
        f("links", &Ty::Map(&LINK_OR_REF), Def),
        f("callbacks", &Ty::Map(&Ty::RefOr(&CALLBACK)), Def),
    ],
);

static PATHS: Obj = patterned(
    "a Paths Object",
    &[],
    Some(Pattern {
        keys: is_path,
        ty: &Ty::RefOr(&Ty::Obj(&PATH_ITEM)),
    }),
);

fn is_path(key: &str) -> bool {
    key.starts_with('/')
}

static PATH_ITEM: Obj = obj(
    "a Path Item Object",
    &[
        f("summary", &STR, Opt),
        f("description", &STR, Opt),
        f("get", &OPERATION, Opt),
        f("put", &OPERATION, Opt),
        f("post", &OPERATION, Opt),
        f("delete", &OPERATION, Opt),
        f("options", &OPERATION, Opt),
        f("head", &OPERATION, Opt),
        f("patch", &OPERATION, Opt),
        f("trace", &OPERATION, Opt),
        f("servers", &Ty::List(&Ty::Obj(&SERVER)), Def),
        f("parameters", &Ty::List(&PARAMETER_OR_REF), Def),
    ],
);

/// An Operation, or (not allowed by 3.0, but common in split specs and
/// resolved by Redocly and Specgate) a reference to one: the rule reports
/// operation references once per document, apart from the misfits.
static OPERATION: Ty = Ty::RefOr(&Ty::Obj(&OPERATION_OBJ));

static OPERATION_OBJ: Obj = obj(
    "an Operation Object",
    &[
        f("tags", &STRINGS, Def),
        f("summary", &STR, Opt),
        f("description", &STR, Opt),
        f("externalDocs", &Ty::Obj(&EXTERNAL_DOCS), Opt),
        f("operationId", &STR, Opt),
        f("parameters", &Ty::List(&PARAMETER_OR_REF), Def),
        f("requestBody", &REQUEST_BODY_OR_REF, Opt),
        f("responses", &Ty::Obj(&RESPONSES), Req),
        f("callbacks", &Ty::Map(&CALLBACK), Def),
        f("deprecated", &BOOL, Def),
        f("security", &Ty::List(&SECURITY_REQUIREMENT), Opt),
        f("servers", &Ty::List(&Ty::Obj(&SERVER)), Def),
    ],
);

/// A map of scheme names to scopes.
static SECURITY_REQUIREMENT: Ty = Ty::Map(&STRINGS);

/// A map of expressions to Path Items.
static CALLBACK: Ty = Ty::Map(&Ty::Obj(&PATH_ITEM));

static RESPONSES: Obj = patterned(
    "a Responses Object",
    &[f("default", &RESPONSE_OR_REF, Opt)],
    Some(Pattern {
        keys: is_status_code,
        ty: &RESPONSE_OR_REF,
    }),
);

/// `200`, `404`, `2XX`, `5xx`: what `openapiv3` reads as a status code.
pub fn is_status_code(key: &str) -> bool {
    let b = key.as_bytes();
    if b.len() != 3 {
        return false;
    }
    if let Ok(n) = key.parse::<i64>() {
        return (100..1000).contains(&n);
    }
    b[0].is_ascii_digit() && b[1].eq_ignore_ascii_case(&b'X') && b[2].eq_ignore_ascii_case(&b'X')
}

static RESPONSE_OR_REF: Ty = Ty::RefOr(&Ty::Obj(&RESPONSE));

static RESPONSE: Obj = obj(
    "a Response Object",
    &[
        f("description", &STR, Req),
        f("headers", &Ty::Map(&HEADER_OR_REF), Def),
        f("content", &CONTENT, Def),
        f("links", &Ty::Map(&LINK_OR_REF), Def),
    ],
);

/// A map of media types to Media Type Objects.
static CONTENT: Ty = Ty::Map(&Ty::Obj(&MEDIA_TYPE));

static MEDIA_TYPE: Obj = obj(
    "a Media Type Object",
    &[
        f("schema", &SCHEMA_OR_REF, Opt),
        f("example", &ANY, Opt),
        f("examples", &Ty::Map(&EXAMPLE_OR_REF), Def),
        f("encoding", &Ty::Map(&Ty::Obj(&ENCODING)), Def),
    ],
);

static ENCODING: Obj = obj(
    "an Encoding Object",
    &[
        f("contentType", &STR, Opt),
        f("headers", &Ty::Map(&HEADER_OR_REF), Def),
        f("style", &QUERY_STYLE, Opt),
        f("explode", &BOOL, Def),
        f("allowReserved", &BOOL, Def),
    ],
);

static EXAMPLE_OR_REF: Ty = Ty::RefOr(&Ty::Obj(&EXAMPLE));

static EXAMPLE: Obj = obj(
    "an Example Object",
    &[
        f("summary", &STR, Opt),
        f("description", &STR, Opt),
        f("value", &ANY, Opt),
        f("externalValue", &STR, Opt),
    ],
);

static REQUEST_BODY_OR_REF: Ty = Ty::RefOr(&Ty::Obj(&REQUEST_BODY));

static REQUEST_BODY: Obj = obj(
    "a Request Body Object",
    &[
        f("description", &STR, Opt),
        f("content", &CONTENT, Def),
        f("required", &BOOL, Def),
    ],
);

static HEADER_OR_REF: Ty = Ty::RefOr(&Ty::Obj(&HEADER));

static HEADER: Obj = obj(
    "a Header Object",
    &[
        f("description", &STR, Opt),
        f("style", &Ty::Name(&["simple"]), Def),
        f("required", &BOOL, Def),
        f("deprecated", &BOOL, Opt),
        f("schema", &SCHEMA_OR_REF, Either),
        f("content", &CONTENT, Either),
        f("example", &ANY, Opt),
        f("examples", &Ty::Map(&EXAMPLE_OR_REF), Def),
    ],
);

static PARAMETER_OR_REF: Ty = Ty::RefOr(&Ty::Obj(&PARAMETER));

static PARAMETER: Obj = tagged(
    "a Parameter Object",
    Tag {
        key: "in",
        variants: &[
            ("query", &QUERY_PARAMETER),
            ("header", &HEADER_PARAMETER),
            ("path", &PATH_PARAMETER),
            ("cookie", &COOKIE_PARAMETER),
        ],
    },
);

static QUERY_STYLE: Ty = Ty::Name(&["form", "spaceDelimited", "pipeDelimited", "deepObject"]);

/// The fields every parameter has, then those of its location.
macro_rules! parameter_fields {
    ($($extra:expr),*) => {
        &[
            f("name", &STR, Req),
            f("description", &STR, Opt),
            f("required", &BOOL, Def),
            f("deprecated", &BOOL, Opt),
            f("schema", &SCHEMA_OR_REF, Either),
            f("content", &CONTENT, Either),
            f("example", &ANY, Opt),
            f("examples", &Ty::Map(&EXAMPLE_OR_REF), Def),
            f("explode", &BOOL, Opt),
            $($extra),*
        ]
    };
}

static QUERY_PARAMETER: Obj = obj(
    "a query Parameter Object",
    parameter_fields!(
        f("allowReserved", &BOOL, Def),
        f("style", &QUERY_STYLE, Def),
        f("allowEmptyValue", &BOOL, Opt)
    ),
);

static HEADER_PARAMETER: Obj = obj(
    "a header Parameter Object",
    parameter_fields!(f("style", &Ty::Name(&["simple"]), Def)),
);

static PATH_PARAMETER: Obj = obj(
    "a path Parameter Object",
    parameter_fields!(f("style", &Ty::Name(&["matrix", "label", "simple"]), Def)),
);

static COOKIE_PARAMETER: Obj = obj(
    "a cookie Parameter Object",
    parameter_fields!(f("style", &Ty::Name(&["form"]), Def)),
);

static LINK_OR_REF: Ty = Ty::RefOr(&Ty::Obj(&LINK));

static LINK: Obj = obj(
    "a Link Object",
    &[
        f("description", &STR, Opt),
        f("operationRef", &STR, Either),
        f("operationId", &STR, Either),
        f("requestBody", &ANY, Opt),
        f("parameters", &Ty::Map(&ANY), Def),
        f("server", &Ty::Obj(&SERVER), Opt),
    ],
);

static SECURITY_SCHEME: Obj = tagged(
    "a Security Scheme Object",
    Tag {
        key: "type",
        variants: &[
            ("apiKey", &API_KEY_SCHEME),
            ("http", &HTTP_SCHEME),
            ("oauth2", &OAUTH2_SCHEME),
            ("openIdConnect", &OPENID_SCHEME),
        ],
    },
);

static API_KEY_SCHEME: Obj = obj(
    "an apiKey Security Scheme Object",
    &[
        f("in", &Ty::Name(&["query", "header", "cookie"]), Req),
        f("name", &STR, Req),
        f("description", &STR, Opt),
    ],
);

static HTTP_SCHEME: Obj = obj(
    "an http Security Scheme Object",
    &[
        f("scheme", &STR, Req),
        f("bearerFormat", &STR, Opt),
        f("description", &STR, Opt),
    ],
);

static OAUTH2_SCHEME: Obj = obj(
    "an oauth2 Security Scheme Object",
    &[
        f("flows", &Ty::Obj(&OAUTH_FLOWS), Req),
        f("description", &STR, Opt),
    ],
);

static OPENID_SCHEME: Obj = obj(
    "an openIdConnect Security Scheme Object",
    &[
        f("openIdConnectUrl", &STR, Req),
        f("description", &STR, Opt),
    ],
);

static OAUTH_FLOWS: Obj = obj(
    "an OAuth Flows Object",
    &[
        f("implicit", &Ty::Obj(&IMPLICIT_FLOW), Opt),
        f("password", &Ty::Obj(&PASSWORD_FLOW), Opt),
        f("clientCredentials", &Ty::Obj(&CLIENT_CREDENTIALS_FLOW), Opt),
        f("authorizationCode", &Ty::Obj(&AUTHORIZATION_CODE_FLOW), Opt),
    ],
);

static SCOPES: Ty = Ty::Map(&STR);

static IMPLICIT_FLOW: Obj = obj(
    "an implicit OAuth Flow Object",
    &[
        f("authorizationUrl", &STR, Req),
        f("refreshUrl", &STR, Opt),
        f("scopes", &SCOPES, Req),
    ],
);

static PASSWORD_FLOW: Obj = obj(
    "a password OAuth Flow Object",
    &[
        f("refreshUrl", &STR, Opt),
        f("tokenUrl", &STR, Req),
        f("scopes", &SCOPES, Req),
    ],
);

static CLIENT_CREDENTIALS_FLOW: Obj = obj(
    "a clientCredentials OAuth Flow Object",
    &[
        f("refreshUrl", &STR, Opt),
        f("tokenUrl", &STR, Req),
        f("scopes", &SCOPES, Req),
    ],
);

static AUTHORIZATION_CODE_FLOW: Obj = obj(
    "an authorizationCode OAuth Flow Object",
    &[
        f("authorizationUrl", &STR, Req),
        f("tokenUrl", &STR, Req),
        f("refreshUrl", &STR, Opt),
        f("scopes", &SCOPES, Req),
    ],
);

static EXTERNAL_DOCS: Obj = obj(
    "an External Documentation Object",
    &[f("description", &STR, Opt), f("url", &STR, Req)],
);

static TAG: Obj = obj(
    "a Tag Object",
    &[
        f("name", &STR, Req),
        f("description", &STR, Opt),
        f("externalDocs", &Ty::Obj(&EXTERNAL_DOCS), Opt),
    ],
);

static SCHEMA_OR_REF: Ty = Ty::RefOr(&Ty::Obj(&SCHEMA));
static SCHEMAS: Ty = Ty::List(&SCHEMA_OR_REF);

/// Every keyword is optional; the most frequent come first (the walk looks
/// keys up in order).
static SCHEMA: Obj = obj(
    "a Schema Object",
    &[
        f("type", &STR, Opt),
        f("description", &STR, Opt),
        f("properties", &Ty::Map(&SCHEMA_OR_REF), Opt),
        f("items", &SCHEMA_OR_REF, Opt),
        f("nullable", &BOOL, Def),
        f("format", &STR, Opt),
        f("enum", &Ty::List(&ANY), Opt),
        f("required", &STRINGS, Opt),
        f("anyOf", &SCHEMAS, Opt),
        f("maxLength", &COUNT, Opt),
        f("title", &STR, Opt),
        f("additionalProperties", &Ty::BoolOr(&SCHEMA_OR_REF), Opt),
        f("example", &ANY, Opt),
        f("allOf", &SCHEMAS, Opt),
        f("oneOf", &SCHEMAS, Opt),
        f("readOnly", &BOOL, Def),
        f("writeOnly", &BOOL, Def),
        f("deprecated", &BOOL, Def),
        f("default", &ANY, Opt),
        f("minimum", &NUMBER, Opt),
        f("maximum", &NUMBER, Opt),
        f("minLength", &COUNT, Opt),
        f("pattern", &STR, Opt),
        f("minItems", &COUNT, Opt),
        f("maxItems", &COUNT, Opt),
        f("uniqueItems", &BOOL, Opt),
        f("discriminator", &Ty::Obj(&DISCRIMINATOR), Opt),
        f("externalDocs", &Ty::Obj(&EXTERNAL_DOCS), Opt),
        f("not", &SCHEMA_OR_REF, Opt),
        f("multipleOf", &NUMBER, Opt),
        f("exclusiveMinimum", &BOOL, Opt),
        f("exclusiveMaximum", &BOOL, Opt),
        f("minProperties", &COUNT, Opt),
        f("maxProperties", &COUNT, Opt),
    ],
);

static DISCRIMINATOR: Obj = obj(
    "a Discriminator Object",
    &[
        f("propertyName", &STR, Req),
        f("mapping", &Ty::Map(&STR), Def),
    ],
);

/// The JSON type of a scalar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Null,
    Bool,
    /// An integer, 0 or more, that fits an `i64`.
    Unsigned,
    /// A negative integer.
    Negative,
    /// Any other number.
    Float,
    Str,
    Map,
    Seq,
}

/// How a scalar reads in the YAML 1.2 core schema (what the `openapiv3`
/// reading saw): quoted and block scalars are strings; plain ones may be
/// null, booleans or numbers. Integers that do not fit an `i64` are
/// floats; numbers that overflow a float, and anything with `x`, `o` or
/// `_`, stay strings.
pub fn scalar_kind(s: &str, style: ScalarStyle) -> Kind {
    if !matches!(style, ScalarStyle::Plain | ScalarStyle::JsonLiteral) {
        return Kind::Str;
    }
    match s {
        "true" | "True" | "TRUE" | "false" | "False" | "FALSE" => return Kind::Bool,
        "null" | "Null" | "NULL" | "~" | "" => return Kind::Null,
        _ => {}
    }
    // A number has a digit and starts with one, a sign or a dot: most
    // strings are told apart by their first byte.
    if !matches!(s.as_bytes()[0], b'0'..=b'9' | b'+' | b'-' | b'.') {
        return Kind::Str;
    }
    if let Ok(i) = s.parse::<i64>() {
        return if i < 0 {
            Kind::Negative
        } else {
            Kind::Unsigned
        };
    }
    if s.bytes().any(|b| b.is_ascii_digit()) && !s.contains(['x', 'o', '_']) {
        if let Ok(v) = s.parse::<f64>() {
            if v.is_finite() {
                return Kind::Float;
            }
        }
    }
    Kind::Str
}

/// The JSON type of a node `depth` levels below the root.
pub fn kind(node: &Node, depth: u32) -> Kind {
    if depth > MAX_DEPTH {
        return Kind::Null;
    }
    match &node.value {
        Value::Scalar(s, style) => scalar_kind(s, *style),
        Value::Map(..) => Kind::Map,
        Value::Seq(..) => Kind::Seq,
        Value::Missing => Kind::Null,
    }
}

/// Every place where `root`, a 3.0 document, does not fit the model (at
/// most [`MAX_MISFITS`], then one that says more were left out).
pub fn misfits(root: &Node) -> Vec<Misfit> {
    walk(root, None)
}

/// [`misfits`], with the map entries whose text did not change since the
/// walk that recorded `memo` taken from it (see [`crate::memo`]).
pub fn misfits_with(root: &Node, memo: &mut Pass<'_, Misfit>) -> Vec<Misfit> {
    walk(root, Some(memo))
}

impl Relocate for Misfit {
    fn relocate(&self, from: u32, to: u32) -> Self {
        Misfit {
            span: relocate_span(self.span, from, to),
            message: self.message.clone(),
        }
    }
}

fn walk(root: &Node, memo: Option<&mut Pass<'_, Misfit>>) -> Vec<Misfit> {
    let with_memo = memo.is_some();
    let mut walk = Walk {
        out: Vec::new(),
        memo,
        refused: false,
    };
    let anchor = root
        .entry("openapi")
        .map(|e| e.key_span)
        .unwrap_or(root.span);
    walk.value(root, 0, Ty::Obj(&OPENAPI), Place::Root(anchor));
    if walk.refused && with_memo {
        // The cap was reached: a walk that stops part-way through an entry
        // may find other things than the entry's whole results replayed.
        // Rare (a document with hundreds of misfits): walk it all again.
        return self::walk(root, None);
    }
    if walk.out.len() > MAX_MISFITS {
        walk.out.truncate(MAX_MISFITS);
        walk.out.push(Misfit {
            span: anchor,
            message: format!("more than {MAX_MISFITS} misfits: only the first are reported"),
        });
    }
    walk.out
}

/// Identity of an expected type, for the memo: the tables are statics.
fn ty_id(ty: Ty) -> u64 {
    let (tag, ptr): (u64, usize) = match ty {
        Ty::Any => (1, 0),
        Ty::Str => (2, 0),
        Ty::Bool => (3, 0),
        Ty::Count => (4, 0),
        Ty::Number => (5, 0),
        Ty::Obj(o) => (6, o as *const Obj as usize),
        Ty::RefOr(t) => (7, t as *const Ty as usize),
        Ty::Map(t) => (8, t as *const Ty as usize),
        Ty::List(t) => (9, t as *const Ty as usize),
        Ty::Name(n) => (10, n.as_ptr() as usize),
        Ty::BoolOr(t) => (11, t as *const Ty as usize),
    };
    (tag << 56) ^ ptr as u64
}

/// Where a value is, for messages and locations.
#[derive(Clone, Copy)]
enum Place<'t> {
    /// The document; the span to report a missing field at.
    Root(Span),
    /// A field of an object.
    Field(&'t Entry, &'static Obj),
    /// An entry of a map (a path, a status code, a schema name).
    Entry(&'t Entry),
    /// Item `i` (0-based) of the list under a key.
    Item(usize, &'t Node, &'t str),
}

impl Place<'_> {
    /// Where a field missing from the value here is reported: the key the
    /// value is under, or the list item.
    fn anchor(&self) -> Span {
        match self {
            Place::Root(s) => *s,
            Place::Field(e, _) | Place::Entry(e) => e.key_span,
            Place::Item(_, n, _) => n.span,
        }
    }

    /// The key of the value here (the list's key for an item).
    fn key(&self) -> &str {
        match self {
            Place::Root(_) => "",
            Place::Field(e, _) | Place::Entry(e) => &e.key,
            Place::Item(_, _, k) => k,
        }
    }

    fn describe(&self) -> String {
        match self {
            Place::Root(_) => "the document".to_string(),
            Place::Field(e, o) => format!("`{}` of {}", e.key, o.name),
            Place::Entry(e) => format!("`{}`", e.key),
            Place::Item(i, _, k) => format!("item {} of `{k}`", i + 1),
        }
    }
}

struct Walk<'m, 'p> {
    out: Vec<Misfit>,
    memo: Option<&'m mut Pass<'p, Misfit>>,
    /// Whether something was not walked or not kept for the cap.
    refused: bool,
}

impl Walk<'_, '_> {
    /// One more than the cap: the extra one says that the list was cut.
    fn full(&self) -> bool {
        self.out.len() > MAX_MISFITS
    }

    fn value(&mut self, node: &Node, depth: u32, ty: Ty, place: Place) {
        self.value_of(node, depth, kind(node, depth), ty, place);
    }

    /// [`Self::value`] for a node of kind `k`.
    fn value_of(&mut self, node: &Node, depth: u32, k: Kind, ty: Ty, place: Place) {
        if self.full() {
            self.refused = true;
            return;
        }
        let fits = match ty {
            Ty::Any => true,
            Ty::Str => k == Kind::Str,
            Ty::Bool => k == Kind::Bool,
            Ty::Count => k == Kind::Unsigned,
            Ty::Number => matches!(k, Kind::Unsigned | Kind::Negative | Kind::Float),
            Ty::Obj(o) => {
                if k == Kind::Map {
                    self.object(node, depth, o, place, false);
                }
                k == Kind::Map
            }
            Ty::RefOr(t) => {
                if k == Kind::Map {
                    match t {
                        // Most references are schemas: found in the one
                        // pass over the keys.
                        Ty::Obj(o) => self.object(node, depth, o, place, true),
                        _ if is_reference(node, depth) => {}
                        _ => self.value(node, depth, *t, place),
                    }
                }
                k == Kind::Map
            }
            Ty::BoolOr(t) => {
                if k == Kind::Map {
                    self.value(node, depth, *t, place);
                }
                matches!(k, Kind::Map | Kind::Bool)
            }
            Ty::Map(t) => {
                if k == Kind::Map && !matches!(t, Ty::Any) {
                    let entries = node.entries();
                    for i in 0..entries.len() {
                        self.entry(entries, i, depth + 1, *t);
                    }
                }
                k == Kind::Map
            }
            Ty::List(t) => {
                if k == Kind::Seq && !matches!(t, Ty::Any) {
                    let key = place.key();
                    for (i, item) in node.items().iter().enumerate() {
                        self.value(item, depth + 1, *t, Place::Item(i, item, key));
                    }
                }
                k == Kind::Seq
            }
            Ty::Name(names) => match k {
                Kind::Str => names.contains(&node.as_str().unwrap_or_default()),
                // serde's other spelling of a name: `{name: null}`.
                Kind::Map => match node.entries() {
                    [e] => {
                        names.contains(&e.key.as_str()) && kind(&e.value, depth + 1) == Kind::Null
                    }
                    _ => false,
                },
                _ => false,
            },
        };
        if !fits {
            self.wrong(node, depth, k, ty, place);
        }
    }

    /// Entry `i` of a map whose values are `ty`. A repeated key is not
    /// read (the first one counts), so what is wrong under it is dropped;
    /// the search for an earlier twin happens only then.
    fn entry(&mut self, entries: &[Entry], i: usize, depth: u32, ty: Ty) {
        let before = self.out.len();
        let e = &entries[i];
        self.entry_value(e, depth, ty);
        if self.out.len() > before && entries[..i].iter().any(|x| x.key == e.key) {
            self.out.truncate(before);
        }
    }

    /// The value of entry `e`, from the memo when the entry's text is
    /// unchanged since it was recorded.
    fn entry_value(&mut self, e: &Entry, depth: u32, ty: Ty) {
        let extent = Span::new(e.key_span.start, e.value.span.end.max(e.key_span.end));
        let key = match self.memo.as_deref() {
            Some(m) if !self.full() => m.key(ty_id(ty), depth, &e.key, extent),
            _ => None,
        };
        let Some(key) = key else {
            self.value(&e.value, depth, ty, Place::Entry(e));
            return;
        };
        if let Some(found) = self.memo.as_deref_mut().and_then(|m| m.get(key, extent)) {
            for m in found {
                self.push(m.span, m.message);
            }
            return;
        }
        let (before, refused) = (self.out.len(), self.refused);
        self.value(&e.value, depth, ty, Place::Entry(e));
        if let (false, Some(m)) = (self.refused != refused, self.memo.as_deref_mut()) {
            m.put(key, extent, &self.out[before..], |x| x.span);
        }
    }

    /// A map that must be the object `o`.
    /// Or a Reference Object, when `or_ref`.
    fn object(&mut self, node: &Node, depth: u32, o: &'static Obj, place: Place, or_ref: bool) {
        let entries = node.entries();
        let Some(tag) = &o.tag else {
            self.fields(entries, depth, o, place, or_ref);
            return;
        };
        // The first tag and the first `$ref`, in one pass.
        let (mut tag_entry, mut reference) = (None, None);
        for e in entries {
            if tag_entry.is_none() && e.key == tag.key {
                tag_entry = Some(e);
            } else if or_ref && reference.is_none() && e.key == "$ref" {
                reference = Some(e);
            }
        }
        if reference.is_some_and(|e| kind(&e.value, depth + 1) == Kind::Str) {
            return;
        }
        let Some(e) = tag_entry else {
            self.missing(place, tag.key, o);
            return;
        };
        let variant = match kind(&e.value, depth + 1) {
            Kind::Str => {
                let s = e.value.as_str().unwrap_or_default();
                tag.variants.iter().find(|(name, _)| *name == s)
            }
            // serde also takes the position of the variant.
            Kind::Unsigned => e
                .value
                .as_str()
                .and_then(|s| s.parse::<i64>().ok())
                .and_then(|i| tag.variants.get(usize::try_from(i).ok()?)),
            _ => None,
        };
        match variant {
            Some(&(_, v)) => self.fields(entries, depth, v, place, false),
            None => {
                let names: Vec<&str> = tag.variants.iter().map(|(n, _)| *n).collect();
                let span = value_span(&e.value, e.key_span);
                let found = found(&e.value, depth + 1, kind(&e.value, depth + 1));
                self.push(
                    span,
                    format!(
                        "`{}` of {} must be {}, found {found}",
                        tag.key,
                        o.name,
                        one_of(&names)
                    ),
                );
            }
        }
    }

    /// The entries of a map that must be the (untagged) object `o`, or a
    /// Reference Object when `or_ref`: then a `$ref` (the first one) that
    /// is a string drops what was found in the map and ends the walk of it.
    fn fields(
        &mut self,
        entries: &[Entry],
        depth: u32,
        o: &'static Obj,
        place: Place,
        or_ref: bool,
    ) {
        let start = self.out.len();
        let mut or_ref = or_ref;
        let mut seen: u64 = 0;
        let mut either: Option<(&Entry, &Field)> = None;
        // In chunks, first what each key is (a tight loop, so that the
        // reads of the keys and values overlap), then the walk.
        const CHUNK: usize = 16;
        let mut slots = [(SKIP, Kind::Null); CHUNK];
        for (c, chunk) in entries.chunks(CHUNK).enumerate() {
            for (slot, e) in slots.iter_mut().zip(chunk) {
                let kb = e.key.as_bytes();
                let h = if kb.len() >= 8 {
                    u64::from_le_bytes([kb[0], kb[1], kb[2], kb[3], kb[4], kb[5], kb[6], kb[7]])
                } else {
                    head(kb)
                };
                *slot = if h & 0xffff == EXTENSION {
                    (SKIP, Kind::Null)
                } else if let Some(fi) = lookup(o, kb, h) {
                    // Anything fits `Any`: its value is not read.
                    let k = match o.fields[fi].ty {
                        Ty::Any => Kind::Null,
                        _ => kind(&e.value, depth + 1),
                    };
                    (fi as u8, k)
                } else if or_ref && kb == b"$ref" {
                    // The first `$ref` counts: a string makes the map a
                    // reference, and nothing in it is read.
                    if kind(&e.value, depth + 1) == Kind::Str {
                        self.out.truncate(start);
                        return;
                    }
                    or_ref = false;
                    (SKIP, Kind::Null)
                } else if o.pattern.as_ref().is_some_and(|p| (p.keys)(&e.key)) {
                    (PATTERN, Kind::Null)
                } else {
                    (SKIP, Kind::Null)
                };
            }
            for (j, (e, &(slot, k))) in chunk.iter().zip(&slots).enumerate() {
                match slot {
                    SKIP => continue,
                    PATTERN => {
                        if let Some(p) = &o.pattern {
                            self.entry(entries, c * CHUNK + j, depth + 1, *p.ty);
                        }
                        continue;
                    }
                    _ => {}
                }
                let fi = usize::from(slot);
                let bit = 1u64 << fi;
                if seen & bit != 0 {
                    continue; // a repeated key: the first one counts
                }
                seen |= bit;
                let field = &o.fields[fi];
                match field.need {
                    Need::Either => {
                        if either.is_none_or(|(x, _)| e.key < x.key) {
                            either = Some((e, field));
                        }
                    }
                    Need::Optional if k == Kind::Null => {}
                    _ => self.value_of(&e.value, depth + 1, k, *field.ty, Place::Field(e, o)),
                }
            }
        }
        if o.needs & !seen == 0 && either.is_none() {
            return; // nothing missing, no alternative to read
        }
        let mut needs_either = false;
        for (fi, field) in o.fields.iter().enumerate() {
            match field.need {
                Need::Required if seen & (1u64 << fi) == 0 => self.missing(place, field.key, o),
                Need::Either => needs_either = true,
                _ => {}
            }
        }
        if needs_either {
            match either {
                Some((e, field)) => self.value(&e.value, depth + 1, *field.ty, Place::Field(e, o)),
                None => {
                    let keys: Vec<String> = o
                        .fields
                        .iter()
                        .filter(|f| f.need == Need::Either)
                        .map(|f| format!("`{}`", f.key))
                        .collect();
                    self.push(
                        place.anchor(),
                        format!("{} is required in {}", keys.join(" or "), o.name),
                    );
                }
            }
        }
    }

    fn missing(&mut self, place: Place, key: &str, o: &Obj) {
        self.push(place.anchor(), format!("`{key}` is required in {}", o.name));
    }

    fn wrong(&mut self, node: &Node, depth: u32, k: Kind, ty: Ty, place: Place) {
        let mut message = format!(
            "{} must be {}, found {}",
            place.describe(),
            expected(ty),
            found(node, depth, k)
        );
        if matches!(ty, Ty::Str)
            && matches!(
                k,
                Kind::Bool | Kind::Unsigned | Kind::Negative | Kind::Float
            )
        {
            message.push_str(": quote it");
        }
        self.push(value_span(node, place.anchor()), message);
    }

    fn push(&mut self, span: Span, message: String) {
        if self.full() {
            self.refused = true;
        } else {
            self.out.push(Misfit { span, message });
        }
    }
}

/// A map whose `$ref` (the first one) is a string.
fn is_reference(node: &Node, depth: u32) -> bool {
    node.entries()
        .iter()
        .find(|e| e.key == "$ref")
        .is_some_and(|e| kind(&e.value, depth + 1) == Kind::Str)
}

/// Where a wrong value is reported: the value, or `anchor` when it is
/// empty (`key:` with nothing after it).
fn value_span(node: &Node, anchor: Span) -> Span {
    if node.span.is_empty() {
        anchor
    } else {
        node.span
    }
}

fn one_of(names: &[&str]) -> String {
    match names {
        [one] => format!("`{one}`"),
        _ => {
            let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            format!("one of {}", quoted.join(", "))
        }
    }
}

fn expected(ty: Ty) -> String {
    match ty {
        Ty::Any => "anything".to_string(),
        Ty::Str => "a string".to_string(),
        Ty::Bool => "`true` or `false`".to_string(),
        Ty::Count => "a whole number, 0 or more".to_string(),
        Ty::Number => "a number".to_string(),
        Ty::Obj(o) => o.name.to_string(),
        Ty::RefOr(t) => format!("{} or a Reference Object", expected(*t)),
        Ty::Map(_) => "a map".to_string(),
        Ty::List(_) => "a list".to_string(),
        Ty::Name(names) => one_of(names),
        Ty::BoolOr(t) => format!("`true`, `false`, {}", expected(*t)),
    }
}

/// The value as a message shows it.
fn found(node: &Node, depth: u32, k: Kind) -> String {
    if depth > MAX_DEPTH {
        return format!("a value nested more than {MAX_DEPTH} levels deep");
    }
    let text = || {
        let s = node.as_str().unwrap_or_default();
        let line = s.lines().next().unwrap_or_default();
        match line.char_indices().nth(40) {
            Some((at, _)) => format!("{}…", &line[..at]),
            None if line.len() < s.len() => format!("{line}…"),
            None => line.to_string(),
        }
    };
    match k {
        Kind::Map => "a map".to_string(),
        Kind::Seq => "a list".to_string(),
        Kind::Null if matches!(node.value, Value::Missing) => "nothing".to_string(),
        Kind::Null => "null".to_string(),
        Kind::Bool => format!("`{}`", text()),
        Kind::Unsigned | Kind::Negative | Kind::Float => format!("the number `{}`", text()),
        Kind::Str => format!("`{}`", text()),
    }
}
