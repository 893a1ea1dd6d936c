//! The README's generated sections come from the registry: the rule table,
//! the "coming from another tool" tables and the workload kinds. To refresh them:
//! `POSTURE_UPDATE_DOCS=1 cargo test --test docs`.

/// Checks (or, with POSTURE_UPDATE_DOCS set, rewrites) the README between
/// `<!-- NAME:start ... -->` and `<!-- NAME:end -->`.
fn generated(name: &str, content: String) {
    // Tests run in parallel: one rewrite of the README at a time.
    static README: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = README.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).unwrap();
    let start_marker = format!("<!-- {name}:start (generated from the registry; see tests/docs.rs) -->\n");
    let end_marker = format!("<!-- {name}:end -->");
    let start =
        readme.find(&start_marker).unwrap_or_else(|| panic!("README has no {start_marker}")) + start_marker.len();
    let end = readme.find(&end_marker).unwrap_or_else(|| panic!("README has no {end_marker}"));
    if std::env::var_os("POSTURE_UPDATE_DOCS").is_some() {
        std::fs::write(path, format!("{}{content}{}", &readme[..start], &readme[end..])).unwrap();
        return;
    }
    assert_eq!(
        &readme[start..end],
        content,
        "README {name} section is stale: run POSTURE_UPDATE_DOCS=1 cargo test --test docs"
    );
}

#[test]
fn readme_rule_table_matches_the_registry() {
    generated("rules", posture::rules::docs::table());
}

#[test]
fn readme_tool_tables_match_the_registry() {
    generated("sources", posture::rules::docs::sources_table());
}

#[test]
fn readme_kinds_table_matches_the_registry() {
    generated("kinds", posture::rules::docs::kinds_table());
}

#[test]
fn readme_fix_table_matches_the_registry() {
    generated("fixes", posture::rules::docs::fixes_table());
}
