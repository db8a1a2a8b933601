//! `meshkit-obs metrics-doc`: regenerate docs/metrics.md from the catalogue, or check it is current.

use crate::cli::PackArgs;
use crate::exit::Outcome;
use crate::pack::catalogue::Catalogue;
use crate::pack::layout;

use anyhow::Context as _;

pub fn run(pack: &PackArgs, check: bool) -> anyhow::Result<Outcome> {
    let catalogue = Catalogue::load(&pack.pack.join(layout::CATALOGUE))?;
    let path = pack.pack.join(layout::METRICS_DOC);
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
    crate::fsutil::write_atomic(&path, wanted.as_bytes()).with_context(|| format!("writing {}", path.display()))?;
    println!("wrote {}", path.display());
    Ok(Outcome::Success)
}
