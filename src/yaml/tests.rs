use super::*;

fn parse(text: &str) -> Vec<Document> {
    parse_with(text, &Limits::default())
}

fn parse_with(text: &str, limits: &Limits) -> Vec<Document> {
    parse_stream(text.as_bytes(), &LineIndex::new(text.as_bytes()), limits).documents
}

fn root(text: &str) -> Node {
    let mut docs = parse(text);
    assert_eq!(docs.len(), 1, "{docs:?}");
    docs.remove(0).root.expect("parses")
}

fn slice(text: &str, span: Span) -> &str {
    &text[span.bytes()]
}

/// Where a span is in lines and columns, as a finding reports it.
fn place(text: &[u8], span: Span) -> Region {
    LineIndex::new(text).region(span)
}

#[test]
fn every_node_knows_where_it_is() {
    let text = "kind: Pod\nspec:\n  containers:\n  - name: app\n    image: \"nginx:1\"\n";
    let doc = root(text);
    let containers = doc.at(&["spec", "containers"]).unwrap();
    let first = &containers.as_seq().unwrap()[0];
    let first_at = place(text.as_bytes(), first.span);
    assert_eq!((first_at.start.line, first_at.start.column), (4, 5));
    assert_eq!(slice(text, first.span), "name: app\n    image: \"nginx:1\"");
    let image = first.entry("image").unwrap();
    assert_eq!(slice(text, image.key_span), "image");
    assert_eq!(slice(text, image.value.span), "\"nginx:1\"");
    let image_at = place(text.as_bytes(), image.value.span).start;
    assert_eq!((image_at.line, image_at.column), (5, 12));
    assert_eq!(slice(text, image.span()), "image: \"nginx:1\"");
}

#[test]
fn flow_collections_end_at_their_bracket() {
    let text = "a: {b: [1, 2], c: x}  # trailing\n";
    let a = root(text);
    let a = a.get("a").unwrap();
    assert_eq!(slice(text, a.span), "{b: [1, 2], c: x}");
    assert_eq!(slice(text, a.get("b").unwrap().span), "[1, 2]");
}

#[test]
fn columns_count_characters_and_offsets_count_bytes() {
    let text = "name: \"héllo\"\nimage: x\n";
    let doc = root(text);
    let image = doc.entry("image").unwrap();
    assert_eq!(image.value.span.start_at(), text.find(": x").unwrap() + 2);
    assert_eq!(place(text.as_bytes(), image.value.span).start.column, 8);
    let name = doc.get("name").unwrap();
    assert_eq!(place(text.as_bytes(), name.span).end.column, 14);
    assert_eq!(slice(text, name.span), "\"héllo\"");
}

#[test]
fn a_broken_document_does_not_hide_the_others() {
    let text = "a: 1\n---\nb: [unclosed\nc: 2\n---\nd: 4\n";
    let docs = parse(text);
    assert_eq!(docs.len(), 3);
    assert!(docs[0].root.is_ok());
    let err = docs[1].root.as_ref().unwrap_err();
    assert!(err.message.starts_with("YAML syntax error"), "{}", err.message);
    assert!((3..=5).contains(&place(text.as_bytes(), err.span).start.line), "{err:?}");
    assert_eq!(docs[2].index, 3);
    assert_eq!(docs[2].root.as_ref().unwrap().get("d").unwrap().as_i64(), Some(4));
}

#[test]
fn duplicate_keys_are_errors_like_strict_decoding() {
    let text = "metadata:\n  name: a\n  name: b\n";
    let err = parse(text).remove(0).root.unwrap_err();
    assert!(err.message.contains("duplicate key \"name\""), "{}", err.message);
    assert!(err.message.contains("line 2"));
    assert_eq!(place(text.as_bytes(), err.span).start.line, 3);
    // Keys equal after conversion to JSON are duplicates too.
    assert!(parse("1: a\n\"1\": b\n").remove(0).root.is_err());
}

