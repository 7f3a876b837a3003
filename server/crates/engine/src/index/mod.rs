//! The workspace index: every file parsed into its model, APIs assembled from
//! their `$ref`'d files, operations extracted, requirements resolvable by scope.
//!
//! Building is incremental in the simplest useful way: a file whose text
//! object did not change keeps its parse from the previous index, so an edit
//! re-parses one file and re-joins the (cheap) workspace view.

mod facts;
pub mod lists;
pub mod reuse;

use crate::diag::FileId;
use crate::index::reuse::Reuse;
use crate::memo::{FastMap, Pass, SubtreeMemo};
use crate::model::dictionary::{self, DictFormat, Dictionary};
use crate::model::openapi::{
    self, OpKind, Operation, RefSite, Trace, TraceSource, Version, METHODS,
};
use crate::model::prd::{self, Prd, Requirement};
use crate::model::sql::{self, SqlFile};
use crate::model::IdMention;
use crate::workspace::{join_relative, FileRole, SourceFile, Workspace};
use specgate_syntax::tree::{split_pointer, Document, Node, Span, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

/// A file's parsed content.
#[derive(Debug)]
pub enum Parsed {
    Prd(Prd),
    Dictionary(Dictionary, Option<Document>),
    /// Markdown that is neither PRD nor dictionary: only its ID mentions.
    Markdown(Vec<IdMention>),
    Structured(Document, Vec<IdMention>),
    Sql(SqlFile),
    Nothing,
}

#[derive(Clone, Debug)]
pub struct FileData {
    pub source: Arc<SourceFile>,
    pub role: FileRole,
    pub parsed: Arc<Parsed>,
}

/// One OpenAPI description: its root document and every file it reaches.
#[derive(Clone, Debug)]
pub struct Api {
    pub root: FileId,
    pub version: Version,
    pub files: BTreeSet<FileId>,
}

/// A `$ref` site and what it resolved to.
#[derive(Clone, Debug)]
pub struct RefInfo {
    pub file: FileId,
    pub site: RefSite,
    pub target: Result<Target, RefError>,
}

/// The target of a reference: a file and a JSON pointer inside it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Target {
    pub file: FileId,
    pub pointer: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum RefError {
    /// `http(s)://…`: never fetched, not checked.
    Remote,
    OutsideWorkspace(String),
    MissingFile(String),
    Unreadable(String, String),
    PointerNotFound(FileId, String),
}

impl RefError {
    pub fn message(&self, target: &str) -> Option<String> {
        Some(match self {
            RefError::Remote => return None,
            RefError::OutsideWorkspace(p) => {
                format!("`$ref: {target}` points outside the workspace ({p}); it is not read")
            }
            RefError::MissingFile(p) => format!("`$ref: {target}`: file `{p}` does not exist"),
            RefError::Unreadable(p, why) => {
                format!("`$ref: {target}`: file `{p}` cannot be used: {why}")
            }
            RefError::PointerNotFound(f, ptr) => {
                format!("`$ref: {target}`: `{ptr}` does not exist in `{f}`")
            }
        })
    }
}

/// A requirement definition: which PRD, which entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReqKey {
    pub prd: usize,
    pub req: usize,
}

/// The result of looking an ID up from a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolution {
    Found(ReqKey),
    /// Defined in several PRDs, none of them in scope.
    Ambiguous(Vec<ReqKey>),
    Unknown,
}

#[derive(Debug)]
pub struct Index {
    pub ws: Workspace,
    pub files: BTreeMap<FileId, FileData>,
    /// PRD files, sorted.
    pub prds: Vec<FileId>,
    pub dictionaries: Vec<FileId>,
    pub sql_files: Vec<FileId>,
    pub apis: Vec<Api>,
    /// Shared: a build takes the previous one's `$ref`s of unchanged files.
    pub refs: Vec<Arc<RefInfo>>,
    pub operations: Vec<Operation>,
    /// Files that are neither YAML nor JSON but exist (x-codeSamples targets).
    pub other_ref_files: BTreeSet<String>,
    /// ID → its definitions, for scoped lookup.
    defs: HashMap<String, Vec<ReqKey>>,
    ref_targets: FastMap<(FileId, u32), usize>,
    /// Where each file's `$ref`s are in `refs` (they are contiguous): the
    /// next build takes them as they are when nothing they read changed.
    ref_ranges: HashMap<FileId, (usize, usize)>,
    /// OpenAPI 3.2 `$self`: the documents that name their own URI.
    selves: SelfUris,
    lookup: MapLookup,
    /// Facts about APIs that fixes ask for (see `facts.rs`).
    facts: facts::Facts,
    /// Walk results kept for the next build (see [`crate::memo`]).
    pub(crate) memo: Mutex<Memos>,
    /// Findings of per-operation rules (see [`Index::per_op`]): those this
    /// index computed or took, for the next build, and those the previous
    /// one left, to take from.
    op_memo: Mutex<FastMap<(&'static str, String), Vec<crate::diag::Diagnostic>>>,
    prev_op_memo: Mutex<FastMap<(&'static str, String), Vec<crate::diag::Diagnostic>>>,
    /// Per operation: nothing it reads changed since the previous build.
    op_clean: Vec<bool>,
    /// Operations by where their method key is written (item file, offset),
    /// for the next build to take those whose files did not change.
    op_keys: FastMap<(FileId, u32), Vec<usize>>,
    /// Entities by snake-cased name and by table name (built on first use).
    entity_keys: std::sync::OnceLock<EntityKeys>,
    /// The SQL schema once every migration has run (built on first use).
    sql_schema: std::sync::OnceLock<Arc<crate::model::sql::schema::Schema>>,
    /// Live columns with the attribute they stand for (built on first use;
    /// five alignment rules ask).
    aligned: std::sync::OnceLock<Arc<Vec<AlignedColumn>>>,
}

/// A live SQL column and the dictionary attribute it stands for, by
/// position: `sql_schema().tables[table].columns[column]`,
/// `dictionaries[dictionary]`'s `entities[entity].attributes[attribute]`.
#[derive(Debug)]
pub struct AlignedColumn {
    pub table: usize,
    pub column: usize,
    pub dictionary: usize,
    pub entity: usize,
    pub attribute: usize,
    /// What the attribute's row says (read once per build).
    pub facts: crate::model::datatype::AttributeFacts,
}

/// Where to find an entity by name: (dictionary, entity) positions, in the
/// order [`Index::entities`] yields them. Looking each schema and table up
/// in a list of every entity was quadratic: 2,900 schemas against 2,900
/// entities took most of a second.
#[derive(Debug, Default)]
struct EntityKeys {
    by_name: FastMap<String, Vec<(usize, usize)>>,
    by_table: FastMap<String, Vec<(usize, usize)>>,
}

/// OpenAPI 3.2 `$self`: a document's own URI, the base of its relative
/// `$ref`s, and the name other documents may use for it.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct SelfUris {
    by_file: HashMap<FileId, String>,
    by_uri: HashMap<String, FileId>,
    /// JSON Schema 2020-12 (OpenAPI 3.1+): schemas named by `$id`, and
    /// `$anchor`s inside them: `$ref: /schemas/pet#pet_id` finds them.
    ids: HashMap<String, Target>,
    anchors: HashMap<(FileId, String), Vec<String>>,
}

/// Every `$id` and `$anchor` string under `node`, with its pointer.
fn collect_ids(
    node: &Node,
    ptr: &mut Vec<String>,
    depth: u32,
    out: &mut Vec<(bool, String, Vec<String>)>,
) {
    if depth > 64 {
        return;
    }
    match &node.value {
        Value::Map(entries, _) => {
            for e in entries {
                match (e.key.as_str(), e.value.as_str()) {
                    ("$id", Some(v)) => out.push((true, v.to_string(), ptr.clone())),
                    ("$anchor", Some(v)) => out.push((false, v.to_string(), ptr.clone())),
                    ("example" | "examples" | "default" | "enum" | "const", _) => {}
                    _ => {
                        ptr.push(e.key.clone());
                        collect_ids(&e.value, ptr, depth + 1, out);
                        ptr.pop();
                    }
                }
            }
        }
        Value::Seq(items, _) => {
            for (i, it) in items.iter().enumerate() {
                ptr.push(i.to_string());
                collect_ids(it, ptr, depth + 1, out);
                ptr.pop();
            }
        }
        _ => {}
    }
}

impl SelfUris {
    fn from_files(files: &BTreeMap<FileId, FileData>) -> SelfUris {
        let mut s = SelfUris::default();
        for (id, fd) in files {
            let Parsed::Structured(doc, _) = &*fd.parsed else {
                continue;
            };
            // `$id`s are JSON Schema 2020-12 (OpenAPI 3.1+) and rare: a 3.0
            // or Swagger document is not searched, others only when their
            // text says `$id` (this runs on every build, every keystroke).
            let old_dialect = doc
                .root
                .as_ref()
                .and_then(openapi::detect_version)
                .is_some_and(|v| matches!(v, Version::Swagger2 | Version::V30));
            if let (Some(root), true) = (&doc.root, !old_dialect && fd.source.text.contains("$id"))
            {
                let mut found = Vec::new();
                collect_ids(root, &mut Vec::new(), 0, &mut found);
                for (is_id, v, ptr) in found {
                    if is_id {
                        s.ids.entry(v).or_insert(Target {
                            file: id.clone(),
                            pointer: ptr,
                        });
                    } else {
                        s.anchors.entry((id.clone(), v)).or_insert(ptr);
                    }
                }
            }
            let own = doc
                .root
                .as_ref()
                .and_then(|r| r.get("$self"))
                .and_then(Node::as_str);
            if let Some(uri) = own.filter(|u| !u.is_empty()) {
                s.by_file.insert(id.clone(), uri.to_string());
                s.by_uri
                    .entry(uri.to_string())
                    .or_insert_with(|| id.clone());
            }
        }
        s
    }

