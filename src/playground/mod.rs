//! Pure helpers for the web playground, kept in the library so they are
//! tested natively: where findings fall on the editor's lines, offsets in the
//! browser's UTF-16 units, and the share-link codec.

pub mod marks;
pub mod share;
pub mod text;
