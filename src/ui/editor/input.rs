//! The document and the hidden textarea that takes keyboard, IME and
//! clipboard input for it. The textarea holds a window of text around the
//! selection ([`Window`]); keys that move the caret and inputs the browser
//! announces (`beforeinput`) become edits of the document, and the window is
//! written back. Only what the browser does not announce in time, IME
//! composition, happens in the textarea first and is read back from it.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use posture::playground::document::{Document, Edits, Kind, Motion, Window};
use posture::playground::text::normalize_line_breaks;
use posture::playground::MAX_TEXT;
use wasm_bindgen::JsCast;
use web_sys::{ClipboardEvent, DragEvent, HtmlElement, HtmlTextAreaElement, InputEvent, KeyboardEvent};
use yew::prelude::*;

use crate::ui::session::megabytes;
use crate::ui::state::{Action, State, Topic};

/// Spaces Tab inserts.
const INDENT: &str = "  ";

/// Everything an event handler needs; cheap to clone (shared parts).
#[derive(Clone)]
pub struct Input {
    pub doc: Rc<RefCell<Document>>,
    pub window: Rc<RefCell<Window>>,
    pub area: NodeRef,
    pub scroller: NodeRef,
    pub dispatch: UseReducerDispatcher<State>,
    pub redraw: UseForceUpdateHandle,
    pub composing: Rc<Cell<bool>>,
    /// The textarea's selection before an input the browser makes itself.
    pub before: Rc<Cell<Option<(u32, u32)>>>,
    /// The caret offset last told to the app.
    pub reported: Rc<Cell<Option<usize>>>,
    /// Set by an edit or a motion: scroll the caret into view once drawn.
    pub reveal: Rc<Cell<bool>>,
    pub line_height: f64,
}

fn now() -> f64 {
    gloo::utils::window().performance().map_or(0.0, |p| p.now())
}

impl Input {
    fn area(&self) -> Option<HtmlTextAreaElement> {
        self.area.cast::<HtmlTextAreaElement>()
    }

    fn textarea_selection(el: &HtmlTextAreaElement) -> (u32, u32) {
        let start = el.selection_start().ok().flatten().unwrap_or(0);
        (start, el.selection_end().ok().flatten().unwrap_or(start))
    }

    /// Takes the textarea's selection into the document when something
    /// other than the editor moved it (select(), Select All, a test's
    /// setSelectionRange); the whole window selected is the whole text.
    pub fn adopt(&self) -> bool {
        let Some(el) = self.area() else { return false };
        let selected = Self::textarea_selection(&el);
        let mut window = self.window.borrow_mut();
        if selected == window.selection || self.composing.get() {
            return false;
        }
        let mut doc = self.doc.borrow_mut();
        let (start, end) = window.selection_in_doc(&doc, selected);
        let backward = el.selection_direction().ok().flatten().as_deref() == Some("backward");
        if backward {
            doc.select(end, start);
        } else {
            doc.select(start, end);
        }
        window.selection = selected;
        true
    }

    /// After the document changed (`text`) or only its selection: tells the
    /// app, writes the textarea's window again and draws. After a large
    /// insertion (more than `UNLOGGED`, 1 MiB), the app is told and the page drawn
    /// from a task of their own: the paste's task (its text into the wasm,
    /// the document's splice) was already the page's longest. Until then the
    /// app's text is the one before the insertion: see [`super::holds_untold_text`].
    pub fn changed(&self, text: bool) {
        let edits = if text { self.doc.borrow_mut().take_edits() } else { None };
        // A text changed by edits not known is one with a large insertion
        // (see `Document::take_edits`).
        let later = text && edits.is_none();
        if !later {
            self.tell(text, edits);
        }
        if !self.composing.get() {
            self.write_window();
        }
        if !later {
            return self.draw();
        }
        let input = self.clone();
        let shared = self.doc.borrow().shared();
        super::UNTOLD.with(|untold| untold.set(untold.get() + 1));
        wasm_bindgen_futures::spawn_local(async move {
            let _ = wasm_bindgen_futures::JsFuture::from(crate::ui::checks::next_task()).await;
            // Unless an edit since has told the app of a newer text.
            if Rc::ptr_eq(&shared, &input.doc.borrow().shared()) {
                input.tell(true, None);
                input.draw();
            }
            super::UNTOLD.with(|untold| untold.set(untold.get() - 1));
        });
    }

