//! The editor's document: the text, where its lines start, the selection,
//! and the undo history. The editor draws only the lines in view from it and
//! turns keys, pointer and input events into the edits and motions here, so
//! that a 10 MB text is never laid out by the browser. Offsets are bytes
//! into the text, always on character boundaries.
//!
//! The text is shared ([`Document::shared`]) with whoever holds it (the
//! app's state, the engine's channel), and copied only when an edit finds it
//! shared. Each edit is also logged as a [`Splice`] in UTF-16 units, so the
//! engine is told the edit itself instead of finding it again by comparing
//! two texts.

use std::rc::Rc;

/// Undo steps kept, and the bytes they may hold (a step of a 10 MB paste
/// holds the text it replaced and the text it inserted).
const MOST_STEPS: usize = 500;
const MOST_HISTORY_BYTES: usize = 64 * 1024 * 1024;
/// Typing within this many milliseconds of the last keystroke joins its step.
const TYPING_PAUSE_MS: f64 = 1000.0;
/// Bytes inserted above which an edit is not logged: its copy (10 ms of a
/// 10 MB paste's task) would only go to the engine, which is as well sent
/// the range where the texts differ.
const UNLOGGED: usize = 1024 * 1024;
/// Bytes inserted above which a text not shared is built again rather
/// than spliced where it is.
const SPLICED_IN_PLACE: usize = 4096;

/// What an edit is, for grouping undo steps: typing and deleting runs join
/// into one step; anything else (a paste, Tab, a cut) is a step of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Typing,
    Deleting,
    Other,
    /// An IME composition's update, by composition ([`Document::composing`]):
    /// each replaces what the composition showed so far, so one composition,
    /// however many updates and pauses it takes, is one step.
    Composing(u32),
}

/// Where a motion takes the caret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Motion {
    Left,
    Right,
    WordLeft,
    WordRight,
    Up,
    Down,
    /// Up or down by this many lines (PageUp, PageDown).
    PageUp(usize),
    PageDown(usize),
    LineStart,
    LineEnd,
    DocStart,
    DocEnd,
}

/// An edit as the engine module takes it (`Checker.edit`): the UTF-16 range
/// `start..end` of the text before it replaced by `text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Splice {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// Told of an edit before it is made (see [`Document::insert_announced`]).
pub type Announce<'a> = dyn FnMut(&Rc<String>, &Splice) + 'a;

/// The edits that made a text from an earlier one, in order.
#[derive(Clone, Debug)]
pub struct Edits {
    pub from: Rc<String>,
    pub splices: Vec<Splice>,
    /// For one splice, what it changed in bytes: `from`'s `start..old_end`
    /// became `start..new_end` of the text after it (as
    /// [`super::text::difference`] finds, though not always the shortest
    /// such range), so that 10 MB need not be compared to know it.
    pub bytes: Option<(usize, usize, usize)>,
}

/// One undo step: `removed` at `at` was replaced by `inserted`.
#[derive(Clone, Debug)]
struct Step {
    at: usize,
    removed: String,
    inserted: String,
    before: (usize, usize),
    after: (usize, usize),
    kind: Kind,
    time: f64,
}

#[derive(Clone, Debug, Default)]
pub struct Document {
    text: Rc<String>,
    /// The edits made since the log was last taken, and the text before them.
    log: Option<Edits>,
    /// Whether an edit since was too large to log (see [`UNLOGGED`]).
    unlogged: bool,
    /// The byte offset each line starts at; the first is 0.
    starts: Vec<usize>,
    /// The selection: `anchor` stays, `head` moves (it is the caret).
    anchor: usize,
    head: usize,
    /// The column (in characters) Up and Down keep to across short lines.
    goal: Option<usize>,
    undo: Vec<Step>,
    redo: Vec<Step>,
    /// Whether the text may hold anything but ASCII (then UTF-16 offsets
    /// differ from bytes). Only ever turned on by an edit, so it may be on
    /// for an ASCII text: then offsets are counted, not assumed.
    wide: bool,
    /// Compositions begun, to tell one composition's updates from the next's.
    compositions: u32,
}

impl Document {
    /// A composition begins: its updates are edits of [`Kind::Composing`]
    /// with this composition's number.
    pub fn begin_composition(&mut self) {
        self.compositions += 1;
    }

    /// The kind of an update of the composition under way.
    pub fn composing(&self) -> Kind {
        Kind::Composing(self.compositions)
    }

    pub fn new(text: &str) -> Self {
        let mut doc = Document::default();
        doc.set_text(text);
        doc
    }

    /// Replaces everything, forgetting the history (as a textarea's
    /// `value =` does): text from outside the editor.
    pub fn set_text(&mut self, text: &str) {
        self.set_shared(Rc::new(text.to_owned()));
    }

