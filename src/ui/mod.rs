//! The playground (wasm only): paste YAML, see findings. Everything runs in
//! the page; the text never leaves the browser.

mod findings;

use posture::rules::PssLevel;
use posture::{check, Options};
use web_sys::{HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use findings::FindingList;

const EXAMPLE: &str = include_str!("../../web/examples/insecure-workloads.yaml");

#[function_component(App)]
fn app() -> Html {
    let text = use_state(|| EXAMPLE.to_owned());
    let level = use_state(|| PssLevel::Restricted);
    let report = use_memo(((*text).clone(), *level), |(text, level)| {
        check("playground", text.as_bytes(), &Options { pss_level: *level, ..Options::default() })
    });
    let on_input = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| text.set(e.target_unchecked_into::<HtmlTextAreaElement>().value()))
    };
    let on_level = {
        let level = level.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            level.set(PssLevel::parse(&value).unwrap_or(PssLevel::Restricted));
        })
    };
    html! {
        <>
        <header class="bar">
            <h1>{"Posture"}</h1>
            <p class="tagline">{"Kubernetes security posture, checked in your browser. Nothing you paste leaves this page."}</p>
            <label class="control">
                {"Pod Security level "}
                <select data-testid="pss-level" aria-label="Pod Security Standards level" onchange={on_level}>
                    <option value="restricted" selected={*level == PssLevel::Restricted}>{"restricted"}</option>
                    <option value="baseline" selected={*level == PssLevel::Baseline}>{"baseline"}</option>
                </select>
            </label>
        </header>
        <main class="panes">
            <section class="pane editor-pane" aria-label="YAML input">
                <textarea data-testid="editor" class="editor" spellcheck="false" aria-label="Kubernetes YAML"
                    value={(*text).clone()} oninput={on_input} />
            </section>
            <section class="pane" aria-label="Findings">
                <FindingList report={report} />
            </section>
        </main>
        </>
    }
}

pub fn start() {
    yew::Renderer::<App>::new().render();
}
