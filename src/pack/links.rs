//! The URLs alerts carry: where runbooks and dashboards live, by default and as deployed.
//!
//! Rule files hold the defaults below; `export-rules` swaps the bases for a deployment's and
//! `lint` checks that every link points at something the pack ships.

/// Base of `runbook_url`: the runbook of alert `X` is `<base>X.md` (docs/runbooks/X.md).
pub const DEFAULT_RUNBOOK_BASE: &str = "https://github.com/omnirelay/meshkit-observability/blob/main/docs/runbooks/";

/// Base of `dashboard_url`: the Grafana the dashboards are provisioned into.
pub const DEFAULT_GRAFANA_URL: &str = "http://localhost:3000";

/// The alert name a default-based runbook URL names, if it has that shape.
pub fn runbook_alert(url: &str) -> Option<&str> {
    url.strip_prefix(DEFAULT_RUNBOOK_BASE)?.strip_suffix(".md")
}

/// The uid a Grafana dashboard URL opens (`<base>/d/<uid>[/<slug>][?query][#fragment]`, the
/// base absent in a dashboard's own links), if it has that shape.
pub fn dashboard_uid(url: &str) -> Option<&str> {
    let after = &url[url.find("/d/")? + 3..];
    after.split(['?', '/', '#']).next().filter(|uid| !uid.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_alert_and_dashboard_from_default_urls() {
        assert_eq!(runbook_alert(&format!("{DEFAULT_RUNBOOK_BASE}MeshKitX.md")), Some("MeshKitX"));
        assert_eq!(runbook_alert("https://elsewhere/MeshKitX.md"), None);
        assert_eq!(dashboard_uid(&format!("{DEFAULT_GRAFANA_URL}/d/meshkit-gossip?var-cluster=a")), Some("meshkit-gossip"));
        assert_eq!(dashboard_uid("/d/meshkit-shards/shards#top"), Some("meshkit-shards"));
        assert_eq!(dashboard_uid("/d/${uid}?x"), Some("${uid}"));
        assert_eq!(dashboard_uid("/d/?x"), None);
        assert_eq!(dashboard_uid("https://example.com/runbooks/x.md"), None);
    }
}