    /// [`Document::set_text`] with a text shared, not copied.
    pub fn set_shared(&mut self, text: Rc<String>) {
        self.starts = line_starts(&text, 0);
        self.wide = !text.is_ascii();
        self.text = text;
        self.log = None;
        self.unlogged = false;
        self.anchor = 0;
        self.head = 0;
        self.goal = None;
        self.undo.clear();
        self.redo.clear();
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text, shared: copied only when the next edit finds it still shared.
    pub fn shared(&self) -> Rc<String> {
        self.text.clone()
    }

    /// The edits since the log was last taken (or the text set), and the
    /// text they started from; `None` if there were none, or if one inserted
    /// more than [`UNLOGGED`] bytes.
    pub fn take_edits(&mut self) -> Option<Edits> {
        let log = self.log.take();
        if std::mem::take(&mut self.unlogged) {
            return None;
        }
        log
    }

    pub fn len(&self) -> usize {
        self.text.len()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The line holding a byte offset.
    pub fn line_of(&self, at: usize) -> usize {
        self.starts.partition_point(|&s| s <= at).saturating_sub(1)
    }

    /// A line's byte range, its line break left out.
    pub fn line_range(&self, line: usize) -> (usize, usize) {
        let line = line.min(self.starts.len() - 1);
        let start = self.starts[line];
        let end = self.starts.get(line + 1).map_or(self.text.len(), |next| next - 1);
        (start, end)
    }

    pub fn line_text(&self, line: usize) -> &str {
        let (start, end) = self.line_range(line);
        &self.text[start..end]
    }

    /// The longest line, in bytes: how wide the editor's content may be.
    pub fn longest_line(&self) -> usize {
        let mut longest = 0;
        let mut previous = 0;
        for &start in self.starts.iter().skip(1).chain([&(self.text.len() + 1)]) {
            longest = longest.max(start - previous - 1);
            previous = start;
        }
        longest
    }

    /// The selection as (anchor, head).
    pub fn selection(&self) -> (usize, usize) {
        (self.anchor, self.head)
    }

    /// The selection from its start to its end.
    pub fn selected(&self) -> (usize, usize) {
        (self.anchor.min(self.head), self.anchor.max(self.head))
    }

    pub fn selected_text(&self) -> &str {
        let (start, end) = self.selected();
        &self.text[start..end]
    }

    /// Selects from `anchor` to `head` (clamped to the text, and moved back
    /// to character boundaries).
    pub fn select(&mut self, anchor: usize, head: usize) {
        self.anchor = self.boundary(anchor);
        self.head = self.boundary(head);
        self.goal = None;
    }

    pub fn select_all(&mut self) {
        self.select(0, self.text.len());
    }

    /// The word (or run of spaces, or single other character) at an offset,
    /// as a double click selects it.
    pub fn word_at(&self, at: usize) -> (usize, usize) {
        let at = self.boundary(at);
        let (line_start, line_end) = self.line_range(self.line_of(at));
        let Some(c) = self.text[at..line_end].chars().next().or_else(|| self.text[line_start..at].chars().next_back())
        else {
            return (at, at);
        };
        let class = char_class(c);
        let start = line_start
            + self.text[line_start..at]
                .char_indices()
                .rev()
                .take_while(|&(_, c)| char_class(c) == class && class != Class::Other)
                .last()
                .map_or(at - line_start, |(i, _)| i);
        let end = at
            + self.text[at..line_end]
                .char_indices()
                .find(|&(i, c)| char_class(c) != class || (class == Class::Other && i > 0))
                .map_or(line_end - at, |(i, _)| i);
        (start, end.max(start))
    }

    /// Moves the caret; with `extend`, the selection's anchor stays.
    pub fn motion(&mut self, motion: Motion, extend: bool) {
        let (start, end) = self.selected();
        let collapse = !extend && start != end;
        let target = match motion {
            Motion::Left if collapse => start,
            Motion::Right if collapse => end,
            Motion::Left => self.char_before(self.head),
            Motion::Right => self.char_after(self.head),
            Motion::WordLeft => self.word_left(self.head),
            Motion::WordRight => self.word_right(self.head),
            Motion::Up => return self.vertical(-1, extend),
            Motion::Down => return self.vertical(1, extend),
            Motion::PageUp(n) => return self.vertical(-(n.max(1) as isize), extend),
            Motion::PageDown(n) => return self.vertical(n.max(1) as isize, extend),
            Motion::LineStart => self.line_range(self.line_of(self.head)).0,
            Motion::LineEnd => self.line_range(self.line_of(self.head)).1,
            Motion::DocStart => 0,
            Motion::DocEnd => self.text.len(),
        };
        self.head = target;
        if !extend {
            self.anchor = target;
        }
        self.goal = None;
    }

    fn vertical(&mut self, lines: isize, extend: bool) {
        let line = self.line_of(self.head);
        let (start, _) = self.line_range(line);
        let goal = *self.goal.get_or_insert_with(|| self.text[start..self.head].chars().count());
        let target = line as isize + lines;
        self.head = if target < 0 {
            0
        } else if target as usize >= self.line_count() {
            self.text.len()
        } else {
            let (start, end) = self.line_range(target as usize);
            start + self.text[start..end].char_indices().nth(goal).map_or(end - start, |(i, _)| i)
        };
        if !extend {
            self.anchor = self.head;
        }
    }

    /// Replaces `start..end` with `inserted` and puts the caret after it, as
    /// one undo step (or part of the last one, for a run of typing or
    /// deleting). `now` is a time in milliseconds, for grouping typing.
    pub fn replace(&mut self, start: usize, end: usize, inserted: &str, kind: Kind, now: f64) {
        self.replace_announced(start, end, inserted, kind, now, None);
    }

    /// [`Document::insert`], with `announce` given the text before the edit
    /// and the edit's [`Splice`] (if it is logged) before the text is
    /// changed: copying a shared text of 10 MB takes milliseconds, which a
    /// listener need not wait for.
    pub fn insert_announced(&mut self, inserted: &str, kind: Kind, now: f64, announce: &mut Announce<'_>) {
        let (start, end) = self.selected();
        self.replace_announced(start, end, inserted, kind, now, Some(announce));
    }

    fn replace_announced(
        &mut self,
        start: usize,
        end: usize,
        inserted: &str,
        kind: Kind,
        now: f64,
        announce: Option<&mut Announce<'_>>,
    ) {
        let end = self.boundary(end);
        let start = self.boundary(start).min(end);
        let before = (self.anchor, self.head);
        let removed = self.splice(start, end, inserted, announce);
        let caret = start + inserted.len();
        self.anchor = caret;
        self.head = caret;
        self.goal = None;
        self.redo.clear();
        if let Some(last) = self.undo.last_mut() {
            let within = start >= last.at && end <= last.at + last.inserted.len();
            if matches!(kind, Kind::Composing(_)) && last.kind == kind && within {
                last.inserted.replace_range(start - last.at..end - last.at, inserted);
                (last.after, last.time) = ((caret, caret), now);
                return;
            }
            let joins = last.kind == kind && now - last.time < TYPING_PAUSE_MS && !inserted.contains('\n');
            if joins && kind == Kind::Typing && removed.is_empty() && start == last.at + last.inserted.len() {
                last.inserted.push_str(inserted);
                (last.after, last.time) = ((caret, caret), now);
                return;
            }
            if joins && kind == Kind::Deleting && inserted.is_empty() && last.inserted.is_empty() {
                if end == last.at {
                    last.removed.insert_str(0, &removed);
                    last.at = start;
                } else if start == last.at {
                    last.removed.push_str(&removed);
                }
                if start == last.at {
                    (last.after, last.time) = ((caret, caret), now);
                    return;
                }
            }
        }
        self.undo.push(Step {
            at: start,
            removed,
            inserted: inserted.to_owned(),
            before,
            after: (caret, caret),
            kind,
            time: now,
        });
        let mut bytes: usize = self.undo.iter().map(|s| s.removed.len() + s.inserted.len()).sum();
        while self.undo.len() > MOST_STEPS || (bytes > MOST_HISTORY_BYTES && self.undo.len() > 1) {
            let dropped = self.undo.remove(0);
            bytes -= dropped.removed.len() + dropped.inserted.len();
        }
    }

    /// Replaces the selection (a typed character, a paste).
    pub fn insert(&mut self, inserted: &str, kind: Kind, now: f64) {
        let (start, end) = self.selected();
        self.replace(start, end, inserted, kind, now);
    }

    /// Backspace (`forward` false) or Delete: the selection, or the character
    /// (`word`: the word) before or after the caret.
    pub fn delete(&mut self, forward: bool, word: bool, now: f64) {
        let (mut start, mut end) = self.selected();
        if start == end {
            match (forward, word) {
                (false, false) => start = self.char_before(start),
                (false, true) => start = self.word_left(start),
                (true, false) => end = self.char_after(end),
                (true, true) => end = self.word_right(end),
            }
        }
        if start != end {
            self.replace(start, end, "", Kind::Deleting, now);
        }
    }

    /// Tab: each line the selection spans indented (and the indented lines
    /// selected), or the selection within one line replaced by `indent`.
    pub fn indent(&mut self, indent: &str, now: f64) {
        let (start, end) = self.selected();
        if !self.text[start..end].contains('\n') {
            return self.insert(indent, Kind::Other, now);
        }
        let from = self.line_range(self.line_of(start)).0;
        // A selection ending at the start of a line leaves that line alone.
        let block: Vec<String> = self.text[from..end]
            .split('\n')
            .map(|l| if l.is_empty() { String::new() } else { format!("{indent}{l}") })
            .collect();
        let block = block.join("\n");
        self.replace(from, end, &block, Kind::Other, now);
        self.anchor = from;
        if let Some(step) = self.undo.last_mut() {
            step.after = (from, self.head);
        }
    }

    /// Takes back the last step; false when there is none.
    pub fn undo(&mut self) -> bool {
        let Some(step) = self.undo.pop() else { return false };
        self.splice(step.at, step.at + step.inserted.len(), &step.removed, None);
        (self.anchor, self.head) = step.before;
        self.goal = None;
        self.redo.push(step);
        true
    }

    pub fn redo(&mut self) -> bool {
        let Some(step) = self.redo.pop() else { return false };
        self.splice(step.at, step.at + step.removed.len(), &step.inserted, None);
        (self.anchor, self.head) = step.after;
        self.goal = None;
        // Undone again whole: a later keystroke does not join it.
        self.undo.push(Step { time: f64::NEG_INFINITY, ..step });
        true
    }

    /// The text changes, and the line starts after it: those before stay,
    /// those after move by the change in length.
    fn splice(&mut self, start: usize, end: usize, inserted: &str, announce: Option<&mut Announce<'_>>) -> String {
        let removed = self.text[start..end].to_owned();
        if inserted.len() > UNLOGGED {
            self.unlogged = true;
        } else if !self.unlogged {
            let from = self.utf16_of(start);
            let end16 = from + super::text::utf16_len(&removed);
            let splice = Splice { start: from, end: end16, text: inserted.to_owned() };
            if let Some(announce) = announce {
                announce(&self.text, &splice);
            }
            let log =
                self.log.get_or_insert_with(|| Edits { from: self.text.clone(), splices: Vec::new(), bytes: None });
            log.bytes = log.splices.is_empty().then_some((start, end, start + inserted.len()));
            log.splices.push(splice);
        }
        match Rc::get_mut(&mut self.text) {
            Some(text) if inserted.len() <= SPLICED_IN_PLACE => text.replace_range(start..end, inserted),
            // Shared with the app (as after every check sent), or a large
            // insertion (`replace_range` copies it a byte at a time: 30 ms
            // for a 10 MB paste): the new text built in one allocation.
            _ => {
                let mut text = String::with_capacity(self.text.len() - (end - start) + inserted.len());
                text.push_str(&self.text[..start]);
                text.push_str(inserted);
                text.push_str(&self.text[end..]);
                self.text = Rc::new(text);
            }
        }
        self.wide |= !inserted.is_ascii();
        let first = self.line_of(start) + 1;
        let last = self.starts.partition_point(|&s| s <= end);
        let added = line_starts(inserted, start).into_iter().skip(1);
        let shift = |s: usize| s + inserted.len() - (end - start);
        let after: Vec<usize> = self.starts[last..].iter().map(|&s| shift(s)).collect();
        self.starts.truncate(first);
        self.starts.extend(added);
        self.starts.extend(after);
        removed
    }

    /// An offset clamped to the text and moved back to a character boundary.
    pub fn boundary(&self, at: usize) -> usize {
        let mut at = at.min(self.text.len());
        while !self.text.is_char_boundary(at) {
            at -= 1;
        }
        at
    }

    fn char_before(&self, at: usize) -> usize {
        at - self.text[..at].chars().next_back().map_or(0, char::len_utf8)
    }

    fn char_after(&self, at: usize) -> usize {
        at + self.text[at..].chars().next().map_or(0, char::len_utf8)
    }

    /// Back over spaces, then over one run of a kind of character; a line
    /// start stops it.
    fn word_left(&self, at: usize) -> usize {
        let line_start = self.line_range(self.line_of(at)).0;
        if at == line_start {
            return self.char_before(at);
        }
        let before = &self.text[line_start..at];
        let trimmed = before.trim_end_matches([' ', '\t']);
        let Some(last) = trimmed.chars().next_back() else { return line_start };
        let class = char_class(last);
        line_start + trimmed.trim_end_matches(|c| char_class(c) == class).len()
    }

    fn word_right(&self, at: usize) -> usize {
        let line_end = self.line_range(self.line_of(at)).1;
        if at == line_end {
            return self.char_after(at);
        }
        let after = &self.text[at..line_end];
        let trimmed = after.trim_start_matches([' ', '\t']);
        let Some(first) = trimmed.chars().next() else { return line_end };
        let class = char_class(first);
        line_end - trimmed.trim_start_matches(|c| char_class(c) == class).len()
    }

    /// A byte offset as a UTF-16 offset (as JavaScript counts).
    pub fn utf16_of(&self, at: usize) -> usize {
        let at = self.boundary(at);
        if self.wide {
            super::text::utf16_len(&self.text[..at])
        } else {
            at
        }
    }

    /// A UTF-16 offset as a byte offset (inside a surrogate pair: before it).
    pub fn byte_of_utf16(&self, units: usize) -> usize {
        if !self.wide {
            return units.min(self.text.len());
        }
        byte_of_utf16(&self.text, units)
    }
}

/// A UTF-16 offset into `text` as a byte offset (clamped; inside a surrogate
/// pair, the character's start).
pub fn byte_of_utf16(text: &str, units: usize) -> usize {
    let mut counted = 0;
    for (i, c) in text.char_indices() {
        counted += c.len_utf16();
        if counted > units {
            return i;
        }
    }
    text.len()
}

fn line_starts(text: &str, base: usize) -> Vec<usize> {
    // Eight bytes at a time: a search (`match_indices`, memchr) starts again
    // at each line, and a byte at a time is slow in wasm (20 to 30 ms of a
    // 10 MB paste's 430,000 lines either way, in profiles).
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    // The high bit of each byte of a chunk that is a line break (exact: no
    // carry crosses bytes).
    let breaks = |chunk: &[u8]| {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default()) ^ u64::from_le_bytes([b'\n'; 8]);
        !(((word & LOW7) + LOW7) | word | LOW7)
    };
    // Counted first, so the list is made once at its size (growing it by
    // doubling took 6 ms of the 10 MB paste).
    let chunks = || text.as_bytes().chunks_exact(8);
    let counted: u32 = chunks().map(|c| breaks(c).count_ones()).sum();
    // The text's start, the breaks counted, and up to 7 in the bytes after
    // the last whole chunk (`remainder`, below).
    let mut starts = Vec::with_capacity(1 + counted as usize + 7);
    starts.push(base);
    let mut chunks = chunks();
    let mut at = base + 1;
    for chunk in &mut chunks {
        let mut breaks = breaks(chunk);
        while breaks != 0 {
            starts.push(at + breaks.trailing_zeros() as usize / 8);
            breaks &= breaks - 1;
        }
        at += 8;
    }
    let rest = chunks.remainder().iter().enumerate().filter(|&(_, &b)| b == b'\n');
    starts.extend(rest.map(|(i, _)| at + i));
    starts
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Word,
    Space,
    Other,
}

fn char_class(c: char) -> Class {
    if c.is_alphanumeric() || c == '_' {
        Class::Word
    } else if c == ' ' || c == '\t' {
        Class::Space
    } else {
        Class::Other
    }
}

/// What changed between the last checked text and the text shown: the
/// checked text's `start..old_end` became `start..new_end`. Lines the change
/// did not touch keep their findings, drawn at their moved offsets, while
/// the new text waits for its check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Moved {
    pub start: usize,
    pub old_end: usize,
    pub new_end: usize,
}

