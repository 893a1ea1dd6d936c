//! The lines in view, drawn from the document: each line's text in pieces
//! (plain, underlined by a finding, selected), the caret, and the gutter.
//! Every piece of text carries `data-at`, its byte offset in the document,
//! so a point under the pointer maps back to an offset
//! ([`super::pointer::offset_at`]).

use posture::playground::document::{Document, Moved};
use posture::playground::marks::{LineMarks, Mark, Source};
use posture::playground::text::hidden_char;
use yew::prelude::*;

use crate::ui::state::Checked;

/// What the lines are drawn from.
pub struct Drawn<'a> {
    pub doc: &'a Document,
    pub checked: &'a Checked,
    pub marks: &'a LineMarks,
    /// How the shown text differs from the checked one, when it does.
    pub moved: Option<Moved>,
}

/// A piece of a line: its byte range in the document, and the mark under it
/// with the piece's start in the checked text (hover looks marks up there).
struct Piece {
    start: usize,
    end: usize,
    mark: Option<(Mark, usize)>,
}

impl Drawn<'_> {
    /// The pieces of a line: its findings' segments where the line is as
    /// checked, then cut where the selection starts and ends.
    fn pieces(&self, line: usize) -> Vec<Piece> {
        let (start, end) = self.doc.line_range(line);
        let unchanged = match self.moved {
            None => Some((start, end)),
            Some(moved) => moved.to_checked((start, end)),
        };
        let checked_line = unchanged.and_then(|(from, to)| {
            let line = self.checked.lines.line_of(from);
            (self.checked.lines.range(line) == (from, to)).then_some((line, from))
        });
        let mut pieces: Vec<Piece> = match checked_line {
            Some((line, from)) => self
                .marks
                .segments(line, (from, from + end - start))
                .into_iter()
                .map(|s| Piece {
                    start: s.start - from + start,
                    end: s.end - from + start,
                    mark: s.mark.map(|m| (m, s.start)),
                })
                .collect(),
            None => vec![Piece { start, end, mark: None }],
        };
        let (sel_start, sel_end) = self.doc.selected();
        let head = self.doc.selection().1;
        for cut in [sel_start, sel_end, head] {
            if let Some(i) = pieces.iter().position(|p| p.start < cut && cut < p.end) {
                let piece = &pieces[i];
                let mark = piece.mark.map(|(m, checked)| (m, checked + cut - piece.start));
                let rest = Piece { start: cut, end: piece.end, mark };
                pieces[i].end = cut;
                pieces.insert(i + 1, rest);
            }
        }
        pieces.retain(|p| p.start < p.end);
        pieces
    }

    pub fn line(&self, line: usize) -> Html {
        let text = self.doc.text();
        let end = self.doc.line_range(line).1;
        let (sel_start, sel_end) = self.doc.selected();
        let head = self.doc.selection().1;
        let selected = |from: usize, to: usize| sel_start <= from && to <= sel_end && sel_start < sel_end;
        // The caret and the line's end carry their offsets too: a press
        // right on the caret, or past the text, lands there.
        let caret = || html! { <span class="caret" data-testid="caret" data-at={head.to_string()}></span> };
        let pieces = self.pieces(line);
        // The line break, when selected: drawn as a narrow box. Otherwise
        // nothing: a point past the line's end hits its last piece's end.
        let eol_selected = sel_start <= end && end < sel_end;
        html! {
            <div class="line" data-line={(line + 1).to_string()}>
                { for pieces.iter().map(|p| {
                    let piece = shown(&text[p.start..p.end], p.start);
                    let class = selected(p.start, p.end).then_some("selected");
                    let drawn = match p.mark {
                        None => html! { <span class={classes!("piece", class)} data-at={p.start.to_string()}>{piece}</span> },
                        Some((mark, checked_start)) => html! {
                            <mark class={classes!("hl", severity_class(&mark), class)} data-testid="highlight"
                                data-rule={rule_of(&mark, self.checked)} data-start={checked_start.to_string()}
                                data-at={p.start.to_string()}>{piece}</mark>
                        },
                    };
                    html! { <>
                        if head == p.start { {caret()} }
                        {drawn}
                    </> }
                }) }
                if head == end { {caret()} }
                if eol_selected {
                    <span class="eol selected" data-at={end.to_string()}>{"\u{200b}"}</span>
                }
            </div>
        }
    }
}

pub fn gutter_line(line: usize, marks: Option<&LineMarks>) -> Html {
    let marker = marks.and_then(|m| m.worst(line)).map(severity_class);
    html! {
        <div class={classes!("gutter-line", marker.map(|c| format!("marked {c}")))}>{line + 1}</div>
    }
}

pub fn tooltip_entry(mark: &Mark, checked: &Checked) -> Html {
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

/// A piece of a line as drawn: characters that draw nothing or reorder the
/// line are wrapped (with their own `data-at`) so the stylesheet marks them.
fn shown(piece: &str, at: usize) -> Html {
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
                    data-at={(at + i).to_string()} title={format!("U+{:04X} {name}", c as u32)}>{c}</span>
            });
            plain = i + c.len_utf8();
        }
    }
    parts.push(html! { {&piece[plain..]} });
    parts.into_iter().collect()
}