    /// The workspace document a `$ref` written in `from` names by URI: an
    /// absolute one, or a relative one read against `from`'s `$self`.
    /// `None`: resolve it as a path relative to the file.
    fn resolve(&self, from: &str, target: &str) -> Option<Target> {
        let (path, frag) = target.split_once('#').unwrap_or((target, ""));
        if let Some(t) = self.ids.get(path).filter(|_| !path.is_empty()) {
            let mut pointer = t.pointer.clone();
            if frag.starts_with('/') {
                pointer.extend(split_pointer(frag));
            } else if !frag.is_empty() {
                pointer = self
                    .anchors
                    .get(&(t.file.clone(), frag.to_string()))?
                    .clone();
            }
            return Some(Target {
                file: t.file.clone(),
                pointer,
            });
        }
        if self.by_uri.is_empty() {
            return None;
        }
        let absolute = path.contains("://") || path.starts_with("urn:");
        let uri = if absolute {
            path.to_string()
        } else if path.is_empty() {
            return None;
        } else {
            join_uri(self.by_file.get(from)?, path)?
        };
        let file = self.by_uri.get(&uri)?;
        Some(Target {
            file: file.clone(),
            pointer: split_pointer(frag),
        })
    }
}

/// `https://x.io/api/root.yaml` + `../schemas/a.yaml` → `https://x.io/schemas/a.yaml`.
fn join_uri(base: &str, rel: &str) -> Option<String> {
    let (scheme, rest) = base.split_once("://")?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let mut parts: Vec<&str> = path.split('/').collect();
    parts.pop(); // the base document's own name
    for seg in rel.split('/') {
        match seg {
            "." | "" => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(format!("{scheme}://{host}/{}", parts.join("/")))
}

/// The memos of the walks over each file's document, kept only when the
/// index is built for the language server ([`Index::build_reusing`]): a
/// one-off check has no next version to reuse them for.
#[derive(Debug, Default)]
pub(crate) struct Memos {
    pub enabled: bool,
    /// Entries taken from the memos by the walks over this index.
    pub hits: u32,
    pub refs: HashMap<FileId, SubtreeMemo<RefSite>>,
    pub misfits: HashMap<FileId, SubtreeMemo<crate::model::oas30::Misfit>>,
}

/// Whether a `*` in the file may be a YAML alias.
pub(crate) fn may_alias(file: &str) -> bool {
    !file.to_ascii_lowercase().ends_with(".json")
}

/// Maps with at least this many entries are searched by hash in
/// [`Index::node`].
const BIG_MAP: usize = 32;

/// Key lookups in big maps by hash. `$ref` targets, operations and path
/// items are looked up by JSON pointer over and over, in maps of hundreds
/// of entries (`paths`, `components/schemas`): on the Stripe spec, walking
/// those maps key by key was 9% of a typing session under `perf`. The
/// table of a map is built on its first lookup; maps are identified by the
/// address of their entries, which do not move while the index holds them.
#[derive(Default)]
struct MapLookup {
    maps: Mutex<HashMap<usize, Arc<FastMap<u64, u32>>>>,
}

impl std::fmt::Debug for MapLookup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MapLookup")
    }
}

fn key_hash(key: &str) -> u64 {
    crate::memo::fast_hash(key)
}

impl MapLookup {
    /// The value of the first entry named `key`, as `Node::get` finds it.
    fn get<'a>(&self, entries: &'a [specgate_syntax::tree::Entry], key: &str) -> Option<&'a Node> {
        let table = {
            let mut maps = self.maps.lock().unwrap_or_else(|e| e.into_inner());
            maps.entry(entries.as_ptr() as usize)
                .or_insert_with(|| {
                    let mut t =
                        FastMap::with_capacity_and_hasher(entries.len(), Default::default());
                    for (i, e) in entries.iter().enumerate() {
                        // The first entry of a key wins, as in `Node::get`.
                        t.entry(key_hash(&e.key)).or_insert(i as u32);
                    }
                    Arc::new(t)
                })
                .clone()
        };
        // Every key's hash is in the table: no hash, no key. Two keys with
        // one hash: the table holds the first; search the others in order.
        let i = *table.get(&key_hash(key))? as usize;
        match entries.get(i) {
            Some(e) if e.key == key => Some(&e.value),
            _ => entries.iter().find(|e| e.key == key).map(|e| &e.value),
        }
    }
}

fn parent_dir(file: &str) -> &str {
    file.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
}

/// Whether a file is the same in two builds (`None`: absent from one):
/// the same text (shared, so compared by pointer) read in the same role.
fn same_file(a: Option<&FileData>, b: Option<&FileData>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => Arc::ptr_eq(&a.source, &b.source) && a.role == b.role,
        _ => false,
    }
}

fn is_structured_name(p: &str) -> bool {
    // Called for every `$ref` of every build: no lowercase copy.
    let b = p.as_bytes();
    [".yaml", ".yml", ".json"].iter().any(|ext| {
        b.len() >= ext.len() && b[b.len() - ext.len()..].eq_ignore_ascii_case(ext.as_bytes())
    })
}

/// Whether `source` is a YAML file read as a structured document: the kind
/// whose parse can be updated incrementally.
fn is_incremental(source: &SourceFile, role: FileRole) -> bool {
    role == FileRole::Structured
        && source.text.len() >= crate::index::reuse::MIN_BYTES
        && !source.id.to_ascii_lowercase().ends_with(".json")
}

/// Parses one file according to its role, re-reading a YAML document from `start` (its previous
/// parse) when given, and returning the state that lets the next edit do the
/// same (for large YAML documents).
fn parse_file_from(
    source: &SourceFile,
    role: FileRole,
    ws: &Workspace,
    start: Option<specgate_syntax::parse::ParsedYaml>,
) -> (Parsed, Option<specgate_syntax::parse::YamlState>) {
    let text = &*source.text;
    if is_incremental(source, role) {
        let p = match start {
            Some(prev) => specgate_syntax::parse::parse_yaml_incremental(prev, text),
            None => specgate_syntax::parse::ParsedYaml::new(text),
        };
        let (doc, state) = p.split();
        let mentions = prd::find_mentions(text, &ws.config.id_regex);
        return (Parsed::Structured(doc, mentions), Some(state));
    }
    let ids = &ws.config.id_regex;
    let is_json = source.id.to_ascii_lowercase().ends_with(".json");
    let structured = |t: &str| {
        if is_json {
            specgate_syntax::parse::parse_json(t)
        } else {
            specgate_syntax::parse::parse_yaml(t)
        }
    };
    let parsed = match role {
        FileRole::Prd => Parsed::Prd(prd::parse_prd(text, ids)),
        FileRole::Dictionary => {
            let lower = source.id.to_ascii_lowercase();
            if lower.ends_with(".csv") {
                Parsed::Dictionary(dictionary::parse_csv(text), None)
            } else if is_structured_name(&lower) {
                let doc = structured(text);
                let fmt = if is_json {
                    DictFormat::Json
                } else {
                    DictFormat::Yaml
                };
                let d = match &doc.root {
                    Some(r) => dictionary::from_tree(r, fmt),
                    None => Dictionary {
                        format: fmt,
                        entities: Vec::new(),
                    },
                };
                Parsed::Dictionary(d, Some(doc))
            } else {
                Parsed::Dictionary(dictionary::parse_markdown(text), None)
            }
        }
        FileRole::Markdown => Parsed::Markdown(prd::find_mentions(text, ids)),
        FileRole::Structured => {
            let doc = structured(text);
            Parsed::Structured(doc, prd::find_mentions(text, ids))
        }
        FileRole::Sql => Parsed::Sql(sql::parse_sql(text, ids)),
        FileRole::Config | FileRole::Other => Parsed::Nothing,
    };
    (parsed, None)
}

const MAX_REF_HOPS: usize = 64;

impl Index {
    /// Every ID mention in the workspace that is not a definition, with its file.
    pub fn id_mentions(&self) -> Vec<(&FileId, &IdMention)> {
        let mut out = Vec::new();
        for (id, fd) in &self.files {
            let list: &[IdMention] = match &*fd.parsed {
                Parsed::Prd(p) => &p.mentions,
                Parsed::Markdown(m) => m,
                Parsed::Sql(s) => &s.mentions,
                Parsed::Structured(_, m) if self.apis_of(id).next().is_some() => m,
                _ => &[],
            };
            out.extend(list.iter().map(|m| (id, m)));
        }
        out
    }

    /// Builds the index of `ws`, reusing parses from `prev` for files whose
    /// text did not change. Files `$ref`'d but not yet loaded are read from
    /// disk (inside the workspace root only).
    pub fn build(ws: Workspace, prev: Option<&Index>) -> Index {
        Index::build_inner(ws, prev, None)
    }

    /// [`Index::build`] for a long-lived session (the language server):
    /// large YAML files that changed are re-read incrementally from the
    /// parse states `reuse` keeps, and this build's states are kept there.
    pub fn build_reusing(ws: Workspace, prev: Option<&Index>, reuse: &mut Reuse) -> Index {
        Index::build_inner(ws, prev, Some(reuse))
    }

