//! Workshop lessons: the lesson file format trainers write (one YAML file per
//! lesson, read strictly and with positions), the goal a lesson sets, and
//! whether a text meets it, decided by the engine. Pure, like the rest of
//! the library: the playground fetches the files and draws the result.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::k8s::{self, Contents, ObjectRef};
use crate::report::Report;
use crate::rules::{self, Practice, PssLevel};
use crate::yaml::{self, Entry, Limits, LineIndex, Node, Region, Span};
use crate::Options;

/// One lesson, as its file describes it. Serialized, it goes from the engine
/// module to the playground, which reads no YAML itself.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Lesson {
    pub id: String,
    pub title: String,
    pub practice: Practice,
    /// The Pod Security level the lesson is checked at (restricted if unset).
    pub level: Option<PssLevel>,
    /// Markdown.
    pub intro: String,
    pub start: String,
    pub goal: Goal,
    /// Markdown, shown one at a time.
    pub hints: Vec<String>,
    pub solution: String,
    pub references: Vec<Reference>,
    /// Registries images may come from (turns on `image/registry-allowlist`).
    pub registries: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct Goal {
    /// Rule ids, or families ending in `/`: no finding of these may remain.
    pub absent: Vec<String>,
    /// Objects that must still be there.
    pub keep: Vec<Keep>,
    /// No finding of a rule that did not fire on `start`.
    pub no_new_findings: bool,
    /// No input errors.
    pub parses: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Keep {
    pub kind: String,
    pub name: Option<String>,
    pub namespace: Option<String>,
}

impl Keep {
    fn matches(&self, object: &ObjectRef) -> bool {
        object.kind == self.kind
            && self.name.as_ref().is_none_or(|n| object.name.as_ref() == Some(n))
            && self.namespace.as_ref().is_none_or(|n| object.namespace.as_ref() == Some(n))
    }

    /// `Deployment shop/web`, `EncryptionConfiguration`.
    pub fn describe(&self) -> String {
        match (&self.namespace, &self.name) {
            (Some(ns), Some(name)) => format!("{} {ns}/{name}", self.kind),
            (None, Some(name)) => format!("{} {name}", self.kind),
            (Some(ns), None) => format!("{} {} in namespace {ns}", article(&self.kind), self.kind),
            (None, None) => format!("{} {}", article(&self.kind), self.kind),
        }
    }
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['A', 'E', 'I', 'O', 'U', 'a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reference {
    pub title: String,
    pub url: String,
}

/// What is wrong with a lesson file: where (when known) and why.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonError {
    pub message: String,
    pub span: Option<Region>,
}

/// A problem found in the tree: where, as byte offsets (placed in lines
/// and columns once all are found), and why.
struct Problem {
    span: Span,
    message: String,
}

impl std::fmt::Display for LessonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.span {
            Some(span) => write!(f, "line {}, column {}: {}", span.start.line, span.start.column, self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// The fields a lesson file may have; anything else is an error.
const FIELDS: &[&str] =
    &["id", "title", "practice", "level", "intro", "start", "goal", "hints", "solution", "references", "registries"];
const GOAL_FIELDS: &[&str] = &["absent", "keep", "no-new-findings", "parses"];
const KEEP_FIELDS: &[&str] = &["kind", "name", "namespace"];
const REFERENCE_FIELDS: &[&str] = &["title", "url"];

/// Reads a lesson file. Every problem found is returned, each with the field
/// it is about and where it is.
pub fn parse(text: &str) -> Result<Lesson, Vec<LessonError>> {
    let lines = LineIndex::new(text.as_bytes());
    let stream = yaml::parse_stream(text.as_bytes(), &lines, &Limits::default());
    let mut docs = stream.documents.into_iter().filter(|d| !matches!(&d.root, Ok(root) if root.is_null()));
    let placed = |problems: Vec<Problem>| {
        let place = |p: Problem| LessonError { message: p.message, span: Some(lines.region(p.span)) };
        problems.into_iter().map(place).collect()
    };
    let root = match (docs.next(), docs.next()) {
        (None, _) => return Err(vec![LessonError { message: "the file is empty".into(), span: None }]),
        (Some(_), Some(second)) => {
            let span = second.root.as_ref().map_or_else(|e| e.span, |n| n.span);
            return Err(placed(vec![error(span, "a lesson file holds one YAML document; this is a second one")]));
        }
        (Some(doc), None) => match doc.root {
            Ok(root) => root,
            Err(e) => return Err(placed(vec![error(e.span, format!("not valid YAML: {}", e.message))])),
        },
    };
    let mut errors = Vec::new();
    let lesson = read_lesson(&root, &mut errors);
    match lesson {
        Some(lesson) if errors.is_empty() => Ok(lesson),
        _ => {
            crate::sort::sort_by_key(&mut errors, |e| e.span.start);
            Err(placed(errors))
        }
    }
}

fn error(span: Span, message: impl Into<String>) -> Problem {
    Problem { span, message: message.into() }
}

/// Checks a mapping's keys against the allowed ones; `what` names it.
fn strict<'n>(node: &'n Node, what: &str, allowed: &[&str], errors: &mut Vec<Problem>) -> &'n [Entry] {
    let Some(entries) = node.as_map() else {
        errors.push(error(node.span, format!("{what} must be a mapping, not {}", node.display())));
        return &[];
    };
    for entry in entries {
        if !allowed.contains(&entry.key.as_str()) {
            errors.push(error(
                entry.key_span,
                format!("{what}: unknown field `{}` (allowed: {})", entry.key, allowed.join(", ")),
            ));
        }
    }
    entries
}

fn text_field(node: &Node, field: &str, required: bool, errors: &mut Vec<Problem>) -> Option<String> {
    match node.entry(field) {
        Some(entry) => match entry.value.as_str() {
            Some(s) if !s.trim().is_empty() => Some(s.to_owned()),
            Some(_) => {
                errors.push(error(entry.span(), format!("`{field}` must not be empty")));
                None
            }
            None => {
                errors.push(error(entry.value.span, format!("`{field}` must be text, not {}", entry.value.display())));
                None
            }
        },
        None if required => {
            errors.push(error(node.span, format!("the required field `{field}` is missing")));
            None
        }
        None => None,
    }
}

fn bool_field(node: &Node, field: &str, default: bool, errors: &mut Vec<Problem>) -> bool {
    match node.entry(field) {
        None => default,
        Some(entry) => entry.value.as_bool().unwrap_or_else(|| {
            errors.push(error(
                entry.value.span,
                format!("`{field}` must be true or false, not {}", entry.value.display()),
            ));
            default
        }),
    }
}

/// The items of a sequence field (absent: none).
fn seq_field<'n>(node: &'n Node, field: &str, errors: &mut Vec<Problem>) -> &'n [Node] {
    match node.entry(field) {
        None => &[],
        Some(entry) => entry.value.as_seq().unwrap_or_else(|| {
            errors.push(error(entry.value.span, format!("`{field}` must be a list, not {}", entry.value.display())));
            &[]
        }),
    }
}

