//! Markdown pipe tables and CSV rows: reading a row's cells with their
//! spans, and writing a new row aligned like the table it joins.

use specgate_syntax::text::{line_end, line_start};
use specgate_syntax::tree::Span;

/// One cell of a table row.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    /// Everything between the separators.
    pub outer: Span,
    /// The content, trimmed.
    pub inner: Span,
    pub text: String,
}

/// The cells of a Markdown table row (`| a | b |`), or `None` when the line
/// is not a table row.
pub fn md_cells(text: &str, line: Span) -> Option<Vec<Cell>> {
    let s = &text[line.start as usize..line.end as usize];
    let t = s.trim();
    if !t.starts_with('|') && !t.contains('|') {
        return None;
    }
    let base = line.start as usize;
    let b = s.as_bytes();
    let mut pipes = Vec::new();
    let mut i = 0;
    let mut in_code = false;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'`' => in_code = !in_code,
            b'|' if !in_code => pipes.push(i),
            _ => {}
        }
        i += 1;
    }
    let lead = s.len() - s.trim_start().len();
    let trail = s.trim_end().len();
    let mut bounds: Vec<usize> = Vec::new();
    if pipes.first() != Some(&lead) {
        bounds.push(lead.wrapping_sub(1));
    }
    bounds.extend(&pipes);
    if pipes.last().map(|p| p + 1) != Some(trail) {
        bounds.push(trail);
    }
    let mut cells = Vec::new();
    for w in bounds.windows(2) {
        let a = w[0].wrapping_add(1);
        let z = w[1];
        let raw = &s[a..z];
        let l = raw.len() - raw.trim_start().len();
        let content = raw.trim();
        cells.push(Cell {
            outer: Span::new((base + a) as u32, (base + z) as u32),
            inner: Span::new((base + a + l) as u32, (base + a + l + content.len()) as u32),
            text: content.to_string(),
        });
    }
    (!cells.is_empty()).then_some(cells)
}

/// Whether a row is the `|---|:---:|` separator.
pub fn is_separator(cells: &[Cell]) -> bool {
    !cells.is_empty()
        && cells.iter().all(|c| {
            let t = c.text.trim();
            !t.is_empty() && t.chars().all(|ch| matches!(ch, '-' | ':')) && t.contains('-')
        })
}

/// The span of the line holding `offset`, without its line ending.
pub fn line_at(text: &str, offset: u32) -> Span {
    Span::new(line_start(text, offset), line_end(text, offset))
}

/// The next line after the line `l`, if any.
pub fn next_line(text: &str, l: Span) -> Option<Span> {
    let rest = &text[l.end as usize..];
    let nl = rest.find('\n')?;
    let start = l.end + nl as u32 + 1;
    if start as usize >= text.len() {
        return None;
    }
    Some(line_at(text, start))
}

/// The line before the line `l`, if any.
pub fn prev_line(text: &str, l: Span) -> Option<Span> {
    if l.start == 0 {
        return None;
    }
    Some(line_at(text, l.start - 1))
}

/// The lines of the Markdown table holding the line `row`: (header, separator, last line).
pub fn md_table_around(text: &str, row: Span) -> Option<(Span, Span, Span)> {
    let is_row = |l: Span| {
        text[l.start as usize..l.end as usize]
            .trim_start()
            .starts_with('|')
    };
    let mut first = row;
    while let Some(p) = prev_line(text, first) {
        if !is_row(p) {
            break;
        }
        first = p;
    }
    let mut last = row;
    while let Some(n) = next_line(text, last) {
        if !is_row(n) {
            break;
        }
        last = n;
    }
    let sep = next_line(text, first)?;
    is_separator(&md_cells(text, sep)?).then_some((first, sep, last))
}

