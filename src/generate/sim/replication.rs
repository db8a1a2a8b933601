//! ResourceLease replication (events, per-shard lag at the sink, sequences, cross-cluster lag)
//! and the dispatcher queue (pending/active depth histograms, backpressure).

use crate::pack::scenario::IncidentKind;

use super::{noise, Appears, Observations, Sim, DEFAULT_BOUNDS};

/// Lease operations per inbound request.
const LEASE_OPS_PER_REQUEST: f64 = 0.4;
const HIGH_WATERMARK: f64 = 1000.0;
const FIRST_SEQUENCE: f64 = 1_000_000.0;

pub fn emit(sim: &mut Sim) {
    let world = sim.world;
    let scenario = world.scenario;
    let seed = sim.seed();
    let step_secs = sim.step_secs();
    for (ns, namespace) in scenario.namespaces.iter().enumerate() {
        let cluster = namespace.cluster;
        let lagging = |step: usize| {
            world
                .active(IncidentKind::ReplicationLag, step)
                .find(|i| i.namespace == Some(ns))
                .map(|i| (world.progress(i, step) * 6.0).min(1.0))
        };
        let stalled = |shard: usize, step: usize| {
            world.active(IncidentKind::ReplicationStall, step).any(|i| i.namespace == Some(ns) && i.shard == Some(shard as u32))
        };
        let shards = namespace.shards as usize;
        for &node in &namespace.nodes {
            let id = scenario.nodes[node].id.clone();
            let ops = |step: usize| {
                namespace.service.requests_per_second
                    * world.traffic_share(node, step)
                    * LEASE_OPS_PER_REQUEST
                    * step_secs
                    * (1.0 + 0.06 * (2.0 * noise(seed, &id, step) - 1.0))
            };
            let kinds: [(&str, f64); 5] =
                [("Enqueue", 1.0), ("LeaseGranted", 1.0), ("Heartbeat", 2.0), ("Completed", 0.99), ("Failed", 0.01)];
            for (kind, share) in kinds {
                sim.counter(
                    "omnirelay_resourcelease_replication_events_total",
                    node,
                    &[("lease_event_type", kind)],
                    Appears::Always,
                    |step| ops(step) * share,
                );
            }
            for kind in ["DrainSnapshot", "RestoreSnapshot"] {
                sim.counter(
                    "omnirelay_resourcelease_replication_events_total",
                    node,
                    &[("lease_event_type", kind)],
                    Appears::OnFirstIncrement,
                    |step| world.drain_log.snapshots.iter().filter(|&&(s, n, k)| s == step && n == node && k == kind).count() as f64,
                );
            }

            // The checkpointing sink runs on the shard's owner and records lag per shard.
            let per_shard_ops = namespace.service.requests_per_second * LEASE_OPS_PER_REQUEST * step_secs * 4.0 / shards as f64;
            let applied = |shard: usize, step: usize| {
                let owns = world.namespaces[ns].owners[step][shard] == node;
                if owns && !stalled(shard, step) {
                    per_shard_ops
                } else {
                    0.0
                }
            };
            for shard in 0..shards {
                if !(0..world.steps).any(|step| world.namespaces[ns].owners[step][shard] == node) {
                    continue;
                }
                let shard_label = shard.to_string();
                sim.histogram(
                    "omnirelay_resourcelease_replication_lag_milliseconds",
                    node,
                    &[("shard_id", &shard_label)],
                    &DEFAULT_BOUNDS,
                    Appears::OnFirstIncrement,
                    |step| {
                        let (median, sigma) = match lagging(step) {
                            Some(ramp) => (35.0 + ramp * 9000.0, 0.35),
                            None => (35.0, 0.7),
                        };
                        Observations { count: applied(shard, step), median, sigma }
                    },
                );
            }
            let mut sequence = FIRST_SEQUENCE;
            let sequences: Vec<f64> = (0..world.steps)
                .map(|step| {
                    sequence += (0..shards).map(|shard| applied(shard, step)).sum::<f64>().floor();
                    sequence
                })
                .collect();
            sim.gauge("omnirelay_resourcelease_replication_last_applied_sequence", node, &[("sink", "grpc")], |step| Some(sequences[step]));
            sim.counter(
                "omnirelay_resourcelease_replication_publish_failures_total",
                node,
                &[("replicator", "grpc")],
                Appears::OnFirstIncrement,
                |step| {
                    let stalled_here = (0..shards).any(|shard| stalled(shard, step) && world.namespaces[ns].owners[step][shard] == node);
                    let lag = lagging(step).unwrap_or(0.0);
                    step_secs * (if stalled_here { 2.0 } else { 0.0 } + lag * 0.5)
                },
            );
            for &source in &scenario.clusters[cluster].replicates_from {
                let source_name = scenario.clusters[source].name.clone();
                let target_name = scenario.clusters[cluster].name.clone();
                let cluster_lagging = |step: usize| {
                    world
                        .active(IncidentKind::ReplicationLag, step)
                        .find(|i| i.cluster == cluster)
                        .map(|i| (world.progress(i, step) * 6.0).min(1.0))
                };
                sim.gauge(
                    "mesh_replication_lag_seconds",
                    node,
                    &[("source_cluster", &source_name), ("target_cluster", &target_name)],
                    |step| {
                        let base = 0.35 * (1.0 + 0.2 * (2.0 * noise(seed, &source_name, step) - 1.0));
                        Some(base + cluster_lagging(step).unwrap_or(0.0) * 25.0)
                    },
                );
            }

            // Queue: depth is sampled on every enqueue; backpressure follows a lag incident.
            let pressure = |step: usize| lagging(step).is_some_and(|ramp| ramp >= 1.0 && noise(seed, &format!("bp/{id}"), step) > 0.3);
            sim.histogram("omnirelay_resourcelease_pending_items", node, &[], &DEFAULT_BOUNDS, Appears::Always, |step| {
                let (median, sigma) = if lagging(step).is_some() { (850.0, 0.35) } else { (6.0, 0.8) };
                Observations { count: ops(step), median, sigma }
            });
            sim.histogram("omnirelay_resourcelease_active_leases", node, &[], &DEFAULT_BOUNDS, Appears::Always, |step| Observations {
                count: ops(step),
                median: 40.0,
                sigma: 0.3,
            });
            for (state, on) in [("active", true), ("inactive", false)] {
                sim.counter(
                    "omnirelay_resourcelease_backpressure_transitions_events_total",
                    node,
                    &[("state", state)],
                    Appears::OnFirstIncrement,
                    |step| {
                        let before = step > 0 && pressure(step - 1);
                        if pressure(step) != before && pressure(step) == on {
                            1.0
                        } else {
                            0.0
                        }
                    },
                );
            }
            sim.gauge("omnirelay_resourcelease_pending_items_current", node, &[], |step| {
                let median = if pressure(step) {
                    1100.0
                } else if lagging(step).is_some() {
                    850.0
                } else {
                    6.0
                };
                Some((median * (1.0 + 0.3 * (2.0 * noise(seed, &format!("depth/{id}"), step) - 1.0))).round())
            });
            sim.gauge("omnirelay_resourcelease_backpressure_active", node, &[], |step| Some(if pressure(step) { 1.0 } else { 0.0 }));
            sim.gauge("omnirelay_resourcelease_backpressure_high_watermark_items", node, &[], |_| Some(HIGH_WATERMARK));
        }
    }
}