#[test]
fn the_first_repeated_key_is_reported_in_small_and_large_mappings() {
    // Small mappings compare their keys pair by pair, larger ones mark
    // them: both report the first entry that repeats an earlier key, and
    // the line of the key it repeats.
    for count in [3, 6, 7, 20] {
        let mut text: String = (0..count).map(|i| format!("k{i}: {i}\n")).collect();
        text.push_str("k2: again\nk1: again\n");
        let err = parse(&text).remove(0).root.unwrap_err();
        assert!(err.message.contains("duplicate key \"k2\" (first defined at line 3)"), "{count}: {}", err.message);
        assert_eq!(place(text.as_bytes(), err.span).start.line, count + 1);
    }
}

#[test]
fn anchors_aliases_and_merge_keys() {
    let text = "base: &b {p: 1, q: 2}\nuse:\n  <<: *b\n  q: 3\nlist: [*b]\n";
    let doc = root(text);
    let used = doc.get("use").unwrap();
    assert_eq!(used.get("p").unwrap().as_i64(), Some(1));
    assert_eq!(used.get("q").unwrap().as_i64(), Some(3));
    assert_eq!(doc.at(&["list"]).unwrap().as_seq().unwrap()[0].get("q").unwrap().as_i64(), Some(2));
    // A YAML 1.1 gotcha Kubernetes shares: a plain `y` key is the boolean true.
    assert!(root("y: 1\n").get("true").is_some());
}

#[test]
fn kubernetes_scalar_meanings_apply_to_keys_and_values() {
    let doc = root("privileged: yes\non: 1\nmode: 0644\nquoted: \"yes\"\n");
    assert_eq!(doc.get("privileged").unwrap().as_bool(), Some(true));
    assert_eq!(doc.get("true").unwrap().as_i64(), Some(1));
    assert_eq!(doc.get("mode").unwrap().as_i64(), Some(0o644));
    assert_eq!(doc.get("quoted").unwrap().as_str(), Some("yes"));
}

#[test]
fn alias_bombs_stop_at_the_limit() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    text.push_str("---\nok: 1\n");
    let docs = parse(&text);
    let err = docs[0].root.as_ref().unwrap_err();
    assert!(err.message.contains("max_alias_nodes"), "{}", err.message);
    assert!(docs[1].root.is_ok());
}

#[test]
fn deep_nesting_stops_at_the_limit() {
    let depth = 100_000;
    let limit = Limits::default().max_depth;
    let flow = format!("{}{}\n---\nok: 1\n", "[".repeat(depth), "]".repeat(depth));
    let block = format!("{}x\n---\nok: 1\n", "- ".repeat(depth));
    for text in [flow, block] {
        let docs = parse(&text);
        let err = docs[0].root.as_ref().unwrap_err();
        assert!(err.message.contains("nesting deeper than"), "{}", err.message);
        assert!(err.span.start_at() <= 2 * limit + 2, "{err:?}");
        assert!(docs[1].root.is_ok());
    }
}

#[test]
fn size_and_document_limits_keep_what_came_before() {
    let limits = Limits { max_bytes: 12, max_documents: 2, ..Limits::default() };
    let docs = parse_with("a: 1\n---\nb: 2222222\n", &limits);
    assert!(docs[0].root.is_ok());
    assert!(docs[1].root.as_ref().unwrap_err().message.contains("max_bytes"));
    let text = "a: 1\n---\nb: 2\n---\nc: 3\n";
    let docs = parse_with(text, &Limits { max_documents: 2, ..Limits::default() });
    assert_eq!(docs.len(), 3);
    let err = docs[2].root.as_ref().unwrap_err();
    assert!(err.message.contains("max_documents"));
    assert_eq!(place(text.as_bytes(), err.span).start.line, 4);
}

