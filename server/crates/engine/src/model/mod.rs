//! What the engine knows about each kind of file, as plain data with byte spans.
//!
//! Each reader turns one file's text into one of these models; the index
//! ([`crate::index`]) joins them into one workspace view that rules query.

pub mod datatype;
pub mod dictionary;
pub mod oas30;
#[cfg(test)]
mod oas30_oracle;
pub mod openapi;
pub mod prd;
pub mod sql;

pub use specgate_syntax::tree::Span;

/// A mention of a requirement ID somewhere in a file (not its definition).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdMention {
    pub id: String,
    pub span: Span,
}

/// Requirement priority. MUST/SHOULD/COULD read as P0/P1/P2.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum Priority {
    P0,
    P1,
    P2,
    P3,
}

impl Priority {
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::P0 => "P0",
            Priority::P1 => "P1",
            Priority::P2 => "P2",
            Priority::P3 => "P3",
        }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn model_readers_never_panic_on_random_input() {
        const PIECES: &[&str] = &[
            "|",
            "-",
            "*",
            "**",
            "_",
            "`",
            "```",
            "~~~",
            "#",
            "## ",
            ">",
            "\n",
            "\r\n",
            "\r",
            " ",
            "\t",
            "    ",
            "FR-1",
            "FR-002",
            "NFR-3",
            "(",
            ")",
            "[",
            "]",
            ":",
            ",",
            ";",
            "'",
            "\"",
            "$$",
            "$f$",
            "--",
            "/*",
            "*/",
            "é",
            "😀",
            "漢",
            "\u{feff}",
            "\u{0}",
            "1.",
            "- [ ] ",
            "<!--",
            "-->",
            "CREATE TABLE t (",
            "ALTER TABLE t ADD ",
            "a int",
            "Release Mode: MVP",
            "| Attribute | Type |",
            "|---|---|",
            "Table: t",
            "**Fields**:",
            "E'",
            "\\",
        ];
        let re = regex::Regex::new(r"FR-\d+").unwrap();
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..1500 {
            let len = (next() % 60) as usize;
            let text: String = (0..len)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect();
            let prd = crate::model::prd::parse_prd(&text, &re);
            for r in &prd.requirements {
                assert!(
                    text.get(r.span.start as usize..r.span.end as usize)
                        .is_some(),
                    "{text:?}"
                );
                assert!(
                    text.get(r.line_span.start as usize..r.line_span.end as usize)
                        .is_some(),
                    "{text:?}"
                );
            }
            let d = crate::model::dictionary::parse_markdown(&text);
            for e in &d.entities {
                assert!(
                    text.get(e.span.start as usize..e.span.end as usize)
                        .is_some(),
                    "{text:?}"
                );
                assert!(text.is_char_boundary(e.insert_at as usize), "{text:?}");
            }
            let _ = crate::model::dictionary::parse_csv(&text);
            for ts in [true, false] {
                let f = crate::model::sql::read_sql(&text, &re, ts).0;
                for t in &f.tables {
                    assert!(
                        text.get(t.span.start as usize..t.span.end as usize)
                            .is_some(),
                        "{text:?}"
                    );
                    for c in &t.columns {
                        assert!(
                            text.get(c.span.start as usize..c.span.end as usize)
                                .is_some(),
                            "{text:?}"
                        );
                    }
                }
                for e in &f.errors {
                    assert!(
                        text.get(e.span.start as usize..e.span.end as usize)
                            .is_some(),
                        "{text:?}"
                    );
                }
            }
        }
    }
}
