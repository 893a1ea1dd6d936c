//! The playground's state in one place, changed only through [`Action`]s.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::{Rc, Weak};

use posture::playground::document::{Edits, Splice};
use posture::playground::marks::LineMarks;
use posture::playground::text::{difference, hidden_chars, normalize_line_breaks};
use posture::report::Finding;
use posture::rules::kubernetes_version::KubernetesVersion;
use posture::rules::standards::PolicyVersion;
use posture::rules::{self, PssLevel, Severity};
use posture::yaml::LineStarts;
use posture::{Options, Report};
use yew::Reducible;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Object,
    Rule,
}

/// Whose content the editor shows.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The user's own, kept for the next visit.
    Own,
    /// A share link's, kept apart so that opening a link never overwrites
    /// the user's own content.
    Link,
}

/// What a notice is about: a newer notice on the same topic replaces it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    /// A share link that could not be read, or only in part.
    Link,
    /// Storage: the saved content is unreadable, or the content cannot be kept.
    Saving,
    /// A paste or drop refused for its size.
    Size,
    /// The share link just made (the notice's text is the link).
    Share,
}

impl Topic {
    /// The notice's `data-topic`.
    pub fn name(self) -> &'static str {
        match self {
            Topic::Link => "link",
            Topic::Saving => "saving",
            Topic::Size => "size",
            Topic::Share => "share",
        }
    }
}

/// Severities, as a set of bits: a set of its own (a `BTreeSet` of them)
/// cost the playground's wasm more than the wasm can spare.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub struct Severities(u8);

impl Severities {
    fn bit(severity: Severity) -> u8 {
        1 << severity as u8
    }

    pub fn contains(self, severity: Severity) -> bool {
        self.0 & Self::bit(severity) != 0
    }

    /// In the order of [`Severity::ALL`].
    pub fn iter(self) -> impl Iterator<Item = Severity> {
        Severity::ALL.into_iter().filter(move |&s| self.contains(s))
    }
}

/// Characters that hide or reorder text: how many, and the first.
pub type Hidden = (usize, Option<(usize, char)>);

/// What the editor needs of a text besides its report: where its lines
/// start, and its hidden characters.
#[derive(Clone)]
pub struct Lines {
    pub text: Rc<String>,
    pub starts: LineStarts,
    pub hidden: Hidden,
}

impl Lines {
    pub fn new(text: Rc<String>) -> Self {
        Lines { starts: LineStarts::new(text.as_bytes()), hidden: hidden_in(&text), text }
    }

    /// Those of `text`, from these of an earlier text: only the bytes where
    /// the two differ are read (finding every line of 10 MB again took an
    /// answer to a keystroke tens of ms), and these line starts are moved
    /// where they are (copying those of 10 MB took 2 to 7 ms). Also how many
    /// bytes were read.
    pub fn after(self, text: Rc<String>) -> (Self, usize) {
        if Rc::ptr_eq(&self.text, &text) {
            return (self, 0);
        }
        let (start, old_end, new_end) = difference_of(&self.text, &text);
        let mut starts = self.starts;
        starts.edit(text.as_bytes(), start..old_end, new_end - start);
        // None before and none inserted: none now. Otherwise counted again,
        // for the first one's place (only texts that hold some).
        let none_added = hidden_chars(&text[start..new_end]).next().is_none();
        let hidden = if self.hidden.0 == 0 && none_added { (0, None) } else { hidden_in(&text) };
        (Lines { text, starts, hidden }, new_end - start)
    }
}

/// Two texts, by `Weak` (so no other text can take either's address
/// meanwhile), and where they differ (see [`difference`]).
type Compared = (Weak<String>, Weak<String>, (usize, usize, usize));

thread_local! {
    /// The last two texts compared: on a keystroke the editor compares the
    /// checked text with the shown one, and the answer's lines
    /// ([`Lines::after`]) the same two again (3 to 4 ms each for 10 MB).
    static COMPARED: RefCell<Option<Compared>> = const { RefCell::new(None) };
}

/// [`difference`] of two shared texts, remembered for the same two.
pub fn difference_of(old: &Rc<String>, new: &Rc<String>) -> (usize, usize, usize) {
    COMPARED.with(|compared| {
        let mut compared = compared.borrow_mut();
        match &*compared {
            Some((a, b, found))
                if std::ptr::eq(a.as_ptr(), Rc::as_ptr(old)) && std::ptr::eq(b.as_ptr(), Rc::as_ptr(new)) =>
            {
                *found
            }
            _ => {
                let found = difference(old, new);
                *compared = Some((Rc::downgrade(old), Rc::downgrade(new), found));
                found
            }
        }
    })
}

