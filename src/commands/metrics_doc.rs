//! `meshkit-obs metrics-doc`: regenerate docs/metrics.md from the catalogue, or check it is current.

use meshkit_obs::exit::Outcome;
use meshkit_obs::pack::layout;
use meshkit_obs::pack::Pack;

use anyhow::Context as _;

pub fn run(pack: &Pack, check: bool) -> anyhow::Result<Outcome> {
    let catalogue = pack.catalogue()?;
    let path = pack.path(layout::METRICS_DOC);
    let wanted = catalogue.markdown();
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    if current == wanted {
        println!("{} is up to date", path.display());
        return Ok(Outcome::Success);
    }
    if check {
        println!("{} is stale: run `meshkit-obs metrics-doc` and commit the result", path.display());
        return Ok(Outcome::ProblemsFound);
    }
    meshkit_obs::fsutil::write_atomic(&path, wanted.as_bytes()).with_context(|| format!("writing {}", path.display()))?;
    println!("wrote {}", path.display());
    Ok(Outcome::Success)
}
