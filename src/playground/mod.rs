//! Pure helpers for the web playground, kept in the library so they are
//! tested natively: where findings fall on the editor's lines, the text as
//! the editor holds it, and the share-link codec.

pub mod document;
pub mod marks;
pub mod share;
pub mod text;

/// Most text the editor takes, in bytes: a larger paste or share link is
/// refused with a notice. Each keystroke re-checks and redraws, which costs
/// about a second per megabyte on a slow machine (a 31 MB link once froze a
/// tab for minutes); and the browser's storage (5 Mi characters per site in
/// Chromium) holds two texts of this size, the user's own and a link's. The
/// command line checks larger inputs.
pub const MAX_TEXT: usize = 2 * 1024 * 1024;
