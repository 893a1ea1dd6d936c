//! Where the pointer is in the document: the line from the height, the
//! character from the browser's own hit test of the drawn line (no column
//! arithmetic can know how wide a combining, zero-width or right-to-left
//! character is drawn).

use js_sys::{Function, Reflect};
use posture::playground::document::{byte_of_utf16, Document};
use posture::playground::text::utf16_len;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlElement, Node};

/// The document offset at a point of the viewport over the lines.
pub fn offset_at(doc: &Document, scroller: &HtmlElement, x: f64, y: f64, line_height: f64) -> usize {
    let rect = scroller.get_bounding_client_rect();
    let pad = padding_top(scroller);
    let line = ((y - rect.top() - pad + scroller.scroll_top() as f64) / line_height).floor().max(0.0) as usize;
    if line >= doc.line_count() {
        return doc.len();
    }
    let (start, end) = doc.line_range(line);
    let Some(drawn) = scroller.query_selector(&format!(".line[data-line=\"{}\"]", line + 1)).ok().flatten() else {
        return end;
    };
    // Hit-tested at the line's middle, so a point between lines is on one.
    let middle = drawn.get_bounding_client_rect();
    let hit_y = middle.top() + middle.height() / 2.0;
    if let Some(offset) = hit(&drawn, x, hit_y).and_then(|(node, units)| at_node(doc, &drawn, &node, units)) {
        return offset.clamp(start, end);
    }
    let first = drawn.query_selector("[data-at]").ok().flatten();
    match first {
        Some(first) if x < first.get_bounding_client_rect().left() => start,
        _ => end,
    }
}

fn padding_top(el: &HtmlElement) -> f64 {
    gloo::utils::window()
        .get_computed_style(el)
        .ok()
        .flatten()
        .and_then(|s| s.get_property_value("padding-top").ok())
        // Whole pixels (the stylesheet's are), read as an integer: parsing
        // a float links code of its own.
        .and_then(|v| v.split(['.', 'p']).next()?.parse::<u32>().ok())
        .map(f64::from)
        .unwrap_or(0.0)
}

/// The text node and UTF-16 offset in it the browser puts a caret at for a
/// point: `caretPositionFromPoint`, or the older `caretRangeFromPoint`.
fn hit(within: &Element, x: f64, y: f64) -> Option<(Node, u32)> {
    let document: JsValue = gloo::utils::document().into();
    let call = |name: &str| -> Option<JsValue> {
        let f = Reflect::get(&document, &name.into()).ok()?.dyn_into::<Function>().ok()?;
        f.call2(&document, &x.into(), &y.into()).ok().filter(|v| !v.is_null() && !v.is_undefined())
    };
    let (node, offset) = if let Some(position) = call("caretPositionFromPoint") {
        (Reflect::get(&position, &"offsetNode".into()).ok()?, Reflect::get(&position, &"offset".into()).ok()?)
    } else {
        let range = call("caretRangeFromPoint")?;
        (Reflect::get(&range, &"startContainer".into()).ok()?, Reflect::get(&range, &"startOffset".into()).ok()?)
    };
    let node: Node = node.dyn_into().ok()?;
    within.contains(Some(&node)).then_some((node, offset.as_f64()? as u32))
}

/// A hit in a drawn line as a document offset: the piece (`data-at`) it is
/// in, plus the text before it in that piece.
fn at_node(doc: &Document, line: &Element, node: &Node, units: u32) -> Option<usize> {
    let element = match node.dyn_ref::<Element>() {
        Some(e) => e.clone(),
        None => node.parent_element()?,
    };
    let piece = element.closest("[data-at]").ok().flatten().filter(|p| line.contains(Some(p)))?;
    let at: usize = piece.get_attribute("data-at")?.parse().ok()?;
    // UTF-16 units of the piece's text before the hit node.
    let mut before = 0;
    let mut found = false;
    walk(&piece, &mut |n| {
        if found {
            return;
        }
        if n.is_same_node(Some(node)) {
            found = true;
        } else if n.node_type() == Node::TEXT_NODE {
            before += n.text_content().map_or(0, |t| utf16_len(&t));
        }
    });
    let units = before + if node.node_type() == Node::TEXT_NODE { units as usize } else { 0 };
    let rest = &doc.text()[at.min(doc.len())..];
    Some(at + byte_of_utf16(rest, units))
}

/// Every node under `node`, in document order.
fn walk(node: &Node, visit: &mut impl FnMut(&Node)) {
    let children = node.child_nodes();
    for i in 0..children.length() {
        if let Some(child) = children.item(i) {
            visit(&child);
            walk(&child, visit);
        }
    }
}

/// The start (byte offset in the checked text) of the underlined segment
/// drawn at a point of the viewport, if any. Only the lines in view are
/// drawn, so this looks at a few dozen elements at most.
pub fn underline_at(lines: &Element, x: f64, y: f64) -> Option<usize> {
    let drawn = lines.query_selector_all("mark[data-start]").ok()?;
    (0..drawn.length()).filter_map(|i| drawn.item(i)?.dyn_into::<Element>().ok()).find_map(|mark| {
        let rects = mark.get_client_rects();
        let hit = (0..rects.length())
            .filter_map(|i| rects.item(i))
            .any(|r| r.left() <= x && x < r.right() && r.top() <= y && y < r.bottom());
        hit.then(|| mark.get_attribute("data-start")?.parse().ok()).flatten()
    })
}