impl Moved {
    pub fn between(checked: &str, shown: &str) -> Self {
        let (start, old_end, new_end) = super::text::difference(checked, shown);
        Moved { start, old_end, new_end }
    }

    /// A range of the shown text as it was in the checked text, if the
    /// change did not touch it.
    pub fn to_checked(&self, (start, end): (usize, usize)) -> Option<(usize, usize)> {
        let unchanged = self.start == self.old_end && self.start == self.new_end;
        if unchanged || end < self.start {
            Some((start, end))
        } else if start > self.new_end {
            let back = |o: usize| o - self.new_end + self.old_end;
            Some((back(start), back(end)))
        } else {
            None
        }
    }
}

/// The hidden textarea's content: the text around the selection (the whole
/// text when it is short), so that typing, IME and the browser's own menu
/// act on real text near the caret, while the browser lays out only a few
/// lines. A selection too long to copy into it is stood in for by a short
/// excerpt, selected; copying and cutting take the model's text anyway.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Window {
    /// Where the window starts in the document (bytes).
    pub base: usize,
    /// The document up to which it runs (bytes).
    pub end: usize,
    /// What the textarea holds.
    pub value: String,
    /// The selection in `value`, in UTF-16 units, as the textarea counts.
    pub selection: (u32, u32),
    /// A stand-in for the selection: its byte range in `value`, standing
    /// for the document's selected range.
    stand_in: Option<(usize, usize, usize, usize)>,
}

