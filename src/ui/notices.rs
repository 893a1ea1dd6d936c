//! Notices above the editor: what happened to the content that the user
//! must know (a link read in part, content that cannot be kept or taken,
//! characters that change how a line reads), and whose content is shown.

use posture::playground::text::{hidden_char, is_bidi_control};
use yew::prelude::*;

use super::session;
use super::state::{Action, Origin, State, Topic};

/// A plain function, not a component: it has no state of its own, and each
/// component costs the WebAssembly several kilobytes.
pub fn view(state: &UseReducerHandle<State>) -> Html {
    let on_back = {
        let dispatch = state.dispatcher();
        Callback::from(move |_| {
            let (text, notice) = session::back_to_own();
            dispatch.dispatch(Action::Own(Some(text)));
            dispatch.dispatch(Action::Notice(Topic::Saving, notice));
        })
    };
    let on_keep = {
        let dispatch = state.dispatcher();
        Callback::from(move |_| dispatch.dispatch(Action::Own(None)))
    };
    html! {
        <div class="notices" role="status" aria-live="polite">
            if state.origin == Origin::Link {
                <p class="notice link" data-testid="notice" data-topic="shared">
                    {"This is a share link's content. Your own content is kept apart, unchanged. "}
                    <button data-testid="back-to-own" onclick={on_back}>{"Back to my content"}</button>
                    {" "}
                    <button data-testid="keep-shared" onclick={on_keep}>{"Keep this as my content"}</button>
                </p>
            }
            { for state.notices.iter().map(|(topic, message)| match topic {
                Topic::Share => html! {
                    <p class="notice share" data-testid="notice" data-topic="share">
                        <label>{"Share link, copied where the browser allows it. The content travels in the link, after the #, which browsers never send to a server: "}
                            <input readonly=true data-testid="share-link" value={message.clone()} onfocus={select_all()} />
                        </label>
                    </p>
                },
                _ => html! {
                    <p class="notice" data-testid="notice" data-topic={topic.name()}>{message}</p>
                },
            }) }
            if let Some(message) = hidden_notice(state) {
                <p class="notice" data-testid="notice" data-topic="hidden">{message}</p>
            }
        </div>
    }
}

/// A warning about characters that draw nothing or reorder their line, from
/// the last check of the text in the editor.
fn hidden_notice(state: &State) -> Option<String> {
    let checked = &state.checked;
    let (count, Some((offset, c))) = checked.hidden else { return None };
    let line = checked.lines.line_of(offset) + 1;
    let name = hidden_char(c).unwrap_or_default();
    let effect =
        if is_bidi_control(c) { "it makes the line show in another order than it is read" } else { "it is invisible" };
    let more = match count {
        1 => String::new(),
        n => format!(" {} more such characters follow.", n - 1),
    };
    Some(format!(
        "Line {line} holds U+{:04X} {name}: {effect}. Marked in the editor with a red bar; remove it unless it is meant to be there.{more}",
        c as u32
    ))
}

fn select_all() -> Callback<FocusEvent> {
    Callback::from(|e: FocusEvent| e.target_unchecked_into::<web_sys::HtmlInputElement>().select())
}