    fn build_inner(mut ws: Workspace, prev: Option<&Index>, reuse: Option<&mut Reuse>) -> Index {
        let mut files: BTreeMap<FileId, FileData> = BTreeMap::new();
        let ids: Vec<FileId> = ws.files.keys().cloned().collect();
        let unchanged = |id: &FileId, source: &Arc<SourceFile>, role: FileRole| {
            prev.and_then(|p| p.files.get(id))
                .filter(|p| Arc::ptr_eq(&p.source, source) && p.role == role)
        };
        // Starting points of the incremental re-reads, taken before the
        // parallel parse; the states of the new parses, lent after it.
        let mut reuse = reuse;
        let starts: std::sync::Mutex<HashMap<FileId, specgate_syntax::parse::ParsedYaml>> =
            Default::default();
        if let Some(r) = reuse.as_deref_mut() {
            let mut st = starts.lock().unwrap_or_else(|e| e.into_inner());
            for id in &ids {
                let source = &ws.files[id];
                let prev_fd = prev.and_then(|p| p.files.get(id));
                // Most files did not change: skip them before matching globs.
                if prev_fd.is_some_and(|p| Arc::ptr_eq(&p.source, source)) {
                    continue;
                }
                let role = ws.role(id);
                if unchanged(id, source, role).is_none() && is_incremental(source, role) {
                    if let Some(s) = r.start(id, prev_fd) {
                        st.insert(id.clone(), s);
                    }
                }
            }
        }
        let keep_states = reuse.is_some();
        let mut memos = match (keep_states, prev) {
            (true, Some(p)) => {
                std::mem::take(&mut *p.memo.lock().unwrap_or_else(|e| e.into_inner()))
            }
            _ => Memos::default(),
        };
        memos.enabled = keep_states;
        memos.hits = 0;
        let mut new_refs = HashMap::new();
        let states: std::sync::Mutex<Vec<(FileId, specgate_syntax::parse::YamlState)>> =
            Default::default();
        let parse_one = |id: &FileId, ws: &Workspace| -> FileData {
            let source = ws.files[id].clone();
            let role = ws.role(id);
            if let Some(p) = unchanged(id, &source, role) {
                return p.clone();
            }
            let start = starts.lock().unwrap_or_else(|e| e.into_inner()).remove(id);
            let (parsed, state) = parse_file_from(&source, role, ws, start);
            if let (true, Some(state)) = (keep_states, state) {
                states
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push((id.clone(), state));
            }
            FileData {
                source,
                role,
                parsed: Arc::new(parsed),
            }
        };
        // Parse in parallel: big specs dominate and the machine has 2+ cores.
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .min(8);
        if threads > 1 && ids.len() > 1 {
            let chunks: Vec<Vec<FileId>> = {
                // Spread big files first so threads finish together.
                let mut by_size = ids.clone();
                by_size.sort_by_key(|i| std::cmp::Reverse(ws.files[i].text.len()));
                let mut c = vec![Vec::new(); threads];
                for (n, id) in by_size.into_iter().enumerate() {
                    c[n % threads].push(id);
                }
                c
            };
            let wsr = &ws;
            let results: Vec<Vec<(FileId, FileData)>> = std::thread::scope(|s| {
                let hs: Vec<_> = chunks
                    .iter()
                    .map(|chunk| {
                        s.spawn(move || {
                            chunk
                                .iter()
                                .map(|id| (id.clone(), parse_one(id, wsr)))
                                .collect()
                        })
                    })
                    .collect();
                hs.into_iter()
                    .map(|h| h.join().unwrap_or_default())
                    .collect()
            });
            for r in results {
                files.extend(r);
            }
        } else {
            for id in &ids {
                files.insert(id.clone(), parse_one(id, &ws));
            }
        }

        let mut index = Index {
            // A placeholder until `ws` is moved in at the end: shares the
            // config (compiling the default one cost ~0.3 ms a build).
            ws: Workspace {
                root: ws.root.clone(),
                config: ws.config.clone(),
                config_errors: Vec::new(),
                globs: ws.globs.clone(),
                files: BTreeMap::new(),
                skipped: Vec::new(),
                feature_dirs: ws.feature_dirs.clone(),
                nested: ws.nested.clone(),
            },
            files: BTreeMap::new(),
            prds: Vec::new(),
            dictionaries: Vec::new(),
            sql_files: Vec::new(),
            apis: Vec::new(),
            refs: Vec::new(),
            operations: Vec::new(),
            other_ref_files: BTreeSet::new(),
            defs: HashMap::new(),
            ref_targets: FastMap::default(),
            ref_ranges: HashMap::new(),
            selves: SelfUris::from_files(&files),
            lookup: MapLookup::default(),
            facts: Default::default(),
            memo: Mutex::default(),
            op_memo: Mutex::default(),
            prev_op_memo: Mutex::default(),
            op_clean: Vec::new(),
            entity_keys: Default::default(),
            sql_schema: Default::default(),
            aligned: Default::default(),
            op_keys: FastMap::default(),
        };

        // APIs: roots by content (or forced by config), members by $ref.
        let roots: Vec<(FileId, Version)> = files
            .iter()
            .filter_map(|(id, fd)| match &*fd.parsed {
                Parsed::Structured(doc, _) => {
                    let v = doc.root.as_ref().and_then(openapi::detect_version);
                    match v {
                        Some(v) => Some((id.clone(), v)),
                        None if ws.globs.forced_openapi(id) => Some((id.clone(), Version::V30)),
                        None => None,
                    }
                }
                _ => None,
            })
            .collect();
        // Every `$ref` of every file an API reaches is resolved once, in one
        // walk from all roots (OpenSearch's ~40 namespace documents share
        // their schema files); each API's files are then what its root
        // reaches in that graph.
        let mut node_of: FastMap<FileId, usize> = FastMap::default();
        let mut names: Vec<FileId> = Vec::new();
        let mut adj: Vec<Option<Vec<usize>>> = Vec::new();
        let mut id = |f: &FileId, names: &mut Vec<FileId>, adj: &mut Vec<Option<Vec<usize>>>| {
            *node_of.entry(f.clone()).or_insert_with(|| {
                names.push(f.clone());
                adj.push(None);
                names.len() - 1
            })
        };
        // The previous build's `$ref`s of a file are still right when the
        // file, the files they point into and every `$self` are unchanged
        // (then their pointer checks stand too): taken, not resolved again.
        let prev_refs = prev.filter(|p| p.selves == index.selves);
        let mut checked: Vec<bool> = Vec::new();
        // Files whose `$ref`s were resolved again (see `clean_operations`).
        let mut resolved_again: Vec<usize> = Vec::new();
        let root_ids: Vec<usize> = roots
            .iter()
            .map(|(r, _)| id(r, &mut names, &mut adj))
            .collect();
        let mut work: Vec<usize> = root_ids.iter().rev().copied().collect();
        while let Some(n) = work.pop() {
            if adj[n].is_some() {
                continue;
            }
            let f = names[n].clone();
            let mut next: Vec<FileId> = Vec::new();
            let start = index.refs.len();
            if let Some(old) = prev_refs.and_then(|p| reusable_refs(p, &f, &files, &ws)) {
                for r in old {
                    match &r.target {
                        // A pointer the file lacks was resolved to the file
                        // first: the file is reached all the same.
                        Ok(Target { file, .. }) | Err(RefError::PointerNotFound(file, _))
                            if is_structured_name(file) =>
                        {
                            if !next.contains(file) {
                                next.push(file.clone());
                            }
                        }
                        Ok(t) => {
                            index.other_ref_files.insert(t.file.to_string());
                        }
                        Err(_) => {}
                    }
                    index.refs.push(Arc::clone(r));
                }
                checked.resize(index.refs.len(), true);
                if let Some(m) = memos.refs.remove(&f) {
                    new_refs.insert(f.clone(), m);
                }
            } else {
                resolved_again.push(n);
                let sites = match files.get(&f).map(|fd| (&*fd.parsed, &fd.source.text)) {
                    Some((Parsed::Structured(doc, _), text)) => match &doc.root {
                        Some(root) if memos.enabled && doc.errors.is_empty() => {
                            let mut pass = Pass::new(memos.refs.get(&f), text, may_alias(&f));
                            let sites = openapi::ref_sites_with(root, &mut pass);
                            memos.hits += pass.hits;
                            new_refs.insert(f.clone(), pass.finish());
                            sites
                        }
                        Some(root) => openapi::ref_sites(root),
                        None => Vec::new(),
                    },
                    _ => Vec::new(),
                };
                for site in sites {
                    let target = resolve_target(
                        &index.selves,
                        &f,
                        &site.target,
                        &mut ws,
                        &mut files,
                        &mut index.other_ref_files,
                        &parse_one,
                    );
                    if let Ok(t) = &target {
                        if is_structured_name(&t.file) && !next.contains(&t.file) {
                            next.push(t.file.clone());
                        }
                    }
                    index.refs.push(Arc::new(RefInfo {
                        file: f.clone(),
                        site,
                        target,
                    }));
                }
                checked.resize(index.refs.len(), false);
            }
            index.ref_ranges.insert(f, (start, index.refs.len()));
            let next: Vec<usize> = next.iter().map(|t| id(t, &mut names, &mut adj)).collect();
            work.extend(next.iter().rev().filter(|t| adj[**t].is_none()));
            adj[n] = Some(next);
        }
        // What each root reaches.
        let reach: Vec<Vec<bool>> = root_ids
            .iter()
            .map(|&r| {
                let mut seen = vec![false; names.len()];
                let mut stack = vec![r];
                while let Some(n) = stack.pop() {
                    if std::mem::replace(&mut seen[n], true) {
                        continue;
                    }
                    stack.extend(adj[n].iter().flatten().filter(|t| !seen[**t]));
                }
                seen
            })
            .collect();
        // A document that declares `openapi:` but that another API's root
        // reaches by `$ref` is a part of that API (OpenSearch's namespace
        // files are complete documents that the root stitches together):
        // it is not an API of its own, or every operation would be counted
        // and checked twice. Roots that reach each other both stay.
        // Roots that reach each other (a fix or a shared component may
        // point back into the entry document) are told apart by which one
        // stitches the other into its `paths`.
        let stitched = |root: &FileId| -> BTreeSet<FileId> {
            let Some(Parsed::Structured(doc, _)) = files.get(root).map(|f| &*f.parsed) else {
                return BTreeSet::new();
            };
            let paths = doc.root.as_ref().and_then(|r| r.get("paths"));
            paths
                .map(Node::entries)
                .unwrap_or_default()
                .iter()
                .filter_map(|e| e.value.ref_str())
                .filter_map(|r| split_ref_in(root, r).ok())
                .map(|t| t.file)
                .filter(|f| f != root)
                .collect()
        };
        let stitches: Vec<BTreeSet<FileId>> = roots.iter().map(|(r, _)| stitched(r)).collect();
        let reaches = |i: usize, j: usize| reach[i][root_ids[j]];
        for (i, (root, version)) in roots.iter().enumerate() {
            let part = (0..roots.len()).any(|j| {
                j != i
                    && roots[j].0 != *root
                    && reaches(j, i)
                    && (!reaches(i, j)
                        || stitches[j].contains(root) && !stitches[i].contains(&roots[j].0))
            });
            if part {
                continue;
            }
            index.apis.push(Api {
                root: root.clone(),
                version: *version,
                files: (0..names.len())
                    .filter(|&n| reach[i][n])
                    .map(|n| names[n].clone())
                    .collect(),
            });
        }
        for (i, r) in index.refs.iter().enumerate() {
            index
                .ref_targets
                .insert((r.file.clone(), r.site.span.start), i);
        }

        for (id, fd) in &files {
            match &*fd.parsed {
                Parsed::Prd(_) => index.prds.push(id.clone()),
                Parsed::Dictionary(..) => index.dictionaries.push(id.clone()),
                Parsed::Sql(_) => index.sql_files.push(id.clone()),
                _ => {}
            }
        }
        index.files = files;
        if let Some(p) = prev {
            index.carry_schema(p);
        }
        // Pointer targets are checked now that every reachable file is parsed.
        let checks: Vec<Option<RefError>> = index
            .refs
            .iter()
            .zip(&checked)
            .map(|(r, done)| match &r.target {
                _ if *done => None,
                Ok(t)
                    if is_structured_name(&t.file) && index.node(&t.file, &t.pointer).is_none() =>
                {
                    Some(RefError::PointerNotFound(
                        t.file.clone(),
                        format!("#/{}", t.pointer.join("/")),
                    ))
                }
                _ => None,
            })
            .collect();
        for (r, c) in index.refs.iter_mut().zip(checks) {
            if let Some(e) = c {
                // A new `$ref` of this build: not shared, changed in place.
                Arc::make_mut(r).target = Err(e);
            }
        }
        for (p, prd_file) in index.prds.iter().enumerate() {
            if let Parsed::Prd(prd) = &*index.files[prd_file].parsed {
                for (r, req) in prd.requirements.iter().enumerate() {
                    index
                        .defs
                        .entry(req.id.clone())
                        .or_default()
                        .push(ReqKey { prd: p, req: r });
                }
            }
        }
        // Operations are taken from the previous build where nothing they
        // are made of changed: the same requirement IDs (ranges count only
        // defined IDs) and config, their files unchanged.
        let ops_from = prev.filter(|p| {
            keep_states
                && Arc::ptr_eq(&p.ws.config, &ws.config)
                && p.defs.len() == index.defs.len()
                && index.defs.keys().all(|k| p.defs.contains_key(k))
        });
        index.operations = index.extract_operations(ops_from);
        if keep_states {
            for (i, op) in index.operations.iter().enumerate() {
                if op.kind != OpKind::Callback {
                    let at = op.ref_from.as_ref().map_or(&op.method_span, |(_, s)| s);
                    index
                        .op_keys
                        .entry((op.item_file.clone(), at.start))
                        .or_default()
                        .push(i);
                }
            }
            index.op_clean = match prev.filter(|p| Arc::ptr_eq(&p.ws.config, &ws.config)) {
                Some(p) => {
                    *index
                        .prev_op_memo
                        .get_mut()
                        .unwrap_or_else(|e| e.into_inner()) =
                        std::mem::take(&mut *p.op_memo.lock().unwrap_or_else(|e| e.into_inner()));
                    let graph = RefGraph {
                        names: &names,
                        adj: &adj,
                        again: &resolved_again,
                    };
                    clean_operations(&index, p, &graph)
                }
                None => vec![false; index.operations.len()],
            };
        }
        index.ws = ws;
        memos.refs = new_refs;
        index.memo = Mutex::new(memos);
        if let Some(r) = reuse {
            let states = states.into_inner().unwrap_or_else(|e| e.into_inner());
            for (id, state) in states {
                if let Some(fd) = index.files.get(&id) {
                    r.lend(&id, &fd.parsed, state);
                }
            }
            r.keep_only(&index);
        }
        index
    }

    pub fn config(&self) -> &crate::config::Config {
        &self.ws.config
    }

    pub fn source(&self, file: &str) -> Option<&Arc<SourceFile>> {
        self.files.get(file).map(|f| &f.source)
    }

    pub fn doc(&self, file: &str) -> Option<&Document> {
        match self.files.get(file).map(|f| &*f.parsed) {
            Some(Parsed::Structured(d, _)) | Some(Parsed::Dictionary(_, Some(d))) => Some(d),
            _ => None,
        }
    }

