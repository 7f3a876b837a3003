//! Readers that turn YAML and JSON text into the located tree ([`crate::tree`]).
//! A parse never fails: it returns a tree (possibly partial) plus errors.
//!
//! - [`parse_yaml`]: the first document of a YAML file. Reads big files in
//!   chunks (see [`yaml`] for the design); scalars are decoded, spans are
//!   byte ranges, comments are listed, aliases are expanded within a budget.
//! - [`ParsedYaml`] / [`parse_yaml_incremental`]: the same, kept so that after
//!   an edit only the chunk that changed is read again (a keystroke in a
//!   100k-line file costs a few milliseconds).
//! - [`parse_json`]: a JSON file, with tree-sitter-json recovery on errors.

pub mod json;
pub mod yaml;

pub use json::parse_json;
pub use yaml::{parse_yaml, parse_yaml_incremental, ParsedYaml, ReadStats, YamlState};

/// Offset of the first `\n` in `s[from..to]` (or `to`), eight bytes at a
/// time.
#[inline]
pub(crate) fn find_nl(s: &[u8], from: usize, to: usize) -> usize {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    const NL: u64 = 0x0a0a_0a0a_0a0a_0a0a;
    let to = to.min(s.len());
    let mut i = from;
    while i + 8 <= to {
        let mut w = [0u8; 8];
        w.copy_from_slice(&s[i..i + 8]);
        let x = u64::from_le_bytes(w) ^ NL;
        let t = x.wrapping_sub(LO) & !x & HI;
        if t != 0 {
            return i + (t.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < to {
        if s[i] == b'\n' {
            return i;
        }
        i += 1;
    }
    to
}

/// Collections nested deeper than this are not read (an error says so), so
/// that hostile input cannot overflow the stack.
pub const MAX_DEPTH: u32 = 512;

#[cfg(test)]
mod bench;
#[cfg(any(test, feature = "test-util"))]
pub mod test_util;
