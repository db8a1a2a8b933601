//! The viewer's server in `meshkit-obs serve`: static files that cannot escape their folder,
//! dashboards by uid, and a Prometheus proxy that passes the read-only query API only.

mod common;

use reqwest::StatusCode;

fn get(path: &str) -> reqwest::blocking::Response {
    let served = common::served_fixtures();
    common::client().get(format!("{}{}", served.viewer.trim_end_matches('/'), path)).send().unwrap()
}

#[test]
fn serve_prints_a_loopback_viewer_url() {
    let served = common::served_fixtures();
    assert!(served.viewer.starts_with("http://127.0.0.1:") && served.viewer.ends_with('/'), "{}", served.viewer);
}

#[test]
fn static_files_are_served_from_the_viewer_folder() {
    let index = get("/");
    assert_eq!(index.status(), StatusCode::OK);
    assert!(index.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(index.text().unwrap().contains("fixture viewer index"));
    let asset = get("/assets/app.js");
    assert_eq!(asset.status(), StatusCode::OK);
    assert!(asset.headers()["content-type"].to_str().unwrap().starts_with("text/javascript"));
    assert_eq!(get("/assets/missing.js").status(), StatusCode::NOT_FOUND);
}

#[test]
fn path_traversal_is_refused() {
    for path in [
        "/../Cargo.toml",
        "/assets/../../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/assets/%2e%2e%2f%2e%2e%2fCargo.toml",
        "/..%5cCargo.toml",
        "/escape.txt",
        "/%00",
    ] {
        let status = get(path).status();
        assert!(status == StatusCode::NOT_FOUND || status == StatusCode::BAD_REQUEST, "{path} answered {status}");
    }
}

#[test]
fn dashboards_are_served_by_uid() {
    let listed: serde_json::Value = get("/api/dashboards").json().unwrap();
    assert!(listed.as_array().unwrap().iter().any(|d| d["uid"] == "fixture-minimal" && d["title"] == "Fixture: minimal"), "{listed}");
    let dashboard: serde_json::Value = get("/api/dashboards/uid/fixture-minimal").json().unwrap();
    assert_eq!(dashboard["dashboard"]["panels"][0]["type"], "stat");
    assert_eq!(get("/api/dashboards/uid/nope").status(), StatusCode::NOT_FOUND);
}

/// Grafana's HTTP API exports a dashboard wrapped as `{"dashboard": {...}, "meta": {...}}`; the
/// server lists it by its uid and answers with the plain model, as for any other file.
#[test]
fn a_wrapped_export_is_served_as_its_model() {
    let listed: serde_json::Value = get("/api/dashboards").json().unwrap();
    assert!(
        listed.as_array().unwrap().iter().any(|d| d["uid"] == "fixture-wrapped" && d["title"] == "Fixture: wrapped export"),
        "{listed}"
    );
    let answer = get("/api/dashboards/uid/fixture-wrapped");
    assert_eq!(answer.status(), StatusCode::OK);
    let served: serde_json::Value = answer.json().unwrap();
    assert_eq!(served["dashboard"]["uid"], "fixture-wrapped", "{served}");
    assert_eq!(served["dashboard"]["panels"][0]["type"], "stat", "{served}");
    assert!(served["dashboard"].get("dashboard").is_none() && served["dashboard"].get("meta").is_none(), "unwrapped: {served}");
}

#[test]
fn the_read_only_query_api_is_proxied() {
    let scenario = meshkit_obs::pack::scenario::load(&common::pack_root().join("scenarios/reference.yaml"), i64::MAX / 4).unwrap();
    let middle = ((scenario.start + scenario.end) / 2).to_string();
    let query: serde_json::Value = get(&format!("/api/v1/query?query=count(up)&time={middle}")).json().unwrap();
    assert_eq!(query["status"], "success", "{query}");
    assert_eq!(query["data"]["result"][0]["value"][1], "12", "{query}");
    let range: serde_json::Value =
        get(&format!("/api/v1/query_range?query=count(up)&start={}&end={}&step=3600", scenario.start, scenario.end)).json().unwrap();
    assert_eq!(range["data"]["result"][0]["values"].as_array().unwrap().len(), 13, "{range}");
    let form = common::client()
        .post(format!("{}api/v1/query", common::served_fixtures().viewer))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("query=count(up)&time={middle}"))
        .send()
        .unwrap();
    assert_eq!(form.status(), StatusCode::OK);
    let labels: serde_json::Value = get("/api/v1/labels").json().unwrap();
    assert!(labels["data"].as_array().unwrap().iter().any(|l| l == "cluster"), "{labels}");
    let values: serde_json::Value =
        get(&format!("/api/v1/label/cluster/values?start={}&end={}", scenario.start, scenario.end)).json().unwrap();
    assert_eq!(values["data"], serde_json::json!(["prod-eu-west", "prod-us-east", "staging"]));
    let series: serde_json::Value =
        get(&format!("/api/v1/series?match[]=up&start={}&end={}", scenario.start, scenario.end)).json().unwrap();
    assert_eq!(series["data"].as_array().unwrap().len(), 12);
}

#[test]
fn admin_lifecycle_and_write_endpoints_are_refused() {
    let served = common::served_fixtures();
    let client = common::client();
    let refused = [
        ("POST", "/api/v1/admin/tsdb/snapshot"),
        ("POST", "/api/v1/admin/tsdb/delete_series?match[]=up"),
        ("PUT", "/api/v1/admin/tsdb/clean_tombstones"),
        ("POST", "/api/v1/write"),
        ("POST", "/api/v1/otlp/v1/metrics"),
        ("GET", "/api/v1/status/config"),
        ("GET", "/api/v1/targets"),
        ("POST", "/-/quit"),
        ("POST", "/-/reload"),
        ("DELETE", "/api/v1/query"),
    ];
    for (method, path) in refused {
        let url = format!("{}{}", served.viewer.trim_end_matches('/'), path);
        let status = client.request(method.parse().unwrap(), &url).send().unwrap().status();
        assert!(status.is_client_error(), "{method} {path} answered {status}");
    }
    // Prometheus is still up and serving after all that.
    let up: serde_json::Value = get("/api/v1/query?query=vector(1)").json().unwrap();
    assert_eq!(up["status"], "success");
}
