//! The editor, as code editors are built: the text is a [`Document`] in
//! Rust; only the lines in view (and a few around them) are in the page,
//! drawn with their findings' underlines, the selection and the caret
//! ([`lines`]); a hidden textarea at the caret takes keyboard, IME and
//! clipboard input ([`input`]). So a paste of 10 MB lays out a screenful of
//! lines, not 10 MB.
//!
//! Test hooks: `data-testid="editor"` is the textarea, which receives typed
//! and pasted text (select all, or `fill()`, replaces the whole text). It
//! holds the text around the selection only; `el.editorText` is the whole
//! text and `el.editorSelection` the selection in it (UTF-16 offsets).

mod input;
mod lines;
mod pointer;

use std::cell::Cell;
use std::rc::Rc;

use gloo::events::{EventListener, EventListenerOptions};
use js_sys::{Array, Object, Reflect};
use posture::playground::document::{Document, Moved, Window};
use posture::playground::marks::{LineMarks, Mark};
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlElement, HtmlTextAreaElement, KeyboardEvent, MouseEvent};
use yew::prelude::*;

use super::px;
use super::state::{Checked, State};
use input::Input;
use lines::{gutter_line, tooltip_entry, Drawn};

/// Pixel height of one line; the stylesheet uses the same values (`--line`).
fn line_height() -> f64 {
    if super::present::on() {
        30.0
    } else {
        20.0
    }
}
/// Lines drawn beyond the visible ones, above and below.
const OVERSCAN: usize = 10;

thread_local! {
    /// Large insertions whose text the app is told of from a task of its
    /// own, not yet run (see `Input::changed`).
    static UNTOLD: Cell<u32> = const { Cell::new(0) };
}

/// Whether the editor holds a text the app has not been told of yet (a
/// large insertion's, for the rest of the task that made it). The app's
/// text is then the one before it: anything that replaces the editor's
/// text with one made from the app's (a fix applied, undone or redone)
/// would drop the insertion, so it must wait.
pub fn holds_untold_text() -> bool {
    UNTOLD.with(Cell::get) > 0
}

#[derive(Properties)]
pub struct Props {
    pub text: Rc<String>,
    pub loaded: u32,
    pub checked: Rc<Checked>,
    pub marks: Rc<LineMarks>,
    pub select: Option<(usize, usize, u32)>,
    pub dispatch: UseReducerDispatcher<State>,
}

impl PartialEq for Props {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.text, &other.text)
            && self.loaded == other.loaded
            && Rc::ptr_eq(&self.checked, &other.checked)
            && Rc::ptr_eq(&self.marks, &other.marks)
            && self.select == other.select
    }
}

#[derive(Clone, Copy, PartialEq, Default)]
struct View {
    top: f64,
    height: f64,
}

/// What the pointer is over: where to show the tooltip, and which marks.
#[derive(Clone, PartialEq)]
struct Hover {
    x: f64,
    y: f64,
    marks: Vec<Mark>,
}

