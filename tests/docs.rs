//! The README's rule table is generated from the registry. To refresh it:
//! `POSTURE_UPDATE_DOCS=1 cargo test --test docs`.

const START: &str = "<!-- rules:start (generated from the registry; see tests/docs.rs) -->\n";
const END: &str = "<!-- rules:end -->";

#[test]
fn readme_rule_table_matches_the_registry() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).unwrap();
    let start = readme.find(START).expect("README has the rules:start marker") + START.len();
    let end = readme.find(END).expect("README has the rules:end marker");
    let table = posture::rules::docs::table();
    if std::env::var_os("POSTURE_UPDATE_DOCS").is_some() {
        std::fs::write(path, format!("{}{table}{}", &readme[..start], &readme[end..])).unwrap();
        return;
    }
    assert_eq!(
        &readme[start..end],
        table,
        "README rule table is stale: run POSTURE_UPDATE_DOCS=1 cargo test --test docs"
    );
}
