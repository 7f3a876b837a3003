//! The baseline: findings a team accepted when it adopted Specgate, kept in
//! `specgate-baseline.json` (`files.baseline` in specgate.toml) and hidden
//! from later runs, so that only new findings are reported.
//!
//! Entries are [`FindingKey`]s with a count (how many findings with that
//! key it accepts), the message for the reader, and an optional `reason` a
//! person wrote. `specgate check --write-baseline` writes today's findings,
//! drops entries that match nothing any more, and keeps every entry that
//! has a reason.

pub mod key;

use key::FindingKey;
use serde::{Deserialize, Serialize};

/// The format version written in the file.
pub const VERSION: u32 = 1;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    /// What this file is, for a reader who finds it in a repository.
    #[serde(default)]
    pub about: String,
    #[serde(default = "version")]
    pub version: u32,
    #[serde(default)]
    pub entries: Vec<Entry>,
}

fn version() -> u32 {
    VERSION
}

fn one() -> u32 {
    1
}

fn is_one(n: &u32) -> bool {
    *n == 1
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    #[serde(flatten)]
    pub key: FindingKey,
    /// How many findings with this key it accepts.
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub count: u32,
    /// The finding's message when it was recorded (not matched).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
    /// Why it is accepted, written by a person; such entries are kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Baseline {
    pub fn parse(text: &str) -> Result<Baseline, String> {
        let b: Baseline = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if b.version > VERSION {
            return Err(format!(
                "baseline version {} is newer than this specgate reads ({VERSION})",
                b.version
            ));
        }
        Ok(b)
    }

    /// The file's text: entries sorted, two-space JSON, a final newline.
    pub fn to_json(&self) -> String {
        let mut b = self.clone();
        b.about = "Findings accepted when Specgate was adopted: `specgate check` hides them \
                   and reports only new ones. `specgate check --write-baseline` rewrites this \
                   file (entries with a `reason` are kept)."
            .into();
        b.version = VERSION;
        b.entries.sort_by(|x, y| x.key.cmp(&y.key));
        let mut s = serde_json::to_string_pretty(&b).unwrap_or_default();
        s.push('\n');
        s
    }

    /// A baseline of `keys` (today's findings, with their messages),
    /// keeping the entries of `old` that carry a reason.
    pub fn from_findings(keys: Vec<(FindingKey, String)>, old: Option<&Baseline>) -> Baseline {
        let mut entries: Vec<Entry> = Vec::new();
        let mut sorted = keys;
        sorted.sort_by(|a, b| a.0.cmp(&b.0));
        for (key, message) in sorted {
            match entries.last_mut() {
                Some(e) if e.key == key => e.count += 1,
                _ => entries.push(Entry {
                    key,
                    count: 1,
                    message,
                    reason: None,
                }),
            }
        }
        if let Some(old) = old {
            for o in old.entries.iter().filter(|o| o.reason.is_some()) {
                match entries.iter_mut().find(|e| e.key == o.key) {
                    Some(e) => e.reason = o.reason.clone(),
                    None => entries.push(o.clone()),
                }
            }
        }
        Baseline {
            entries,
            ..Baseline::default()
        }
    }
}
