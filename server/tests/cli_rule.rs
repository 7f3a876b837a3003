//! `specgate rule CODE` prints the rule's documentation from its file;
//! an unknown code is a usage error.

use std::process::Command;

#[test]
fn rule_prints_its_documentation() {
    for r in specgate::rules::ALL {
        let out = Command::new(env!("CARGO_BIN_EXE_specgate"))
            .args(["rule", r.code])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(0), "{}", r.code);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.starts_with(&format!("{} (default severity: ", r.code)),
            "{text}"
        );
        // The doc comment's sections, not the code below it.
        assert!(text.contains(&format!("`{}`", r.code)), "{text}");
        assert!(!text.contains("pub const RULE"), "{text}");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_specgate"))
        .args(["rule", "unpaginated-lists"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no rule `unpaginated-lists`"));
}

#[test]
fn rule_all_prints_every_rule_with_how_to_suppress_it() {
    let out = Command::new(env!("CARGO_BIN_EXE_specgate"))
        .args(["rule", "--all"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    for r in specgate::rules::ALL {
        assert!(
            text.contains(&format!("{} (default severity: ", r.code)),
            "{}",
            r.code
        );
    }
    assert!(
        text.contains("`# specgate-ignore: unpaginated-list — reason`"),
        "{text}"
    );
    // Every rule's section, and the one in unused-suppression's own text.
    assert_eq!(
        text.matches("**Suppressing.**").count(),
        specgate::rules::ALL.len() + 1
    );
}
