//! Visual checks: what to render (`capture`), one view in one tab (`render`), the image
//! compare, the verdict on a capture that `check` and `update-baselines` share, approving images
//! as baselines, approved baselines, and the run report.

pub mod approve;
pub mod baselines;
pub mod capture;
pub mod check;
pub mod compare;
pub mod render;
pub mod report;
pub mod verdict;