#[function_component(Editor)]
pub fn editor(props: &Props) -> Html {
    let area = use_node_ref();
    let scroller = use_node_ref();
    let sizer = use_node_ref();
    let drawn = use_node_ref();
    let gutter = use_node_ref();
    let tooltip = use_node_ref();
    let view = use_state(View::default);
    let hover = use_state(|| None::<Hover>);
    // Tab indents until Escape hands Tab back to focus navigation.
    let tab_indents = use_memo((), |_| Cell::new(true));
    let doc = use_mut_ref(|| {
        let mut doc = Document::default();
        doc.set_shared(props.text.clone());
        doc
    });
    let window = use_mut_ref(Window::default);
    let input = Input {
        doc: doc.clone(),
        window,
        area: area.clone(),
        scroller: scroller.clone(),
        dispatch: props.dispatch.clone(),
        redraw: use_force_update(),
        composing: use_memo((), |_| Cell::new(false)),
        before: use_memo((), |_| Cell::new(None)),
        reported: use_memo((), |_| Cell::new(None)),
        reveal: use_memo((), |_| Cell::new(false)),
        line_height: line_height(),
    };
    // The pointer's drag: its window listeners while a button is down.
    let dragging = use_mut_ref(|| None::<(EventListener, EventListener)>);

    // Text from outside (an example, a share link, a fix) replaces the content.
    {
        let input = input.clone();
        let text = props.text.clone();
        use_effect_with(props.loaded, move |_| {
            if input.doc.borrow().text() != text.as_str() {
                input.doc.borrow_mut().set_shared(text.clone());
            }
            input.write_window();
            if let Some(el) = input.scroller.cast::<HtmlElement>() {
                el.set_scroll_top(0);
            }
            input.redraw.force_update();
        });
    }
    // Selections asked for by the findings panel, F8 or a fix: byte offsets
    // in the text, shown a third of the way down.
    {
        let input = input.clone();
        use_effect_with(props.select, move |select| {
            if let Some((start, end, _)) = *select {
                input.doc.borrow_mut().select(start, end);
                input.write_window();
                if let Some(el) = input.area.cast::<HtmlTextAreaElement>() {
                    let _ = el.focus();
                }
                if let Some(el) = input.scroller.cast::<HtmlElement>() {
                    let line = input.doc.borrow().line_of(start) as f64;
                    let target = line * input.line_height - el.client_height() as f64 / 3.0;
                    el.set_scroll_top(target.max(0.0) as i32);
                }
                input.reveal.set(true);
                input.redraw.force_update();
            }
        });
    }
    // Keep the drawn window in step with the scroller's size.
    {
        let scroller = scroller.clone();
        let view = view.clone();
        use_effect_with((), move |_| {
            let measure = move || {
                if let Some(el) = scroller.cast::<HtmlElement>() {
                    view.set(View { top: el.scroll_top() as f64, height: el.client_height() as f64 });
                }
            };
            measure();
            let listener = EventListener::new(&gloo::utils::window(), "resize", move |_| measure());
            move || drop(listener)
        });
    }
    // Events Yew has no attribute for: inputs as the browser announces
    // them (cancelable), and IME composition.
    {
        let input = input.clone();
        use_effect_with((), move |_| {
            let listeners = input.area.cast::<HtmlTextAreaElement>().map(|area| {
                let on = |name: &'static str, handle: Box<dyn Fn(&Event)>| {
                    EventListener::new_with_options(
                        &area,
                        name,
                        EventListenerOptions::enable_prevent_default(),
                        move |e| handle(e),
                    )
                };
                let (a, b, c) = (input.clone(), input.clone(), input.clone());
                [
                    on(
                        "beforeinput",
                        Box::new(move |e| {
                            if let Some(e) = e.dyn_ref::<InputEvent>() {
                                a.beforeinput(e)
                            }
                        }),
                    ),
                    on("compositionstart", Box::new(move |_| b.composition(true))),
                    on("compositionend", Box::new(move |_| c.composition(false))),
                ]
            });
            move || drop(listeners)
        });
    }
    // The test hooks on the textarea: the whole text and the selection in it.
    let shown = use_mut_ref(|| props.checked.clone());
    *shown.borrow_mut() = props.checked.clone();
    {
        let (input, shown) = (input.clone(), shown.clone());
        use_effect_with((), move |_| {
            let hooks = test_hooks(&input, shown);
            move || drop(hooks)
        });
    }

    let lh = line_height();
    let document = doc.borrow();
    let count = document.line_count();
    let first = ((view.top / lh) as usize).saturating_sub(OVERSCAN).min(count.saturating_sub(1));
    let visible = (view.height / lh).ceil() as usize + 2 * OVERSCAN;
    let last = (first + visible).min(count);
    // Findings stay on the lines a change since the check did not touch.
    let moved = {
        let (checked, shown) = (props.checked.text.clone(), props.text.clone());
        *use_memo((Rc::as_ptr(&checked) as usize, Rc::as_ptr(&shown) as usize), move |_| {
            (!Rc::ptr_eq(&checked, &shown)).then(|| {
                let (start, old_end, new_end) = super::state::difference_of(&checked, &shown);
                Moved { start, old_end, new_end }
            })
        })
    };
    // The text drawn is the document's; until the app has it (the same
    // render), nothing is assumed about the checked text.
    let moved = if document.text().len() == props.text.len() {
        moved
    } else {
        Some(Moved::between(&props.checked.text, document.text()))
    };
    let longest = document.longest_line();

    // Lay the drawn lines, the gutter and the textarea where they belong
    // (through the CSSOM: the page's CSP forbids inline style attributes).
    {
        let (scroller, sizer, drawn, gutter, area) =
            (scroller.clone(), sizer.clone(), drawn.clone(), gutter.clone(), area.clone());
        let reveal = input.reveal.clone();
        let (top, height, width) = (first as f64 * lh, count as f64 * lh, longest.max(1) + 2);
        let caret_line = document.line_of(document.selection().1) as f64;
        let view = view.clone();
        use_effect(move || {
            let set = |node: &NodeRef, property: &str, value: String| {
                if let Some(el) = node.cast::<HtmlElement>() {
                    let _ = el.style().set_property(property, &value);
                }
            };
            set(&sizer, "height", px(height));
            set(&sizer, "width", format!("{width}ch"));
            set(&drawn, "transform", format!("translateY({})", px(top)));
            let scroll = scroller.cast::<HtmlElement>().map_or(0, |s| s.scroll_top()) as f64;
            set(&gutter, "transform", format!("translateY({})", px(top - scroll)));
            let (Some(sizer_el), Some(scroller_el)) = (sizer.cast::<HtmlElement>(), scroller.cast::<HtmlElement>())
            else {
                return;
            };
            let caret = drawn.cast::<Element>().and_then(|d| d.query_selector(".caret").ok().flatten());
            let base = sizer_el.get_bounding_client_rect();
            let (x, y) = match &caret {
                Some(c) => {
                    let r = c.get_bounding_client_rect();
                    (r.left() - base.left(), r.top() - base.top())
                }
                None => (0.0, caret_line * lh),
            };
            set(&area, "left", px(x));
            set(&area, "top", px(y));
            // The scroller resized without the window (a notice shown above
            // the editor after a paste): measured again, and a caret that was
            // in view kept there, so the next keystroke does not scroll.
            let resized = scroller_el.client_height() as f64 != view.height;
            let caret_was_shown = caret_line * lh >= view.top && (caret_line + 1.0) * lh <= view.top + view.height;
            if resized {
                view.set(View { top: scroller_el.scroll_top() as f64, height: scroller_el.client_height() as f64 });
            }
            // The caret's line and column in view, after an edit or a motion.
            if reveal.replace(false) || (resized && caret_was_shown) {
                let (top, view) = (caret_line * lh, scroller_el.client_height() as f64 - 2.0 * 8.0);
                let scroll = scroller_el.scroll_top() as f64;
                if top < scroll {
                    scroller_el.set_scroll_top(top as i32);
                } else if top + lh > scroll + view {
                    scroller_el.set_scroll_top((top + lh - view).ceil() as i32);
                }
                if let Some(c) = caret {
                    let (r, s) = (c.get_bounding_client_rect(), scroller_el.get_bounding_client_rect());
                    let margin = 24.0;
                    if r.left() < s.left() + margin {
                        scroller_el.set_scroll_left(scroller_el.scroll_left() - (s.left() + margin - r.left()) as i32);
                    } else if r.right() > s.right() - margin {
                        scroller_el
                            .set_scroll_left(scroller_el.scroll_left() + (r.right() - s.right() + margin) as i32);
                    }
                }
            }
        });
    }
    {
        let tooltip = tooltip.clone();
        let at = hover.as_ref().map(|h| (h.x, h.y));
        use_effect(move || {
            if let (Some((x, y)), Some(el)) = (at, tooltip.cast::<HtmlElement>()) {
                let _ = el.style().set_property("left", &px(x));
                let _ = el.style().set_property("top", &px(y));
            }
        });
    }

    let on_scroll = {
        let view = view.clone();
        let hover = hover.clone();
        Callback::from(move |e: Event| {
            let el: HtmlElement = e.target_unchecked_into();
            view.set(View { top: el.scroll_top() as f64, height: el.client_height() as f64 });
            hover.set(None);
        })
    };
    let on_keydown = {
        let (input, tab_indents) = (input.clone(), tab_indents.clone());
        Callback::from(move |e: KeyboardEvent| input.keydown(&e, &tab_indents))
    };
    let on_input = {
        let input = input.clone();
        Callback::from(move |_: InputEvent| input.input())
    };
    let on_select = {
        let input = input.clone();
        Callback::from(move |_: Event| {
            if input.adopt() {
                input.changed(false);
            }
        })
    };
    let on_copy = {
        let input = input.clone();
        Callback::from(move |e: Event| input.copy(&e, false))
    };
    let on_cut = {
        let input = input.clone();
        Callback::from(move |e: Event| input.copy(&e, true))
    };
    let on_paste = {
        let input = input.clone();
        Callback::from(move |e: Event| input.paste(&e))
    };
    // Dropping on the drawn lines: allowed (dragover), then inserted there.
    let on_dragover = Callback::from(|e: DragEvent| e.prevent_default());
    let on_drop = {
        let input = input.clone();
        Callback::from(move |e: DragEvent| {
            let Some(scroller) = input.scroller.cast::<HtmlElement>() else { return };
            let at = {
                let doc = input.doc.borrow();
                pointer::offset_at(&doc, &scroller, e.client_x() as f64, e.client_y() as f64, input.line_height)
            };
            input.drop(&e, at);
        })
    };
    let on_focus = {
        let tab_indents = tab_indents.clone();
        Callback::from(move |_: FocusEvent| tab_indents.set(true))
    };
    // A press puts the caret (double: a word, triple: a line; with Shift:
    // extends); moving with the button down selects. The right button
    // puts the textarea under the pointer, so the menu is an editing one.
    let on_mousedown = {
        let input = input.clone();
        let dragging = dragging.clone();
        Callback::from(move |e: MouseEvent| {
            let (Some(scroller), Some(area)) =
                (input.scroller.cast::<HtmlElement>(), input.area.cast::<HtmlTextAreaElement>())
            else {
                return;
            };
            let at = {
                let doc = input.doc.borrow();
                pointer::offset_at(&doc, &scroller, e.client_x() as f64, e.client_y() as f64, input.line_height)
            };
            if e.button() == 2 {
                let (start, end) = input.doc.borrow().selected();
                if at < start || at > end {
                    input.doc.borrow_mut().select(at, at);
                    input.changed(false);
                }
                under_pointer(&area, &scroller, &e);
                return;
            }
            if e.button() != 0 {
                return;
            }
            e.prevent_default();
            let _ = area.focus();
            let anchor = {
                let mut doc = input.doc.borrow_mut();
                match e.detail() {
                    2 => {
                        let (start, end) = doc.word_at(at);
                        doc.select(start, end);
                    }
                    n if n >= 3 => {
                        let line = doc.line_of(at);
                        let (start, end) = doc.line_range(line);
                        let end = if line + 1 < doc.line_count() { end + 1 } else { end };
                        doc.select(start, end);
                    }
                    _ if e.shift_key() => {
                        let anchor = doc.selection().0;
                        doc.select(anchor, at);
                    }
                    _ => doc.select(at, at),
                }
                doc.selection().0
            };
            input.changed(false);
            let on_move = {
                let input = input.clone();
                EventListener::new(&gloo::utils::window(), "mousemove", move |e| {
                    let (Some(e), Some(scroller)) = (e.dyn_ref::<MouseEvent>(), input.scroller.cast::<HtmlElement>())
                    else {
                        return;
                    };
                    let at = {
                        let doc = input.doc.borrow();
                        pointer::offset_at(&doc, &scroller, e.client_x() as f64, e.client_y() as f64, input.line_height)
                    };
                    if input.doc.borrow().selection() != (anchor, at) {
                        input.doc.borrow_mut().select(anchor, at);
                        input.changed(false);
                    }
                })
            };
            let on_up = {
                let dragging = dragging.clone();
                EventListener::new(&gloo::utils::window(), "mouseup", move |_| {
                    // Dropped later: a listener cannot drop itself while it runs.
                    let dragging = dragging.clone();
                    gloo::timers::callback::Timeout::new(0, move || drop(dragging.borrow_mut().take())).forget();
                })
            };
            *dragging.borrow_mut() = Some((on_move, on_up));
        })
    };
    let on_contextmenu = {
        let input = input.clone();
        Callback::from(move |_: MouseEvent| {
            // The menu is open on the textarea; put it back at the caret.
            let input = input.clone();
            gloo::timers::callback::Timeout::new(0, move || {
                if let Some(area) = input.area.cast::<HtmlElement>() {
                    let _ = area.class_list().remove_1("menu");
                }
                input.redraw.force_update();
            })
            .forget();
        })
    };
    // The underline under the pointer, found where the browser drew it.
    let on_mousemove = {
        let hover = hover.clone();
        let drawn = drawn.clone();
        let checked = props.checked.clone();
        let marks = props.marks.clone();
        Callback::from(move |e: MouseEvent| {
            let Some(frame) = e.current_target().and_then(|t| t.dyn_into::<HtmlElement>().ok()) else { return };
            let rect = frame.get_bounding_client_rect();
            let (x, y) = (e.client_x() as f64, e.client_y() as f64);
            let start = drawn.cast::<Element>().and_then(|b| pointer::underline_at(&b, x, y));
            let found = start.map(|o| marks.at(checked.lines.line_of(o), o)).unwrap_or_default();
            let next = (!found.is_empty()).then(|| Hover {
                x: x - rect.left() + 12.0,
                y: y - rect.top() + 16.0,
                marks: found,
            });
            if *hover != next {
                hover.set(next);
            }
        })
    };
    let on_mouseleave = {
        let hover = hover.clone();
        Callback::from(move |_: MouseEvent| hover.set(None))
    };

    let draw = Drawn { doc: &document, checked: &props.checked, marks: &props.marks, moved };
    // Gutter markers only where the lines are as checked.
    let gutter_marks = |line: usize| {
        let range = document.line_range(line);
        let same = moved.is_none_or(|m| m.to_checked(range) == Some(range));
        same.then_some(&*props.marks)
    };
    let digits = count.to_string().len().max(2);
    html! {
        <div class="editor-frame" onmousemove={on_mousemove} onmouseleave={on_mouseleave}>
            <div class={classes!("gutter", format!("digits-{digits}"))} aria-hidden="true">
                <div class="gutter-inner" ref={gutter}>
                    { for (first..last).map(|line| gutter_line(line, gutter_marks(line))) }
                </div>
            </div>
            <div class="code" ref={scroller} onscroll={on_scroll}
                onmousedown={on_mousedown} oncontextmenu={on_contextmenu}
                ondragover={on_dragover} ondrop={on_drop}>
                <div class="sizer" ref={sizer}>
                    <div class="lines" ref={drawn} aria-hidden="true">
                        { for (first..last).map(|line| draw.line(line)) }
                    </div>
                    <textarea ref={area} data-testid="editor" class="editor" spellcheck="false" wrap="off"
                        autocomplete="off" autocapitalize="off"
                        aria-label="Kubernetes YAML to check. Tab indents; press Escape, then Tab, to leave the editor. F8 and Shift+F8 step through findings."
                        onkeydown={on_keydown} oninput={on_input}
                        onselect={on_select} oncopy={on_copy} oncut={on_cut} onpaste={on_paste}
                        onfocus={on_focus} />
                </div>
            </div>
            if let Some(h) = &*hover {
                <div class="tooltip" role="tooltip" ref={tooltip}>
                    { for h.marks.iter().map(|m| tooltip_entry(m, &props.checked)) }
                </div>
            }
        </div>
    }
}

