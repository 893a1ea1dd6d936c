//! The editor: a plain textarea for typing, with a backdrop under it that
//! draws each finding's span as a coloured wavy underline, and a gutter with
//! line numbers and markers. Only the lines in view are drawn, so a paste of
//! tens of thousands of lines stays responsive.

use std::rc::Rc;

use gloo::events::EventListener;
use posture::playground::marks::{LineMarks, Mark, Source};
use posture::playground::text::hidden_char;
use posture::playground::MAX_TEXT;
use posture::yaml::LineStarts;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlTextAreaElement, KeyboardEvent, MouseEvent};
use yew::prelude::*;

use super::session::megabytes;
use super::state::{Action, Checked, State, Topic};

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
/// Spaces Tab inserts.
const INDENT: &str = "  ";

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
    left: f64,
    height: f64,
}

/// What the pointer is over: where to show the tooltip, and which marks.
#[derive(Clone, PartialEq)]
struct Hover {
    x: f64,
    y: f64,
    marks: Vec<Mark>,
}

/// Tab: the selection replaced by [`INDENT`], or, when it spans lines, each
/// of its lines indented (and still selected). Through the browser's own
/// insertion, so Undo takes it back and `input` fires (as the embed's frame
/// does); `setRangeText` only where that is refused.
fn indent(el: &HtmlTextAreaElement) {
    const NEWLINE: u16 = b'\n' as u16;
    // Selection offsets count UTF-16 units.
    let units: Vec<u16> = el.value().encode_utf16().collect();
    let end = (el.selection_end().ok().flatten().unwrap_or(0) as usize).min(units.len());
    let start = (el.selection_start().ok().flatten().unwrap_or(0) as usize).min(end);
    let lines = units[start..end].contains(&NEWLINE);
    let from = if lines { units[..start].iter().rposition(|&u| u == NEWLINE).map_or(0, |i| i + 1) } else { start };
    let insert = if lines {
        // A selection ending at the start of a line leaves that line alone.
        let part = String::from_utf16_lossy(&units[from..end]);
        part.split('\n')
            .map(|l| if l.is_empty() { l.to_owned() } else { format!("{INDENT}{l}") })
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        INDENT.to_owned()
    };
    let _ = el.set_selection_range(from as u32, end as u32);
    let inserted = gloo::utils::document()
        .dyn_into::<web_sys::HtmlDocument>()
        .ok()
        .and_then(|d| d.exec_command_with_show_ui_and_value("insertText", false, &insert).ok())
        .unwrap_or(false);
    if !inserted {
        let _ = el.set_range_text_with_start_and_end_and_mode(&insert, from as u32, end as u32, "end");
        // setRangeText does not fire `input`; tell the app ourselves.
        let _ = el.dispatch_event(&web_sys::InputEvent::new("input").expect("an input event").into());
    }
    if lines {
        let _ = el.set_selection_range(from as u32, (from + insert.encode_utf16().count()) as u32);
    }
}

