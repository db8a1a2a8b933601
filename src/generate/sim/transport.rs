//! HTTP/gRPC transport series: the inbound protocol mix and latency (the usable downgrade
//! signal), client fallback counters with their real quirks, and the proposed reason counters.

use crate::pack::scenario::IncidentKind;

use super::{noise, Appears, Observations, Sim, DEFAULT_BOUNDS};

const CALLS_PER_REQUEST: f64 = 0.5;
const GRPC_SHARE_OF_CALLS: f64 = 0.3;
const VERSIONS: [(&str, &str, &str); 3] = [("1.1", "HTTP/1.1", "tcp"), ("2", "HTTP/2", "tcp"), ("3", "HTTP/3", "quic")];

pub fn emit(sim: &mut Sim) {
    let world = sim.world;
    let scenario = world.scenario;
    let seed = sim.seed();
    let step_secs = sim.step_secs();
    // Is the service of namespace `ns` being downgraded at `step`?
    let downgraded = |ns: usize, step: usize| {
        let cluster = scenario.namespaces[ns].cluster;
        world.active(IncidentKind::Http3Downgrade, step).any(|i| i.cluster == cluster && i.namespace.is_none_or(|n| n == ns))
    };
    for node in 0..scenario.nodes.len() {
        let id = scenario.nodes[node].id.clone();
        let ns = scenario.nodes[node].namespace;
        let service = &scenario.namespaces[ns].service;
        let cluster = scenario.nodes[node].cluster;
        let degraded = |step: usize| world.active(IncidentKind::ClusterDegraded, step).any(|i| i.cluster == cluster);
        let requests = |step: usize| {
            service.requests_per_second * world.traffic_share(node, step) * step_secs * (1.0 + 0.05 * (2.0 * noise(seed, &id, step) - 1.0))
        };
        let mix = |version: &str, step: usize| -> f64 {
            match (service.http3, downgraded(ns, step), version) {
                (false, _, "3") => 0.0,
                (false, _, "2") => 0.97,
                (false, _, _) => 0.03,
                (true, false, "3") => 0.93,
                (true, false, "2") => 0.06,
                (true, false, _) => 0.01,
                (true, true, "3") => 0.45,
                (true, true, "2") => 0.50,
                (true, true, _) => 0.05,
            }
        };
        for (version, protocol, transport) in VERSIONS {
            if !service.http3 && version == "3" {
                continue;
            }
            let base = [
                ("rpc_system", "http"),
                ("rpc_service", service.name.as_str()),
                ("rpc_procedure", service.procedure.as_str()),
                ("http_request_method", "POST"),
                ("rpc_protocol", protocol),
                ("network_protocol_name", "http"),
                ("network_protocol_version", version),
                ("network_transport", transport),
            ];
            let share = |step: usize| requests(step) * mix(version, step);
            sim.counter("omnirelay_http_requests_started_total", node, &base, Appears::Always, share);
            let outcomes: [(&str, &str, Appears); 3] = [
                ("200", "success", Appears::Always),
                ("500", "error", Appears::OnFirstIncrement),
                ("503", "error", Appears::OnFirstIncrement),
            ];
            for (status, outcome, appears) in outcomes {
                let mut labels = base.to_vec();
                labels.push(("http_response_status_code", status));
                labels.push(("outcome", outcome));
                let fraction = move |step: usize| match (status, degraded(step)) {
                    ("200", true) => 0.967,
                    ("200", false) => 0.997,
                    ("500", _) => 0.003,
                    (_, true) => 0.03,
                    _ => 0.0,
                };
                sim.counter("omnirelay_http_requests_completed_total", node, &labels, appears, |step| share(step) * fraction(step));
                if status == "200" {
                    sim.histogram(
                        "omnirelay_http_request_duration_milliseconds",
                        node,
                        &labels,
                        &DEFAULT_BOUNDS,
                        Appears::Always,
                        |step| {
                            let median = match (version, downgraded(ns, step)) {
                                ("3", true) => 185.0,
                                ("3", false) => 18.0,
                                ("2", true) => 45.0,
                                ("2", false) => 24.0,
                                _ => 35.0,
                            };
                            Observations { count: share(step) * fraction(step), median, sigma: 0.6 }
                        },
                    );
                }
            }
        }
        sim.counter(
            "omnirelay_http_requests_started_total",
            node,
            &[("otel_metric_overflow", "true")],
            Appears::OnFirstIncrement,
            |step| {
                if world.active(IncidentKind::TelemetryOverflow, step).any(|i| i.node == Some(node)) {
                    requests(step) * 0.3
                } else {
                    0.0
                }
            },
        );

        // Client side: this node calls the sibling namespace's service.
        let callee_ns = world.callee_namespace(node);
        let callee = &scenario.namespaces[callee_ns].service;
        let calls = |step: usize| requests(step) * CALLS_PER_REQUEST;
        let fallback = |step: usize| if downgraded(callee_ns, step) { 0.55 } else { 0.005 };
        let versions_out: [(&str, f64, f64); 3] = [("3", 1.0, 0.0), ("2", 0.0, 0.9), ("1.1", 0.0, 0.1)];
        for (version, on_h3, on_fallback) in versions_out {
            if !callee.http3 && version == "3" {
                continue;
            }
            sim.counter("omnirelay_http_client_requests_total", node, &[("network_protocol_version", version)], Appears::Always, |step| {
                if callee.http3 {
                    calls(step) * (on_h3 * (1.0 - fallback(step)) + on_fallback * fallback(step))
                } else {
                    calls(step) * if version == "2" { 0.97 } else { 0.03 }
                }
            });
        }
        // Both fallback counters only move while the client has HTTP/3 enabled.
        if !callee.http3 {
            continue;
        }
        for (version, observed, share) in [("2", "HTTP/2", 0.9), ("1.1", "HTTP/1.1", 0.1)] {
            let labels = [
                ("rpc_system", "http"),
                ("rpc_service", callee.name.as_str()),
                ("rpc_procedure", callee.procedure.as_str()),
                ("http_request_method", "POST"),
                ("rpc_protocol", observed),
                ("network_protocol_name", "http"),
                ("network_protocol_version", version),
                ("network_transport", "tcp"),
                ("http_observed_protocol", observed),
            ];
            sim.counter("omnirelay_http_client_fallbacks_total", node, &labels, Appears::OnFirstIncrement, |step| {
                calls(step) * (1.0 - GRPC_SHARE_OF_CALLS) * fallback(step) * share
            });
        }
        let grpc_fallbacks = |step: usize| {
            let grpc = calls(step) * GRPC_SHARE_OF_CALLS;
            // Without per-endpoint HTTP/3 hints every gRPC call counts as a fallback (§3.2).
            if callee.grpc_http3_hints {
                grpc * fallback(step)
            } else {
                grpc
            }
        };
        sim.counter(
            "omnirelay_grpc_client_fallbacks_total",
            node,
            &[("rpc_system", "grpc"), ("rpc_service", callee.name.as_str()), ("rpc_method", callee.procedure.as_str())],
            Appears::OnFirstIncrement,
            grpc_fallbacks,
        );
        let reasons: [(&str, &str); 3] = [("http", "negotiated_lower"), ("grpc", "endpoint_selection"), ("grpc", "connect_error")];
        for (transport, reason) in reasons {
            sim.counter(
                "omnirelay_transport_fallbacks_total",
                node,
                &[("transport", transport), ("reason", reason)],
                Appears::OnFirstIncrement,
                |step| match (transport, reason) {
                    ("http", _) => calls(step) * (1.0 - GRPC_SHARE_OF_CALLS) * fallback(step),
                    (_, "endpoint_selection") => grpc_fallbacks(step) * if downgraded(callee_ns, step) { 0.7 } else { 1.0 },
                    _ => {
                        if downgraded(callee_ns, step) {
                            grpc_fallbacks(step) * 0.3
                        } else {
                            0.0
                        }
                    }
                },
            );
        }
        sim.counter("omnirelay_quic_handshake_failures_total", node, &[], Appears::OnFirstIncrement, |step| {
            calls(step) * if downgraded(callee_ns, step) { 0.05 } else { 0.0002 }
        });
    }
}
