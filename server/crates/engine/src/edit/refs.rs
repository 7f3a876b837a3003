//! `$ref` strings written relative to the file that holds them.

use crate::index::Target;
use specgate_syntax::tree::escape_pointer_token;

/// The path of `to_file` relative to the folder of `from_file`
/// (`api/paths/a.yaml` → `api/components/r.yaml` = `../components/r.yaml`).
pub fn relative_path(from_file: &str, to_file: &str) -> String {
    let mut from: Vec<&str> = from_file.split('/').collect();
    from.pop();
    let to: Vec<&str> = to_file.split('/').collect();
    let (to_dir, name) = to.split_at(to.len() - 1);
    let common = from.iter().zip(to_dir).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<&str> = vec![".."; from.len() - common];
    parts.extend(&to_dir[common..]);
    parts.extend(name);
    parts.join("/")
}

/// `#/a/b~1c` for pointer tokens.
pub fn fragment(pointer: &[String]) -> String {
    let mut s = String::from("#");
    for t in pointer {
        s.push('/');
        s.push_str(
            &escape_pointer_token(t)
                .replace('%', "%25")
                .replace(' ', "%20"),
        );
    }
    s
}

/// A `$ref` to `target` written in `from_file`.
pub fn ref_to(from_file: &str, target: &Target) -> String {
    let frag = fragment(&target.pointer);
    if *target.file == *from_file {
        return frag;
    }
    let path = relative_path(from_file, &target.file);
    if target.pointer.is_empty() {
        path
    } else {
        format!("{path}{frag}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative_path("openapi.yaml", "schemas/pet.yaml"),
            "schemas/pet.yaml"
        );
        assert_eq!(
            relative_path("api/openapi.yaml", "api/pet.yaml"),
            "pet.yaml"
        );
        assert_eq!(
            relative_path("api/paths/a.yaml", "api/common.yaml"),
            "../common.yaml"
        );
        assert_eq!(relative_path("a/b.yaml", "c/d.yaml"), "../c/d.yaml");
    }

    #[test]
    fn relative_refs() {
        assert_eq!(
            relative_path("api/paths/a.yaml", "api/components/r.yaml"),
            "../components/r.yaml"
        );
        assert_eq!(
            relative_path("api/openapi.yaml", "api/components/r.yaml"),
            "components/r.yaml"
        );
        assert_eq!(relative_path("openapi.yaml", "r.yaml"), "r.yaml");
        assert_eq!(relative_path("a/b/c.yaml", "x.yaml"), "../../x.yaml");
        let t = Target {
            file: "api/openapi.yaml".into(),
            pointer: vec!["components".into(), "responses".into(), "NotFound".into()],
        };
        assert_eq!(
            ref_to("api/paths/p.yaml", &t),
            "../openapi.yaml#/components/responses/NotFound"
        );
        assert_eq!(
            ref_to("api/openapi.yaml", &t),
            "#/components/responses/NotFound"
        );
        let p = Target {
            file: "a.yaml".into(),
            pointer: vec!["paths".into(), "/pets/{id}".into()],
        };
        assert_eq!(ref_to("b.yaml", &p), "a.yaml#/paths/~1pets~1{id}");
    }
}