    /// Tells the app of the document's text (`text`: changed by `edits`)
    /// and caret; a small edit goes to the engine at once.
    fn tell(&self, text: bool, edits: Option<Edits>) {
        let doc = self.doc.borrow();
        if text {
            let shared = doc.shared();
            if let Some(edits) = &edits {
                crate::ui::checks::edited(edits, &shared);
                if let Some(bytes) = edits.bytes {
                    crate::ui::state::differ_by(&edits.from, &shared, bytes);
                }
            }
            self.dispatch.dispatch(Action::Typed(shared, edits));
        }
        let caret = doc.selected().0;
        if self.reported.replace(Some(caret)) != Some(caret) || text {
            self.dispatch.dispatch(Action::Cursor(caret));
        }
    }

    /// Draws the editor again, the caret scrolled into view once drawn (the
    /// text's new height is set then: a paste's caret at the end of the text
    /// was out of reach before).
    fn draw(&self) {
        self.reveal.set(true);
        self.redraw.force_update();
    }

    /// The textarea's content and selection from the document.
    pub fn write_window(&self) {
        let Some(el) = self.area() else { return };
        let doc = self.doc.borrow();
        let window = Window::around(&doc);
        if el.value() != window.value {
            el.set_value(&window.value);
        }
        let (anchor, head) = doc.selection();
        let direction = if head < anchor { "backward" } else { "forward" };
        let _ = el.set_selection_range_with_direction(window.selection.0, window.selection.1, direction);
        *self.window.borrow_mut() = window;
    }

    /// Lines a PageUp or PageDown moves.
    fn page(&self) -> usize {
        self.scroller.cast::<HtmlElement>().map_or(20, |s| (s.client_height() as f64 / self.line_height) as usize)
    }

    /// Whether replacing `start..end` with `inserted` keeps the text within
    /// the editor's ceiling; if not, the user is told.
    fn fits(&self, start: usize, end: usize, inserted: usize) -> bool {
        let total = self.doc.borrow().len() - (end - start) + inserted;
        if total > MAX_TEXT {
            self.refuse(total.max(inserted));
            return false;
        }
        true
    }

    pub fn refuse(&self, bytes: usize) {
        let message = format!(
            "Not pasted: {} is more than the editor holds ({}). Check large inputs with the command line: posture check FILE.",
            megabytes(bytes),
            megabytes(MAX_TEXT)
        );
        self.dispatch.dispatch(Action::Notice(Topic::Size, Some(message)));
    }

    /// Text typed or pasted over the selection.
    fn insert(&self, text: &str, kind: Kind) {
        let text = normalize_line_breaks(text);
        let (start, end) = self.doc.borrow().selected();
        if !self.fits(start, end, text.len()) {
            return;
        }
        let mut announce = |from: &Rc<String>, splice: &_| crate::ui::checks::editing(from, splice);
        self.doc.borrow_mut().insert_announced(&text, kind, now(), &mut announce);
        self.changed(true);
    }