    /// The node at JSON pointer `pointer` (tokens) in `file`: what
    /// `Node::pointer` finds, with big maps searched by hash.
    pub fn node(&self, file: &str, pointer: &[String]) -> Option<&Node> {
        let mut cur = self.doc(file)?.root.as_ref()?;
        for t in pointer {
            cur = match &cur.value {
                Value::Map(entries, _) if entries.len() >= BIG_MAP => {
                    self.lookup.get(entries, t)?
                }
                Value::Map(..) => cur.get(t)?,
                Value::Seq(items, _) => items.get(t.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(cur)
    }

    pub fn prd(&self, i: usize) -> (&FileId, &Prd) {
        let f = &self.prds[i];
        match &*self.files[f].parsed {
            Parsed::Prd(p) => (f, p),
            _ => unreachable!("prds lists only PRD files"),
        }
    }

    pub fn requirement(&self, k: ReqKey) -> (&FileId, &Requirement) {
        let (f, p) = self.prd(k.prd);
        (f, &p.requirements[k.req])
    }

    /// Every requirement definition, in PRD order.
    pub fn all_requirements(&self) -> impl Iterator<Item = (ReqKey, &FileId, &Requirement)> {
        (0..self.prds.len()).flat_map(move |p| {
            let (f, prd) = self.prd(p);
            prd.requirements
                .iter()
                .enumerate()
                .map(move |(r, req)| (ReqKey { prd: p, req: r }, f, req))
        })
    }

    /// Looks an ID up as seen from `from_file`: the PRD in the same or the
    /// nearest ancestor folder first, then workspace-wide when unambiguous.
    /// A mention at a known place resolves with [`Index::resolve_at`].
    pub fn resolve_id(&self, from_file: &str, id: &str) -> Resolution {
        let Some(defs) = self.defs.get(id) else {
            return Resolution::Unknown;
        };
        let mut dir = parent_dir(from_file);
        loop {
            if let Some(k) = defs.iter().find(|k| parent_dir(&self.prds[k.prd]) == dir) {
                return Resolution::Found(*k);
            }
            if dir.is_empty() {
                break;
            }
            dir = parent_dir(dir);
        }
        let mut prds: Vec<usize> = defs.iter().map(|k| k.prd).collect();
        prds.dedup();
        if prds.len() == 1 {
            return Resolution::Found(defs[0]);
        }
        // Several PRDs of one feature folder (its spec.md and a PRD in a
        // subfolder): the feature is meant, and its spec.md first.
        let features: BTreeSet<Option<&str>> = defs
            .iter()
            .map(|k| self.feature_dir(&self.prds[k.prd]))
            .collect();
        if let [Some(f)] = features.iter().copied().collect::<Vec<_>>()[..] {
            return Resolution::Found(self.feature_def(defs, f));
        }
        Resolution::Ambiguous(defs.clone())
    }

    /// [`Index::resolve_id`] for the mention of `id` at `span` in `from_file`:
    /// an ID that its folder scope leaves ambiguous resolves to the feature
    /// named on the same line, else in the same paragraph (by its folder
    /// name `007-search`, a path to its spec.md, `feature 007` /
    /// `spec 007`, or `007 FR-041`); the naming nearest before the ID wins,
    /// else the nearest after it.
    pub fn resolve_at(&self, from_file: &str, span: Span, id: &str) -> Resolution {
        let r = self.resolve_id(from_file, id);
        let Resolution::Ambiguous(defs) = &r else {
            return r;
        };
        match self.named_feature(self.text(from_file), span, defs) {
            Some(k) => Resolution::Found(k),
            None => r,
        }
    }

    /// The spec-kit feature folder `file` belongs to: the nearest folder
    /// above it (or its own, for the feature's `spec.md`) that holds a PRD
    /// named `spec.md`, other than the workspace root.
    pub fn feature_dir<'a>(&self, file: &'a str) -> Option<&'a str> {
        let mut dir = parent_dir(file);
        while !dir.is_empty() {
            let spec = format!("{dir}/spec.md");
            if self
                .prds
                .binary_search_by(|p| (**p).cmp(spec.as_str()))
                .is_ok()
            {
                return Some(dir);
            }
            dir = parent_dir(dir);
        }
        None
    }

    /// Among `defs`, the definition in feature folder `feature`: its
    /// spec.md's, else the first.
    fn feature_def(&self, defs: &[ReqKey], feature: &str) -> ReqKey {
        let spec = format!("{feature}/spec.md");
        let mine: Vec<ReqKey> = defs
            .iter()
            .copied()
            .filter(|k| self.feature_dir(&self.prds[k.prd]) == Some(feature))
            .collect();
        mine.iter()
            .copied()
            .find(|k| *self.prds[k.prd] == *spec)
            .or_else(|| mine.first().copied())
            .unwrap_or(defs[0])
    }

    /// The definition among `defs` whose feature the text around `span`
    /// names (see [`Index::resolve_at`]).
    fn named_feature(&self, text: &str, span: Span, defs: &[ReqKey]) -> Option<ReqKey> {
        let features: BTreeSet<&str> = defs
            .iter()
            .filter_map(|k| self.feature_dir(&self.prds[k.prd]))
            .collect();
        if features.is_empty() || span.end as usize > text.len() {
            return None;
        }
        let line = specgate_syntax::tree::line_around(text, span.start);
        let para = paragraph_around(text, line);
        for region in [line, para] {
            let names = feature_namings(text, region, span, &features);
            let before = names
                .iter()
                .filter(|n| n.1 <= span.start)
                .max_by_key(|n| n.1);
            let after = names.iter().filter(|n| n.0 >= span.end).min_by_key(|n| n.0);
            if let Some(n) = before.or(after) {
                return Some(self.feature_def(defs, n.2));
            }
        }
        None
    }

    /// The resolved target of the `$ref` whose value starts at `span_start` in `file`.
    pub fn ref_at(&self, file: &str, span_start: u32) -> Option<&RefInfo> {
        let key: FileId = file.into();
        self.ref_targets
            .get(&(key, span_start))
            .map(|&i| &*self.refs[i])
    }

    /// Resolves a `$ref` string written in `from` without touching the disk.
    pub fn resolve(&self, from: &str, target: &str) -> Option<Target> {
        if let Some(t) = self.selves.resolve(from, target) {
            return Some(t);
        }
        // The index's own name of `from`, when it has it (no copy).
        let t = match self.files.get_key_value(from) {
            Some((id, _)) => split_ref_in(id, target),
            None => split_ref(from, target),
        }
        .ok()?;
        self.files.contains_key(&*t.file).then_some(t)
    }

    /// The previous build's operation at method key `m` of the path item at
    /// `item_file`/`item_ptr`, if it is the same one (same path, API, kind
    /// and file, both files unchanged in `new`).
    #[allow(clippy::too_many_arguments)]
    fn same_operation(
        &self,
        new: &Index,
        api: &Api,
        item_file: &FileId,
        item_ptr: &[String],
        m: &specgate_syntax::tree::Entry,
        path: &str,
        kind: OpKind,
        op_file: &FileId,
    ) -> Option<&Operation> {
        let unchanged = |f: &FileId| same_file(new.files.get(f), self.files.get(f));
        let at = self.op_keys.get(&(item_file.clone(), m.key_span.start))?;
        let old = at.iter().map(|&i| &self.operations[i]).find(|o| {
            o.path == path
                && o.kind == kind
                && o.api_root == api.root
                && o.file == *op_file
                && o.item_pointer == item_ptr
        })?;
        (unchanged(item_file) && unchanged(op_file)).then_some(old)
    }

    /// The findings of rule `code` for operation `i` of `operations`:
    /// `compute`d, or, when nothing the operation reads changed since the
    /// previous build (language server rounds), what that build computed.
    /// For rules whose findings about an operation read only that
    /// operation, its path item and what they `$ref` (and the config).
    pub fn per_op(
        &self,
        code: &'static str,
        i: usize,
        compute: impl FnOnce() -> Vec<crate::diag::Diagnostic>,
    ) -> Vec<crate::diag::Diagnostic> {
        // A CLI build keeps nothing; an operation something of which
        // changed is computed and not kept either: it is likely to change
        // again (the file being typed in), and once it is clean the next
        // round computes and keeps it.
        if self.op_clean.get(i) != Some(&true) {
            return compute();
        }
        let op = &self.operations[i];
        let key = (
            code,
            // Where it is written, too: a document may repeat a key
            // (`get:` twice), and both operations have one pointer.
            format!(
                "{}\0{}\0{}\0{}\0{}\0{}",
                op.api_root,
                op.file,
                op.pointer.join("/"),
                op.method,
                op.path,
                op.span.start
            ),
        );
        let old = {
            let mut prev = self.prev_op_memo.lock().unwrap_or_else(|e| e.into_inner());
            prev.remove(&key)
        };
        let found = old.unwrap_or_else(compute);
        let mut memo = self.op_memo.lock().unwrap_or_else(|e| e.into_inner());
        memo.insert(key, found.clone());
        found
    }

    /// Follows `$ref`s from `node` (in `file`) to the node they finally
    /// denote. Cycles and broken references stop at the last reachable node.
    pub fn deref<'a>(&'a self, file: &FileId, node: &'a Node) -> (FileId, &'a Node) {
        let mut cur = (file.clone(), node);
        for _ in 0..MAX_REF_HOPS {
            let Some(v) = cur.1.get("$ref") else { break };
            let Some(r) = v.as_str() else { break };
            // A `$ref` the build resolved (every one in an API's files) is
            // looked up, not split and joined again.
            let n = match self.ref_targets.get(&(cur.0.clone(), v.span.start)) {
                Some(&i) => match &self.refs[i].target {
                    Ok(t) => self.node(&t.file, &t.pointer).map(|n| (t.file.clone(), n)),
                    Err(_) => None,
                },
                None => self
                    .resolve(&cur.0, r)
                    .and_then(|t| Some((t.file.clone(), self.node(&t.file, &t.pointer)?))),
            };
            let Some(n) = n else { break };
            cur = n;
        }
        cur
    }

    fn extract_operations(&self, prev: Option<&Index>) -> Vec<Operation> {
        let mut ops = Vec::new();
        for api in &self.apis {
            let Some(root) = self.doc(&api.root).and_then(|d| d.root.as_ref()) else {
                continue;
            };
            for (section, kind) in [("paths", OpKind::Path), ("webhooks", OpKind::Webhook)] {
                let Some(paths) = root.get(section) else {
                    continue;
                };
                for e in paths.entries() {
                    if kind == OpKind::Path && !e.key.starts_with('/') {
                        continue; // x- extensions of the Paths Object
                    }
                    let at = ItemAt {
                        file: &api.root,
                        pointer: vec![section.to_string(), e.key.clone()],
                        node: &e.value,
                    };
                    self.path_item_ops(api, at, &e.key, kind, 0, prev, &mut ops);
                }
            }
        }
        ops
    }