/// The textarea, transparent, under the pointer: the context menu the
/// browser opens is then an editing one (Cut, Copy, Paste, Select All) on
/// the text around the selection.
fn under_pointer(area: &HtmlTextAreaElement, scroller: &HtmlElement, e: &MouseEvent) {
    let rect = scroller.get_bounding_client_rect();
    let x = e.client_x() as f64 - rect.left() + scroller.scroll_left() as f64 - 16.0;
    let y = e.client_y() as f64 - rect.top() + scroller.scroll_top() as f64 - 16.0;
    let _ = area.class_list().add_1("menu");
    let _ = area.style().set_property("left", &px(x));
    let _ = area.style().set_property("top", &px(y));
}

/// A property getter defined from Rust.
type Getter = Closure<dyn Fn() -> JsValue>;

/// `editorText` (the whole text), `editorSelection` ([start, end] in
/// UTF-16 units) and `editorChecked` (the last check shown: `{ text,
/// findings }`, each finding as one line of text, see [`finding_line`]) on
/// the textarea, read by tests; held while the editor is.
fn test_hooks(input: &Input, shown: Rc<std::cell::RefCell<Rc<Checked>>>) -> Option<[Getter; 3]> {
    let area = input.area.cast::<HtmlTextAreaElement>()?;
    let text = {
        let doc = input.doc.clone();
        Getter::new(move || JsValue::from_str(doc.borrow().text()))
    };
    let selection = {
        let doc = input.doc.clone();
        Getter::new(move || {
            let doc = doc.borrow();
            let (start, end) = doc.selected();
            Array::of2(&(doc.utf16_of(start) as u32).into(), &(doc.utf16_of(end) as u32).into()).into()
        })
    };
    let checked = Getter::new(move || {
        let checked = shown.borrow();
        let findings: Array = checked.report.findings.iter().map(|f| JsValue::from(finding_line(f))).collect();
        let object = Object::new();
        let _ = Reflect::set(&object, &"text".into(), &checked.text.as_str().into());
        let _ = Reflect::set(&object, &"findings".into(), &findings);
        object.into()
    });
    for (name, getter) in [("editorText", &text), ("editorSelection", &selection), ("editorChecked", &checked)] {
        let descriptor = Object::new();
        let _ = Reflect::set(&descriptor, &"get".into(), getter.as_ref());
        let _ = Reflect::set(&descriptor, &"configurable".into(), &true.into());
        Object::define_property(&area, &name.into(), &descriptor);
    }
    Some([text, selection, checked])
}