fn strings(node: &Node, field: &str, errors: &mut Vec<Problem>) -> Vec<(String, Span)> {
    seq_field(node, field, errors)
        .iter()
        .filter_map(|item| match item.as_str() {
            Some(s) => Some((s.to_owned(), item.span)),
            None => {
                errors.push(error(item.span, format!("each item of `{field}` must be text, not {}", item.display())));
                None
            }
        })
        .collect()
}

fn read_lesson(root: &Node, errors: &mut Vec<Problem>) -> Option<Lesson> {
    if root.as_map().is_none() {
        errors.push(error(
            root.span,
            "a lesson is a mapping of fields (id, title, practice, intro, start, goal, hints, solution)",
        ));
        return None;
    }
    strict(root, "lesson", FIELDS, errors);
    let id = text_field(root, "id", true, errors);
    if let (Some(id), Some(entry)) = (&id, root.entry("id")) {
        if !id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
            errors.push(error(
                entry.value.span,
                format!("`id` may hold only a-z, 0-9 and -, as it is part of the lesson's link; “{id}” does not"),
            ));
        }
    }
    let title = text_field(root, "title", true, errors);
    let practice = text_field(root, "practice", true, errors).and_then(|p| {
        let found = Practice::ALL.into_iter().find(|x| x.id() == p);
        if found.is_none() {
            let ids: Vec<&str> = Practice::ALL.into_iter().map(Practice::id).collect();
            let span = root.get("practice").map_or(root.span, |n| n.span);
            errors.push(error(span, format!("`practice`: “{p}” is not a practice (one of: {})", ids.join(", "))));
        }
        found
    });
    let level = text_field(root, "level", false, errors).and_then(|l| {
        let found = PssLevel::parse(&l);
        if found.is_none() {
            let span = root.get("level").map_or(root.span, |n| n.span);
            errors.push(error(span, format!("`level`: “{l}” is neither baseline nor restricted")));
        }
        found
    });
    let intro = text_field(root, "intro", true, errors);
    let start = text_field(root, "start", true, errors);
    let solution = text_field(root, "solution", true, errors);
    let goal = match root.get("goal") {
        Some(node) => read_goal(node, errors),
        None => {
            errors.push(error(root.span, "the required field `goal` is missing"));
            None
        }
    };
    let hints: Vec<String> = strings(root, "hints", errors).into_iter().map(|(s, _)| s).collect();
    if hints.is_empty() && errors.is_empty() {
        let span = root.entry("hints").map_or(root.span, Entry::span);
        errors.push(error(span, "`hints` must list at least one hint"));
    }
    let mut references = Vec::new();
    for item in seq_field(root, "references", errors) {
        strict(item, "each item of `references`", REFERENCE_FIELDS, errors);
        let (title, url) = (text_field(item, "title", true, errors), text_field(item, "url", true, errors));
        if let (Some(title), Some(url)) = (title, url) {
            if url.starts_with("https://") || url.starts_with("http://") {
                references.push(Reference { title, url });
            } else {
                let span = item.get("url").map_or(item.span, |n| n.span);
                errors.push(error(span, format!("`url` must start with https:// or http://; “{url}” does not")));
            }
        }
    }
    let registries = strings(root, "registries", errors).into_iter().map(|(s, _)| s).collect();
    Some(Lesson {
        id: id?,
        title: title?,
        practice: practice?,
        level,
        intro: intro?,
        start: start?,
        goal: goal?,
        hints,
        solution: solution?,
        references,
        registries,
    })
}