/// A text at most this long (UTF-16 units) is held whole by the textarea.
pub const WHOLE_TEXT: usize = 16 * 1024;
/// Lines of context above and below the selection otherwise.
const CONTEXT_LINES: usize = 8;
/// A selection longer than this many bytes is stood in for.
const LONGEST_SELECTION: usize = 8 * 1024;

impl Window {
    pub fn around(doc: &Document) -> Self {
        let (start, end) = doc.selected();
        if doc.len() <= WHOLE_TEXT && doc.utf16_of(doc.len()) <= WHOLE_TEXT {
            let value = doc.text().to_owned();
            let at = |o: usize| super::text::utf16_len(&value[..o]) as u32;
            let selection = (at(start), at(end));
            return Window { base: 0, end: doc.len(), selection, value, stand_in: None };
        }
        let base = doc.line_range(doc.line_of(start).saturating_sub(CONTEXT_LINES)).0;
        let last = (doc.line_of(end) + CONTEXT_LINES).min(doc.line_count() - 1);
        let stop = doc.line_range(last).1;
        let text = doc.text();
        let (value, stand_in, sel_end) = if end - start > LONGEST_SELECTION {
            // The selection's first line or so, with a mark that more follows.
            let cut = doc.boundary(start + 64).min(doc.line_range(doc.line_of(start)).1).max(start);
            let excerpt = format!("{}…", &text[start..cut]);
            let before = start - base;
            let value = format!("{}{}{}", &text[base..start], excerpt, &text[end..stop]);
            let in_value = (before, before + excerpt.len());
            (value, Some((in_value.0, in_value.1, start, end)), before + excerpt.len())
        } else {
            (text[base..stop].to_owned(), None, end - base)
        };
        let at = |o: usize| super::text::utf16_len(&value[..o]) as u32;
        let selection = (at(start - base), at(sel_end));
        Window { base, end: stop, value, selection, stand_in }
    }

