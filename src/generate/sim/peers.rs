//! Outbound peer series: per-peer successes/failures/in-flight, lease health and signals,
//! pool exhaustion, lease durations and retries.

use crate::pack::scenario::IncidentKind;

use super::{noise, Appears, Observations, Sim, DEFAULT_BOUNDS};

/// Outbound calls per inbound request (each service calls its sibling namespace's service).
const CALLS_PER_REQUEST: f64 = 0.5;

pub fn emit(sim: &mut Sim) {
    let world = sim.world;
    let scenario = world.scenario;
    let seed = sim.seed();
    let step_secs = sim.step_secs();
    for node in 0..scenario.nodes.len() {
        let id = scenario.nodes[node].id.clone();
        let own = &scenario.namespaces[scenario.nodes[node].namespace];
        let callee = &scenario.namespaces[world.callee_namespace(node)];
        let service = callee.service.name.as_str();
        let procedure = callee.service.procedure.as_str();
        let peers: Vec<usize> = callee.nodes.iter().copied().filter(|&p| p != node).collect();
        let cluster = scenario.nodes[node].cluster;
        let degraded = |step: usize| world.active(IncidentKind::ClusterDegraded, step).any(|i| i.cluster == cluster);
        let serving = |peer: usize, step: usize| world.reachable(node, peer, step) && world.traffic_share(peer, step) > 0.0;
        let serving_count = |step: usize| peers.iter().filter(|&&p| serving(p, step)).count();
        let calls = |step: usize| {
            own.service.requests_per_second
                * world.traffic_share(node, step)
                * CALLS_PER_REQUEST
                * step_secs
                * (1.0 + 0.05 * (2.0 * noise(seed, &id, step) - 1.0))
        };
        let calls_to = |peer: usize, step: usize| {
            let count = serving_count(step);
            if count == 0 || !serving(peer, step) {
                0.0
            } else {
                calls(step) / count as f64
            }
        };
        let error_rate = |step: usize| if degraded(step) { 0.03 } else { 0.002 };

        for &peer in &peers {
            let peer_id = scenario.nodes[peer].id.clone();
            let labels =
                [("rpc_service", service), ("rpc_procedure", procedure), ("rpc_transport", "http"), ("rpc_peer", peer_id.as_str())];
            sim.counter("omnirelay_peer_successes_requests_total", node, &labels, Appears::Always, |step| {
                calls_to(peer, step) * (1.0 - error_rate(step))
            });
            sim.counter("omnirelay_peer_failures_requests_total", node, &labels, Appears::OnFirstIncrement, |step| {
                calls_to(peer, step) * error_rate(step)
            });
            sim.gauge("omnirelay_peer_inflight_requests", node, &labels, |step| {
                Some((calls_to(peer, step) / step_secs * 0.015 * 10.0).round() / 10.0)
            });
            let busy = [
                ("rpc_service", service),
                ("rpc_procedure", procedure),
                ("rpc_transport", "http"),
                ("rpc_peer", peer_id.as_str()),
                ("peer_rejection_reason", "busy"),
            ];
            sim.counter("omnirelay_peer_lease_rejected_requests_total", node, &busy, Appears::OnFirstIncrement, |step| {
                calls_to(peer, step) * 0.0004
            });
            let unhealthy = [
                ("rpc_service", service),
                ("rpc_procedure", procedure),
                ("rpc_transport", "http"),
                ("rpc_peer", peer_id.as_str()),
                ("peer_rejection_reason", "lease_unhealthy"),
            ];
            sim.counter("omnirelay_peer_lease_rejected_requests_total", node, &unhealthy, Appears::OnFirstIncrement, |step| {
                if world.up[peer][step] && !serving(peer, step) && world.traffic_share(peer, step) > 0.0 {
                    calls(step) * 0.01
                } else {
                    0.0
                }
            });
            let peer_only = [("rpc_peer", peer_id.as_str())];
            sim.counter("omnirelay_peer_lease_assignments_leases_total", node, &peer_only, Appears::Always, |step| {
                if serving(peer, step) {
                    0.5 * step_secs
                } else {
                    0.0
                }
            });
            sim.counter("omnirelay_peer_lease_heartbeats_signals_total", node, &peer_only, Appears::Always, |step| {
                if serving(peer, step) {
                    0.2 * step_secs
                } else {
                    0.0
                }
            });
            let gone = &world.gossip[node].departures;
            if gone.iter().any(|&(_, p)| p == peer) {
                sim.counter(
                    "omnirelay_peer_lease_disconnects_signals_total",
                    node,
                    &[("rpc_peer", peer_id.as_str()), ("lease_disconnect_reason", "gossip-left")],
                    Appears::OnFirstIncrement,
                    |step| gone.iter().filter(|&&(s, p)| s == step && p == peer).count() as f64,
                );
            }
        }

        let known = peers.len() as f64;
        sim.gauge("omnirelay_peer_lease_healthy", node, &[], |step| Some(serving_count(step) as f64));
        sim.gauge("omnirelay_peer_lease_unhealthy", node, &[], |step| Some(known - serving_count(step) as f64));
        sim.gauge("omnirelay_peer_lease_pending_reassignments", node, &[], |step| Some(2.0 * (known - serving_count(step) as f64)));
        sim.counter(
            "omnirelay_peer_pool_exhausted_requests_total",
            node,
            &[("rpc_service", service), ("rpc_procedure", procedure), ("rpc_transport", "http")],
            Appears::OnFirstIncrement,
            |step| {
                if degraded(step) || (serving_count(step) == 0 && calls(step) > 0.0) {
                    calls(step) * 0.02
                } else {
                    0.0
                }
            },
        );
        sim.histogram(
            "omnirelay_peer_lease_duration_milliseconds",
            node,
            &[("rpc_service", service)],
            &DEFAULT_BOUNDS,
            Appears::Always,
            |step| {
                let done: f64 = peers.iter().map(|&p| calls_to(p, step)).sum();
                Observations { count: done, median: if degraded(step) { 60.0 } else { 12.0 }, sigma: 0.5 }
            },
        );
        let failed = |step: usize| peers.iter().map(|&p| calls_to(p, step) * error_rate(step)).sum::<f64>();
        sim.counter(
            "omnirelay_retry_scheduled_attempts_total",
            node,
            &[("rpc_service", service), ("error_status", "Unavailable")],
            Appears::OnFirstIncrement,
            |step| failed(step) * 0.8,
        );
        sim.counter(
            "omnirelay_retry_scheduled_attempts_total",
            node,
            &[("rpc_service", service), ("error_status", "DeadlineExceeded")],
            Appears::OnFirstIncrement,
            |step| calls(step) * 0.0005,
        );
        sim.counter(
            "omnirelay_retry_exhausted_requests_total",
            node,
            &[("rpc_service", service), ("error_status", "Unavailable")],
            Appears::OnFirstIncrement,
            |step| {
                if degraded(step) {
                    failed(step) * 0.3
                } else {
                    failed(step) * 0.01
                }
            },
        );
        sim.counter("omnirelay_retry_succeeded_requests_total", node, &[("rpc_service", service)], Appears::OnFirstIncrement, |step| {
            failed(step) * 0.7 + calls(step) * 0.0004
        });
    }
}