fn read_goal(node: &Node, errors: &mut Vec<Problem>) -> Option<Goal> {
    if node.as_map().is_none() {
        errors.push(error(node.span, format!("`goal` must be a mapping, not {}", node.display())));
        return None;
    }
    strict(node, "goal", GOAL_FIELDS, errors);
    let mut goal = Goal {
        no_new_findings: bool_field(node, "no-new-findings", false, errors),
        parses: bool_field(node, "parses", true, errors),
        ..Goal::default()
    };
    for (name, span) in strings(node, "absent", errors) {
        let known = if name.ends_with('/') {
            rules::all().iter().any(|r| rules::names(&name, r.id))
        } else {
            rules::by_id(&name).is_some()
        };
        if known {
            goal.absent.push(name);
        } else {
            errors.push(error(
                span,
                format!(
                    "`goal.absent`: “{name}” names no rule (give a rule id such as encryption/identity-first, or a family ending in /, such as encryption/)"
                ),
            ));
        }
    }
    for item in seq_field(node, "keep", errors) {
        strict(item, "each item of `goal.keep`", KEEP_FIELDS, errors);
        let kind = text_field(item, "kind", true, errors);
        let name = text_field(item, "name", false, errors);
        let namespace = text_field(item, "namespace", false, errors);
        if let Some(kind) = kind {
            goal.keep.push(Keep { kind, name, namespace });
        }
    }
    if goal.absent.is_empty() && goal.keep.is_empty() && !goal.no_new_findings && errors.is_empty() {
        errors.push(error(node.span, "`goal` must ask for something: `absent`, `keep` or `no-new-findings`"));
    }
    Some(goal)
}

