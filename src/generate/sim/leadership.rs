//! Leadership series: transitions (renewals dominate), election and failover histograms,
//! split-brain ticks, and the proposed per-scope gauges.

use std::collections::BTreeMap;

use super::world::Transition;
use super::{noise, Appears, Observations, Sim, DEFAULT_BOUNDS, SECONDS_BOUNDS};

/// A healthy leader renews every LeaseDuration - RenewalLeadTime = 5 s.
const RENEW_EVERY_SECS: f64 = 5.0;
/// The coordinator evaluates every 750 ms plus 25-125 ms jitter.
const EVALUATION_SECS: f64 = 0.825;

pub fn emit(sim: &mut Sim) {
    let world = sim.world;
    let scenario = world.scenario;
    let seed = sim.seed();
    let step_secs = sim.step_secs();

    // (node, scope index, transition, leader) -> increments per step
    let mut transitions: BTreeMap<(usize, usize, Transition, usize), Vec<f64>> = BTreeMap::new();
    for (index, scope) in world.scopes.iter().enumerate() {
        for event in &scope.events {
            transitions.entry((event.node, index, event.transition, event.leader)).or_insert_with(|| vec![0.0; world.steps])[event.step] +=
                1.0;
        }
        for (step, leaders) in scope.leaders.iter().enumerate() {
            for &leader in leaders {
                let renewals = step_secs / RENEW_EVERY_SECS * (1.0 + 0.08 * (2.0 * noise(seed, &scope.id, step) - 1.0));
                transitions.entry((leader, index, Transition::Renewed, leader)).or_insert_with(|| vec![0.0; world.steps])[step] += renewals;
            }
        }
    }
    for ((node, index, transition, leader), increments) in &transitions {
        let scope = &world.scopes[*index];
        let leader_id = &scenario.nodes[*leader].id;
        let labels = [
            ("mesh_scope", scope.id.as_str()),
            ("mesh_scope_kind", scope.kind),
            ("mesh_leader", leader_id.as_str()),
            ("mesh_transition", transition.label()),
        ];
        sim.counter("mesh_leadership_transitions_events_total", *node, &labels, Appears::OnFirstIncrement, |step| increments[step]);
    }

    let mut split_brain: BTreeMap<(usize, usize, usize), Vec<f64>> = BTreeMap::new();
    for (index, scope) in world.scopes.iter().enumerate() {
        for &(step, observer, unseen) in &scope.split_brain {
            split_brain.entry((observer, index, unseen)).or_insert_with(|| vec![0.0; world.steps])[step] += step_secs / EVALUATION_SECS;
        }
    }
    for ((node, index, unseen), ticks) in &split_brain {
        let labels = [("mesh_scope", world.scopes[*index].id.as_str()), ("mesh_leader", scenario.nodes[*unseen].id.as_str())];
        sim.counter("mesh_leadership_split_brain_events_total", *node, &labels, Appears::OnFirstIncrement, |step| ticks[step]);
    }

    for node in 0..scenario.nodes.len() {
        let mine: Vec<usize> = (0..world.scopes.len()).filter(|&i| world.scopes[i].participants.contains(&node)).collect();
        for &index in &mine {
            let scope = &world.scopes[index];
            sim.gauge("mesh_leadership_is_leader", node, &[("mesh_scope", &scope.id), ("mesh_scope_kind", scope.kind)], |step| {
                Some(if scope.leaders[step].contains(&node) { 1.0 } else { 0.0 })
            });
            sim.gauge("mesh_leadership_term", node, &[("mesh_scope", &scope.id)], |step| Some(scope.term[step] as f64));
            sim.gauge("mesh_leadership_lease_remaining_seconds", node, &[("mesh_scope", &scope.id)], |step| {
                Some(if scope.leaders[step].is_empty() { 0.0 } else { 3.0 + 5.0 * noise(seed, &scope.id, step) })
            });
        }
        for kind in ["global", "shard"] {
            let of_kind: Vec<usize> = mine.iter().copied().filter(|&i| world.scopes[i].kind == kind).collect();
            if of_kind.is_empty() {
                continue;
            }
            sim.gauge("mesh_leadership_leaderless_scopes", node, &[("mesh_scope_kind", kind)], |step| {
                Some(of_kind.iter().filter(|&&i| world.scopes[i].leaders[step].is_empty()).count() as f64)
            });
            let elections = |step: usize| {
                of_kind
                    .iter()
                    .map(|&i| &world.scopes[i])
                    .flat_map(|s| &s.events)
                    .filter(|e| e.step == step && e.node == node && e.transition == Transition::Elected)
                    .count() as f64
            };
            sim.histogram(
                "mesh_leadership_election_duration_ms_milliseconds",
                node,
                &[("mesh_scope_kind", kind)],
                &DEFAULT_BOUNDS,
                Appears::OnFirstIncrement,
                |step| Observations { count: elections(step), median: 14.0, sigma: 0.7 },
            );
            let failovers = |step: usize| -> Vec<f64> {
                of_kind.iter().flat_map(|&i| &world.scopes[i].failovers).filter(|f| f.0 == step && f.1 == node).map(|f| f.2).collect()
            };
            sim.histogram(
                "mesh_leadership_failover_seconds",
                node,
                &[("mesh_scope_kind", kind)],
                &SECONDS_BOUNDS,
                Appears::OnFirstIncrement,
                |step| {
                    let gaps = failovers(step);
                    if gaps.is_empty() {
                        return Observations::none();
                    }
                    let median = gaps.iter().sum::<f64>() / gaps.len() as f64;
                    Observations { count: gaps.len() as f64, median, sigma: 0.05 }
                },
            );
        }
    }
}
