//! Applying fixes: merge, apply, check again.
pub struct FileFix;
pub enum Mode { Safe }
pub fn fix_inputs() {}