/// The lesson list (`index.json`): a JSON array of lesson file names, in
/// order, each a plain name in the same folder.
pub fn parse_index(text: &str) -> Result<Vec<String>, String> {
    let value = crate::json::parse(text).map_err(|e| format!("index.json is {e}"))?;
    let items = value.as_array().ok_or("index.json must be a JSON array of lesson file names")?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let name = item.as_str().ok_or_else(|| format!("index.json: item {} is not a file name", i + 1))?;
            let plain = !name.is_empty()
                && !name.starts_with('.')
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
            if plain && (name.ends_with(".yaml") || name.ends_with(".yml")) {
                Ok(name.to_owned())
            } else {
                Err(format!("index.json: “{name}” is not a lesson file name (letters, digits, - _ . ending in .yaml)"))
            }
        })
        .collect()
}

/// What a goal item is about.
#[derive(Clone, Debug, PartialEq)]
pub enum GoalKind {
    Absent(String),
    Keep(String),
    NoNewFindings,
    Parses,
}

/// One line of the goal's checklist.
#[derive(Clone, Debug, PartialEq)]
pub struct GoalItem {
    pub kind: GoalKind,
    pub label: String,
    pub met: bool,
    /// What still stands in the way.
    pub detail: Option<String>,
}

/// The objects in a text, as the engine finds them.
pub fn objects(text: &str) -> Vec<ObjectRef> {
    let lines = LineIndex::new(text.as_bytes());
    let stream = yaml::parse_stream(text.as_bytes(), &lines, &Limits::default());
    let mut out = Vec::new();
    for doc in &stream.documents {
        if let Ok(root) = &doc.root {
            if let Ok(Contents::Objects(found)) = k8s::contents(root) {
                out.extend(found.iter().map(|o| o.reference()));
            }
        }
    }
    out
}

impl Lesson {
    /// The lesson as the engine module sends it: the JSON [`Lesson::from_json`]
    /// reads (each struct's keys in its fields' order, as serde wrote them).
    pub fn write_json(&self, json: &mut crate::report::JsonWriter) {
        use crate::report::Sink;
        json.begin_object();
        json.field("id", &self.id);
        json.field("title", &self.title);
        json.field("practice", self.practice.id());
        json.field_or_null("level", self.level.map(PssLevel::name));
        json.field("intro", &self.intro);
        json.field("start", &self.start);
        json.key("goal");
        json.begin_object();
        json.field_strings("absent", self.goal.absent.iter().map(String::as_str));
        json.key("keep");
        json.begin_array();
        for keep in &self.goal.keep {
            json.begin_object();
            json.field("kind", &keep.kind);
            json.field_or_null("name", keep.name.as_deref());
            json.field_or_null("namespace", keep.namespace.as_deref());
            json.end_object();
        }
        json.end_array();
        json.key("no_new_findings");
        json.bool(self.goal.no_new_findings);
        json.key("parses");
        json.bool(self.goal.parses);
        json.end_object();
        json.field_strings("hints", self.hints.iter().map(String::as_str));
        json.field("solution", &self.solution);
        json.key("references");
        json.begin_array();
        for reference in &self.references {
            json.begin_object();
            json.field("title", &reference.title);
            json.field("url", &reference.url);
            json.end_object();
        }
        json.end_array();
        json.field_strings("registries", self.registries.iter().map(String::as_str));
        json.end_object();
    }

