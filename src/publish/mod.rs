//! What the pack publishes for people: dashboard guides and the docs index, and release notes
//! between two revisions.

pub mod guides;
pub mod release_notes;
