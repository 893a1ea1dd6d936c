//! The engine module as the playground's worker, its in-page fallback and
//! the embed load it (`dist/pkg/playground-engine.js`, through `serve.js`):
//! posture-js with its `playground` exports (`fix`, `render`,
//! `readLesson`, `objects`, `Checker.packedChanges`). A crate of its own so
//! that Trunk names its files apart from the public module's (Trunk names a
//! library's wasm-bindgen output for its package), and built at the `web`
//! profile's speed rather than the public module's size.

// Links posture-js, whose `#[wasm_bindgen]` exports become this wasm's.
#[cfg(target_arch = "wasm32")]
pub use posture_js::*;
