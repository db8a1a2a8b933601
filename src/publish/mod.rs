//! What the pack publishes for people: dashboard guides, the docs index and the metrics reference
//! (`docs`), and release notes between two revisions.

pub mod docs;
pub mod guides;
pub mod release_notes;
