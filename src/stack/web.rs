//! The viewer's HTTP server on 127.0.0.1: the built viewer's static files, the pack's
//! dashboards by uid (read by `pack::dashboards::DashboardFile`, so a wrapped export is served
//! as its plain model), and a read-only proxy of Prometheus' query API under the same origin.
//!
//! Only the query endpoints the viewer needs pass the proxy; admin, lifecycle and write
//! endpoints are refused. Static paths are decoded and checked segment by segment, then
//! resolved and required to stay inside the viewer's folder.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::Context as _;
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;

use crate::diagnostic::Diagnostic;
use crate::pack::dashboards::DashboardFile;

/// Largest request body the proxy forwards (a form-encoded query).
const MAX_BODY: usize = 1 << 20;

/// What the server serves.
pub struct Site {
    /// The built viewer (`viewer/dist`).
    pub viewer_dir: PathBuf,
    /// Folders searched (recursively) for `*.json` dashboards, in order.
    pub dashboard_dirs: Vec<PathBuf>,
    /// Base URL of the Prometheus the proxy forwards to.
    pub prometheus: String,
}

/// Binds a free port on loopback.
pub async fn bind() -> anyhow::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind("127.0.0.1:0").await.context("binding the viewer's port on 127.0.0.1")
}

/// Serves `site` on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    site: Site,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let client = reqwest::Client::builder().no_proxy().build().context("building the proxy client")?;
    let state = Arc::new(Served { site, client, reported: Mutex::new(BTreeSet::new()) });
    let app = Router::new().fallback(handle).with_state(state);
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await.context("serving the viewer")
}

struct Served {
    site: Site,
    client: reqwest::Client,
    /// Dashboard files already reported as unusable (each is told once, not per request).
    reported: Mutex<BTreeSet<String>>,
}

type Shared = Arc<Served>;

async fn handle(State(state): State<Shared>, request: Request) -> Response {
    let (site, client) = (&state.site, &state.client);
    let path = request.uri().path().to_string();
    if let Some(endpoint) = path.strip_prefix("/api/v1/") {
        return if is_read_only_query(endpoint) && matches!(*request.method(), Method::GET | Method::POST) {
            proxy(site, client, request).await
        } else {
            refuse(
                StatusCode::FORBIDDEN,
                "only the read-only query API is proxied: query, query_range, labels, label/<name>/values, series",
            )
        };
    }
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return refuse(StatusCode::METHOD_NOT_ALLOWED, "read-only server");
    }
    if path == "/api/dashboards" {
        let listed: Vec<serde_json::Value> = dashboards(&state)
            .into_iter()
            .map(|(uid, (file, dashboard))| serde_json::json!({"uid": uid, "title": dashboard["title"].as_str().unwrap_or(&uid), "path": file}))
            .collect();
        return json(&serde_json::json!(listed));
    }
    if let Some(uid) = path.strip_prefix("/api/dashboards/uid/") {
        return match dashboards(&state).remove(uid) {
            Some((_, dashboard)) => json(&serde_json::json!({ "dashboard": dashboard })),
            None => refuse(StatusCode::NOT_FOUND, &format!("no dashboard with uid `{uid}`")),
        };
    }
    if path.starts_with("/api/") || path.starts_with("/-/") {
        return refuse(StatusCode::FORBIDDEN, "not served");
    }
    static_file(&site.viewer_dir, &path)
}

/// The Prometheus endpoints the viewer may reach.
fn is_read_only_query(endpoint: &str) -> bool {
    match endpoint {
        "query" | "query_range" | "labels" | "series" => true,
        other => other
            .strip_prefix("label/")
            .and_then(|rest| rest.strip_suffix("/values"))
            .is_some_and(|name| !name.is_empty() && !name.contains('/')),
    }
}