    /// The operations of one path item (followed through `$ref`), and of
    /// the callbacks of those operations; `prev`: the build to take
    /// unchanged operations from.
    #[allow(clippy::too_many_arguments)]
    fn path_item_ops(
        &self,
        api: &Api,
        at: ItemAt<'_>,
        path: &str,
        kind: OpKind,
        depth: u32,
        prev: Option<&Index>,
        ops: &mut Vec<Operation>,
    ) {
        if depth > 4 {
            return; // callbacks of callbacks of …: nobody writes these
        }
        let (item_file, item) = self.deref(at.file, at.node);
        let item_ptr = self.pointer_of(&item_file, item, at.file, &at.pointer);
        let mut methods: Vec<(&specgate_syntax::tree::Entry, Vec<String>)> = Vec::new();
        for m in item.entries() {
            let lower = m.key.to_ascii_lowercase();
            if METHODS.contains(&lower.as_str()) {
                let mut p = item_ptr.clone();
                p.push(m.key.clone());
                methods.push((m, p));
            }
        }
        // OpenAPI 3.2: methods other than the fixed ones, keyed by name.
        if let Some(extra) = item.get("additionalOperations") {
            for m in extra.entries() {
                let mut p = item_ptr.clone();
                p.extend(["additionalOperations".to_string(), m.key.clone()]);
                methods.push((m, p));
            }
        }
        for (m, pointer) in methods {
            if !m.value.is_map() && !m.value.is_null() {
                continue;
            }
            // An operation written elsewhere (`get: {$ref: ./ops/get.yaml}`):
            // not allowed by 3.0 but common, and resolved by Redocly.
            let (op_file, op_node) = self.deref(&item_file, &m.value);
            let by_ref = !std::ptr::eq(op_node, &m.value);
            if let Some(old) = prev
                .filter(|_| op_node.get("callbacks").is_none())
                .and_then(|p| {
                    p.same_operation(self, api, &item_file, &item_ptr, m, path, kind, &op_file)
                })
            {
                ops.push(old.clone());
                continue;
            }
            let op = if by_ref {
                let Some(ptr) = self
                    .doc(&op_file)
                    .and_then(|d| d.root.as_ref())
                    .and_then(|r| find_pointer(r, op_node.span))
                else {
                    continue;
                };
                let anchor = op_node
                    .entries()
                    .first()
                    .map(|e| e.key_span)
                    .unwrap_or(Span::new(op_node.span.start, op_node.span.start));
                let mut op =
                    self.operation(api, &op_file, ptr, path, kind, &m.key, op_node, anchor);
                op.ref_from = Some((item_file.clone(), m.key_span));
                // Comments beside the `$ref` count too (`get: # FR-001`).
                let extent = Span::new(m.key_span.start, m.value.span.end);
                op.traces.extend(self.comment_traces(&item_file, extent));
                op
            } else {
                self.operation(
                    api, &item_file, pointer, path, kind, &m.key, op_node, m.key_span,
                )
            };
            let op = Operation {
                item_file: item_file.clone(),
                item_pointer: item_ptr.clone(),
                ..op
            };
            // Callbacks: path items keyed by a runtime expression.
            if let Some(cbs) = op_node.get("callbacks") {
                let cb_file = op.file.clone();
                let cb_base = op.pointer.clone();
                ops.push(op);
                let (cbs_file, cbs) = self.deref(&cb_file, cbs);
                let cbs_ptr = {
                    let mut p = cb_base;
                    p.push("callbacks".to_string());
                    p
                };
                for cb in cbs.entries() {
                    let (cf, cnode) = self.deref(&cbs_file, &cb.value);
                    let cptr = {
                        let mut p = cbs_ptr.clone();
                        p.push(cb.key.clone());
                        self.pointer_of(&cf, cnode, &cbs_file, &p)
                    };
                    for expr in cnode.entries() {
                        let mut p = cptr.clone();
                        p.push(expr.key.clone());
                        let at = ItemAt {
                            file: &cf,
                            pointer: p,
                            node: &expr.value,
                        };
                        self.path_item_ops(
                            api,
                            at,
                            &expr.key,
                            OpKind::Callback,
                            depth + 1,
                            None,
                            ops,
                        );
                    }
                }
                continue;
            }
            ops.push(op);
        }
    }

    /// The JSON pointer of `node` inside `file`: `fallback` when the node is
    /// where the pointer was written (in `from`), else found by searching
    /// the target file.
    fn pointer_of(
        &self,
        file: &FileId,
        node: &Node,
        from: &FileId,
        fallback: &[String],
    ) -> Vec<String> {
        if file == from
            && self
                .node(file, fallback)
                .is_some_and(|n| n.span == node.span)
        {
            return fallback.to_vec();
        }
        let Some(doc_root) = self.doc(file).and_then(|d| d.root.as_ref()) else {
            return Vec::new();
        };
        find_pointer(doc_root, node.span).unwrap_or_default()
    }

    /// FR-IDs in the YAML comments of `file` inside `extent`.
    fn comment_traces(&self, file: &FileId, extent: Span) -> Vec<Trace> {
        let mut traces = Vec::new();
        if !self.config().trace_from.comments {
            return traces;
        }
        let Some(doc) = self.doc(file) else {
            return traces;
        };
        let text = self.text(file);
        let ids = &self.config().id_regex;
        let lo = doc
            .comments
            .partition_point(|c| c.span.start < extent.start);
        for c in &doc.comments[lo..] {
            if c.span.start > extent.end {
                break;
            }
            let ctext = &text[c.span.start as usize..c.span.end as usize];
            for mut mention in prd::find_mentions(ctext, ids) {
                mention.span = Span::new(
                    mention.span.start + c.span.start,
                    mention.span.end + c.span.start,
                );
                traces.push(Trace {
                    mention,
                    file: file.clone(),
                    source: TraceSource::Comment,
                });
            }
        }
        traces
    }

    #[allow(clippy::too_many_arguments)]
    fn operation(
        &self,
        api: &Api,
        file: &FileId,
        pointer: Vec<String>,
        path: &str,
        kind: OpKind,
        method: &str,
        op: &Node,
        anchor: Span,
    ) -> Operation {
        let text = |k: &str| op.get(k).and_then(Node::as_str).map(str::to_string);
        let ids = &self.config().id_regex;
        let from = &self.config().trace_from;
        let mut traces = Vec::new();
        let mut trace_key_span = None;
        let push = |v: &Node, s: &str, source: TraceSource, traces: &mut Vec<Trace>| {
            for mut mention in openapi::trace_mentions(s, ids, &|id| self.defs.contains_key(id)) {
                mention.span = value_sub_span(self.text(file), v, s, mention.span);
                traces.push(Trace {
                    mention,
                    file: file.clone(),
                    source,
                });
            }
        };
        if from.keys {
            for key in &self.config().trace_keys {
                if let Some(e) = op.entry(key) {
                    trace_key_span.get_or_insert(e.key_span);
                    let values: Vec<&Node> = match &e.value.value {
                        Value::Seq(items, _) => items.iter().collect(),
                        _ => vec![&e.value],
                    };
                    for v in values {
                        if let Some(s) = v.as_str() {
                            push(v, s, TraceSource::TraceKey, &mut traces);
                        }
                    }
                }
            }
        }
        if from.text {
            for (key, source) in [
                ("summary", TraceSource::Summary),
                ("description", TraceSource::Description),
            ] {
                if let Some(v) = op.get(key) {
                    if let Some(s) = v.as_str() {
                        push(v, s, source, &mut traces);
                    }
                }
            }
            // Descriptions of its parameters, request body and responses,
            // as written inside the operation (a shared component's text
            // is not this operation's).
            for key in ["parameters", "requestBody", "responses"] {
                if let Some(n) = op.get(key) {
                    nested_texts(n, 0, &mut |v, s| push(v, s, TraceSource::Text, &mut traces));
                }
            }
        }
        traces.extend(self.comment_traces(
            file,
            Span::new(anchor.start.min(op.span.start), op.span.end),
        ));
        Operation {
            api_root: api.root.clone(),
            file: file.clone(),
            item_file: file.clone(),
            item_pointer: pointer[..pointer.len().saturating_sub(1)].to_vec(),
            pointer,
            method: method.to_ascii_uppercase(),
            path: path.to_string(),
            webhook: kind != OpKind::Path,
            kind,
            method_span: anchor,
            ref_from: None,
            span: op.span,
            operation_id: text("operationId"),
            summary: text("summary"),
            description: text("description"),
            traces,
            trace_key_span,
        }
    }

    pub fn text(&self, file: &str) -> &str {
        self.files.get(file).map(|f| &*f.source.text).unwrap_or("")
    }

    pub fn parsed(&self, file: &str) -> Option<&Parsed> {
        self.files.get(file).map(|f| &*f.parsed)
    }

