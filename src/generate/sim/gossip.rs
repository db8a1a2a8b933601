//! Gossip membership series: members and partial views per node view, RTT, messages, fanout.

use crate::pack::scenario::IncidentKind;

use super::{Appears, Observations, Sim, DEFAULT_BOUNDS};

/// Gossip rounds per scrape-second (`Interval` 1 s) and default fanout.
const ROUNDS_PER_SECOND: f64 = 1.0;

pub fn emit(sim: &mut Sim) {
    let world = sim.world;
    let scenario = world.scenario;
    for node in 0..scenario.nodes.len() {
        let id = scenario.nodes[node].id.clone();
        let cluster = scenario.nodes[node].cluster;
        let members = scenario.clusters[cluster].nodes.len() as f64;
        let view = &world.gossip[node];
        let storm = |step: usize| world.active(IncidentKind::GossipPartition, step).any(|i| i.cluster == cluster);

        for (status, counts) in [("alive", &view.alive), ("suspect", &view.suspect), ("left", &view.left)] {
            sim.gauge("mesh_gossip_members_peers", node, &[("mesh_status", status)], |step| Some(f64::from(counts[step])));
        }
        let active_view = |step: usize| f64::from(view.alive[step].saturating_sub(1)).min(16.0);
        sim.gauge("mesh_gossip_view_size_peers", node, &[("mesh_status", "active")], |step| Some(active_view(step)));
        sim.gauge("mesh_gossip_view_size_peers", node, &[("mesh_status", "passive")], |step| {
            Some((f64::from(view.alive[step] + view.suspect[step]) - 1.0 - active_view(step)).max(0.0))
        });

        // Adaptive fanout: ceil(1.5 log2 members) clamped to [3, 32], widened by unhealthy members.
        let fanout = |step: usize| {
            let base = (1.5 * members.log2()).ceil().clamp(3.0, 32.0);
            let unhealthy = f64::from(view.suspect[step] + view.left[step]) / members;
            (base * (1.0 + unhealthy)).min(16.0).min((view.alive[step] + view.suspect[step]).saturating_sub(1).max(1) as f64)
        };
        let rounds = sim.step_secs() * ROUNDS_PER_SECOND;
        let outbound = |step: usize| rounds * fanout(step);
        // Share of outbound exchanges that hit an unreachable peer.
        let failing = |step: usize| {
            let known = f64::from(view.alive[step] + view.suspect[step]).max(1.0);
            (f64::from(view.suspect[step]) / known + if storm(step) { 0.04 } else { 0.0005 }).min(1.0)
        };
        let key = format!("gossip/{id}");
        let seed = sim.seed();
        let jitter = |step: usize| 1.0 + 0.05 * (2.0 * super::noise(seed, &key, step) - 1.0);

        sim.histogram("mesh_gossip_rtt_ms_milliseconds", node, &[], &DEFAULT_BOUNDS, Appears::Always, |step| {
            let median = if storm(step) { 1400.0 } else { 3.5 };
            Observations { count: outbound(step) * (1.0 - failing(step)) * jitter(step), median, sigma: 0.55 }
        });
        sim.histogram("mesh_gossip_fanout_peers", node, &[], &DEFAULT_BOUNDS, Appears::Always, |step| Observations {
            count: rounds,
            median: fanout(step),
            sigma: 0.08,
        });
        let directions = [
            ("outbound", "success", Appears::Always),
            ("outbound", "failure", Appears::OnFirstIncrement),
            ("inbound", "success", Appears::Always),
            ("inbound", "failure", Appears::OnFirstIncrement),
        ];
        for (direction, outcome, appears) in directions {
            sim.counter(
                "mesh_gossip_messages_messages_total",
                node,
                &[("mesh_direction", direction), ("mesh_outcome", outcome)],
                appears,
                |step| {
                    let total = outbound(step) * jitter(step);
                    match (direction, outcome) {
                        ("outbound", "success") => total * (1.0 - failing(step)),
                        ("outbound", _) => total * failing(step),
                        // Inbound mirrors what peers send us; schema mismatches are rare.
                        (_, "success") => total * (1.0 - failing(step)),
                        _ => total * 0.0002,
                    }
                },
            );
        }
        sim.counter("mesh_gossip_duplicate_targets_peers_total", node, &[], Appears::Always, |step| rounds * 0.02 * jitter(step));

        let transitions = &view.transitions;
        let mut pairs: Vec<(&str, &str)> = transitions.iter().map(|&(_, from, to)| (from, to)).collect();
        pairs.sort();
        pairs.dedup();
        for (from, to) in pairs {
            sim.counter(
                "mesh_gossip_member_transitions_total",
                node,
                &[("from_status", from), ("to_status", to)],
                Appears::OnFirstIncrement,
                |step| transitions.iter().filter(|&&(s, f, t)| s == step && f == from && t == to).count() as f64,
            );
        }
    }
}