#[test]
fn invalid_utf8_is_an_error_for_its_document_only() {
    let mut text = b"a: 1\n---\nb: \"".to_vec();
    text.extend_from_slice(&[0xff, 0xfe]);
    text.extend_from_slice(b"\"\n---\nc: 3\n");
    let docs = parse_stream(&text, &LineIndex::new(&text), &Limits::default()).documents;
    assert_eq!(docs.len(), 3);
    let err = docs[1].root.as_ref().unwrap_err();
    let err_at = place(&text, err.span).start;
    assert_eq!((err_at.line, err_at.column), (3, 5));
    assert!(docs[2].root.is_ok());
}

#[test]
fn empty_and_comment_only_input_has_no_documents() {
    assert!(parse("").is_empty());
    assert!(parse("# nothing\n").is_empty());
    assert!(root("---\n").is_null());
}

#[test]
fn node_count_limit_names_itself() {
    let limits = Limits { max_nodes: 100, ..Limits::default() };
    let text = format!("items: [{}]\n---\nok: 1\n", vec!["x"; 200].join(", "));
    let docs = parse_with(&text, &limits);
    let err = docs[0].root.as_ref().unwrap_err();
    assert!(err.message.contains("max_nodes"), "{}", err.message);
    assert_eq!(place(text.as_bytes(), err.span).start.line, 1);
    assert!(docs[1].root.is_ok());
}

#[test]
fn columns_on_one_long_non_ascii_line_are_counted_once() {
    // Single-line JSON with one non-ASCII character: every node is on
    // line 1 (this was quadratic). Positions must still be exact.
    let items: Vec<String> = (0..20_000).map(|i| format!("\"v{i}\"")).collect();
    let text = format!("{{\"é\": [{}], \"last\": 1}}", items.join(", "));
    let doc = root(&text);
    let last = doc.entry("last").unwrap();
    let last_at = place(text.as_bytes(), last.key_span).start;
    assert_eq!(last_at.line, 1);
    assert_eq!(last_at.column as usize, text[..last.key_span.start_at()].chars().count() + 1);
}

#[test]
fn nested_anchors_count_against_the_alias_limit() {
    // Each anchor keeps a copy of everything inside it: 150 nested anchors
    // around 1,000 nodes would copy 150,000 nodes.
    let inner = vec!["x"; 1000].join(", ");
    let mut text = format!("[{inner}]");
    for i in 0..150 {
        text = format!("&a{i} [{text}]");
    }
    let docs = parse(&format!("v: {text}\n---\nok: 1\n"));
    assert!(docs[0].root.as_ref().unwrap_err().message.contains("max_alias_nodes"));
    assert!(docs[1].root.is_ok());
}

#[test]
fn aliases_to_long_text_stop_at_the_byte_limit() {
    let name = "x".repeat(100_000);
    let text = format!("name: &n {name}\nlist: [{}]\n---\nok: 1\n", vec!["*n"; 1000].join(", "));
    let docs = parse(&text);
    let err = docs[0].root.as_ref().unwrap_err();
    assert!(err.message.contains("max_alias_bytes"), "{}", err.message);
    // At the alias that crossed 4 MiB: the anchor's copy and 41 aliases.
    assert_eq!(err.span.start_at(), "name: &n \nlist: [".len() + name.len() + 40 * "*n, ".len());
    assert!(docs[1].root.is_ok());
    // Short text aliased as often is fine.
    assert!(parse(&format!("name: &n abc\nlist: [{}]\n", vec!["*n"; 1000].join(", ")))[0].root.is_ok());
}

#[test]
fn short_and_long_texts_read_as_they_were_made() {
    // Both sides of the length held in place, and a character across it.
    for text in ["", "a", "é", &"x".repeat(21), &"x".repeat(22), &"x".repeat(23), &format!("{}é", "x".repeat(21))] {
        assert_eq!(Text::from(text).as_str(), text);
        assert_eq!(&*Text::from(text.to_string()), text);
        assert_eq!(String::from(Text::from(text)), text);
        assert_eq!(format!("{:?}", Text::from(text)), format!("{text:?}"));
    }
    assert_eq!(root("a: \"x\"\n").get("a").unwrap().value, root("a: x\n").get("a").unwrap().value);
}
