//! The playground's state in one place, changed only through [`Action`]s.

use std::collections::BTreeSet;
use std::rc::Rc;

use posture::playground::marks::LineMarks;
use posture::playground::text::Lines;
use posture::rules::kubernetes_version::KubernetesVersion;
use posture::rules::standards::PolicyVersion;
use posture::rules::{self, PssLevel, Severity};
use posture::{Options, Report};
use yew::Reducible;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Object,
    Rule,
}

/// The last finished check, with the text it was computed on.
pub struct Checked {
    pub text: Rc<String>,
    pub lines: Lines,
    pub report: Report,
    pub millis: f64,
    /// Counts checks, so a test can wait for the next one.
    pub number: u64,
}

impl Checked {
    pub fn run(text: Rc<String>, options: &Options, millis: f64) -> Self {
        let report = posture::check("playground.yaml", text.as_bytes(), options);
        Checked { lines: Lines::new(&text), text, report, millis, number: 0 }
    }
}

pub struct State {
    /// The editor's current text (checked after a short pause).
    pub text: Rc<String>,
    /// Bumped when the text is replaced from outside the editor (an example,
    /// a share link), so the editor knows to take it.
    pub loaded: u32,
    pub checked: Rc<Checked>,
    /// The shown findings and the input errors, by editor line.
    pub marks: Rc<LineMarks>,
    pub level: PssLevel,
    /// The Pod Security policy version `pss/*` rules evaluate at.
    pub version: PolicyVersion,
    /// The Kubernetes version control-plane configuration is judged for.
    pub kubernetes: KubernetesVersion,
    /// Rule families switched off (not run).
    pub off: BTreeSet<&'static str>,
    /// Registries images may come from (turns on image/registry-allowlist).
    pub registries: Rc<Vec<String>>,
    /// Severities hidden from the panel and the editor.
    pub hidden_severities: BTreeSet<Severity>,
    /// Families hidden from the panel and the editor (still run).
    pub hidden_families: BTreeSet<&'static str>,
    pub group: Group,
    /// Caret position (byte offset in `text`).
    pub cursor: usize,
    /// A selection the editor should make: (start, end, request number).
    pub select: Option<(usize, usize, u32)>,
    pub status: Option<String>,
}

pub enum Action {
    Typed(String),
    Load(String),
    Checked(Rc<Checked>),
    Level(PssLevel),
    Version(PolicyVersion),
    Kubernetes(KubernetesVersion),
    ToggleFamily(&'static str),
    /// Comma- or space-separated registries.
    Registries(String),
    ToggleSeverityFilter(Severity),
    ToggleFamilyFilter(&'static str),
    Group(Group),
    Cursor(usize),
    Select(usize, usize),
    /// F8 (true) / Shift+F8 (false): the next or previous shown finding.
    Step(bool),
    Status(String),
}

/// Every family in the registry, in order.
pub fn families() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for rule in rules::all() {
        let family = rule.id.split('/').next().unwrap_or(rule.id);
        if !out.contains(&family) {
            out.push(family);
        }
    }
    out
}

pub fn family_of(rule_id: &str) -> &str {
    rule_id.split('/').next().unwrap_or(rule_id)
}

impl State {
    pub fn new(text: String, level: PssLevel, off: BTreeSet<&'static str>) -> Self {
        // Checked for real by the app's first effect.
        let mut state = State {
            checked: Rc::new(Checked::run(Rc::new(String::new()), &Options::default(), 0.0)),
            marks: Rc::new(LineMarks::default()),
            text: Rc::new(text),
            loaded: 1,
            level,
            version: PolicyVersion::Latest,
            kubernetes: KubernetesVersion::LATEST,
            off,
            registries: Rc::new(Vec::new()),
            hidden_severities: BTreeSet::new(),
            hidden_families: BTreeSet::new(),
            group: Group::Object,
            cursor: 0,
            select: None,
            status: None,
        };
        state.remark();
        state
    }

    fn remark(&mut self) {
        let checked = &self.checked;
        self.marks = Rc::new(LineMarks::new(&checked.text, &checked.lines, &checked.report, |i| self.shown(i)));
    }

