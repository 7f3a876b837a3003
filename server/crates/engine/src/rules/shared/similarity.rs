//! Text similarity for suggestions: words (camelCase and path segments
//! split, lower-cased, stemmed, stop words dropped), TF-IDF cosine ranking,
//! and edit distances for near-miss names.

use std::collections::{BTreeMap, HashMap};

const STOP: &[&str] = &[
    "a", "an", "the", "of", "to", "in", "for", "on", "by", "with", "and", "or", "can", "be", "is",
    "are", "as", "from", "at", "it", "its", "this", "that", "their", "his", "her", "them", "they",
    "system", "must", "should", "shall", "may", "will", "user", "users", "able", "allow", "allows",
    "so", "via", "per", "all", "any", "each", "every", "into", "out", "api", "id", "ids", "s", "t",
    "fr", "nfr", "http", "https",
];

/// A light suffix-stripping stemmer (good enough to match `appointments`
/// with `appointment`, `booking` with `book`, `scheduled` with `schedule`).
pub fn stem(word: &str) -> String {
    let mut w = word.to_ascii_lowercase();
    if w.len() <= 3 {
        return w;
    }
    if let Some(b) = w.strip_suffix("ies") {
        w = format!("{b}y");
    } else if let Some(b) = w.strip_suffix("sses") {
        w = format!("{b}ss");
    } else if w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        w.pop();
    }
    for suf in [
        "ations", "ation", "ments", "ment", "ings", "ing", "ed", "ly",
    ] {
        if let Some(b) = w.strip_suffix(suf) {
            if b.len() >= 3 && b.bytes().any(|c| b"aeiouy".contains(&c)) {
                w = b.to_string();
                break;
            }
        }
    }
    let b = w.as_bytes();
    if b.len() >= 4 && b[b.len() - 1] == b[b.len() - 2] && !b"aeiou".contains(&b[b.len() - 1]) {
        w.pop();
    }
    if w.len() > 3 && w.ends_with('e') {
        w.pop();
    }
    w
}

/// Splits text into raw words: on non-alphanumerics and camelCase humps.
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_alphanumeric() {
            let hump = c.is_uppercase()
                && !cur.is_empty()
                && (chars[i - 1].is_lowercase()
                    || chars.get(i + 1).is_some_and(|n| n.is_lowercase())
                        && chars[i - 1].is_uppercase());
            if hump {
                out.push(std::mem::take(&mut cur));
            }
            cur.extend(c.to_lowercase());
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Stemmed, lower-cased content words of a text.
pub fn terms(text: &str) -> Vec<String> {
    words(text)
        .into_iter()
        .filter(|w| !STOP.contains(&w.as_str()) && !w.chars().all(|c| c.is_ascii_digit()))
        .map(|w| stem(&w))
        .filter(|w| !w.is_empty())
        .collect()
}

/// TF-IDF cosine similarity of a query against documents; returns
/// `(document index, score)` for every document with a positive score,
/// best first (ties keep document order).
pub fn rank(query: &str, docs: &[String]) -> Vec<(usize, f64)> {
    let doc_terms: Vec<Vec<String>> = docs.iter().map(|d| terms(d)).collect();
    let n = docs.len() as f64;
    let mut df: HashMap<&str, usize> = HashMap::new();
    for t in &doc_terms {
        let mut seen: Vec<&str> = t.iter().map(String::as_str).collect();
        seen.sort_unstable();
        seen.dedup();
        for s in seen {
            *df.entry(s).or_default() += 1;
        }
    }
    let idf = |t: &str| ((n + 1.0) / (*df.get(t).unwrap_or(&0) as f64 + 1.0)).ln() + 1.0;
    // Ordered maps: sums in a fixed order give the same score every run.
    let vector = |ts: &[String]| -> BTreeMap<String, f64> {
        let mut v: BTreeMap<String, f64> = BTreeMap::new();
        for t in ts {
            *v.entry(t.clone()).or_default() += 1.0;
        }
        for (t, w) in v.iter_mut() {
            *w = (1.0 + w.ln()) * idf(t);
        }
        v
    };
    let norm = |v: &BTreeMap<String, f64>| v.values().map(|x| x * x).sum::<f64>().sqrt();
    let q = vector(&terms(query));
    let qn = norm(&q);
    let mut out: Vec<(usize, f64)> = Vec::new();
    if qn == 0.0 {
        return out;
    }
    for (i, t) in doc_terms.iter().enumerate() {
        let d = vector(t);
        let dn = norm(&d);
        if dn == 0.0 {
            continue;
        }
        let dot: f64 = q.iter().map(|(k, w)| w * d.get(k).unwrap_or(&0.0)).sum();
        let s = dot / (qn * dn);
        if s > 1e-9 {
            out.push((i, s));
        }
    }
    // Scores equal up to rounding tie, and ties keep document order.
    let key = |s: f64| (s * 1e9).round() as i64;
    out.sort_by(|a, b| key(b.1).cmp(&key(a.1)).then(a.0.cmp(&b.0)));
    out
}

/// Optimal string alignment distance (Levenshtein plus adjacent transpositions).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[n][m]
}

/// The candidates within a small edit distance of `name` (at most 2, and
/// less than a third of the length), closest first.
pub fn near_names<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Vec<(&'a str, usize)> {
    let n = name.to_ascii_lowercase();
    let max = (n.chars().count() / 3).clamp(1, 2);
    let mut out: Vec<(&str, usize)> = candidates
        .into_iter()
        .filter_map(|c| {
            let d = edit_distance(&n, &c.to_ascii_lowercase());
            (d > 0 && d <= max).then_some((c, d))
        })
        .collect();
    out.sort_by_key(|&(c, d)| (d, c));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_camel_and_paths() {
        assert_eq!(
            words("listPatientAppointments"),
            ["list", "patient", "appointments"]
        );
        assert_eq!(
            words("/patients/{patientId}/HTTPServer"),
            ["patients", "patient", "id", "http", "server"]
        );
        assert_eq!(stem("appointments"), stem("appointment"));
        assert_eq!(stem("booking"), "book");
        assert_eq!(stem("scheduled"), stem("schedule"));
        assert_eq!(stem("cancelled"), stem("cancel"));
        assert_eq!(stem("specialty"), stem("specialties"));
    }

    #[test]
    fn ranks_by_tfidf_not_alphabetically() {
        let docs: Vec<String> = [
            "Patients can register an account",
            "Patients can view and update their profile",
            "Patients can list their upcoming appointments",
            "Clinicians see their schedule for a day",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let r = rank(
            "updatePatient Update a patient's profile /patients/{patientId}",
            &docs,
        );
        assert_eq!(r[0].0, 1, "{r:?}");
        let r = rank("List a patient's upcoming appointments", &docs);
        assert_eq!(r[0].0, 2, "{r:?}");
        assert!(rank("zzz", &docs).is_empty());
    }

    #[test]
    fn distances() {
        assert_eq!(edit_distance("speciality", "specialty"), 1);
        assert_eq!(edit_distance("100", "010"), 1);
        assert_eq!(edit_distance("100", "001"), 2);
        assert_eq!(
            near_names("speciality", ["specialty", "id", "full_name"]),
            [("specialty", 1)]
        );
        assert!(near_names("nickname", ["full_name", "email"]).is_empty());
    }
}
