//! Every lesson in web/lessons/: it reads, its start does not meet its goal,
//! its solution does, and index.json lists exactly the lesson files. Also the
//! format's errors: each names the field and where it is.

use std::path::Path;

use posture::lessons::{self, Lesson};

fn dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("web/lessons")
}

fn all() -> Vec<(String, Lesson)> {
    let index = std::fs::read_to_string(dir().join("index.json")).expect("web/lessons/index.json");
    lessons::parse_index(&index)
        .expect("index.json")
        .into_iter()
        .map(|name| {
            let text = std::fs::read_to_string(dir().join(&name)).unwrap_or_else(|e| panic!("{name}: {e}"));
            let lesson = lessons::parse(&text).unwrap_or_else(|errors| {
                let all: Vec<String> = errors.iter().map(ToString::to_string).collect();
                panic!("{name}: {}", all.join("\n"))
            });
            (name, lesson)
        })
        .collect()
}

fn checklist(lesson: &Lesson, text: &str) -> String {
    lesson
        .goal_for(text)
        .iter()
        .map(|i| format!("  [{}] {} {}", if i.met { "x" } else { " " }, i.label, i.detail.clone().unwrap_or_default()))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_lesson_start_fails_and_solution_meets_its_goal() {
    let lessons = all();
    assert!(lessons.len() >= 9, "at least nine lessons");
    for (name, lesson) in &lessons {
        assert!(
            !lesson.met_by(&lesson.start),
            "{name}: its start already meets the goal:\n{}",
            checklist(lesson, &lesson.start)
        );
        assert!(
            lesson.met_by(&lesson.solution),
            "{name}: its solution does not meet the goal:\n{}",
            checklist(lesson, &lesson.solution)
        );
        assert!(lesson.check(&lesson.start).errors.is_empty(), "{name}: start has input errors");
        assert_eq!(format!("{}.yaml", lesson.id), *name, "{name}: the file is named after the id");
    }
}

/// The playground reads the lessons the engine module sends
/// (`Lesson::write_json`, the JSON serde writes for the type) with its own
/// JSON reader: every lesson arrives whole.
#[test]
fn every_lesson_reads_back_from_its_json() {
    for (name, lesson) in all() {
        let mut written = Vec::new();
        let mut writer = posture::report::JsonWriter::new(&mut written, posture::report::Layout::Compact);
        lesson.write_json(&mut writer);
        writer.finish().unwrap();
        let json = String::from_utf8(written).unwrap();
        assert_eq!(json, serde_json::to_string(&lesson).unwrap(), "{name}");
        let read = Lesson::from_json(&posture::json::parse(&json).unwrap());
        assert_eq!(read.as_ref(), Ok(&lesson), "{name}");
    }
    let mut changed: serde_json::Value = serde_json::to_value(&all()[0].1).unwrap();
    changed["practice"] = "no-such-practice".into();
    let read = Lesson::from_json(&posture::json::parse(&changed.to_string()).unwrap());
    assert!(read.unwrap_err().contains("`practice`"));
}

#[test]
fn index_lists_every_lesson_file_once_with_unique_ids() {
    let index: Vec<String> = all().into_iter().map(|(n, _)| n).collect();
    let mut files: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    files.sort();
    let mut listed = index.clone();
    listed.sort();
    listed.dedup();
    assert_eq!(listed.len(), index.len(), "index.json lists a file twice");
    assert_eq!(listed, files, "index.json and the files in web/lessons/ differ");
}

#[test]
fn every_practice_has_a_lesson() {
    let lessons = all();
    for practice in posture::rules::Practice::ALL {
        assert!(lessons.iter().any(|(_, l)| l.practice == practice), "no lesson for {practice:?}");
    }
}

const GOOD: &str = "id: demo
title: Demo
practice: encryption
intro: Do it.
start: |
  apiVersion: apiserver.config.k8s.io/v1
  kind: EncryptionConfiguration
  resources:
  - resources: [secrets]
    providers:
    - identity: {}
goal:
  absent: [encryption/identity-first]
  keep:
  - {kind: EncryptionConfiguration}
  no-new-findings: true
hints:
- Look at the first provider.
solution: |
  apiVersion: apiserver.config.k8s.io/v1
  kind: EncryptionConfiguration
  resources:
  - resources: [secrets]
    providers:
    - kms:
        apiVersion: v2
        name: kms
        endpoint: unix:///var/run/kms.sock
";

fn errors(text: &str) -> Vec<String> {
    lessons::parse(text).expect_err("an error").iter().map(ToString::to_string).collect()
}

#[test]
fn a_minimal_lesson_reads_and_its_goal_flips() {
    let lesson = lessons::parse(GOOD).unwrap();
    assert!(lesson.goal.parses, "parses defaults to true");
    assert!(!lesson.met_by(&lesson.start));
    assert!(lesson.met_by(&lesson.solution), "{}", checklist(&lesson, &lesson.solution));
    // Deleting the object is not a solution.
    assert!(!lesson.met_by("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"));
    assert!(!lesson.met_by("kind: [\n"));
}

#[test]
fn unknown_fields_are_errors_with_their_position() {
    let text = GOOD.replace("hints:", "hint:");
    let found = errors(&text);
    assert!(found.iter().any(|e| e.starts_with("line 17, column 1: lesson: unknown field `hint`")), "{found:?}");
    let text = GOOD.replace("no-new-findings", "no-new-finding");
    let found = errors(&text);
    assert!(found.iter().any(|e| e.contains("goal: unknown field `no-new-finding`")), "{found:?}");
    let text = GOOD.replace("{kind: EncryptionConfiguration}", "{kind: EncryptionConfiguration, nmae: x}");
    assert!(errors(&text).iter().any(|e| e.contains("`goal.keep`: unknown field `nmae`")));
}

#[test]
fn wrong_values_say_which_field_and_why() {
    let found = errors(&GOOD.replace("encryption/identity-first", "encryption/identiy-first"));
    assert!(
        found
            .iter()
            .any(|e| e.starts_with("line 13, column 12:") && e.contains("“encryption/identiy-first” names no rule")),
        "{found:?}"
    );
    assert!(errors(&GOOD.replace("encryption/identity-first", "encryption"))
        .iter()
        .any(|e| e.contains("names no rule")));
    lessons::parse(&GOOD.replace("encryption/identity-first", "encryption/")).expect("a family ending in /");
    assert!(errors(&GOOD.replace("practice: encryption", "practice: crypto"))
        .iter()
        .any(|e| e.contains("`practice`: “crypto” is not a practice")));
    assert!(errors(&GOOD.replace("id: demo", "id: Demo Lesson")).iter().any(|e| e.contains("`id` may hold only")));
    assert!(errors(&GOOD.replace("title: Demo\n", "")).iter().any(|e| e.contains("required field `title` is missing")));
    assert!(errors(&GOOD.replace("intro: Do it.", "intro: [a]")).iter().any(|e| e.contains("`intro` must be text")));
    assert!(errors(&GOOD.replace("no-new-findings: true", "no-new-findings: yes please"))
        .iter()
        .any(|e| e.contains("must be true or false")));
    assert!(errors("id: [").iter().any(|e| e.contains("not valid YAML")));
    assert!(errors("").iter().any(|e| e.contains("empty")));
    let with_ref = format!("{GOOD}references:\n- {{title: x, url: 'javascript:alert(1)'}}\n");
    assert!(errors(&with_ref).iter().any(|e| e.contains("`url` must start with https://")));
}

#[test]
fn the_index_is_a_list_of_plain_file_names() {
    assert_eq!(lessons::parse_index(r#"["a.yaml","b-2.yml"]"#).unwrap(), ["a.yaml", "b-2.yml"]);
    assert!(lessons::parse_index(r#"["../x.yaml"]"#).is_err());
    assert!(lessons::parse_index(r#"{"a": 1}"#).is_err());
    assert!(lessons::parse_index("[").is_err());
}

#[test]
fn markdown_is_a_safe_subset() {
    use lessons::{Block, Inline};
    let blocks = lessons::markdown(
        "Hello `x` and **y**, [k8s](https://kubernetes.io) [bad](javascript:x)\n\n- one\n- two\n\n```\ncode\n```\n",
    );
    assert_eq!(
        blocks[0],
        Block::Paragraph(vec![
            Inline::Text("Hello ".into()),
            Inline::Code("x".into()),
            Inline::Text(" and ".into()),
            Inline::Strong("y".into()),
            Inline::Text(", ".into()),
            Inline::Link { text: "k8s".into(), url: "https://kubernetes.io".into() },
            Inline::Text(" [bad](javascript:x)".into()),
        ])
    );
    assert_eq!(blocks[1], Block::List(vec![vec![Inline::Text("one".into())], vec![Inline::Text("two".into())]]));
    assert_eq!(blocks[2], Block::Code("code".into()));
}

#[test]
fn the_readme_example_lesson_reads_and_works() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let from = readme.find("A complete lesson:\n\n```yaml\n").expect("the README's example lesson") + 27;
    let example = &readme[from..from + readme[from..].find("```\n").unwrap()];
    let lesson = lessons::parse(example).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(lesson.id, "encryption-at-rest");
    assert!(!lesson.met_by(&lesson.start));
    assert!(lesson.met_by(&lesson.solution), "{}", checklist(&lesson, &lesson.solution));
}