    pub fn options(&self) -> Options {
        Options {
            pss_level: self.level,
            pss_version: self.version,
            kubernetes_version: self.kubernetes,
            ignore: self.off.iter().map(|f| format!("{f}/")).collect(),
            allowed_registries: self.registries.to_vec(),
            ..Options::default()
        }
    }

    /// Whether a finding is shown, given the panel's filters.
    pub fn shown(&self, index: usize) -> bool {
        self.checked.report.findings.get(index).is_some_and(|f| {
            !self.hidden_severities.contains(&f.severity) && !self.hidden_families.contains(family_of(f.rule.id))
        })
    }

    /// Indexes of shown findings, in text order.
    pub fn shown_findings(&self) -> Vec<usize> {
        (0..self.checked.report.findings.len()).filter(|&i| self.shown(i)).collect()
    }
}

/// Cheap: shared parts compare by pointer.
impl PartialEq for State {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.text, &o.text)
            && self.loaded == o.loaded
            && Rc::ptr_eq(&self.checked, &o.checked)
            && Rc::ptr_eq(&self.marks, &o.marks)
            && self.level == o.level
            && self.version == o.version
            && self.kubernetes == o.kubernetes
            && self.off == o.off
            && self.registries == o.registries
            && self.hidden_severities == o.hidden_severities
            && self.hidden_families == o.hidden_families
            && self.group == o.group
            && self.cursor == o.cursor
            && self.select == o.select
            && self.status == o.status
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = State {
            text: self.text.clone(),
            loaded: self.loaded,
            checked: self.checked.clone(),
            marks: self.marks.clone(),
            level: self.level,
            version: self.version,
            kubernetes: self.kubernetes,
            off: self.off.clone(),
            registries: self.registries.clone(),
            hidden_severities: self.hidden_severities.clone(),
            hidden_families: self.hidden_families.clone(),
            group: self.group,
            cursor: self.cursor,
            select: self.select,
            status: None,
        };
        let mut refilter = false;
        match action {
            Action::Typed(text) => next.text = Rc::new(text),
            Action::Load(text) => {
                next.text = Rc::new(text);
                next.loaded += 1;
                next.cursor = 0;
            }
            Action::Checked(mut checked) => {
                if let Some(fresh) = Rc::get_mut(&mut checked) {
                    fresh.number = self.checked.number + 1;
                }
                next.checked = checked;
                next.status = self.status.clone();
                refilter = true;
            }
            Action::Level(level) => next.level = level,
            Action::Version(version) => next.version = version,
            Action::Kubernetes(version) => next.kubernetes = version,
            Action::ToggleFamily(family) => toggle(&mut next.off, family),
            Action::Registries(text) => {
                next.registries =
                    Rc::new(text.split([',', ' ', '\n']).filter(|r| !r.is_empty()).map(str::to_owned).collect());
            }
            Action::ToggleSeverityFilter(severity) => {
                toggle(&mut next.hidden_severities, severity);
                refilter = true;
            }
            Action::ToggleFamilyFilter(family) => {
                toggle(&mut next.hidden_families, family);
                refilter = true;
            }
            Action::Group(group) => next.group = group,
            Action::Cursor(offset) => next.cursor = offset,
            Action::Select(start, end) => {
                next.cursor = start;
                next.select = Some((start, end, self.select.map_or(1, |(_, _, n)| n + 1)));
            }
            Action::Step(forward) => {
                let shown = next.shown_findings();
                let findings = &next.checked.report.findings;
                let target = if forward {
                    shown.iter().find(|&&i| findings[i].span.start.offset > self.cursor).or(shown.first())
                } else {
                    shown.iter().rev().find(|&&i| findings[i].span.start.offset < self.cursor).or(shown.last())
                };
                if let Some(&i) = target {
                    let span = findings[i].span;
                    next.cursor = span.start.offset;
                    next.select = Some((span.start.offset, span.end.offset, self.select.map_or(1, |(_, _, n)| n + 1)));
                    next.status = Some(format!("{}: {}", findings[i].rule.title, findings[i].message));
                }
            }
            Action::Status(message) => next.status = Some(message),
        }
        if refilter {
            next.remark();
        }
        Rc::new(next)
    }
}

fn toggle<T: Ord>(set: &mut BTreeSet<T>, item: T) {
    if !set.remove(&item) {
        set.insert(item);
    }
}