/// Remembers where two texts differ as the edit that made `new` from `old`
/// says ([`Edits::bytes`]), for [`difference_of`]: then a keystroke
/// compares no text (two comparisons of 10 MB took it 4 ms).
pub fn differ_by(old: &Rc<String>, new: &Rc<String>, found: (usize, usize, usize)) {
    COMPARED.with(|compared| *compared.borrow_mut() = Some((Rc::downgrade(old), Rc::downgrade(new), found)));
}

fn hidden_in(text: &str) -> Hidden {
    hidden_chars(text).fold((0, None), |(n, first), found| (n + 1, first.or(Some(found))))
}

/// The last finished check, with the text it was computed on.
pub struct Checked {
    pub text: Rc<String>,
    pub lines: LineStarts,
    /// Shared with the engine's channel, which patches the next answer's
    /// changes into a copy.
    pub report: Rc<Report>,
    pub millis: f64,
    /// Counts checks, so a test can wait for the next one.
    pub number: u64,
    pub hidden: Hidden,
}

/// The name the playground's findings carry as their `file`.
pub const FILE: &str = "playground.yaml";

impl Checked {
    /// The report of a text, with what the editor needs to draw it.
    pub fn new(lines: Lines, report: Rc<Report>) -> Self {
        let Lines { text, starts, hidden } = lines;
        Checked { lines: starts, text, report, millis: 0.0, number: 0, hidden }
    }
}

/// One edit of the editor's text: the splices that made `to` from `from`.
/// The texts are known by address only (a `Weak` keeps the address from
/// being reused, not the text alive).
pub struct Step {
    pub from: Weak<String>,
    pub to: Weak<String>,
    pub splices: Vec<Splice>,
}

/// Edit steps kept: the engine's channel finds the steps from the text it
/// last sent to the newest (usually one or two); further back, it compares
/// the texts instead.
const STEPS_KEPT: usize = 16;

pub struct State {
    /// The editor's current text (checked after a short pause).
    pub text: Rc<String>,
    /// The editor's latest edits, each from one text to the next, so that
    /// edits go to the engine as they were made.
    pub steps: Rc<Vec<Rc<Step>>>,
    /// Bumped when the text is replaced from outside the editor (an example,
    /// a share link), so the editor knows to take it.
    pub loaded: u32,
    pub origin: Origin,
    /// Bumped by every change worth keeping for the next visit; 0 until the
    /// first, so merely opening the page never writes over what was saved.
    pub revision: u32,
    /// At most one per topic, in the order they came.
    pub notices: Rc<Vec<(Topic, String)>>,
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
    pub hidden_severities: Severities,
    /// Families hidden from the panel and the editor (still run).
    pub hidden_families: BTreeSet<&'static str>,
    pub group: Group,
    /// Caret position (byte offset in `text`).
    pub cursor: usize,
    /// A selection the editor should make: (start, end, request number).
    pub select: Option<(usize, usize, u32)>,
    pub status: Option<String>,
    /// Fix applies, for undo and redo.
    pub history: Rc<super::fixes::History>,
}

pub enum Action {
    /// The editor's text after an edit, shared, and the edits since the
    /// last (none when the editor could not say).
    Typed(Rc<String>, Option<Edits>),
    /// An example: replaces what is shown.
    Load(String),
    /// Switches back to the user's own content, as kept (with it), or makes
    /// what is shown the user's own (without).
    Own(Option<String>),
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
    /// Shows or (with `None`) withdraws the notice on a topic.
    Notice(Topic, Option<String>),
    /// A fix applied, undone or redone.
    Fix(super::fixes::Step),
}

/// Every family in the registry, in order.
/// The registry's rule families, in its order.
pub fn families() -> Vec<&'static str> {
    rules::Family::ALL.iter().map(|f| f.id()).collect()
}

impl State {
    /// `text` is normalised here, as everywhere text enters the editor from
    /// outside it.
    pub fn new(text: &str, origin: Origin, level: PssLevel, off: BTreeSet<&'static str>) -> Self {
        // Checked for real by the app's first effect.
        let mut state = State {
            checked: Rc::new(Checked::new(Lines::new(Rc::default()), Rc::default())),
            marks: Rc::new(LineMarks::default()),
            text: Rc::new(normalize_line_breaks(text).into_owned()),
            steps: Rc::default(),
            loaded: 1,
            origin,
            revision: 0,
            notices: Rc::default(),
            level,
            version: PolicyVersion::Latest,
            kubernetes: KubernetesVersion::LATEST,
            off,
            registries: Rc::new(Vec::new()),
            hidden_severities: Severities::default(),
            hidden_families: BTreeSet::new(),
            group: Group::Object,
            cursor: 0,
            select: None,
            status: None,
            history: Rc::default(),
        };
        state.remark();
        state
    }

    /// New content from outside the editor, which the editor takes.
    fn replace(&mut self, text: &str) {
        self.text = Rc::new(normalize_line_breaks(text).into_owned());
        self.loaded += 1;
        self.cursor = 0;
    }

