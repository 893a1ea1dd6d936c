//! Pure helpers for the web playground, kept in the library so they are
//! tested natively: where findings fall on the editor's lines, the text as
//! the editor holds it, and the share-link codec.

pub mod marks;
pub mod share;
pub mod text;

/// Most text the editor takes, in bytes: a larger paste or share link is
/// refused with a notice. Above it, the textarea and each check lag so much
/// that the page stops responding (a 31 MB link once froze a tab for
/// minutes); the command line checks inputs of any size.
pub const MAX_TEXT: usize = 4 * 1024 * 1024;
