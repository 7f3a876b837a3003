//! YAML → located tree.
use crate::tree::Document;

pub fn parse_yaml(text: &str) -> Document {
    let _ = text;
    Document::default()
}
