//! Pure helpers for the web playground, kept in the library so they are
//! tested natively: where findings fall on the editor's lines, the text as
//! the editor holds it, the share-link codec, and a report's findings as
//! changes since an earlier report (the worker's answers).

pub mod changes;
pub mod document;
pub mod marks;
pub mod packed;
pub mod share;
pub mod text;

/// Most text the editor takes, in bytes: a larger paste is refused with a
/// notice. The editor lays out only the lines in view and checks run in a
/// worker, so 10 MB stays responsive; the command line checks larger inputs.
pub const MAX_TEXT: usize = 16 * 1024 * 1024;

/// Most text a share link unpacks to, and that is kept for the next visit:
/// the browser's storage (5 Mi characters per site in Chromium) holds two
/// texts of this size, the user's own and a link's. A link's content stops
/// unpacking here, so a small crafted link cannot expand to gigabytes (a
/// 31 MB link once froze a tab for minutes).
pub const MAX_KEPT: usize = 2 * 1024 * 1024;