    /// The API(s) a file belongs to.
    pub fn apis_of<'a>(&'a self, file: &'a str) -> impl Iterator<Item = &'a Api> + 'a {
        self.apis.iter().filter(move |a| a.files.contains(file))
    }

    /// All dictionaries' entities, with their file.
    pub fn entities(&self) -> impl Iterator<Item = (&FileId, &dictionary::Entity)> {
        self.dictionaries
            .iter()
            .flat_map(move |f| match &*self.files[f].parsed {
                Parsed::Dictionary(d, _) => {
                    d.entities.iter().map(move |e| (f, e)).collect::<Vec<_>>()
                }
                _ => Vec::new(),
            })
    }

    fn entity_keys(&self) -> &EntityKeys {
        self.entity_keys.get_or_init(|| {
            let mut keys = EntityKeys::default();
            for (d, f) in self.dictionaries.iter().enumerate() {
                let Parsed::Dictionary(dict, _) = &*self.files[f].parsed else {
                    continue;
                };
                for (i, e) in dict.entities.iter().enumerate() {
                    let name = dictionary::snake_case(&e.name);
                    keys.by_name.entry(name).or_default().push((d, i));
                    for t in e.table_names() {
                        let at = keys.by_table.entry(t).or_default();
                        if !at.contains(&(d, i)) {
                            at.push((d, i));
                        }
                    }
                }
            }
            keys
        })
    }

    /// The entities at `at` (positions from [`EntityKeys`]).
    fn entities_at<'a>(
        &'a self,
        at: Option<&'a Vec<(usize, usize)>>,
    ) -> impl Iterator<Item = (&'a FileId, &'a dictionary::Entity)> + 'a {
        at.into_iter().flatten().filter_map(move |&(d, i)| {
            let f = self.dictionaries.get(d)?;
            match &*self.files.get(f)?.parsed {
                Parsed::Dictionary(dict, _) => Some((f, dict.entities.get(i)?)),
                _ => None,
            }
        })
    }

    /// The order migrations run in: by the `[files] sql` glob that first
    /// matches (so `sql = ["db/schema.sql", "db/migrations/*.sql"]` puts
    /// the schema first), then by path with numbers read as numbers (`V2`
    /// before `V10`). Positions in [`Index::sql_files`].
    pub fn sql_order(&self) -> Vec<usize> {
        let globs: Vec<globset::GlobMatcher> = self
            .config()
            .sql_globs
            .iter()
            .filter_map(|g| globset::Glob::new(g).ok())
            .map(|g| g.compile_matcher())
            .collect();
        let mut order: Vec<usize> = (0..self.sql_files.len()).collect();
        order.sort_by_cached_key(|&i| {
            let f = &self.sql_files[i];
            let group = globs
                .iter()
                .position(|g| g.is_match(&**f))
                .unwrap_or(globs.len());
            (group, crate::model::sql::schema::natural_key(f))
        });
        order
    }

    /// The workspace's SQL schema once every migration has run
    /// ([`crate::model::sql::schema::build`]), in the order of the `[files]
    /// sql` globs, then of paths with numbers read as numbers (`V2` before
    /// `V10`); a table's `file` is an index into [`Index::sql_files`].
    pub fn sql_schema(&self) -> &crate::model::sql::schema::Schema {
        self.sql_schema.get_or_init(|| {
            Arc::new({
                static EMPTY: std::sync::OnceLock<SqlFile> = std::sync::OnceLock::new();
                let order = self.sql_order();
                let files: Vec<(usize, &sql::SqlFile)> = order
                    .into_iter()
                    .map(|i| match self.parsed(&self.sql_files[i]) {
                        Some(Parsed::Sql(s)) => (i, s),
                        _ => (i, EMPTY.get_or_init(SqlFile::default)),
                    })
                    .collect();
                crate::model::sql::schema::build(&files)
            })
        })
    }

    /// Every live column whose table stands for an entity that lists it
    /// (seen from the table's file), with what the attribute says.
    pub fn aligned_columns(&self) -> &[AlignedColumn] {
        self.aligned.get_or_init(|| Arc::new(self.align()))
    }

    fn align(&self) -> Vec<AlignedColumn> {
        {
            let mut out = Vec::new();
            if self.dictionaries.is_empty() {
                return out;
            }
            for (ti, t) in self.sql_schema().tables.iter().enumerate() {
                let Some(from) = self.sql_files.get(t.file) else {
                    continue;
                };
                let Some((df, e)) = self.entity_for_table_from(&t.name, from) else {
                    continue;
                };
                let Some(di) = self.dictionaries.iter().position(|d| d == df) else {
                    continue;
                };
                let Some(Parsed::Dictionary(dict, _)) = self.parsed(df) else {
                    continue;
                };
                let Some(ei) = dict.entities.iter().position(|x| std::ptr::eq(x, e)) else {
                    continue;
                };
                for (ci, c) in t.columns.iter().enumerate() {
                    let Some(a) = e.attribute(&c.def.name) else {
                        continue;
                    };
                    let Some(ai) = e.attributes.iter().position(|x| std::ptr::eq(x, a)) else {
                        continue;
                    };
                    out.push(AlignedColumn {
                        table: ti,
                        column: ci,
                        dictionary: di,
                        entity: ei,
                        attribute: ai,
                        facts: a.facts.clone(),
                    });
                }
            }
            out
        }
    }

    /// Takes `prev`'s SQL schema (and the columns aligned with the
    /// dictionary) when none of the files they read changed: a keystroke in
    /// an OpenAPI file does not replay the migrations again.
    fn carry_schema(&self, prev: &Index) {
        let same = |a: &[FileId], b: &[FileId]| {
            a == b
                && a.iter()
                    .all(|f| match (self.files.get(f), prev.files.get(f)) {
                        (Some(x), Some(y)) => Arc::ptr_eq(&x.parsed, &y.parsed),
                        _ => false,
                    })
        };
        if !same(&self.sql_files, &prev.sql_files)
            || self.config().sql_globs != prev.config().sql_globs
        {
            return;
        }
        if let Some(s) = prev.sql_schema.get() {
            let _ = self.sql_schema.set(s.clone());
        }
        if same(&self.dictionaries, &prev.dictionaries) {
            if let Some(a) = prev.aligned.get() {
                let _ = self.aligned.set(a.clone());
            }
        }
    }

    /// The entity a SQL table stands for.
    pub fn entity_for_table(&self, table: &str) -> Option<(&FileId, &dictionary::Entity)> {
        let t = table.to_ascii_lowercase();
        self.entities_at(self.entity_keys().by_table.get(&t)).next()
    }

    /// The entity an OpenAPI schema name stands for (same name, snake-cased).
    pub fn entity_named(&self, name: &str) -> Option<(&FileId, &dictionary::Entity)> {
        let n = dictionary::snake_case(name);
        self.entities_at(self.entity_keys().by_name.get(&n)).next()
    }

    /// [`Index::entity_named`] as seen from `from`: when several
    /// dictionaries define the entity (each spec-kit feature has its own
    /// `data-model.md`), the one in the nearest folder above `from` wins.
    pub fn entity_named_from(
        &self,
        name: &str,
        from: &str,
    ) -> Option<(&FileId, &dictionary::Entity)> {
        let n = dictionary::snake_case(name);
        self.nearest_entity(from, self.entity_keys().by_name.get(&n))
    }

    /// [`Index::entity_for_table`] as seen from `from` (see [`Index::entity_named_from`]).
    pub fn entity_for_table_from(
        &self,
        table: &str,
        from: &str,
    ) -> Option<(&FileId, &dictionary::Entity)> {
        let t = table.to_ascii_lowercase();
        self.nearest_entity(from, self.entity_keys().by_table.get(&t))
    }

    fn nearest_entity<'a>(
        &'a self,
        from: &str,
        candidates: Option<&'a Vec<(usize, usize)>>,
    ) -> Option<(&'a FileId, &'a dictionary::Entity)> {
        // A file under a folder with a dictionary of its own (a spec-kit
        // feature and its `data-model.md`) is held to the dictionaries above
        // it: another feature's model of the same name is not its own.
        let above = |f: &str| {
            let d = parent_dir(f);
            d.is_empty() || from.starts_with(&format!("{d}/"))
        };
        let scoped = self
            .dictionaries
            .iter()
            .any(|f| !parent_dir(f).is_empty() && above(f));
        let found: Vec<(&FileId, &dictionary::Entity)> = self
            .entities_at(candidates)
            .filter(|(f, _)| !scoped || above(f))
            .collect();
        if found.len() <= 1 {
            return found.into_iter().next();
        }
        let mut dir = parent_dir(from);
        loop {
            if let Some(hit) = found.iter().find(|(f, _)| parent_dir(f) == dir) {
                return Some(*hit);
            }
            if dir.is_empty() {
                return found.into_iter().next();
            }
            dir = parent_dir(dir);
        }
    }
}

/// A path item as written: where, and the node (maybe a `$ref`).
struct ItemAt<'a> {
    file: &'a FileId,
    pointer: Vec<String>,
    node: &'a Node,
}

/// Every `description`/`summary` string under `n` (parameters, request body,
/// responses of an operation), not following `$ref`s and skipping example
/// payloads, which are data.
fn nested_texts<'a>(n: &'a Node, depth: u32, f: &mut dyn FnMut(&'a Node, &'a str)) {
    if depth > 32 {
        return;
    }
    match &n.value {
        Value::Map(entries, _) => {
            for e in entries {
                match e.key.as_str() {
                    "description" | "summary" => {
                        if let Some(s) = e.value.as_str() {
                            f(&e.value, s);
                        }
                    }
                    "example" | "examples" | "default" | "enum" | "const" => {}
                    _ => nested_texts(&e.value, depth + 1, f),
                }
            }
        }
        Value::Seq(items, _) => {
            for it in items {
                nested_texts(it, depth + 1, f);
            }
        }
        _ => {}
    }
}

/// The paragraph holding `line`: the lines around it up to a blank line
/// (at most 40 lines each way).
fn paragraph_around(text: &str, line: Span) -> Span {
    let blank = |l: Span| specgate_syntax::tree::slice(text, l).trim().is_empty();
    let (mut start, mut end) = (line.start, line.end);
    for _ in 0..40 {
        if start == 0 {
            break;
        }
        // The line before: skip the line ending (`\n`, `\r\n` or `\r`).
        let mut p = start - 1;
        if p > 0 && text.as_bytes()[p as usize] == b'\n' && text.as_bytes()[p as usize - 1] == b'\r'
        {
            p -= 1;
        }
        let prev = specgate_syntax::tree::line_around(text, p);
        if blank(prev) {
            break;
        }
        start = prev.start;
    }
    for _ in 0..40 {
        let b = text.as_bytes();
        let mut n = end as usize;
        if b.get(n) == Some(&b'\r') {
            n += 1;
        }
        if b.get(n) == Some(&b'\n') {
            n += 1;
        }
        if n >= b.len() || n == end as usize {
            break;
        }
        let next = specgate_syntax::tree::line_around(text, n as u32);
        if blank(next) {
            break;
        }
        end = next.end;
    }
    Span::new(start, end)
}

/// Where `region` names one of `features` (folder paths): `(start, end,
/// feature)` per naming. A feature is named by its folder name when that
/// starts with a digit (`007-search`, also inside a path), by a path to its
/// `spec.md` (`search/spec.md`), by its number after the word feature or
/// spec (`feature 007`, `features 010/011`, `spec #7`), or by its number
/// written just before the ID at `id` (`019 FR-032`).
fn feature_namings<'a>(
    text: &str,
    region: Span,
    id: Span,
    features: &BTreeSet<&'a str>,
) -> Vec<(u32, u32, &'a str)> {
    use regex::Regex;
    use std::sync::OnceLock;
    static WORD: OnceLock<Regex> = OnceLock::new();
    static NUM: OnceLock<Regex> = OnceLock::new();
    let word = WORD.get_or_init(|| {
        Regex::new(
            r"(?i)\b(?:features?|specs?)\b[ \t]*((?:#?[0-9]+(?:[ \t]*(?:/|,|&|\band\b)[ \t]*)?)+)",
        )
        .expect("valid regex")
    });
    let num = NUM.get_or_init(|| Regex::new(r"[0-9]+").expect("valid regex"));
    let Some(r) = text.get(region.start as usize..region.end as usize) else {
        return Vec::new();
    };
    let base = region.start;
    fn name_of(f: &str) -> &str {
        f.rsplit('/').next().unwrap_or(f)
    }
    let number_of = |f: &str| {
        let n = name_of(f);
        let digits = &n[..n.len() - n.trim_start_matches(|c: char| c.is_ascii_digit()).len()];
        (!digits.is_empty()).then(|| (digits.to_string(), digits.parse::<u64>().ok()))
    };
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut out = Vec::new();
    let rb = r.as_bytes();
    for f in features {
        let name = name_of(f);
        let numbered = name.starts_with(|c: char| c.is_ascii_digit());
        let spec = format!("{name}/spec.md");
        for (needle, check_word) in [(name, true), (spec.as_str(), false)] {
            if check_word && !numbered {
                continue;
            }
            for (p, _) in r.match_indices(needle) {
                let e = p + needle.len();
                let before_ok = p == 0 || !is_word(rb[p - 1]);
                // `007-search-v2` is another folder than `007-search`.
                let after_ok = match rb.get(e) {
                    None => true,
                    Some(&b) if is_word(b) => false,
                    Some(b'-') => !rb.get(e + 1).is_some_and(|&c| is_word(c)),
                    _ => true,
                };
                if !check_word || (before_ok && after_ok) {
                    out.push((base + p as u32, base + e as u32, *f));
                }
            }
        }
        let Some((digits, value)) = number_of(f) else {
            continue;
        };
        for c in word.captures_iter(r) {
            let Some(g) = c.get(1) else { continue };
            for n in num.find_iter(g.as_str()) {
                if n.as_str().parse::<u64>().ok() == value && value.is_some() {
                    let s = g.start() + n.start();
                    out.push((base + s as u32, base + (s + n.len()) as u32, *f));
                }
            }
        }
        // `019 FR-032`: the number right before the ID.
        let before = text.get(..id.start as usize).unwrap_or("");
        let trimmed = before.trim_end_matches([' ', '\t']);
        if trimmed.len() < before.len() && trimmed.ends_with(digits.as_str()) {
            let s = trimmed.len() - digits.len();
            let ok = s == 0 || !is_word(text.as_bytes()[s - 1]) && text.as_bytes()[s - 1] != b'-';
            if ok && s as u32 >= region.start {
                out.push((s as u32, trimmed.len() as u32, *f));
            }
        }
    }
    out
}

