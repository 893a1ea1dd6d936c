//! The header's controls: Pod Security level and policy version, Kubernetes
//! version, rule families, examples, share link, and report downloads.

use posture::playground::share::{self, Shared};
use posture::rules::kubernetes_version::KubernetesVersion;
use posture::rules::standards::PolicyVersion;
use posture::rules::PssLevel;
use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, HtmlSelectElement, Url};
use yew::prelude::*;

use super::checks;
use super::examples::Gallery;
use super::state::{families, Action, State, Topic, FILE};

/// Longest share link offered; beyond it browsers and chat tools truncate.
const MAX_LINK: usize = 1024 * 1024;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state: UseReducerHandle<State>,
}

#[function_component(Controls)]
pub fn controls(props: &Props) -> Html {
    let state = &props.state;
    let dispatch = state.dispatcher();
    let on_level = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            dispatch.dispatch(Action::Level(PssLevel::parse(&value).unwrap_or(PssLevel::Restricted)));
        })
    };
    let on_version = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            dispatch.dispatch(Action::Version(PolicyVersion::parse(&value).unwrap_or(PolicyVersion::Latest)));
        })
    };
    let on_kubernetes = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            dispatch
                .dispatch(Action::Kubernetes(KubernetesVersion::parse(&value).unwrap_or(KubernetesVersion::LATEST)));
        })
    };
    let on_share = {
        let state = state.clone();
        Callback::from(move |_| {
            let shared = Shared {
                text: state.text.to_string(),
                level: state.level,
                off: state.off.iter().map(|f| f.to_string()).collect(),
            };
            let fragment = share::encode(&shared);
            if fragment.len() > MAX_LINK {
                let message = format!("Too large to share as a link ({} KB compressed)", fragment.len() / 1024);
                state.dispatch(Action::Status(message));
                return;
            }
            // Not put in the address bar: a reload would then open the link
            // instead of the content as edited since.
            let location = gloo::utils::window().location();
            let page = format!("{}{}", location.origin().unwrap_or_default(), location.pathname().unwrap_or_default());
            let link = format!("{page}#{fragment}");
            let _ = gloo::utils::window().navigator().clipboard().write_text(&link);
            state.dispatch(Action::Notice(Topic::Share, Some(link)));
        })
    };
    // The report of the text as last checked, written by the engine module
    // (a `render` request) exactly as the CLI writes it.
    let download = |format: &'static str| {
        let state = state.clone();
        Callback::from(move |_| {
            let (name, mime) = match format {
                "sarif" => ("posture.sarif", "application/sarif+json"),
                _ => ("posture.json", "application/json"),
            };
            let mut fields = checks::text_and_options(&state.checked.text, &state.options(), FILE).to_vec();
            fields.push(("format", format.into()));
            let dispatch = state.dispatcher();
            checks::ask("render", &fields, move |answer| {
                let output = answer.and_then(|a| {
                    js_sys::Reflect::get(&a, &"output".into())
                        .ok()
                        .and_then(|o| o.as_string())
                        .ok_or_else(|| "the engine answered without it".to_owned())
                });
                match output {
                    Ok(body) => save(&body, name, mime),
                    Err(why) => dispatch.dispatch(Action::Status(format!("The report could not be written: {why}"))),
                }
            });
        })
    };
    html! {
        <div class="controls">
            <label class="control">{"Pod Security level "}
                <select data-testid="pss-level" aria-label="Pod Security Standards level" onchange={on_level}>
                    <option value="restricted" selected={state.level == PssLevel::Restricted}>{"restricted"}</option>
                    <option value="baseline" selected={state.level == PssLevel::Baseline}>{"baseline"}</option>
                </select>
            </label>
            <label class="control">{"at policy "}
                <select data-testid="pss-version" aria-label="Pod Security policy version" onchange={on_version}>
                    { for PolicyVersion::all().map(|version| html! {
                        <option value={version.to_string()} selected={state.version == version}>{version.to_string()}</option>
                    }) }
                </select>
            </label>
            <label class="control">{"Kubernetes "}
                <select data-testid="kubernetes-version" aria-label="Kubernetes version the control plane is judged for" onchange={on_kubernetes}>
                    { for KubernetesVersion::all().map(|version| html! {
                        <option value={version.to_string()} selected={state.kubernetes == version}>{version.to_string()}</option>
                    }) }
                </select>
            </label>
            <details class="menu families-menu">
                <summary>{format!("Rule families ({} of {})", families().len() - state.off.len(), families().len())}</summary>
                <fieldset class="families">
                    <legend>{"Run these rule families"}</legend>
                    { for families().into_iter().map(|family| {
                        let dispatch = dispatch.clone();
                        html! {
                            <label>
                                <input type="checkbox" data-testid="family-toggle" data-family={family}
                                    checked={!state.off.contains(family)}
                                    onchange={Callback::from(move |_| dispatch.dispatch(Action::ToggleFamily(family)))} />
                                {format!(" {family}")}
                            </label>
                        }
                    }) }
                </fieldset>
            </details>
            <label class="control registries">{"Allowed registries "}
                <input type="text" data-testid="registries" placeholder="e.g. registry.example.com"
                    aria-label="Allowed image registries, separated by commas (empty: any registry)"
                    value={state.registries.join(", ")}
                    onchange={
                        let dispatch = dispatch.clone();
                        Callback::from(move |e: Event| dispatch.dispatch(Action::Registries(e.target_unchecked_into::<web_sys::HtmlInputElement>().value())))
                    } />
            </label>
            <Gallery dispatch={dispatch.clone()} />
            <button data-testid="share" onclick={on_share}>{"Share link"}</button>
            <button data-testid="download-json" onclick={download("json")}>{"JSON"}</button>
            <button data-testid="download-sarif" onclick={download("sarif")}>{"SARIF"}</button>
        </div>
    }
}

/// Offers `body` as a file download, built in the page.
fn save(body: &str, name: &str, mime: &str) {
    let parts = js_sys_array(body);
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = Blob::new_with_str_sequence_and_options(&parts, &options) else { return };
    let Ok(url) = Url::create_object_url_with_blob(&blob) else { return };
    let document = gloo::utils::document();
    if let Some(a) = document.create_element("a").ok().and_then(|a| a.dyn_into::<HtmlAnchorElement>().ok()) {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = Url::revoke_object_url(&url);
}

fn js_sys_array(text: &str) -> wasm_bindgen::JsValue {
    let parts = js_sys::Array::new();
    parts.push(&wasm_bindgen::JsValue::from_str(text));
    parts.into()
}