    pub fn notice(&mut self, topic: Topic, message: Option<String>) {
        if self.notice_on(topic) != message.as_ref() {
            let notices = Rc::make_mut(&mut self.notices);
            notices.retain(|(t, _)| *t != topic);
            notices.extend(message.map(|m| (topic, m)));
        }
    }

    pub fn notice_on(&self, topic: Topic) -> Option<&String> {
        self.notices.iter().find(|(t, _)| *t == topic).map(|(_, m)| m)
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
        self.checked.report.findings.get(index).is_some_and(|f| self.shows(f))
    }

    /// Whether a finding of the report is shown, given the panel's filters.
    pub fn shows(&self, f: &Finding) -> bool {
        !self.hidden_severities.contains(f.severity) && !self.hidden_families.contains(f.rule.family.id())
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
            && Rc::ptr_eq(&self.steps, &o.steps)
            && self.loaded == o.loaded
            && self.origin == o.origin
            && self.revision == o.revision
            && Rc::ptr_eq(&self.notices, &o.notices)
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
            && Rc::ptr_eq(&self.history, &o.history)
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = State {
            text: self.text.clone(),
            steps: self.steps.clone(),
            loaded: self.loaded,
            origin: self.origin,
            revision: self.revision,
            notices: self.notices.clone(),
            checked: self.checked.clone(),
            marks: self.marks.clone(),
            level: self.level,
            version: self.version,
            kubernetes: self.kubernetes,
            off: self.off.clone(),
            registries: self.registries.clone(),
            hidden_severities: self.hidden_severities,
            hidden_families: self.hidden_families.clone(),
            group: self.group,
            cursor: self.cursor,
            select: self.select,
            status: None,
            history: self.history.clone(),
        };
        let mut refilter = false;
        match action {
            Action::Typed(text, edits) => {
                if let Some(edits) = edits {
                    let steps = Rc::make_mut(&mut next.steps);
                    if steps.len() == STEPS_KEPT {
                        steps.remove(0);
                    }
                    let (from, to) = (Rc::downgrade(&edits.from), Rc::downgrade(&text));
                    steps.push(Rc::new(Step { from, to, splices: edits.splices }));
                }
                next.text = text;
                next.revision += 1;
                next.notice(Topic::Size, None);
                next.notice(Topic::Share, None);
            }
            Action::Load(text) => {
                next.replace(&text);
                next.revision += 1;
            }
            Action::Own(text) => {
                next.origin = Origin::Own;
                match text {
                    // Already kept: writing it back could replace a saved
                    // value that could not be read with an example.
                    Some(text) => next.replace(&text),
                    None => next.revision += 1,
                }
            }
            Action::Checked(mut checked) => {
                if let Some(fresh) = Rc::get_mut(&mut checked) {
                    fresh.number = self.checked.number + 1;
                }
                next.checked = checked;
                next.status = self.status.clone();
                refilter = true;
            }
            Action::Level(level) => {
                next.level = level;
                next.revision += 1;
            }
            Action::Version(version) => {
                next.version = version;
                next.revision += 1;
            }
            Action::Kubernetes(version) => {
                next.kubernetes = version;
                next.revision += 1;
            }
            Action::ToggleFamily(family) => toggle(&mut next.off, family),
            Action::Registries(text) => {
                next.registries =
                    Rc::new(text.split([',', ' ', '\n']).filter(|r| !r.is_empty()).map(str::to_owned).collect());
            }
            Action::ToggleSeverityFilter(severity) => {
                next.hidden_severities.0 ^= Severities::bit(severity);
                refilter = true;
            }
            Action::ToggleFamilyFilter(family) => {
                toggle(&mut next.hidden_families, family);
                refilter = true;
            }
            Action::Group(group) => next.group = group,
            Action::Cursor(offset) => {
                // The caret a selection just made reports keeps its message.
                if offset == self.cursor {
                    next.status = self.status.clone();
                }
                next.cursor = offset;
            }
            Action::Select(start, end) => {
                next.cursor = start;
                next.select = Some((start, end, self.select.map_or(1, |(_, _, n)| n + 1)));
            }
            Action::Step(forward) => {
                let shown = next.shown_findings();
                let findings = &next.checked.report.findings;
                let target = if forward {
                    shown.iter().find(|&&i| findings[i].span.start.at() > self.cursor).or(shown.first())
                } else {
                    shown.iter().rev().find(|&&i| findings[i].span.start.at() < self.cursor).or(shown.last())
                };
                if let Some(&i) = target {
                    let span = findings[i].span;
                    next.cursor = span.start.at();
                    next.select = Some((span.start.at(), span.end.at(), self.select.map_or(1, |(_, _, n)| n + 1)));
                    next.status = Some(format!("{}: {}", findings[i].rule.title, findings[i].message));
                }
            }
            Action::Status(message) => next.status = Some(message),
            Action::Notice(topic, message) => next.notice(topic, message),
            Action::Fix(step) => super::fixes::reduce(&mut next, step),
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