/// Where an ID found at `sub` inside the decoded scalar `decoded` sits in the
/// file: exact for plain and quoted-without-escapes scalars, else the whole value.
pub fn value_sub_span(text: &str, node: &Node, decoded: &str, sub: Span) -> Span {
    let raw = text
        .get(node.span.start as usize..node.span.end as usize)
        .unwrap_or("");
    let needle = &decoded[sub.start as usize..sub.end as usize];
    // Find the same occurrence (by count) of the ID in the raw text.
    let nth = decoded[..sub.start as usize].matches(needle).count();
    if let Some((pos, _)) = raw.match_indices(needle).nth(nth) {
        let s = node.span.start + pos as u32;
        return Span::new(s, s + needle.len() as u32);
    }
    node.span
}

fn find_pointer(root: &Node, span: Span) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut cur = root;
    for _ in 0..512 {
        if cur.span == span {
            return Some(out);
        }
        let next = match &cur.value {
            Value::Map(entries, _) => entries
                .iter()
                .find(|e| e.value.span.start <= span.start && span.end <= e.value.span.end)
                .map(|e| (e.key.clone(), &e.value)),
            Value::Seq(items, _) => items
                .iter()
                .enumerate()
                .find(|(_, it)| it.span.start <= span.start && span.end <= it.span.end)
                .map(|(i, it)| (i.to_string(), it)),
            _ => None,
        };
        let (k, n) = next?;
        out.push(k);
        cur = n;
    }
    None
}

/// Splits a `$ref` into a target file (relative to `from`) and a pointer.
pub fn split_ref(from: &str, target: &str) -> Result<Target, RefError> {
    split_ref_in(&from.into(), target)
}

/// [`split_ref`] for a file the index already names: a local `$ref` (most
/// of them) shares its name instead of copying it. Runs for every `$ref`
/// of the workspace on every build, and again in every `deref`.
fn split_ref_in(from: &FileId, target: &str) -> Result<Target, RefError> {
    let starts = |p: &str| {
        target
            .get(..p.len())
            .is_some_and(|t| t.eq_ignore_ascii_case(p))
    };
    if starts("http://") || starts("https://") || starts("urn:") || starts("//") {
        return Err(RefError::Remote);
    }
    let (path, frag) = match target.split_once('#') {
        Some((p, f)) => (p, f),
        None => (target, ""),
    };
    let file: FileId = if path.is_empty() {
        from.clone()
    } else {
        let path = path.strip_prefix("file://").unwrap_or(path);
        match join_relative(from, path) {
            Some(p) => p.into(),
            None => return Err(RefError::OutsideWorkspace(path.to_string())),
        }
    };
    Ok(Target {
        file,
        pointer: split_pointer(frag),
    })
}

/// The `$ref` graph of a build, between files: `adj[i]` the files that
/// file `names[i]` points into; `again` the files whose `$ref`s were
/// resolved again (not taken from the previous build).
struct RefGraph<'a> {
    names: &'a [FileId],
    adj: &'a [Option<Vec<usize>>],
    again: &'a [usize],
}

/// Per operation of `index`: whether nothing it reads changed since `prev`.
/// An operation reads its own node, its path item's node and, through
/// every `$ref` inside them, the nodes those point at, and so on: it is
/// clean when all of these sit in unchanged files, each of those `$ref`s
/// resolved as before, and its API's root is unchanged. Nodes, not files: in a spec whose root holds
/// both the shared components and `$ref`s to every path file, an edit in
/// one path file leaves every other operation clean.
fn clean_operations(index: &Index, prev: &Index, graph: &RefGraph) -> Vec<bool> {
    // The files that changed, found once (a lookup per file per `$ref`
    // in the workspace's big map cost more than the rest).
    let differs: FastMap<&str, ()> = index
        .files
        .iter()
        .filter(|(id, a)| !same_file(Some(a), prev.files.get(*id)))
        .map(|(id, _)| (&**id, ()))
        .collect();
    let changed = |id: &str| differs.contains_key(id);
    // First by files: a file that reaches no changed file (and no file
    // whose `$ref`s were resolved again) by `$ref` is clean as a whole, and
    // so is every operation in it; only the others are looked at node by node.
    let n = graph.names.len();
    let mut back: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (from, next) in graph.adj.iter().enumerate() {
        for &t in next.iter().flatten() {
            back[t].push(from);
        }
    }
    let mut dirty = vec![false; n];
    let mut stack: Vec<usize> = graph.again.to_vec();
    stack.extend((0..n).filter(|&i| changed(&graph.names[i])));
    while let Some(i) = stack.pop() {
        if std::mem::replace(&mut dirty[i], true) {
            continue;
        }
        stack.extend(back[i].iter().filter(|b| !dirty[**b]));
    }
    let file_clean: FastMap<&str, bool> = graph
        .names
        .iter()
        .enumerate()
        .map(|(i, f)| (&**f, !dirty[i]))
        .collect();
    let whole = |f: &str| file_clean.get(f).copied().unwrap_or(false);
    // Each file's `$ref`s by where they are written: made when the first
    // operation the file-level pass leaves open needs them.
    let all_sites = || {
        let mut sites: FastMap<&str, Vec<(u32, usize)>> = FastMap::default();
        for (f, &(a, b)) in &index.ref_ranges {
            let mut v: Vec<(u32, usize)> =
                (a..b).map(|i| (index.refs[i].site.span.start, i)).collect();
            v.sort_unstable();
            sites.insert(&**f, v);
        }
        sites
    };
    let mut sites = None;
    let mut memo: FastMap<(FileId, u32), bool> = FastMap::default();
    let ops = index
        .operations
        .iter()
        .map(|op| {
            if changed(&op.api_root) || op.ref_from.as_ref().is_some_and(|(f, _)| changed(f)) {
                return false;
            }
            if whole(&op.file) && whole(&op.item_file) {
                return true;
            }
            let sites = &*sites.get_or_insert_with(all_sites);
            let item = index.node(&op.item_file, &op.item_pointer);
            subtree_clean(
                index, prev, &changed, sites, &mut memo, &op.file, op.span, 0,
            ) && item.is_some_and(|n| {
                subtree_clean(
                    index,
                    prev,
                    &changed,
                    sites,
                    &mut memo,
                    &op.item_file,
                    n.span,
                    0,
                )
            })
        })
        .collect();
    ops
}

/// Whether the node at `span` of `file` and everything its `$ref`s reach
/// are as in the previous build (see [`clean_operations`]). A node met again
/// while it is being looked at counts as changed (a `$ref` cycle costs a
/// recomputation, never a stale answer).
#[allow(clippy::too_many_arguments)]
fn subtree_clean(
    index: &Index,
    prev: &Index,
    changed: &dyn Fn(&str) -> bool,
    sites: &FastMap<&str, Vec<(u32, usize)>>,
    memo: &mut FastMap<(FileId, u32), bool>,
    file: &FileId,
    span: Span,
    depth: u32,
) -> bool {
    if depth > 64 || changed(file) {
        return false;
    }
    let key = (file.clone(), span.start);
    if let Some(&v) = memo.get(&key) {
        return v;
    }
    memo.insert(key.clone(), false);
    let mut clean = true;
    if let Some(v) = sites.get(&**file) {
        let from = v.partition_point(|(s, _)| *s < span.start);
        for &(at, i) in &v[from..] {
            if at >= span.end {
                break;
            }
            let r = &index.refs[i];
            // Resolved as before (a file created or deleted changes that).
            let before = prev
                .ref_targets
                .get(&(file.clone(), at))
                .map(|&j| &prev.refs[j]);
            if !before.is_some_and(|b| Arc::ptr_eq(b, r) || b.target == r.target) {
                clean = false;
                break;
            }
            if let Ok(t) = &r.target {
                // A changed file is a change, whether or not the pointer
                // still finds a node there.
                if changed(&t.file) {
                    clean = false;
                    break;
                }
                if let Some(n) = index.node(&t.file, &t.pointer) {
                    if !subtree_clean(
                        index,
                        prev,
                        changed,
                        sites,
                        memo,
                        &t.file,
                        n.span,
                        depth + 1,
                    ) {
                        clean = false;
                        break;
                    }
                }
            }
        }
    }
    memo.insert(key, clean);
    clean
}

/// The previous build's `$ref`s of `f`, when they hold as they are: `f`
/// is the same text, and every file they point into is too (so that their
/// pointer checks stand); a missing or unreadable target is resolved again
/// (it may exist now), a non-YAML target is looked for again on disk.
fn reusable_refs<'p>(
    prev: &'p Index,
    f: &FileId,
    files: &BTreeMap<FileId, FileData>,
    ws: &Workspace,
) -> Option<&'p [Arc<RefInfo>]> {
    let same = |id: &FileId| same_file(files.get(id), prev.files.get(id));
    if !same(f) {
        return None;
    }
    let &(a, b) = prev.ref_ranges.get(f)?;
    let refs = prev.refs.get(a..b)?;
    // Most `$ref`s of a file point into a few files: each is looked up once.
    let mut known: Vec<&str> = Vec::new();
    let mut same_target = |id: &'p FileId| {
        if known.contains(&&**id) {
            return true;
        }
        let s = same(id);
        if s {
            known.push(id);
        }
        s
    };
    let holds = refs.iter().all(|r| match &r.target {
        Ok(t) if is_structured_name(&t.file) => same_target(&t.file),
        Ok(t) => ws.root.join(&*t.file).is_file(),
        Err(RefError::PointerNotFound(file, _)) => same_target(file),
        Err(RefError::Remote | RefError::OutsideWorkspace(_)) => true,
        Err(RefError::MissingFile(_) | RefError::Unreadable(..)) => false,
    });
    holds.then_some(refs)
}

fn resolve_target(
    selves: &SelfUris,
    from: &FileId,
    target: &str,
    ws: &mut Workspace,
    files: &mut BTreeMap<FileId, FileData>,
    others: &mut BTreeSet<String>,
    parse_one: &dyn Fn(&FileId, &Workspace) -> FileData,
) -> Result<Target, RefError> {
    if let Some(t) = selves.resolve(from, target) {
        return Ok(t);
    }
    let t = split_ref_in(from, target)?;
    if files.contains_key(&t.file) {
        if !matches!(
            &*files[&t.file].parsed,
            Parsed::Structured(..) | Parsed::Dictionary(..)
        ) && is_structured_name(&t.file)
        {
            return Err(RefError::Unreadable(
                t.file.to_string(),
                "not a YAML/JSON document".into(),
            ));
        }
        return Ok(t);
    }
    if !is_structured_name(&t.file) {
        // Code samples, Markdown descriptions: they only need to exist.
        if others.contains(&*t.file) || ws.root.join(&*t.file).is_file() {
            others.insert(t.file.to_string());
            return Ok(t);
        }
        return Err(RefError::MissingFile(t.file.to_string()));
    }
    if let Some(s) = ws.skipped.iter().find(|s| s.id == t.file) {
        return Err(RefError::Unreadable(t.file.to_string(), s.reason.clone()));
    }
    if ws.read_from_disk(&t.file) {
        let fd = parse_one(&t.file, ws);
        files.insert(t.file.clone(), fd);
        return Ok(t);
    }
    if let Some(s) = ws.skipped.iter().find(|s| s.id == t.file) {
        return Err(RefError::Unreadable(t.file.to_string(), s.reason.clone()));
    }
    Err(RefError::MissingFile(t.file.to_string()))
}