    /// Whether the textarea holds the whole text.
    fn is_whole(&self, doc: &Document) -> bool {
        self.base == 0 && self.end == doc.len() && self.stand_in.is_none()
    }

    /// A byte offset into `value` as a document offset.
    fn to_doc(&self, at: usize) -> usize {
        match self.stand_in {
            Some((from, _, start, _)) if at <= from => self.base + at.min(start - self.base),
            Some((_, to, _, end)) if at >= to => end + (at - to),
            Some((_, _, start, _)) => start,
            None => self.base + at,
        }
    }

    /// A selection of the textarea (UTF-16 units) in the document. The
    /// textarea's whole content selected (select(), Ctrl+A or the menu's
    /// Select All) selects the whole document.
    pub fn selection_in_doc(&self, doc: &Document, (start, end): (u32, u32)) -> (usize, usize) {
        let units = super::text::utf16_len(&self.value) as u32;
        if (start, end) == self.selection {
            return doc.selected();
        }
        if start == 0 && end == units && units > 0 {
            return (0, doc.len());
        }
        let byte = |u: u32| byte_of_utf16(&self.value, u as usize);
        let (from, to) = (byte(start), byte(end));
        let (a, b) = (self.to_doc(from), self.to_doc(to));
        // Inside the stand-in means the whole selection it stands for.
        match self.stand_in {
            Some((x, y, s, e)) if from >= x && to <= y && from < y => (s, e),
            _ => (a.min(doc.len()), b.min(doc.len())),
        }
    }