    /// A lesson as the engine module sends it ([`Lesson::write_json`]), read
    /// with [`crate::json`] so that the playground links no serde reader.
    pub fn from_json(value: &crate::json::Value) -> Result<Lesson, String> {
        use crate::json::Fields;
        let l = Fields::of(value, "the lesson")?;
        let goal = Fields::of(l.value("goal")?, "the goal")?;
        let keep = goal.objects("keep", "a kept object", |k| {
            Ok(Keep { kind: k.string("kind")?, name: k.opt_string("name")?, namespace: k.opt_string("namespace")? })
        })?;
        let references = l.objects("references", "a reference", |r| {
            Ok(Reference { title: r.string("title")?, url: r.string("url")? })
        })?;
        Ok(Lesson {
            id: l.string("id")?,
            title: l.string("title")?,
            practice: l.name("practice", |id| Practice::ALL.into_iter().find(|p| p.id() == id))?,
            level: match l.opt("level") {
                None => None,
                Some(_) => Some(l.name("level", PssLevel::parse)?),
            },
            intro: l.string("intro")?,
            start: l.string("start")?,
            goal: Goal {
                absent: goal.strings("absent")?,
                keep,
                no_new_findings: goal.bool("no_new_findings")?,
                parses: goal.bool("parses")?,
            },
            hints: l.strings("hints")?,
            solution: l.string("solution")?,
            references,
            registries: l.strings("registries")?,
        })
    }

    /// The options the lesson is checked with.
    pub fn options(&self) -> Options {
        Options {
            pss_level: self.level.unwrap_or(PssLevel::Restricted),
            allowed_registries: self.registries.clone(),
            ..Options::default()
        }
    }

    pub fn check(&self, text: &str) -> Report {
        crate::check("lesson.yaml", text.as_bytes(), &self.options())
    }

    /// The goal's checklist for a text whose report is `now` and whose
    /// objects are `present` ([`objects`]), given the report on the lesson's start.
    pub fn evaluate(&self, start: &Report, present: &[ObjectRef], now: &Report) -> Vec<GoalItem> {
        let mut items = Vec::new();
        for name in &self.goal.absent {
            let left = now.findings.iter().filter(|f| rules::names(name, f.rule.id)).count();
            let label = if name.ends_with('/') { format!("No {name}* finding") } else { format!("No {name} finding") };
            let detail = (left > 0).then(|| format!("{left} left"));
            items.push(GoalItem { kind: GoalKind::Absent(name.clone()), label, met: left == 0, detail });
        }
        if !self.goal.keep.is_empty() {
            for keep in &self.goal.keep {
                let met = present.iter().any(|o| keep.matches(o));
                items.push(GoalItem {
                    kind: GoalKind::Keep(keep.describe()),
                    label: format!("Keep {}", keep.describe()),
                    met,
                    detail: (!met).then(|| "not found".to_owned()),
                });
            }
        }
        if self.goal.no_new_findings {
            let before: BTreeSet<&str> = start.findings.iter().map(|f| f.rule.id).collect();
            let new: BTreeSet<&str> =
                now.findings.iter().map(|f| f.rule.id).filter(|id| !before.contains(id)).collect();
            items.push(GoalItem {
                kind: GoalKind::NoNewFindings,
                label: "No new kind of finding".to_owned(),
                met: new.is_empty(),
                detail: (!new.is_empty()).then(|| format!("new: {}", new.into_iter().collect::<Vec<_>>().join(", "))),
            });
        }
        if self.goal.parses {
            let n = now.errors.len();
            items.push(GoalItem {
                kind: GoalKind::Parses,
                label: "The YAML parses".to_owned(),
                met: n == 0,
                detail: now.errors.first().map(|e| e.message.clone()),
            });
        }
        items
    }

    /// The checklist for `text`, running the engine on it and on the start.
    pub fn goal_for(&self, text: &str) -> Vec<GoalItem> {
        self.evaluate(&self.check(&self.start), &objects(text), &self.check(text))
    }