/// Views of an operation that several rules share.
impl Index {
    /// The operation object.
    pub fn op_node(&self, op: &Operation) -> Option<&Node> {
        self.node(&op.file, &op.pointer)
    }

    /// The path item holding the operation.
    pub fn path_item(&self, op: &Operation) -> Option<&Node> {
        self.node(&op.item_file, &op.item_pointer)
    }

    /// Parameters of the operation merged with its path item's (operation
    /// ones win on the same name and location), each dereferenced.
    pub fn op_parameters(&self, op: &Operation) -> Vec<(FileId, &Node)> {
        let mut out: Vec<(FileId, &Node)> = Vec::new();
        let key = |n: &Node| {
            (
                n.get("name")
                    .and_then(Node::as_str)
                    .unwrap_or("")
                    .to_string(),
                n.get("in").and_then(Node::as_str).unwrap_or("").to_string(),
            )
        };
        // The list itself may be a `$ref` (a shared list of pagination
        // parameters); each item may be one too.
        if let Some(opn) = self.op_node(op) {
            if let Some(list) = opn.get("parameters") {
                let (lf, list) = self.deref(&op.file, list);
                for p in list.items() {
                    out.push(self.deref(&lf, p));
                }
            }
        }
        if let Some(item) = self.path_item(op) {
            let list = item
                .get("parameters")
                .map(|l| self.deref(&op.item_file, l))
                .map(|(f, l)| (f, l.items()))
                .unwrap_or((op.item_file.clone(), &[]));
            for p in list.1 {
                let (f, n) = self.deref(&list.0, p);
                if !out.iter().any(|(_, o)| key(o) == key(n)) {
                    out.push((f, n));
                }
            }
        }
        out
    }

    /// Whether security applies to the operation: its own `security`, else
    /// the root document's. An empty list (or an empty requirement) opts out.
    pub fn security_applies(&self, op: &Operation) -> bool {
        let sec = self
            .op_node(op)
            .and_then(|n| n.get("security"))
            .or_else(|| self.node(&op.api_root, &["security".to_string()]));
        match sec {
            Some(n) => {
                let items = n.items();
                !items.is_empty() && !items.iter().any(|r| r.is_map() && r.entries().is_empty())
            }
            None => false,
        }
    }

    /// The operation's responses: status key, key span, and the dereferenced response.
    pub fn op_responses(
        &self,
        op: &Operation,
    ) -> Vec<(&specgate_syntax::tree::Entry, FileId, &Node)> {
        let Some(opn) = self.op_node(op) else {
            return Vec::new();
        };
        let Some(resp) = opn.get("responses") else {
            return Vec::new();
        };
        let (rf, resp) = self.deref(&op.file, resp);
        resp.entries()
            .iter()
            .filter(|e| !e.key.starts_with("x-"))
            .map(|e| {
                let (f, n) = self.deref(&rf, &e.value);
                (e, f, n)
            })
            .collect()
    }

    /// Whether the API's root is Swagger 2.0.
    pub fn is_swagger2(&self, op: &Operation) -> bool {
        self.apis
            .iter()
            .find(|a| a.root == op.api_root)
            .is_some_and(|a| a.version == Version::Swagger2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A map of `n` keys `k0..`, with `k3` written twice (the first counts).
    fn big_map_doc(n: usize) -> String {
        let mut y = String::from(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n",
        );
        for i in 0..n {
            y.push_str(&format!("    k{i}: {{description: first {i}}}\n"));
        }
        y.push_str("    k3: {description: second}\n");
        y
    }

    /// `Index::node` finds what `Node::pointer` finds, in big and small maps,
    /// for present, repeated and absent keys and list positions.
    #[test]
    fn node_lookup_matches_the_tree_walk() {
        for n in [5, BIG_MAP - 1, BIG_MAP, 300] {
            let text = big_map_doc(n);
            let index = Index::build(Workspace::from_files([("api.yaml", text.as_str())]), None);
            let root = index.doc("api.yaml").unwrap().root.as_ref().unwrap();
            let mut keys: Vec<String> = (0..n + 3).map(|i| format!("k{i}")).collect();
            keys.extend(["".into(), "K1".into(), "description".into()]);
            for k in &keys {
                for tail in [
                    vec![],
                    vec!["description".to_string()],
                    vec!["0".to_string()],
                ] {
                    let mut p = vec!["components".to_string(), "schemas".to_string(), k.clone()];
                    p.extend(tail);
                    let want = root.pointer(&p).map(|x| x.span);
                    assert_eq!(
                        index.node("api.yaml", &p).map(|x| x.span),
                        want,
                        "{n}: {p:?}"
                    );
                }
            }
            let p: Vec<String> = ["components", "schemas", "k3", "description"]
                .map(String::from)
                .into();
            assert_eq!(
                index.node("api.yaml", &p).and_then(Node::as_str),
                Some("first 3")
            );
        }
    }

    /// Remote references are told apart in any case, short and non-ASCII
    /// targets included; a local one names the file it is written in.
    #[test]
    fn self_uris_name_documents_and_rebase_relative_refs() {
        use crate::rules::testing::{findings, index};
        let root = "openapi: 3.2.0\n$self: https://x.io/api/openapi.yaml\ninfo: {title: t, version: '1'}\npaths:\n  /pets:\n    get:\n      responses:\n        '200': {$ref: 'responses/ok.yaml'}\n        default: {$ref: 'https://x.io/api/responses/ok.yaml'}\n";
        // Kept in another folder on disk: found by its `$self`, not its path.
        let ok = "$self: https://x.io/api/responses/ok.yaml\ndescription: ok\n";
        let idx = index(&[("spec/openapi.yaml", root), ("shared/ok.yaml", ok)]);
        assert_eq!(findings(&idx, "unresolved-ref"), "");
        let op = &idx.operations[0];
        let codes: Vec<&str> = idx
            .op_responses(op)
            .iter()
            .map(|(e, f, n)| {
                assert_eq!(&**f, "shared/ok.yaml");
                assert_eq!(n.get("description").and_then(Node::as_str), Some("ok"));
                e.key.as_str()
            })
            .collect();
        assert_eq!(codes, ["200", "default"]);
        assert_eq!(
            join_uri("https://x.io/a/b/c.yaml", "../d.yaml").as_deref(),
            Some("https://x.io/a/d.yaml")
        );
    }

    #[test]
    fn a_complete_document_stitched_into_another_is_part_of_it() {
        use crate::rules::testing::index;
        let root = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /cats:\n    $ref: 'ns/cats.yaml#/paths/~1cats'\ncomponents:\n  responses:\n    E: {description: error}\n";
        // The namespace points back into the root (a shared response): the
        // root still stitches it in, so it stays a part.
        let ns = "openapi: 3.1.0\ninfo: {title: cats, version: '1'}\npaths:\n  /cats:\n    get:\n      responses: {'200': {description: ok}, default: {$ref: '../root.yaml#/components/responses/E'}}\n";
        let idx = index(&[("root.yaml", root), ("ns/cats.yaml", ns)]);
        let apis: Vec<&str> = idx.apis.iter().map(|a| &*a.root).collect();
        assert_eq!(apis, ["root.yaml"]);
        assert_eq!(idx.operations.len(), 1);
        assert_eq!(&*idx.operations[0].file, "ns/cats.yaml");
        // Alone, the namespace document is an API.
        let idx = index(&[("ns/cats.yaml", ns)]);
        assert_eq!(idx.apis.len(), 1);
    }

    #[test]
    fn refs_by_schema_id_and_anchor_resolve() {
        use crate::rules::testing::{findings, index};
        let api = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Pet:\n      properties:\n        details: {$ref: /schemas/details#d}\n        tag: {$ref: /schemas/tag}\n    Details:\n      $id: /schemas/details\n      properties:\n        x:\n          $anchor: d\n          type: string\n    Tag:\n      $id: /schemas/tag\n      type: string\n";
        let idx = index(&[("openapi.yaml", api)]);
        assert_eq!(findings(&idx, "unresolved-ref"), "");
        let t = idx.resolve("openapi.yaml", "/schemas/details#d").unwrap();
        assert_eq!(
            t.pointer,
            ["components", "schemas", "Details", "properties", "x"]
        );
    }

    #[test]
    fn callbacks_webhooks_and_32_methods_are_operations() {
        use crate::rules::testing::index;
        let api = "openapi: 3.2.0\ninfo: {title: t, version: '1'}\npaths:\n  /items:\n    query:\n      responses: {'200': {description: ok}}\n    additionalOperations:\n      LINK:\n        responses: {'204': {description: ok}}\n    post:\n      callbacks:\n        onDone:\n          '{$request.body#/url}':\n            post:\n              responses: {'200': {description: ok}}\n      responses: {'201': {description: ok}}\nwebhooks:\n  itemAdded:\n    post:\n      responses: {'200': {description: ok}}\n";
        let idx = index(&[("openapi.yaml", api)]);
        let got: Vec<String> = idx
            .operations
            .iter()
            .map(|o| {
                format!(
                    "{:?} {} {} /{}",
                    o.kind,
                    o.method,
                    o.path,
                    o.pointer.join("/")
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                "Path QUERY /items /paths//items/query",
                "Path POST /items /paths//items/post",
                "Callback POST {$request.body#/url} /paths//items/post/callbacks/onDone/{$request.body#/url}/post",
                "Path LINK /items /paths//items/additionalOperations/LINK",
                "Webhook POST itemAdded /webhooks/itemAdded/post",
            ]
        );
    }

    #[test]
    fn split_ref_kinds() {
        for remote in ["HTTPS://x/y.yaml", "http://x", "Urn:a", "//host/a.yaml"] {
            assert!(
                matches!(split_ref("a.yaml", remote), Err(RefError::Remote)),
                "{remote}"
            );
        }
        for local in ["ht", "é#/x", "#/components/schemas/A", "http.yaml#/a"] {
            assert!(split_ref("dir/a.yaml", local).is_ok(), "{local}");
        }
        let t = split_ref("dir/a.yaml", "#/components/schemas/A").unwrap();
        assert_eq!(&*t.file, "dir/a.yaml");
        assert_eq!(t.pointer, ["components", "schemas", "A"]);
    }

    /// Two keys with one hash: the one the table does not hold is still found.
    #[test]
    fn a_hash_collision_falls_back_to_the_search() {
        let text = big_map_doc(40);
        let index = Index::build(Workspace::from_files([("api.yaml", text.as_str())]), None);
        let root = index.doc("api.yaml").unwrap().root.as_ref().unwrap();
        let entries = root.pointer(["components", "schemas"]).unwrap().entries();
        // A table where `k7` seems to collide with `k2`.
        let mut t = FastMap::default();
        for (i, e) in entries.iter().enumerate() {
            t.entry(key_hash(&e.key)).or_insert(i as u32);
        }
        t.insert(key_hash("k7"), 2);
        let lookup = MapLookup::default();
        lookup
            .maps
            .lock()
            .unwrap()
            .insert(entries.as_ptr() as usize, Arc::new(t));
        assert_eq!(
            lookup.get(entries, "k7").map(|n| n.span),
            Some(entries[7].value.span)
        );
        assert_eq!(
            lookup.get(entries, "k2").map(|n| n.span),
            Some(entries[2].value.span)
        );
        assert!(lookup.get(entries, "nope").is_none());
    }
}