/// Writes a Markdown row like `template` (a row of the table) with `values`
/// in place of its cells, each padded to the width of the table's separator
/// cell (`widths`) when it fits.
pub fn md_row(text: &str, template: &[Cell], widths: &[usize], values: &[String]) -> String {
    let _ = text;
    let mut s = String::from("|");
    for (i, v) in values.iter().enumerate() {
        let width = match template.get(i) {
            Some(c) => widths.get(i).copied().unwrap_or(c.outer.len() as usize),
            None => v.len() + 2,
        };
        let lead = 1;
        let used = lead + v.chars().count();
        s.push_str(&" ".repeat(lead));
        s.push_str(v);
        if used < width {
            s.push_str(&" ".repeat(width - used));
        } else {
            s.push(' ');
        }
        s.push('|');
    }
    s
}

/// The field separator of a CSV file (`,`, `;` or tab), from its header line.
pub fn csv_delimiter(text: &str) -> u8 {
    let head = text.lines().next().unwrap_or("");
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| (head.bytes().filter(|b| b == d).count(), *d == b','))
        .unwrap_or(b',')
}

/// Cells of a CSV line (RFC 4180 quoting), with spans.
pub fn csv_cells(text: &str, line: Span, delim: u8) -> Vec<Cell> {
    let s = &text[line.start as usize..line.end as usize];
    let b = s.as_bytes();
    let base = line.start;
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut i = 0usize;
    let mut quoted = false;
    let mut value = String::new();
    loop {
        if i >= b.len() || (!quoted && b[i] == delim) {
            let raw = &s[start..i];
            let l = raw.len() - raw.trim_start().len();
            let t = raw.trim();
            out.push(Cell {
                outer: Span::new(base + start as u32, base + i as u32),
                inner: Span::new(
                    base + (start + l) as u32,
                    base + (start + l + t.len()) as u32,
                ),
                text: if t.starts_with('"') {
                    std::mem::take(&mut value)
                } else {
                    value.clear();
                    t.to_string()
                },
            });
            if i >= b.len() {
                break;
            }
            i += 1;
            start = i;
            continue;
        }
        match b[i] {
            b'"' if quoted && b.get(i + 1) == Some(&b'"') => {
                value.push('"');
                i += 2;
                continue;
            }
            b'"' => quoted = !quoted,
            _ if quoted => {
                let ch = s[i..].chars().next().unwrap_or(' ');
                value.push(ch);
                i += ch.len_utf8();
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// A CSV field, quoted when it must be.
pub fn csv_field(s: &str, delim: u8) -> String {
    if s.contains([delim as char, '"', '\n', '\r']) || s.trim() != s {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_rows() {
        let t = "| Attribute   | Type |\n|-------------|------|\n| `id`        | uuid |\n| `birth_date`| date |\nafter\n";
        let row = line_at(t, 50);
        let cells = md_cells(t, row).unwrap();
        assert_eq!(cells.len(), 2);
        assert_eq!(cells[0].text, "`id`");
        let (h, sep, last) = md_table_around(t, row).unwrap();
        assert_eq!(
            &t[h.start as usize..h.end as usize],
            "| Attribute   | Type |"
        );
        assert!(is_separator(&md_cells(t, sep).unwrap()));
        assert_eq!(
            &t[last.start as usize..last.end as usize],
            "| `birth_date`| date |"
        );
        let widths: Vec<usize> = md_cells(t, sep)
            .unwrap()
            .iter()
            .map(|c| c.outer.len() as usize)
            .collect();
        assert_eq!(
            md_row(t, &cells, &widths, &["`x`".into(), "text".into()]),
            "| `x`         | text |"
        );
        assert_eq!(
            md_row(
                t,
                &cells,
                &widths,
                &["`favourite_color`".into(), "text".into()]
            ),
            "| `favourite_color` | text |"
        );
    }

    #[test]
    fn csv_rows() {
        let t = "entity,attribute,type,description\nPatient,id,uuid,\"Primary key, unique\"\n";
        let l = line_at(t, 40);
        let c = csv_cells(t, l, csv_delimiter(t));
        assert_eq!(c.len(), 4);
        assert_eq!(c[3].text, "Primary key, unique");
        assert_eq!(c[1].text, "id");
        assert_eq!(csv_field("a,b", b','), "\"a,b\"");
        assert_eq!(csv_delimiter("a;b;c\n"), b';');
        assert_eq!(csv_field("a,b", b';'), "a,b");
    }
}