async fn proxy(site: &Site, client: &reqwest::Client, request: Request) -> Response {
    let uri = request.uri();
    let target =
        format!("{}{}{}", site.prometheus.trim_end_matches('/'), uri.path(), uri.query().map(|q| format!("?{q}")).unwrap_or_default());
    let method = request.method().clone();
    let content_type = request.headers().get(header::CONTENT_TYPE).cloned();
    let body = match to_bytes(request.into_body(), MAX_BODY).await {
        Ok(body) => body,
        Err(_) => return refuse(StatusCode::PAYLOAD_TOO_LARGE, "query body too large"),
    };
    let mut forward = client.request(if method == Method::POST { reqwest::Method::POST } else { reqwest::Method::GET }, &target);
    if let Some(content_type) = content_type.and_then(|v| v.to_str().ok().map(str::to_string)) {
        forward = forward.header("content-type", content_type);
    }
    match forward.body(body.to_vec()).send().await {
        Ok(answer) => {
            let status = StatusCode::from_u16(answer.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
            let content_type = answer.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("application/json").to_string();
            let bytes = answer.bytes().await.unwrap_or_default();
            let mut response = Response::new(Body::from(bytes));
            *response.status_mut() = status;
            if let Ok(value) = HeaderValue::from_str(&content_type) {
                response.headers_mut().insert(header::CONTENT_TYPE, value);
            }
            response
        }
        Err(err) => refuse(StatusCode::BAD_GATEWAY, &format!("prometheus did not answer: {err}")),
    }
}

/// uid -> (file, dashboard model) of every dashboard in the dashboard folders (the first file
/// with a uid wins). Read per request, so edits show without restarting `serve`; a file that is
/// not a dashboard with a uid is reported on stderr (once) and left out.
fn dashboards(served: &Served) -> BTreeMap<String, (PathBuf, serde_json::Value)> {
    let mut found = BTreeMap::new();
    for dir in &served.site.dashboard_dirs {
        for path in crate::fsutil::files_below(dir, |name| name.ends_with(".json")) {
            match usable(&path) {
                Ok((uid, model)) => {
                    found.entry(uid).or_insert((path, model));
                }
                Err(diagnostic) => {
                    let text = diagnostic.to_string();
                    if served.reported.lock().is_ok_and(|mut reported| reported.insert(text.clone())) {
                        eprintln!("viewer server: not serving {text}");
                    }
                }
            }
        }
    }
    found
}

/// The uid and model of a dashboard file, or why it cannot be served.
fn usable(path: &Path) -> Result<(String, serde_json::Value), Diagnostic> {
    let file = DashboardFile::read(path)?;
    let model = file.model()?;
    let uid = file.uid().ok_or_else(|| file.diagnostic("/uid", "the dashboard has no uid to serve it by", "set \"uid\""))?;
    Ok((uid.to_string(), model.clone()))
}

/// A file below `root` named by a URL path, or 400/404: `..`, `.`, backslashes and NUL in any
/// decoded segment are refused, and the resolved file must lie inside `root` (no symlink escape).
fn static_file(root: &Path, url_path: &str) -> Response {
    let Some(segments) = decoded_segments(url_path) else {
        return refuse(StatusCode::BAD_REQUEST, "bad path");
    };
    let relative: PathBuf = if segments.is_empty() { PathBuf::from("index.html") } else { segments.iter().collect() };
    let (Ok(root), Ok(file)) = (std::fs::canonicalize(root), std::fs::canonicalize(root.join(&relative))) else {
        return refuse(StatusCode::NOT_FOUND, "not found (is the viewer built? ./dev setup builds viewer/dist)");
    };
    let file = if file.is_dir() { file.join("index.html") } else { file };
    if !file.starts_with(&root) || !file.is_file() {
        return refuse(StatusCode::NOT_FOUND, "not found");
    }
    match std::fs::read(&file) {
        Ok(bytes) => {
            let mut response = Response::new(Body::from(bytes));
            response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(&file)));
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(_) => refuse(StatusCode::NOT_FOUND, "not found"),
    }
}

/// Percent-decoded path segments; `None` for anything that could climb or smuggle.
fn decoded_segments(url_path: &str) -> Option<Vec<String>> {
    let mut segments = Vec::new();
    for raw in url_path.split('/').filter(|s| !s.is_empty()) {
        let segment = percent_decode(raw)?;
        if segment == ".." || segment == "." || segment.contains(['/', '\\', '\0']) {
            return None;
        }
        segments.push(segment);
    }
    Some(segments)
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        _ => "application/octet-stream",
    }
}

fn json(value: &serde_json::Value) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], value.to_string()).into_response()
}

fn refuse(status: StatusCode, message: &str) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], format!("{message}\n")).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_read_only_query_endpoints_pass() {
        for allowed in ["query", "query_range", "labels", "series", "label/cluster/values", "label/__name__/values"] {
            assert!(is_read_only_query(allowed), "{allowed}");
        }
        for refused in [
            "admin/tsdb/delete_series",
            "write",
            "otlp/v1/metrics",
            "status/config",
            "label//values",
            "label/a/b/values",
            "rules",
            "targets",
        ] {
            assert!(!is_read_only_query(refused), "{refused}");
        }
    }

    #[test]
    fn unusable_dashboard_files_say_why() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            path
        };
        let (uid, model) = usable(&write("w.json", r#"{"dashboard": {"uid": "w", "panels": []}, "meta": {}}"#)).unwrap();
        assert_eq!((uid.as_str(), model), ("w", serde_json::json!({"uid": "w", "panels": []})));
        let broken = usable(&write("broken.json", "{\n  \"uid\": \"b\",\n")).unwrap_err().to_string();
        assert!(broken.contains("broken.json:3:") && broken.contains("not valid JSON"), "{broken}");
        let nameless = usable(&write("nameless.json", r#"{"title": "no uid"}"#)).unwrap_err().to_string();
        assert!(nameless.contains("nameless.json:1:1: /uid: the dashboard has no uid"), "{nameless}");
    }

    #[test]
    fn climbing_and_smuggling_segments_are_refused() {
        assert_eq!(decoded_segments("/assets/index.js").unwrap(), ["assets", "index.js"]);
        assert_eq!(decoded_segments("/").unwrap(), Vec::<String>::new());
        for bad in ["/../etc/passwd", "/a/%2e%2e/b", "/%2E%2E%2Fetc", "/a%5c..%5cb", "/a%00b", "/%zz", "/./x"] {
            assert!(decoded_segments(bad).is_none(), "{bad}");
        }
    }
}