#[function_component(Editor)]
pub fn editor(props: &Props) -> Html {
    let area = use_node_ref();
    let backdrop = use_node_ref();
    let gutter = use_node_ref();
    let tooltip = use_node_ref();
    let view = use_state(View::default);
    let hover = use_state(|| None::<Hover>);
    // Tab indents until Escape hands Tab back to focus navigation.
    let tab_indents = use_mut_ref(|| true);

    // Text from outside (an example, a share link) replaces the content.
    {
        let area = area.clone();
        let text = props.text.clone();
        use_effect_with(props.loaded, move |_| {
            if let Some(el) = area.cast::<HtmlTextAreaElement>() {
                el.set_value(&text);
                el.set_scroll_top(0);
            }
        });
    }
    // Selections asked for by the findings panel or F8: offsets in the
    // checked text, which the textarea counts in UTF-16 units.
    {
        let area = area.clone();
        let checked = props.checked.clone();
        let text = props.text.clone();
        use_effect_with(props.select, move |select| {
            if let (Some((start, end, _)), Some(el)) = (select, area.cast::<HtmlTextAreaElement>()) {
                // A fix just applied selects its change before it is checked.
                let fresh;
                let (lines, text) = if Rc::ptr_eq(&checked.text, &text) {
                    (&checked.lines, &checked.text)
                } else {
                    fresh = LineStarts::new(text.as_bytes());
                    (&fresh, &text)
                };
                let from = lines.utf16_of(text, *start) as u32;
                let to = lines.utf16_of(text, *end) as u32;
                let _ = el.focus();
                let _ = el.set_selection_range(from, to);
                let line = lines.line_of(*start) as f64;
                let target = line * line_height() - el.client_height() as f64 / 3.0;
                el.set_scroll_top(target.max(0.0) as i32);
            }
        });
    }
    // Keep the drawn window in step with the textarea's size.
    {
        let area = area.clone();
        let view = view.clone();
        use_effect_with((), move |_| {
            let measure_view = {
                let area = area.clone();
                move || {
                    if let Some(el) = area.cast::<HtmlTextAreaElement>() {
                        view.set(View {
                            top: el.scroll_top() as f64,
                            left: el.scroll_left() as f64,
                            height: el.client_height() as f64,
                        });
                    }
                }
            };
            measure_view();
            let listener = EventListener::new(&gloo::utils::window(), "resize", move |_| measure_view());
            move || drop(listener)
        });
    }
    let lines = &props.checked.lines;
    // Counted once per text, not on every scroll.
    let text_lines = {
        let text = props.text.clone();
        *use_memo(Rc::as_ptr(&props.text) as usize, move |_| text.bytes().filter(|&b| b == b'\n').count() + 1)
    };
    let first = ((view.top / line_height()) as usize).saturating_sub(OVERSCAN);
    let visible = (view.height / line_height()).ceil() as usize + 2 * OVERSCAN;
    // Move the drawn window under the textarea's scroll position (through
    // the CSSOM: the page's CSP forbids inline style attributes).
    {
        let (backdrop, gutter) = (backdrop.clone(), gutter.clone());
        let (dx, dy) = (-view.left, first as f64 * line_height() - view.top);
        use_effect(move || {
            for (node, x) in [(backdrop, dx), (gutter, 0.0)] {
                if let Some(el) = node.cast::<HtmlElement>() {
                    let _ = el.style().set_property("transform", &format!("translate({x}px, {dy}px)"));
                }
            }
        });
    }
    {
        let tooltip = tooltip.clone();
        let at = hover.as_ref().map(|h| (h.x, h.y));
        use_effect(move || {
            if let (Some((x, y)), Some(el)) = (at, tooltip.cast::<HtmlElement>()) {
                let _ = el.style().set_property("left", &format!("{x}px"));
                let _ = el.style().set_property("top", &format!("{y}px"));
            }
        });
    }

    let on_scroll = {
        let view = view.clone();
        let hover = hover.clone();
        Callback::from(move |e: Event| {
            let el: HtmlTextAreaElement = e.target_unchecked_into();
            view.set(View {
                top: el.scroll_top() as f64,
                left: el.scroll_left() as f64,
                height: el.client_height() as f64,
            });
            hover.set(None);
        })
    };
    // Content over the editor's ceiling is refused: a paste before the
    // textarea takes it, anything else (a drop, an extension) once it has.
    let refuse = {
        let dispatch = props.dispatch.clone();
        move |bytes: usize| {
            let message = format!(
                "Not pasted: {} is more than the editor holds ({}). Check large inputs with the command line: posture check FILE.",
                megabytes(bytes),
                megabytes(MAX_TEXT)
            );
            dispatch.dispatch(Action::Notice(Topic::Size, Some(message)));
        }
    };
    let on_paste = {
        let refuse = refuse.clone();
        Callback::from(move |e: Event| {
            let Some(e) = e.dyn_ref::<web_sys::ClipboardEvent>() else { return };
            let pasted = e.clipboard_data().and_then(|d| d.get_data("text/plain").ok()).map_or(0, |t| t.len());
            if pasted > MAX_TEXT {
                e.prevent_default();
                refuse(pasted);
            }
        })
    };
    let on_input = {
        let dispatch = props.dispatch.clone();
        let text = props.text.clone();
        Callback::from(move |e: InputEvent| {
            let el: HtmlTextAreaElement = e.target_unchecked_into();
            let value = el.value();
            if value.len() > MAX_TEXT {
                el.set_value(&text);
                refuse(value.len());
            } else {
                dispatch.dispatch(Action::Typed(value));
            }
        })
    };
    let report_cursor = {
        let dispatch = props.dispatch.clone();
        let text = props.text.clone();
        let checked = props.checked.clone();
        move |el: &HtmlTextAreaElement| {
            let at = el.selection_start().ok().flatten().unwrap_or(0) as usize;
            let byte = if Rc::ptr_eq(&checked.text, &text) {
                checked.lines.byte_of_utf16(&text, at)
            } else {
                // Typed since the last check: index the text in the editor.
                LineStarts::new(text.as_bytes()).byte_of_utf16(&text, at)
            };
            dispatch.dispatch(Action::Cursor(byte));
        }
    };
    let on_keydown = {
        let tab_indents = tab_indents.clone();
        let report_cursor = report_cursor.clone();
        Callback::from(move |e: KeyboardEvent| {
            let el: HtmlTextAreaElement = e.target_unchecked_into();
            match e.key().as_str() {
                "Escape" => *tab_indents.borrow_mut() = false,
                "Tab" if *tab_indents.borrow() && !e.shift_key() && !e.ctrl_key() && !e.alt_key() && !e.meta_key() => {
                    e.prevent_default();
                    indent(&el);
                    report_cursor(&el);
                }
                _ => {}
            }
        })
    };
    let on_focus = {
        let tab_indents = tab_indents.clone();
        Callback::from(move |_: FocusEvent| *tab_indents.borrow_mut() = true)
    };
    let on_caret = {
        let report_cursor = report_cursor.clone();
        Callback::from(move |e: Event| report_cursor(&e.target_unchecked_into()))
    };
    let on_click = {
        let report_cursor = report_cursor.clone();
        Callback::from(move |e: MouseEvent| report_cursor(&e.target_unchecked_into()))
    };
    let on_keyup = {
        let report_cursor = report_cursor.clone();
        Callback::from(move |e: KeyboardEvent| report_cursor(&e.target_unchecked_into()))
    };
    // The underline under the pointer, found where the browser drew it: no
    // column arithmetic can know how wide a combining, zero-width or
    // right-to-left character is drawn.
    let on_mousemove = {
        let hover = hover.clone();
        let backdrop = backdrop.clone();
        let checked = props.checked.clone();
        let marks = props.marks.clone();
        Callback::from(move |e: MouseEvent| {
            let Some(el) = e.target().and_then(|t| t.dyn_into::<HtmlElement>().ok()) else { return };
            let rect = el.get_bounding_client_rect();
            let (x, y) = (e.client_x() as f64, e.client_y() as f64);
            let start = backdrop.cast::<Element>().and_then(|b| underline_at(&b, x, y));
            let found = start.map(|o| marks.at(checked.lines.line_of(o), o)).unwrap_or_default();
            let next = (!found.is_empty()).then(|| Hover {
                x: e.client_x() as f64 - rect.left() + 12.0,
                y: e.client_y() as f64 - rect.top() + 16.0,
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

    let last = (first + visible).min(lines.count());
    let digits = text_lines.to_string().len().max(2);
    html! {
        <div class="editor-frame">
            <div class={classes!("gutter", format!("digits-{digits}"))} aria-hidden="true">
                <div class="gutter-inner" ref={gutter}>
                    { for (first..(first + visible).min(text_lines)).map(|line| gutter_line(line, &props.marks)) }
                </div>
            </div>
            <div class="code">
                <div class="backdrop" aria-hidden="true">
                    <div class="backdrop-inner" ref={backdrop}>
                        { for (first..last).map(|line| backdrop_line(line, &props.checked, &props.marks)) }
                    </div>
                </div>
                <textarea ref={area} data-testid="editor" class="editor" spellcheck="false" wrap="off"
                    autocomplete="off" autocapitalize="off"
                    aria-label="Kubernetes YAML to check. Tab indents; press Escape, then Tab, to leave the editor. F8 and Shift+F8 step through findings."
                    oninput={on_input} onpaste={on_paste} onscroll={on_scroll} onkeydown={on_keydown} onkeyup={on_keyup}
                    onclick={on_click} onselect={on_caret} onfocus={on_focus}
                    onmousemove={on_mousemove} onmouseleave={on_mouseleave} />
            </div>
            if let Some(h) = &*hover {
                <div class="tooltip" role="tooltip" ref={tooltip}>
                    { for h.marks.iter().map(|m| tooltip_entry(m, &props.checked)) }
                </div>
            }
        </div>
    }
}

fn gutter_line(line: usize, marks: &LineMarks) -> Html {
    let marker = marks.worst(line).map(severity_class);
    html! {
        <div class={classes!("gutter-line", marker.map(|c| format!("marked {c}")))}>{line + 1}</div>
    }
}

fn backdrop_line(line: usize, checked: &Checked, marks: &LineMarks) -> Html {
    let range = checked.lines.range(line);
    let text = &checked.text;
    html! {
        <div class="line" data-line={(line + 1).to_string()}>
            { for marks.segments(line, range).into_iter().map(|seg| {
                let piece = shown(&text[seg.start..seg.end]);
                match seg.mark {
                    None => html! { <span>{piece}</span> },
                    Some(mark) => html! {
                        <mark class={classes!("hl", severity_class(&mark))} data-testid="highlight"
                            data-rule={rule_of(&mark, checked)} data-start={seg.start.to_string()}>{piece}</mark>
                    },
                }
            }) }
            {"\u{200b}"}
        </div>
    }
}

fn tooltip_entry(mark: &Mark, checked: &Checked) -> Html {
    match mark.source {
        Source::Finding(i) => {
            let f = &checked.report.findings[i];
            html! {
                <div class="tip">
                    <span class={classes!("badge", f.severity.name())}>{f.severity.name()}</span>
                    {" "}<strong>{f.rule.title}</strong>{" "}<code>{f.rule.id}</code>
                    <div>{&f.message}</div>
                    if f.fix.as_ref().is_some_and(|x| x.fix().is_some()) {
                        <div class="tip-fix">{"Fixable: click the underline for Apply fix."}</div>
                    }
                </div>
            }
        }
        Source::Error(i) => html! {
            <div class="tip"><span class="badge error">{"error"}</span>{" "}{&checked.report.errors[i].message}</div>
        },
    }
}

fn severity_class(mark: &Mark) -> &'static str {
    mark.severity.map_or("error", |s| s.name())
}

/// The rule id a highlight stands for (`error` for input errors).
fn rule_of(mark: &Mark, checked: &Checked) -> &'static str {
    match mark.source {
        Source::Finding(i) => checked.report.findings[i].rule.id,
        Source::Error(_) => "error",
    }
}

/// A piece of a line as the backdrop draws it: characters that draw nothing
/// or reorder the line are wrapped so the stylesheet marks them. They stay
/// in the text, so the backdrop is laid out exactly as the textarea above.
fn shown(piece: &str) -> Html {
    if !piece.chars().any(|c| hidden_char(c).is_some()) {
        return html! { {piece} };
    }
    let mut parts = Vec::new();
    let mut plain = 0;
    for (i, c) in piece.char_indices() {
        if let Some(name) = hidden_char(c) {
            parts.push(html! { {&piece[plain..i]} });
            parts.push(html! {
                <span class="hidden-char" data-testid="hidden-char" data-code={format!("U+{:04X}", c as u32)}
                    title={format!("U+{:04X} {name}", c as u32)}>{c}</span>
            });
            plain = i + c.len_utf8();
        }
    }
    parts.push(html! { {&piece[plain..]} });
    parts.into_iter().collect()
}

/// The start (byte offset) of the underlined segment drawn at a point of the
/// viewport, if any. Only the lines in view are drawn, so this looks at a
/// few dozen elements at most.
fn underline_at(backdrop: &Element, x: f64, y: f64) -> Option<usize> {
    let drawn = backdrop.query_selector_all("mark[data-start]").ok()?;
    (0..drawn.length()).filter_map(|i| drawn.item(i)?.dyn_into::<Element>().ok()).find_map(|mark| {
        let rects = mark.get_client_rects();
        let hit = (0..rects.length())
            .filter_map(|i| rects.item(i))
            .any(|r| r.left() <= x && x < r.right() && r.top() <= y && y < r.bottom());
        hit.then(|| mark.get_attribute("data-start")?.parse().ok()).flatten()
    })
}