    /// Keys the editor handles itself: caret motions, select all, undo and
    /// redo, Tab. `tab_indents` is off after Escape, so Tab leaves.
    pub fn keydown(&self, e: &KeyboardEvent, tab_indents: &Cell<bool>) {
        if e.is_composing() || self.composing.get() {
            return;
        }
        let ctrl = e.ctrl_key() || e.meta_key();
        let shift = e.shift_key();
        self.adopt();
        let motion = match e.key().as_str() {
            "Escape" => {
                tab_indents.set(false);
                return;
            }
            "Tab" if tab_indents.get() && !shift && !ctrl && !e.alt_key() => {
                e.prevent_default();
                self.doc.borrow_mut().indent(INDENT, now());
                return self.changed(true);
            }
            "a" | "A" if ctrl && !e.alt_key() => {
                e.prevent_default();
                self.doc.borrow_mut().select_all();
                return self.changed(false);
            }
            "z" | "Z" | "y" | "Y" if ctrl && !e.alt_key() => {
                let redo = e.key().eq_ignore_ascii_case("y") || shift;
                if e.key().eq_ignore_ascii_case("y") && shift {
                    return;
                }
                let done = if redo { self.doc.borrow_mut().redo() } else { self.doc.borrow_mut().undo() };
                // Nothing of its own: the fixes' undo (window listener) may act.
                if done {
                    e.prevent_default();
                    self.changed(true);
                }
                return;
            }
            "ArrowLeft" if ctrl => Motion::WordLeft,
            "ArrowRight" if ctrl => Motion::WordRight,
            "ArrowLeft" => Motion::Left,
            "ArrowRight" => Motion::Right,
            "ArrowUp" if !ctrl => Motion::Up,
            "ArrowDown" if !ctrl => Motion::Down,
            "Home" if ctrl => Motion::DocStart,
            "End" if ctrl => Motion::DocEnd,
            "Home" => Motion::LineStart,
            "End" => Motion::LineEnd,
            "PageUp" => Motion::PageUp(self.page()),
            "PageDown" => Motion::PageDown(self.page()),
            _ => return,
        };
        if e.alt_key() {
            return;
        }
        e.prevent_default();
        self.doc.borrow_mut().motion(motion, shift);
        self.changed(false);
    }

    /// An input the browser announces: done on the document instead (the
    /// textarea is then written again), except composition, which the
    /// textarea does and [`Input::input`] reads back.
    pub fn beforeinput(&self, e: &InputEvent) {
        let kind = e.input_type();
        if kind == "insertCompositionText" || self.composing.get() || e.is_composing() {
            if let Some(el) = self.area() {
                self.before.set(Some(Self::textarea_selection(&el)));
            }
            return;
        }
        self.adopt();
        let data =
            || e.data().or_else(|| e.data_transfer().and_then(|d| d.get_data("text/plain").ok())).unwrap_or_default();
        let time = now();
        match kind.as_str() {
            "insertText" | "insertReplacementText" => {
                let text = data();
                let typing = text.chars().count() == 1;
                e.prevent_default();
                self.insert(&text, if typing { Kind::Typing } else { Kind::Other });
            }
            "insertLineBreak" | "insertParagraph" => {
                e.prevent_default();
                self.insert("\n", Kind::Typing);
            }
            "insertFromPaste" | "insertFromDrop" | "insertFromYank" | "insertFromPasteAsQuotation" => {
                e.prevent_default();
                self.insert(&data(), Kind::Other);
            }
            "deleteContentBackward" | "deleteContentForward" | "deleteWordBackward" | "deleteWordForward" => {
                e.prevent_default();
                let forward = kind.ends_with("Forward");
                self.doc.borrow_mut().delete(forward, kind.starts_with("deleteWord"), time);
                self.changed(true);
            }
            "deleteSoftLineBackward" | "deleteHardLineBackward" | "deleteSoftLineForward" | "deleteHardLineForward" => {
                e.prevent_default();
                let mut doc = self.doc.borrow_mut();
                let (start, end) = doc.selected();
                let (line_start, line_end) = doc.line_range(doc.line_of(start));
                let (from, to) = if start != end {
                    (start, end)
                } else if kind.ends_with("Backward") {
                    (line_start, start)
                } else {
                    (start, line_end)
                };
                doc.replace(from, to, "", Kind::Deleting, time);
                drop(doc);
                self.changed(true);
            }
            "deleteByCut" | "deleteByDrag" | "deleteContent" => {
                e.prevent_default();
                let (start, end) = self.doc.borrow().selected();
                self.doc.borrow_mut().replace(start, end, "", Kind::Other, time);
                self.changed(true);
            }
            "historyUndo" | "historyRedo" => {
                e.prevent_default();
                let done =
                    if kind == "historyUndo" { self.doc.borrow_mut().undo() } else { self.doc.borrow_mut().redo() };
                if done {
                    self.changed(true);
                }
            }
            // Anything else is read back from the textarea on `input`.
            _ => {
                if let Some(el) = self.area() {
                    self.before.set(Some(Self::textarea_selection(&el)));
                }
            }
        }
    }

