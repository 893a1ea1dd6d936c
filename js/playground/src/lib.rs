//! The engine module as the playground's worker, its in-page fallback and
//! the embed load it (`dist/pkg/playground-engine.js`, through `serve.js`):
//! posture-js's own source with its `playground` exports (`fix`, `render`,
//! `readLesson`, `objects`, `Checker.packedChanges`), built at the `web`
//! profile's speed rather than the public module's size.
//!
//! A crate of its own because Trunk names a library's files for its
//! package (two links to js/ would write the same files). It compiles
//! posture-js's source rather than depending on it: a dependency's
//! `cdylib` is linked too, which would add a whole second link of the
//! engine (fat LTO, about a minute) to every `trunk build --release`.

#[path = "../../src/lib.rs"]
mod posture_js;
