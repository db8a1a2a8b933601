//! Node drain/upgrade workflow series, cluster state, node identity, configuration epoch, and
//! the `up` series Prometheus writes for every target.

use std::collections::BTreeSet;

use crate::pack::scenario::IncidentKind;

use super::world::DRAIN_STATES;
use super::{Appears, Observations, Sim, SECONDS_BOUNDS};

const PARTICIPANTS: [&str; 3] = ["http-inbound", "grpc-inbound", "resourcelease-dispatcher"];

pub fn emit(sim: &mut Sim) {
    let world = sim.world;
    let scenario = world.scenario;
    for node in 0..scenario.nodes.len() {
        let spec = &scenario.nodes[node];
        let cluster = &scenario.clusters[spec.cluster];
        sim.gauge("up", node, &[], |step| Some(if world.up[node][step] { 1.0 } else { 0.0 }));

        for (state, name) in DRAIN_STATES {
            sim.gauge("omnirelay_node_drain_state", node, &[("state", name)], |step| {
                Some(if world.drain[node][step] == state { 1.0 } else { 0.0 })
            });
            for (index, participant) in PARTICIPANTS.iter().enumerate() {
                sim.gauge("omnirelay_node_drain_participant_state", node, &[("participant", participant), ("state", name)], |step| {
                    Some(if world.participants[node][step][index] == state { 1.0 } else { 0.0 })
                });
            }
        }
        let log = &world.drain_log;
        let mut operations: Vec<(&str, &str)> = log.operations.iter().filter(|o| o.1 == node).map(|o| (o.2, o.3)).collect();
        operations.sort();
        operations.dedup();
        for (operation, result) in operations {
            sim.counter(
                "omnirelay_node_drain_operations_total",
                node,
                &[("operation", operation), ("result", result)],
                Appears::OnFirstIncrement,
                |step| log.operations.iter().filter(|o| o.0 == step && o.1 == node && o.2 == operation && o.3 == result).count() as f64,
            );
        }
        sim.histogram("omnirelay_node_drain_duration_seconds", node, &[], &SECONDS_BOUNDS, Appears::OnFirstIncrement, |step| {
            match log.durations.iter().find(|d| d.0 == step && d.1 == node) {
                Some(&(_, _, seconds)) => Observations { count: 1.0, median: seconds, sigma: 0.02 },
                None => Observations::none(),
            }
        });

        let versions: BTreeSet<&String> = world.versions[node].iter().collect();
        for version in versions {
            let labels = [
                ("node_id", spec.id.as_str()),
                ("role", spec.role.as_str()),
                ("cluster_id", cluster.name.as_str()),
                ("region", cluster.region.as_str()),
                ("mesh_version", version.as_str()),
            ];
            sim.gauge("mesh_node_info", node, &labels, |step| (&world.versions[node][step] == version).then_some(1.0));
        }
        let cluster_index = spec.cluster;
        let state_at = |step: usize| {
            if world.active(IncidentKind::ClusterDegraded, step).any(|i| i.cluster == cluster_index) {
                "degraded"
            } else {
                cluster.state.as_str()
            }
        };
        for state in crate::pack::scenario::CLUSTER_STATES {
            sim.gauge("mesh_cluster_state", node, &[("cluster_id", cluster.name.as_str()), ("state", state)], |step| {
                Some(if state_at(step) == *state { 1.0 } else { 0.0 })
            });
        }
        sim.gauge("mesh_config_epoch", node, &[], |step| Some(world.epochs[node][step].0 as f64));
        for stage in ["stable", "canary", "rollout"] {
            if world.epochs[node].iter().any(|e| e.1 == stage) {
                sim.gauge("mesh_config_epoch_info", node, &[("stage", stage)], |step| (world.epochs[node][step].1 == stage).then_some(1.0));
            }
        }
    }
}
