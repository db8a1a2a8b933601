//! `meshkit-obs docs [--check]`: regenerate the generated parts of the dashboard guides, the docs
//! index and docs/metrics.md, or name the stale ones. Files are replaced atomically and only
//! when their bytes change, so running it twice changes nothing.

use std::path::Path;

use anyhow::Context as _;
use meshkit_obs::exit::Outcome;
use meshkit_obs::pack::Pack;

pub fn run(pack: &Pack, check: bool) -> anyhow::Result<Outcome> {
    let wanted = meshkit_obs::publish::docs::wanted_files(pack)?;
    let mut stale = Vec::new();
    for (path, text) in &wanted {
        let current = std::fs::read_to_string(path).ok();
        if current.as_deref() != Some(text.as_str()) {
            stale.push(path);
        }
    }
    let shown = |path: &Path| pack.display(path);
    if check {
        for path in &stale {
            println!("stale: {} (run `meshkit-obs docs` and commit the result)", shown(path));
        }
        println!("docs: {} file(s), {} stale", wanted.len(), stale.len());
        return Ok(if stale.is_empty() { Outcome::Success } else { Outcome::ProblemsFound });
    }
    for path in &stale {
        meshkit_obs::fsutil::write_atomic(path, wanted[*path].as_bytes()).with_context(|| format!("writing {}", path.display()))?;
        println!("wrote {}", shown(path));
    }
    println!("docs: {} file(s), {} written, {} unchanged", wanted.len(), stale.len(), wanted.len() - stale.len());
    Ok(Outcome::Success)
}