    /// The textarea changed by itself (IME composition, an input type the
    /// editor does not know, a script that set its value): the difference
    /// from the window it held is the edit.
    pub fn input(&self) {
        let Some(el) = self.area() else { return };
        let value = el.value();
        let selected = self.before.take().unwrap_or(self.window.borrow().selection);
        let (start, end, inserted) = self.window.borrow().edit_to(&self.doc.borrow(), &value, selected);
        if !self.fits(start, end, inserted.len()) {
            return self.write_window();
        }
        let inserted = normalize_line_breaks(&inserted).into_owned();
        let kind = if self.composing.get() { self.doc.borrow().composing() } else { Kind::Other };
        self.doc.borrow_mut().replace(start, end, &inserted, kind, now());
        if self.composing.get() {
            // The IME owns the textarea until the composition ends.
            let selection = Self::textarea_selection(&el);
            self.window.borrow_mut().follow(&self.doc.borrow(), value, selection);
        }
        self.changed(true);
    }

    pub fn composition(&self, started: bool) {
        self.composing.set(started);
        if started {
            self.doc.borrow_mut().begin_composition();
        } else {
            self.write_window();
        }
    }

    /// Copy and cut take the document's selection, of any size.
    pub fn copy(&self, e: &Event, cut: bool) {
        let Some(e) = e.dyn_ref::<ClipboardEvent>() else { return };
        self.adopt();
        let (start, end) = self.doc.borrow().selected();
        if start == end {
            return;
        }
        if let Some(data) = e.clipboard_data() {
            e.prevent_default();
            let _ = data.set_data("text/plain", self.doc.borrow().selected_text());
            if cut {
                self.doc.borrow_mut().replace(start, end, "", Kind::Other, now());
                self.changed(true);
            }
        }
    }

    /// Text or a file dropped on the lines goes in where it is dropped (`at`,
    /// the document offset under the pointer), as a paste there would.
    pub fn drop(&self, e: &DragEvent, at: usize) {
        let Some(data) = e.data_transfer() else { return };
        e.prevent_default();
        let file = data.files().and_then(|files| files.get(0));
        if let Some(file) = file {
            let bytes = file.size() as usize;
            if bytes > MAX_TEXT {
                self.refuse(bytes);
                return;
            }
            let input = self.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let text = wasm_bindgen_futures::JsFuture::from(file.text()).await;
                if let Some(text) = text.ok().and_then(|t| t.as_string()) {
                    input.insert_at(at, &text);
                }
            });
        } else if let Ok(text) = data.get_data("text/plain") {
            self.insert_at(at, &text);
        }
    }

    fn insert_at(&self, at: usize, text: &str) {
        {
            let mut doc = self.doc.borrow_mut();
            // A file's text arrives later: the document may be shorter.
            let at = at.min(doc.len());
            doc.select(at, at);
        }
        self.insert(text, Kind::Other);
    }

    /// A paste goes to the document directly: the textarea never holds it.
    pub fn paste(&self, e: &Event) {
        let Some(e) = e.dyn_ref::<ClipboardEvent>() else { return };
        let Some(text) = e.clipboard_data().and_then(|d| d.get_data("text/plain").ok()) else { return };
        e.prevent_default();
        self.adopt();
        self.insert(&text, Kind::Other);
    }
}
