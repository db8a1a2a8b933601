//! Shard registry and rebalancer series. Every node of a namespace exports its replicated view
//! of the namespace's shard table and controller, so dashboards aggregate them with `max`.

use super::world::{Drain, REBALANCER_STATES};
use super::{Appears, Observations, Sim, SECONDS_BOUNDS};

const FIRST_TABLE_VERSION: f64 = 100.0;

pub fn emit(sim: &mut Sim) {
    let world = sim.world;
    let scenario = world.scenario;
    for (ns, namespace) in scenario.namespaces.iter().enumerate() {
        let timeline = &world.namespaces[ns];
        let shards = f64::from(namespace.shards);
        let draining = |step: usize| timeline.owners[step].iter().filter(|&&o| world.drain[o][step] == Drain::Draining).count() as f64;
        let owned = |owner: usize, step: usize| timeline.owners[step].iter().filter(|&&o| o == owner).count() as f64;
        let mut version = vec![FIRST_TABLE_VERSION; world.steps];
        for step in 1..world.steps {
            version[step] = version[step - 1] + f64::from(timeline.ownership_changes[step].min(1));
        }
        for &node in &namespace.nodes {
            let statuses = [("Active", 0u8), ("Draining", 1), ("Paused", 2), ("Disabled", 3)];
            for (status, which) in statuses {
                sim.gauge("mesh_shards", node, &[("status", status)], |step| {
                    Some(match which {
                        0 => shards - draining(step),
                        1 => draining(step),
                        _ => 0.0,
                    })
                });
            }
            for &owner in &namespace.nodes {
                let owner_id = scenario.nodes[owner].id.clone();
                // Registered nodes without shards report 0 (not an absent series), so a drained
                // owner drops out of max/mean at once instead of lingering for the lookback.
                sim.gauge("mesh_shards_owned", node, &[("owner_node_id", &owner_id)], |step| Some(owned(owner, step)));
            }
            sim.gauge("mesh_shard_table_version", node, &[], |step| Some(version[step]));
            sim.counter("mesh_shard_ownership_changes_total", node, &[], Appears::Always, |step| {
                f64::from(timeline.ownership_changes[step])
            });
            // Each peer in the namespace (and the CLI now and then) watches this node's registry.
            let watchers = namespace.nodes.len().saturating_sub(1) as f64;
            sim.gauge("mesh_shard_watch_streams", node, &[], |step| Some(watchers + if step % 7 == 0 { 1.0 } else { 0.0 }));

            for (state, name) in REBALANCER_STATES {
                sim.gauge("mesh_rebalance_controller_state", node, &[("state", name)], |step| {
                    Some(if timeline.controller[step] == state { 1.0 } else { 0.0 })
                });
            }
            for result in ["succeeded", "failed"] {
                sim.counter("mesh_rebalance_shard_moves_total", node, &[("result", result)], Appears::OnFirstIncrement, |step| {
                    timeline.moves.iter().filter(|&&(s, r)| s == step && r == result).count() as f64
                });
            }
            sim.gauge("mesh_rebalance_plans_awaiting_approval", node, &[], |step| Some(f64::from(timeline.plans_awaiting[step])));
            sim.histogram("mesh_rebalance_plan_duration_seconds", node, &[], &SECONDS_BOUNDS, Appears::OnFirstIncrement, |step| {
                match timeline.plans_completed.iter().find(|p| p.0 == step) {
                    Some(&(_, seconds)) => Observations { count: 1.0, median: seconds, sigma: 0.01 },
                    None => Observations::none(),
                }
            });
        }
    }
}