/// A text as a JSON string, as the test's `JSON.stringify` writes it (the
/// browser's own, so no JSON writer is linked into the playground).
fn quoted(text: &str) -> String {
    js_sys::JSON::stringify(&text.into()).map(String::from).unwrap_or_default()
}

/// A finding as tests compare it with the engine module's report (the
/// same line is made there from the report's JSON): rule, severity, file,
/// document, object, span, fix and message.
fn finding_line(f: &posture::report::Finding) -> String {
    let (s, e) = (f.span.start, f.span.end);
    let fix = match &f.fix {
        Some(posture::fix::FixState::Ready(fix)) => {
            let edits: Vec<String> =
                fix.edits.iter().map(|e| format!("{}-{}:{}", e.start, e.end, quoted(&e.text))).collect();
            format!("{} {}", fix.applicability.name(), edits.join(","))
        }
        Some(posture::fix::FixState::Refused(why)) => format!("refused {why}"),
        None => "none".into(),
    };
    let o = &f.object;
    format!(
        "{} {} {} {} {} {} {}/{} {}:{}@{}-{}:{}@{} [{fix}] {}",
        f.rule.id,
        f.severity.name(),
        f.file,
        f.document,
        o.api_version,
        o.kind,
        o.namespace.as_deref().unwrap_or(""),
        o.name.as_deref().unwrap_or(""),
        s.line,
        s.column,
        s.offset,
        e.line,
        e.column,
        e.offset,
        f.message
    )
}