    /// The edit that turned `value` into `new` (the textarea's content after
    /// an input the editor did not make itself, such as IME composition),
    /// as a document range and its replacement. `selected` is the
    /// textarea's selection before the input: the change covers it.
    pub fn edit_to(&self, doc: &Document, new: &str, selected: (u32, u32)) -> (usize, usize, String) {
        let byte = |u: u32| byte_of_utf16(&self.value, u as usize);
        let (sel_start, sel_end) = (byte(selected.0.min(selected.1)), byte(selected.0.max(selected.1)));
        let (prefix, _, _) = super::text::difference(&self.value, new);
        // Where several edits give the same text (typing "a" after "a"),
        // the one at the selection.
        let start = prefix.min(sel_start);
        let most = (self.value.len() - sel_end.max(start)).min(new.len() - start);
        let (old, new_bytes) = (self.value.as_bytes(), new.as_bytes());
        let mut tail = old.iter().rev().zip(new_bytes.iter().rev()).take(most).take_while(|(a, b)| a == b).count();
        while !new.is_char_boundary(new.len() - tail) || !self.value.is_char_boundary(self.value.len() - tail) {
            tail -= 1;
        }
        let (old_end, new_end) = (self.value.len() - tail, new.len() - tail);
        let inserted = new[start..new_end].to_owned();
        if start == 0 && old_end == self.value.len() && !self.is_whole(doc) && !self.value.is_empty() {
            return (0, doc.len(), inserted);
        }
        (self.to_doc(start), self.to_doc(old_end), inserted)
    }