    pub fn met_by(&self, text: &str) -> bool {
        self.goal_for(text).iter().all(|item| item.met)
    }
}

/// A block of the Markdown subset lessons use.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    Paragraph(Vec<Inline>),
    Heading(Vec<Inline>),
    List(Vec<Vec<Inline>>),
    Code(String),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Inline {
    Text(String),
    Code(String),
    Strong(String),
    /// Only http(s) links; anything else stays text.
    Link {
        text: String,
        url: String,
    },
}

/// Markdown as lessons use it: paragraphs, `#` headings, `-` lists, fenced
/// code, and inline `code`, **strong** and [links](https://…). Never HTML:
/// the page builds elements from these.
pub fn markdown(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut para: Vec<&str> = Vec::new();
    let mut list: Vec<String> = Vec::new();
    let mut code: Option<Vec<&str>> = None;
    let flush = |blocks: &mut Vec<Block>, para: &mut Vec<&str>, list: &mut Vec<String>| {
        if !para.is_empty() {
            blocks.push(Block::Paragraph(inline(&para.join(" "))));
            para.clear();
        }
        if !list.is_empty() {
            blocks.push(Block::List(list.iter().map(|i| inline(i)).collect()));
            list.clear();
        }
    };
    for line in text.lines() {
        if let Some(lines) = &mut code {
            if line.trim_start().starts_with("```") {
                blocks.push(Block::Code(lines.join("\n")));
                code = None;
            } else {
                lines.push(line);
            }
            continue;
        }
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            flush(&mut blocks, &mut para, &mut list);
            code = Some(Vec::new());
        } else if trimmed.is_empty() {
            flush(&mut blocks, &mut para, &mut list);
        } else if let Some(item) = trimmed.strip_prefix("- ").or_else(|| trimmed.strip_prefix("* ")) {
            if !para.is_empty() {
                flush(&mut blocks, &mut para, &mut list);
            }
            list.push(item.to_owned());
        } else if let Some(heading) = trimmed.strip_prefix('#') {
            flush(&mut blocks, &mut para, &mut list);
            blocks.push(Block::Heading(inline(heading.trim_start_matches('#').trim())));
        } else if !list.is_empty() && line.starts_with(' ') {
            let last = list.last_mut().expect("a list item");
            last.push(' ');
            last.push_str(trimmed);
        } else {
            if !list.is_empty() {
                flush(&mut blocks, &mut para, &mut list);
            }
            para.push(trimmed);
        }
    }
    if let Some(lines) = code {
        blocks.push(Block::Code(lines.join("\n")));
    }
    flush(&mut blocks, &mut para, &mut list);
    blocks
}

fn inline(text: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    let push_plain = |out: &mut Vec<Inline>, plain: &mut String| {
        if !plain.is_empty() {
            out.push(Inline::Text(std::mem::take(plain)));
        }
    };
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            if let Some(end) = rest[1..].find('`') {
                push_plain(&mut out, &mut plain);
                out.push(Inline::Code(rest[1..1 + end].to_owned()));
                rest = &rest[2 + end..];
                continue;
            }
        } else if rest.starts_with("**") {
            if let Some(end) = rest[2..].find("**") {
                push_plain(&mut out, &mut plain);
                out.push(Inline::Strong(rest[2..2 + end].to_owned()));
                rest = &rest[4 + end..];
                continue;
            }
        } else if c == '[' {
            if let Some(close) = rest.find("](") {
                if let Some(end) = rest[close + 2..].find(')') {
                    let url = &rest[close + 2..close + 2 + end];
                    if url.starts_with("https://") || url.starts_with("http://") {
                        push_plain(&mut out, &mut plain);
                        out.push(Inline::Link { text: rest[1..close].to_owned(), url: url.to_owned() });
                        rest = &rest[close + 3 + end..];
                        continue;
                    }
                }
            }
        }
        plain.push(c);
        rest = &rest[c.len_utf8()..];
    }
    push_plain(&mut out, &mut plain);
    out
}