    /// The window after an edit the textarea made itself, kept as the
    /// textarea holds it (during IME composition it must not be rewritten).
    pub fn follow(&mut self, doc: &Document, new: String, selection: (u32, u32)) {
        let grown = new.len() as isize - self.value.len() as isize;
        if self.stand_in.is_some() {
            // The stand-in was replaced (an input replaces the selection).
            *self = Window::around(doc);
            return;
        }
        self.end = ((self.end as isize + grown).max(self.base as isize) as usize).min(doc.len());
        self.value = new;
        self.selection = selection;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document {
        Document::new(text)
    }

    #[test]
    fn lines_follow_edits() {
        let mut d = doc("a: 1\nb: 2\nc: 3");
        assert_eq!(d.line_count(), 3);
        assert_eq!(d.line_text(1), "b: 2");
        d.replace(5, 9, "x\ny\nz", Kind::Other, 0.0);
        assert_eq!(d.text(), "a: 1\nx\ny\nz\nc: 3");
        assert_eq!(d.line_count(), 5);
        for line in 0..d.line_count() {
            assert_eq!(d.line_text(line), d.text().split('\n').nth(line).unwrap());
        }
        d.replace(0, d.len(), "", Kind::Other, 0.0);
        assert_eq!((d.line_count(), d.line_range(0)), (1, (0, 0)));
        assert_eq!(doc("ab\n\ncdef\n").longest_line(), 4);
    }

    #[test]
    fn typing_joins_one_step_and_undo_redo_restore_text_and_selection() {
        let mut d = doc("name: x\n");
        d.select(6, 7);
        for (i, c) in ["a", "p", "p"].iter().enumerate() {
            d.insert(c, Kind::Typing, i as f64 * 100.0);
        }
        assert_eq!(d.text(), "name: app\n");
        d.insert("\n", Kind::Typing, 400.0);
        assert!(d.undo());
        assert_eq!(d.text(), "name: app\n");
        assert!(d.undo());
        assert_eq!((d.text(), d.selection()), ("name: x\n", (6, 7)));
        assert!(!d.undo());
        assert!(d.redo());
        assert_eq!((d.text(), d.selection()), ("name: app\n", (9, 9)));
        // A pause starts a new step.
        d.insert("s", Kind::Typing, 5000.0);
        d.undo();
        assert_eq!(d.text(), "name: app\n");
        assert!(!d.redo() || d.text() == "name: apps\n");
    }

    #[test]
    fn one_composition_is_one_step_whatever_its_updates() {
        let mut d = doc("name: x\n");
        d.select(6, 7);
        d.begin_composition();
        // k, then か over it, then 蚊 over that (a pause between is no matter).
        d.replace(6, 7, "k", d.composing(), 0.0);
        d.replace(6, 7, "か", d.composing(), 100.0);
        d.replace(6, 9, "蚊", d.composing(), 5000.0);
        assert_eq!(d.text(), "name: 蚊\n");
        // The next composition is a step of its own.
        d.begin_composition();
        d.replace(9, 9, "s", d.composing(), 5100.0);
        assert!(d.undo());
        assert_eq!(d.text(), "name: 蚊\n");
        assert!(d.undo());
        assert_eq!((d.text(), d.selection()), ("name: x\n", (6, 7)));
        assert!(d.redo());
        assert_eq!(d.text(), "name: 蚊\n");
    }

    #[test]
    fn backspaces_join_and_undo_together() {
        let mut d = doc("abcdef");
        d.select(6, 6);
        d.delete(false, false, 0.0);
        d.delete(false, false, 10.0);
        d.delete(true, false, 20.0);
        assert_eq!(d.text(), "abcd");
        d.undo();
        assert_eq!(d.text(), "abcdef");
        d.select(6, 6);
        d.delete(false, true, 30.0);
        assert_eq!(d.text(), "");
    }

    #[test]
    fn motions_move_by_characters_words_and_lines() {
        let mut d = doc("key: véry-long\nab\nlonger line");
        d.select(0, 0);
        d.motion(Motion::WordRight, false);
        assert_eq!(d.selection(), (3, 3));
        d.motion(Motion::WordRight, true);
        assert_eq!(d.selection(), (3, 4));
        d.motion(Motion::WordRight, true);
        assert_eq!(d.selection(), (3, 10));
        d.motion(Motion::Right, false);
        assert_eq!(d.selection(), (10, 10));
        d.motion(Motion::Left, false);
        assert_eq!(d.selection(), (9, 9), "é is two bytes");
        d.motion(Motion::Down, false);
        assert_eq!(d.selection(), (18, 18), "line end when the goal is past it");
        d.motion(Motion::Down, false);
        assert_eq!(d.selection(), (27, 27), "the goal column kept");
        d.motion(Motion::PageUp(10), true);
        assert_eq!(d.selection(), (27, 0));
        d.motion(Motion::DocEnd, false);
        assert_eq!(d.selection(), (d.len(), d.len()));
        d.motion(Motion::LineStart, true);
        assert_eq!(d.selected_text(), "longer line");
        d.motion(Motion::WordLeft, false);
        assert_eq!(d.selection(), (18, 18), "a line start goes to the end of the line above");
        d.motion(Motion::WordLeft, false);
        assert_eq!(d.selection(), (16, 16));
        assert_eq!(d.word_at(6), (5, 10));
        assert_eq!(d.word_at(3), (3, 4));
    }

    #[test]
    fn tab_indents_each_selected_line() {
        let mut d = doc("a:\nb: 1\n\nc: 2\nd: 3\n");
        d.select(4, 12);
        d.indent("  ", 0.0);
        assert_eq!(d.text(), "a:\n  b: 1\n\n  c: 2\nd: 3\n");
        assert_eq!(d.selected(), (3, 16));
        d.undo();
        assert_eq!(d.text(), "a:\nb: 1\n\nc: 2\nd: 3\n");
        d.select(1, 1);
        d.indent("  ", 0.0);
        assert_eq!(d.text(), "a  :\nb: 1\n\nc: 2\nd: 3\n");
    }

    #[test]
    fn utf16_offsets() {
        let d = doc("a😀é\nb");
        assert_eq!(d.utf16_of(5), 3);
        assert_eq!(d.byte_of_utf16(3), 5);
        assert_eq!(d.byte_of_utf16(2), 1, "inside the pair: before it");
        assert_eq!(doc("abc").byte_of_utf16(9), 3);
    }

    #[test]
    fn edits_are_logged_in_utf16_units_from_the_text_before_them() {
        let mut d = doc("a😀b\nc");
        let before = d.shared();
        d.select(5, 6);
        d.insert("xé", Kind::Other, 0.0);
        d.delete(false, false, 10.0);
        d.undo();
        d.select(0, 1);
        d.indent("  ", 20.0);
        let edits = d.take_edits().expect("edits were made");
        assert!(Rc::ptr_eq(&edits.from, &before), "the text before them, shared");
        assert_eq!(*before, "a😀b\nc", "a shared text is copied before an edit");
        let mut units: Vec<u16> = edits.from.encode_utf16().collect();
        for s in &edits.splices {
            units.splice(s.start..s.end, s.text.encode_utf16());
        }
        assert_eq!(String::from_utf16(&units).unwrap(), d.text());
        assert!(d.take_edits().is_none());
        d.set_text("new");
        assert!(d.take_edits().is_none(), "text set from outside is no edit");
    }

    #[test]
    fn one_edit_says_where_the_texts_differ_in_bytes() {
        let mut d = doc("a😀b\nc: 1\n");
        for (select, edit) in [((1, 5), "é"), ((3, 3), "x"), ((0, 9), ""), ((2, 2), "b\nb")] {
            d.select(select.0, select.1);
            d.insert(edit, Kind::Other, 0.0);
            let edits = d.take_edits().expect("an edit");
            let (start, old_end, new_end) = edits.bytes.expect("one splice");
            let (from, to) = (edits.from.as_bytes(), d.text().as_bytes());
            assert_eq!(from[..start], to[..start]);
            assert_eq!(from[old_end..], to[new_end..]);
            assert_eq!(&to[start..new_end], edit.as_bytes());
        }
        d.select(0, 0);
        d.insert("a", Kind::Typing, 0.0);
        d.insert("b", Kind::Typing, 1.0);
        assert_eq!(d.take_edits().expect("two edits").bytes, None, "two splices: not known");
    }

    #[test]
    fn an_edit_is_announced_as_it_is_logged_before_it_is_made() {
        let mut d = doc("a😀b\nc");
        d.select(6, 6);
        let before = d.shared();
        let mut told = Vec::new();
        d.insert_announced("é", Kind::Typing, 0.0, &mut |text, splice| {
            told.push((text.to_string(), splice.clone()));
        });
        let edits = d.take_edits().expect("an edit");
        assert_eq!(told, [(before.to_string(), edits.splices[0].clone())]);
        assert_eq!(edits.splices[0], Splice { start: 4, end: 4, text: "é".into() });
    }

    #[test]
    fn line_starts_are_found_eight_bytes_at_a_time_as_one_at_a_time() {
        for text in [
            "",
            "\n",
            "a\nb",
            "\n\x0b\n\x0b\x0a\u{8a}é\n",
            "0123456\n89\n\n\n\n\n\n\n\n\n\nxyz",
            "ab\ncdefghijk\u{10a0a}\n",
        ] {
            let simple: Vec<usize> =
                std::iter::once(7).chain(text.match_indices('\n').map(|(i, _)| 7 + i + 1)).collect();
            assert_eq!(line_starts(text, 7), simple, "{text:?}");
        }
    }

    #[test]
    fn an_edit_too_large_to_log_leaves_the_edits_unknown() {
        let mut d = doc("a: 1\n");
        let large = "b: 2\n".repeat(UNLOGGED / 5 + 1);
        d.select(0, 0);
        d.insert("#", Kind::Typing, 0.0);
        d.insert(&large, Kind::Other, 1.0);
        d.insert("#", Kind::Typing, 2.0);
        assert!(d.take_edits().is_none(), "the edits before and after it are no use alone");
        assert_eq!(d.line_count(), large.len() / 5 + 2);
        d.insert("c", Kind::Typing, 3.0);
        assert_eq!(d.take_edits().expect("logged again").splices.len(), 1);
        // The last "#" and "c" are one step of typing.
        assert!(d.undo() && d.undo());
        assert_eq!(d.text(), "#a: 1\n", "undone as before");
    }

    #[test]
    fn unchanged_lines_keep_their_checked_offsets() {
        let moved = Moved::between("a: 1\nb: 2\nc: 3\n", "a: 1\nb: 22\nc: 3\n");
        assert_eq!(moved.to_checked((0, 4)), Some((0, 4)));
        assert_eq!(moved.to_checked((5, 10)), None);
        assert_eq!(moved.to_checked((11, 15)), Some((10, 14)));
    }

    fn long_text() -> String {
        (0..2000).map(|i| format!("line: {i}\n")).collect()
    }

    #[test]
    fn a_short_text_is_held_whole() {
        let mut d = doc("a: 1\nb: 2\n");
        d.select(2, 4);
        let w = Window::around(&d);
        assert_eq!((w.value.as_str(), w.selection), ("a: 1\nb: 2\n", (2, 4)));
        // Typing "x" over the selection, as the textarea would.
        assert_eq!(w.edit_to(&d, "a:x\nb: 2\n", (2, 4)), (2, 4, "x".into()));
        // The textarea's own selection is the document's.
        assert_eq!(w.selection_in_doc(&d, (0, 10)), (0, 10));
    }

    #[test]
    fn a_long_text_is_held_around_the_selection_and_select_all_means_all() {
        let text = long_text();
        let mut d = doc(&text);
        let at = text.find("line: 1000").unwrap();
        d.select(at + 6, at + 10);
        let w = Window::around(&d);
        assert!(w.value.len() < 1000 && w.value.contains("line: 1000\n"), "{}", w.value);
        let (s, e) = w.selection;
        assert_eq!(&w.value[s as usize..e as usize], "1000");
        assert_eq!(w.selection_in_doc(&d, (s, e)), (at + 6, at + 10));
        assert_eq!(w.selection_in_doc(&d, (s, s)), (at + 6, at + 6));
        let whole = w.value.len() as u32;
        assert_eq!(w.selection_in_doc(&d, (0, whole)), (0, d.len()));
        // An input that replaced the whole window replaced the whole text
        // (Playwright's fill(): select(), then one insertText).
        assert_eq!(w.edit_to(&d, "new", (0, whole)), (0, d.len(), "new".into()));
        // Typing maps to its place in the document.
        let mut typed = w.value.clone();
        typed.insert(e as usize, '!');
        assert_eq!(w.edit_to(&d, &typed, (e, e)), (at + 10, at + 10, "!".into()));
        // Typing "0" after "100": at the caret, not after the first "10".
        let mut typed = w.value.clone();
        typed.insert(s as usize + 3, '0');
        assert_eq!(w.edit_to(&d, &typed, (s + 3, s + 3)), (at + 9, at + 9, "0".into()));
    }

    #[test]
    fn a_long_selection_is_stood_in_for() {
        let text = long_text();
        let mut d = doc(&text);
        d.select(10, text.len() - 10);
        let w = Window::around(&d);
        assert!(w.value.len() < 1000, "{}", w.value.len());
        let (s, e) = w.selection;
        assert_eq!(w.selection_in_doc(&d, (s, e)), (10, text.len() - 10));
        // Typing over the stand-in replaces what it stands for.
        let (s8, e8) = (byte_of_utf16(&w.value, s as usize), byte_of_utf16(&w.value, e as usize));
        let typed = format!("{}x{}", &w.value[..s8], &w.value[e8..]);
        assert_eq!(w.edit_to(&d, &typed, (s, e)), (10, text.len() - 10, "x".into()));
    }
}
