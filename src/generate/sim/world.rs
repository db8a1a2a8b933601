//! The simulated mesh's state over time, derived once from the scenario's topology and
//! incidents: which targets are up, drain states, partitions, shard ownership, leadership per
//! scope and each node's gossip view. The metric modules only read this.

use std::collections::BTreeMap;

use crate::pack::scenario::{DrainOutcome, Incident, IncidentKind, Scenario, ScopeRef};

use super::noise;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drain {
    Active,
    Draining,
    Drained,
    Failed,
}

pub const DRAIN_STATES: [(Drain, &str); 4] =
    [(Drain::Active, "Active"), (Drain::Draining, "Draining"), (Drain::Drained, "Drained"), (Drain::Failed, "Failed")];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    Connected,
    /// Packets lost intermittently: peers see the node as suspect now and then.
    Flapping,
    /// Fully partitioned from its cluster's other nodes.
    Cut,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Transition {
    Elected,
    Renewed,
    Lost,
    Expired,
    SteppedDown,
}

impl Transition {
    pub fn label(self) -> &'static str {
        match self {
            Transition::Elected => "elected",
            Transition::Renewed => "renewed",
            Transition::Lost => "lost",
            Transition::Expired => "expired",
            Transition::SteppedDown => "steppeddown",
        }
    }
}

/// A leadership event recorded by `node` about `leader`.
#[derive(Debug, Clone)]
pub struct LeaderEvent {
    pub step: usize,
    pub node: usize,
    pub transition: Transition,
    pub leader: usize,
}

pub struct ScopeTimeline {
    pub scope: ScopeRef,
    pub id: String,
    pub kind: &'static str,
    pub participants: Vec<usize>,
    pub leaders: Vec<Vec<usize>>,
    pub term: Vec<u64>,
    pub events: Vec<LeaderEvent>,
    /// (step, recording node, leaderless gap in seconds)
    pub failovers: Vec<(usize, usize, f64)>,
    /// (step, node that counts a tick, leader it cannot see alive)
    pub split_brain: Vec<(usize, usize, usize)>,
}

/// Drain operations (counter events) and completed-drain durations per node.
#[derive(Default)]
pub struct DrainLog {
    /// (step, node, operation, result)
    pub operations: Vec<(usize, usize, &'static str, &'static str)>,
    /// (step, node, seconds)
    pub durations: Vec<(usize, usize, f64)>,
    /// (step, node, lease event type) for DrainSnapshot / RestoreSnapshot
    pub snapshots: Vec<(usize, usize, &'static str)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rebalancer {
    Steady,
    Investigating,
    Draining,
    Rebalancing,
    Completed,
}

pub const REBALANCER_STATES: [(Rebalancer, &str); 5] = [
    (Rebalancer::Steady, "steady"),
    (Rebalancer::Investigating, "investigating"),
    (Rebalancer::Draining, "draining"),
    (Rebalancer::Rebalancing, "rebalancing"),
    (Rebalancer::Completed, "completed"),
];

pub struct NamespaceTimeline {
    /// owners[step][shard]
    pub owners: Vec<Vec<usize>>,
    pub ownership_changes: Vec<u32>,
    pub controller: Vec<Rebalancer>,
    pub plans_awaiting: Vec<u32>,
    /// (step, result) moves executed by the rebalancer
    pub moves: Vec<(usize, &'static str)>,
    /// (step, plan duration seconds)
    pub plans_completed: Vec<(usize, f64)>,
}

/// Per-observer gossip view counts and transitions.
pub struct GossipView {
    pub alive: Vec<u32>,
    pub suspect: Vec<u32>,
    pub left: Vec<u32>,
    /// (step, from, to) status transitions seen by this observer
    pub transitions: Vec<(usize, &'static str, &'static str)>,
    /// (step, subject) subjects that became Left in this observer's view
    pub departures: Vec<(usize, usize)>,
    /// unreachable known peers per step (for failures and lease health)
    pub unreachable: Vec<u32>,
}

pub struct World<'s> {
    pub scenario: &'s Scenario,
    pub steps: usize,
    pub up: Vec<Vec<bool>>,
    pub drain: Vec<Vec<Drain>>,
    /// participant states per node per step: http-inbound, grpc-inbound, resourcelease-dispatcher
    pub participants: Vec<Vec<[Drain; 3]>>,
    pub drain_log: DrainLog,
    pub reach: Vec<Vec<Reach>>,
    pub versions: Vec<Vec<String>>,
    pub epochs: Vec<Vec<(u64, &'static str)>>,
    pub namespaces: Vec<NamespaceTimeline>,
    pub scopes: Vec<ScopeTimeline>,
    pub gossip: Vec<GossipView>,
}

const BASE_EPOCH: u64 = 41;

impl<'s> World<'s> {
    pub fn build(scenario: &'s Scenario) -> World<'s> {
        let steps = scenario.steps();
        let nodes = scenario.nodes.len();
        let mut world = World {
            scenario,
            steps,
            up: vec![vec![true; steps]; nodes],
            drain: vec![vec![Drain::Active; steps]; nodes],
            participants: vec![vec![[Drain::Active; 3]; steps]; nodes],
            drain_log: DrainLog::default(),
            reach: vec![vec![Reach::Connected; steps]; nodes],
            versions: scenario.nodes.iter().map(|n| vec![scenario.clusters[n.cluster].mesh_version.clone(); steps]).collect(),
            epochs: vec![vec![(BASE_EPOCH, "stable"); steps]; nodes],
            namespaces: Vec::new(),
            scopes: Vec::new(),
            gossip: Vec::new(),
        };
        world.apply_outages();
        world.apply_drains();
        world.apply_partitions();
        world.namespaces = (0..scenario.namespaces.len()).map(|ns| world.shard_timeline(ns)).collect();
        world.scopes = world.scope_list().into_iter().map(|(scope, participants)| world.leadership(scope, participants)).collect();
        world.gossip = (0..nodes).map(|node| world.gossip_view(node)).collect();
        world
    }

    /// The step at or after `t` (clamped to the window).
    pub fn step_of(&self, t: i64) -> usize {
        let s = self.scenario;
        (((t - s.start) + s.step - 1) / s.step).clamp(0, self.steps as i64) as usize
    }

    pub fn span(&self, incident: &Incident) -> (usize, usize) {
        (self.step_of(incident.start), self.step_of(incident.end).min(self.steps))
    }

    /// Incidents of `kind` active at `step`.
    pub fn active(&self, kind: IncidentKind, step: usize) -> impl Iterator<Item = &'s Incident> {
        let t = self.scenario.time_at(step);
        self.scenario.incidents.iter().filter(move |i| i.kind == kind && i.contains(t))
    }

    /// Fraction of the incident elapsed at `step`, in [0, 1).
    pub fn progress(&self, incident: &Incident, step: usize) -> f64 {
        let t = self.scenario.time_at(step);
        ((t - incident.start) as f64 / (incident.end - incident.start) as f64).clamp(0.0, 0.999)
    }

    /// The node restarted (or started) at this step: counters and views begin afresh.
    pub fn restarted(&self, node: usize, step: usize) -> bool {
        self.up[node][step] && (step == 0 || !self.up[node][step - 1])
    }

    /// Up, not draining and reachable: may lead scopes and serve traffic.
    pub fn available(&self, node: usize, step: usize) -> bool {
        self.up[node][step] && self.drain[node][step] == Drain::Active && self.reach[node][step] != Reach::Cut
    }

    /// Share of its namespace's inbound traffic the node serves (0 when down or draining).
    pub fn traffic_share(&self, node: usize, step: usize) -> f64 {
        let serving = |n: usize| self.up[n][step] && self.drain[n][step] == Drain::Active;
        if !serving(node) {
            return 0.0;
        }
        let namespace = &self.scenario.namespaces[self.scenario.nodes[node].namespace];
        1.0 / namespace.nodes.iter().filter(|&&n| serving(n)).count() as f64
    }

    /// The namespace whose service this node's clients call: the next one in its cluster.
    pub fn callee_namespace(&self, node: usize) -> usize {
        let scenario = self.scenario;
        let own = scenario.nodes[node].namespace;
        let siblings = &scenario.clusters[scenario.nodes[node].cluster].namespaces;
        let position = siblings.iter().position(|&n| n == own).unwrap_or(0);
        siblings[(position + 1) % siblings.len()]
    }

    fn seed(&self) -> u64 {
        self.scenario.seed
    }

    fn apply_outages(&mut self) {
        let scenario = self.scenario;
        for incident in &scenario.incidents {
            let (s0, s1) = self.span(incident);
            let down: Vec<usize> = match incident.kind {
                IncidentKind::ShardImbalance => incident.node.into_iter().collect(),
                IncidentKind::ClusterDegraded => {
                    let nodes = &scenario.clusters[incident.cluster].nodes;
                    nodes.iter().rev().take(incident.nodes_down as usize).copied().collect()
                }
                _ => continue,
            };
            for node in down {
                for step in s0..s1 {
                    self.up[node][step] = false;
                }
            }
        }
    }

    fn apply_drains(&mut self) {
        let scenario = self.scenario;
        for incident in &scenario.incidents {
            let (s0, s1) = self.span(incident);
            match incident.kind {
                IncidentKind::Drain => {
                    let node = incident.node.expect("validated: drain has a node");
                    let draining = ((s1 - s0) / 5).max(2);
                    match incident.drain_outcome {
                        DrainOutcome::Drained => self.drain_node(node, s0, s0 + draining, Some(s1), s1, false),
                        DrainOutcome::Failed => self.drain_node(node, s0, s0 + 2, None, s1, true),
                        // Stuck: a participant never finishes until the incident ends; then it
                        // completes and the node resumes a few minutes later.
                        DrainOutcome::Stuck => self.drain_node(node, s0, s1, Some(s1 + 3), s1 + 3, false),
                    }
                }
                IncidentKind::RollingUpgrade => self.rolling_upgrade(incident, s0, s1),
                _ => {}
            }
        }
    }

    /// Drains `node` from `start`; it reaches Drained (or Failed) at `settled`. A drained node
    /// resumes at `resume`; a failed one is restarted at `restart_at` (down for one scrape).
    fn drain_node(&mut self, node: usize, start: usize, settled: usize, resume: Option<usize>, restart_at: usize, fails: bool) {
        let end = self.steps;
        let settled = settled.min(end);
        let step_secs = self.scenario.step as f64;
        for step in start..settled {
            self.drain[node][step] = Drain::Draining;
            let elapsed = step - start;
            // Participants finish one after another: HTTP first, the dispatcher last.
            self.participants[node][step] = [
                if elapsed >= 1 { Drain::Drained } else { Drain::Draining },
                if elapsed + 1 >= settled - start && settled - start > 1 { Drain::Drained } else { Drain::Draining },
                Drain::Draining,
            ];
        }
        self.drain_log.snapshots.push((start, node, "DrainSnapshot"));
        if fails {
            for step in settled..restart_at.min(end) {
                self.drain[node][step] = Drain::Failed;
                self.participants[node][step] = [Drain::Drained, Drain::Drained, Drain::Failed];
            }
            self.drain_log.operations.push((settled.min(end - 1), node, "drain", "failed"));
            if settled + 1 < end {
                // Operators try to resume a failed drain: the coordinator answers 409.
                self.drain_log.operations.push((settled + 1, node, "resume", "conflict"));
            }
            if restart_at < end {
                self.up[node][restart_at] = false;
            }
        } else {
            let resume = resume.unwrap_or(end).min(end);
            for step in settled..resume {
                self.drain[node][step] = Drain::Drained;
                self.participants[node][step] = [Drain::Drained; 3];
            }
            self.drain_log.operations.push((settled.min(end - 1), node, "drain", "ok"));
            self.drain_log.durations.push((settled.min(end - 1), node, (settled - start) as f64 * step_secs));
            if resume < end {
                self.drain_log.operations.push((resume, node, "resume", "ok"));
                self.drain_log.snapshots.push((resume, node, "RestoreSnapshot"));
            }
        }
    }

    fn rolling_upgrade(&mut self, incident: &Incident, s0: usize, s1: usize) {
        let scenario = self.scenario;
        let nodes = scenario.clusters[incident.cluster].nodes.clone();
        let batch = incident.max_unavailable.max(1) as usize;
        let batches = nodes.len().div_ceil(batch);
        let slot = ((s1 - s0) / batches).max(5);
        let to_version = incident.to_version.clone().unwrap_or_else(|| scenario.clusters[incident.cluster].mesh_version.clone());
        for (position, &node) in nodes.iter().enumerate() {
            let first = position / batch;
            let a = s0 + first * slot;
            let stage = if first == 0 { "canary" } else { "rollout" };
            let back = if Some(node) == incident.failed_node {
                self.drain_node(node, a, a + 2, None, s1.saturating_sub(1), true);
                s1
            } else {
                let restart = (a + slot - 2).min(s1.saturating_sub(1));
                self.drain_node(node, a, a + 2, Some(restart), restart, false);
                // The resume of an upgraded node is its restart, not an operator resume.
                self.drain_log.operations.retain(|&(step, n, op, _)| !(n == node && step == restart && op == "resume"));
                self.drain_log.snapshots.retain(|&(step, n, _)| !(n == node && step == restart));
                if restart < self.steps {
                    self.up[node][restart] = false;
                }
                restart + 1
            };
            for step in back.min(self.steps)..self.steps {
                self.versions[node][step] = to_version.clone();
                self.epochs[node][step] = (BASE_EPOCH + 1, if step < s1 { stage } else { "stable" });
            }
        }
    }

    fn apply_partitions(&mut self) {
        let scenario = self.scenario;
        for incident in scenario.incidents.iter().filter(|i| i.kind == IncidentKind::GossipPartition) {
            let node = incident.node.expect("validated: partition has a node");
            let (s0, s1) = self.span(incident);
            for step in s0..s1 {
                self.reach[node][step] = if self.progress(incident, step) < 0.35 { Reach::Flapping } else { Reach::Cut };
            }
        }
    }

    /// Whether `a` and `b` (same cluster) can exchange gossip at `step`.
    pub fn reachable(&self, a: usize, b: usize, step: usize) -> bool {
        if !self.up[a][step] || !self.up[b][step] {
            return false;
        }
        let blocked = |n: usize| match self.reach[n][step] {
            Reach::Connected => false,
            Reach::Cut => true,
            Reach::Flapping => noise(self.seed(), &format!("flap/{}", self.scenario.nodes[n].id), step) < 0.5,
        };
        !(blocked(a) || blocked(b))
    }

    fn shard_timeline(&self, ns: usize) -> NamespaceTimeline {
        let scenario = self.scenario;
        let namespace = &scenario.namespaces[ns];
        let shards = namespace.shards as usize;
        let holds = |node: usize, step: usize| self.up[node][step] && matches!(self.drain[node][step], Drain::Active | Drain::Draining);
        let balanced = |step: usize| -> Vec<usize> {
            let holders: Vec<usize> = namespace.nodes.iter().copied().filter(|&n| holds(n, step)).collect();
            let holders = if holders.is_empty() { namespace.nodes.clone() } else { holders };
            (0..shards).map(|k| holders[k % holders.len()]).collect()
        };
        let incidents: Vec<&Incident> = scenario
            .incidents
            .iter()
            .filter(|i| i.namespace == Some(ns) || i.node.is_some_and(|n| scenario.nodes[n].namespace == ns))
            .collect();
        let mut timeline = NamespaceTimeline {
            owners: Vec::with_capacity(self.steps),
            ownership_changes: vec![0; self.steps],
            controller: vec![Rebalancer::Steady; self.steps],
            plans_awaiting: vec![0; self.steps],
            moves: Vec::new(),
            plans_completed: Vec::new(),
        };
        let mut owners = balanced(0);
        for step in 0..self.steps {
            let imbalance = incidents.iter().find(|i| i.kind == IncidentKind::ShardImbalance && i.contains(scenario.time_at(step)));
            let rebalance = incidents.iter().find(|i| i.kind == IncidentKind::Rebalance && i.contains(scenario.time_at(step)));
            let mut next = owners.clone();
            if let Some(incident) = imbalance {
                // Every orphaned shard lands on one survivor: the imbalance the alert looks for.
                let survivor = namespace.nodes.iter().copied().find(|&n| Some(n) != incident.node && holds(n, step));
                for owner in next.iter_mut() {
                    if !holds(*owner, step) {
                        if let Some(survivor) = survivor {
                            *owner = survivor;
                        }
                    }
                }
                timeline.controller[step] = Rebalancer::Investigating;
            } else {
                let holders_changed = step == 0 || namespace.nodes.iter().any(|&n| holds(n, step) != holds(n, step - 1));
                let just_ended =
                    step > 0 && incidents.iter().any(|i| i.kind == IncidentKind::ShardImbalance && self.step_of(i.end) == step);
                if holders_changed || just_ended || next.iter().any(|&o| !holds(o, step)) {
                    next = balanced(step);
                }
                if just_ended {
                    timeline.controller[step] = Rebalancer::Rebalancing;
                    if step + 1 < self.steps {
                        timeline.controller[step + 1] = Rebalancer::Completed;
                    }
                    let moved = next.iter().zip(&owners).filter(|(a, b)| a != b).count();
                    timeline.moves.extend(std::iter::repeat_n((step, "succeeded"), moved));
                    let incident =
                        incidents.iter().find(|i| i.kind == IncidentKind::ShardImbalance && self.step_of(i.end) == step).unwrap();
                    timeline.plans_completed.push((step, (incident.end - incident.start) as f64));
                } else if namespace.nodes.iter().any(|&n| self.drain[n][step] == Drain::Draining) {
                    timeline.controller[step] = Rebalancer::Draining;
                }
            }
            if let Some(incident) = rebalance {
                let progress = self.progress(incident, step);
                if progress < 0.1 {
                    timeline.controller[step] = Rebalancer::Investigating;
                } else if progress < 0.5 {
                    timeline.controller[step] = Rebalancer::Investigating;
                    timeline.plans_awaiting[step] = 1;
                } else if progress < 0.9 {
                    timeline.controller[step] = Rebalancer::Rebalancing;
                    // Swap two shards between owners: counts stay balanced, ownership moves.
                    let a = step % shards;
                    let b = (a + 1) % shards;
                    if next[a] != next[b] {
                        next.swap(a, b);
                        timeline.moves.push((step, "succeeded"));
                        timeline.moves.push((step, "succeeded"));
                    }
                    if step % 3 == 0 {
                        timeline.moves.push((step, "failed"));
                    }
                } else {
                    timeline.controller[step] = Rebalancer::Completed;
                    if self.step_of(incident.end).saturating_sub(1) == step {
                        timeline.plans_completed.push((step, (incident.end - incident.start) as f64 * 0.9));
                    }
                }
            }
            timeline.ownership_changes[step] = next.iter().zip(&owners).filter(|(a, b)| a != b).count() as u32;
            owners = next;
            timeline.owners.push(owners.clone());
        }
        timeline
    }

    fn scope_list(&self) -> Vec<(ScopeRef, Vec<usize>)> {
        let scenario = self.scenario;
        let mut scopes = Vec::new();
        for (ci, cluster) in scenario.clusters.iter().enumerate() {
            let control: Vec<usize> = cluster.nodes.iter().copied().filter(|&n| scenario.nodes[n].role == "control-plane").collect();
            scopes.push((ScopeRef::Global { cluster: ci }, control));
            for &ns in &cluster.namespaces {
                for shard in 0..scenario.namespaces[ns].shards {
                    scopes.push((ScopeRef::Shard { namespace: ns, shard }, scenario.namespaces[ns].nodes.clone()));
                }
            }
        }
        scopes
    }

    fn leadership(&self, scope: ScopeRef, participants: Vec<usize>) -> ScopeTimeline {
        let scenario = self.scenario;
        let id = scenario.scope_id(&scope);
        let (kind, cluster) = match &scope {
            ScopeRef::Global { cluster } => ("global", *cluster),
            ScopeRef::Shard { namespace, .. } => ("shard", scenario.namespaces[*namespace].cluster),
        };
        let incidents: Vec<&Incident> =
            scenario.incidents.iter().filter(|i| i.cluster == cluster && i.scope.as_ref() == Some(&scope)).collect();
        let mut timeline = ScopeTimeline {
            scope: scope.clone(),
            id,
            kind,
            participants: participants.clone(),
            leaders: Vec::with_capacity(self.steps),
            term: Vec::with_capacity(self.steps),
            events: Vec::new(),
            failovers: Vec::new(),
            split_brain: Vec::new(),
        };
        let lease_secs = 8.0;
        let mut current: Option<usize> = None;
        let mut term = 1u64;
        let mut leaderless_since: Option<usize> = None;
        let mut rival: Option<usize> = None;
        for step in 0..self.steps {
            let t = scenario.time_at(step);
            let active = |kind: IncidentKind| incidents.iter().find(|i| i.kind == kind && i.contains(t)).copied();
            let eligible = |n: usize| self.available(n, step);
            let next_after = |from: Option<usize>| -> Option<usize> {
                let start = from.and_then(|f| participants.iter().position(|&p| p == f)).map(|p| p + 1).unwrap_or(0);
                (0..participants.len()).map(|k| participants[(start + k) % participants.len()]).find(|&n| eligible(n) && Some(n) != from)
            };
            let mut desired = match &scope {
                ScopeRef::Shard { namespace, shard } => {
                    let owner = self.namespaces[*namespace].owners[step][*shard as usize];
                    (self.up[owner][step] && self.reach[owner][step] != Reach::Cut).then_some(owner)
                }
                ScopeRef::Global { .. } => match current {
                    Some(leader) if eligible(leader) => Some(leader),
                    _ => next_after(None),
                },
            };
            let mut flapped = false;
            if active(IncidentKind::LeaderlessScope).is_some() {
                desired = None;
            } else if let Some(incident) = active(IncidentKind::LeaderFlap) {
                let (s0, _) = self.span(incident);
                // A new election every 2-3 scrapes: the lease is revoked under the holder.
                let since = step - s0;
                if since > 0 && (since % 5 == 0 || since % 5 == 2) {
                    if let Some(other) = next_after(current) {
                        desired = Some(other);
                        flapped = true;
                    }
                }
            }
            if desired != current {
                if let Some(old) = current {
                    let transition = if !self.up[old][step] || self.reach[old][step] == Reach::Cut {
                        Transition::Expired
                    } else if flapped {
                        Transition::Lost
                    } else if desired.is_none() && active(IncidentKind::LeaderlessScope).is_some() {
                        Transition::Expired
                    } else {
                        Transition::SteppedDown
                    };
                    let recorder = if transition == Transition::Expired { desired.unwrap_or(old) } else { old };
                    if self.up[recorder][step] {
                        timeline.events.push(LeaderEvent { step, node: recorder, transition, leader: old });
                    }
                    let gap = match transition {
                        Transition::Expired => lease_secs + 1.5 * noise(self.seed(), &timeline.id, step),
                        Transition::Lost => 1.0 + 2.0 * noise(self.seed(), &timeline.id, step),
                        _ => 0.6 + 0.8 * noise(self.seed(), &timeline.id, step),
                    };
                    if desired.is_none() {
                        leaderless_since = Some(step);
                    } else if let Some(new) = desired {
                        timeline.failovers.push((step, new, gap));
                    }
                }
                if let Some(new) = desired {
                    term += 1;
                    timeline.events.push(LeaderEvent { step, node: new, transition: Transition::Elected, leader: new });
                    if current.is_none() {
                        if let Some(since) = leaderless_since.take() {
                            let gap = (step - since) as f64 * scenario.step as f64;
                            timeline.failovers.push((step, new, gap));
                        }
                    }
                }
                current = desired;
            }
            let mut leaders: Vec<usize> = current.into_iter().collect();
            match (active(IncidentKind::SplitBrain), current) {
                (Some(_), Some(leader)) => {
                    let claimant = rival.or_else(|| next_after(Some(leader)));
                    if let Some(claimant) = claimant {
                        if rival.is_none() {
                            timeline.events.push(LeaderEvent { step, node: claimant, transition: Transition::Elected, leader: claimant });
                            term += 1;
                        }
                        rival = Some(claimant);
                        leaders.push(claimant);
                        for &observer in &participants {
                            if !self.up[observer][step] {
                                continue;
                            }
                            let unseen = if observer == leader { claimant } else { leader };
                            timeline.split_brain.push((step, observer, unseen));
                        }
                    }
                }
                _ => {
                    if let Some(claimant) = rival.take() {
                        if self.up[claimant][step] {
                            timeline.events.push(LeaderEvent {
                                step,
                                node: claimant,
                                transition: Transition::SteppedDown,
                                leader: claimant,
                            });
                        }
                    }
                }
            }
            timeline.leaders.push(leaders);
            timeline.term.push(term);
        }
        timeline
    }

    fn gossip_view(&self, observer: usize) -> GossipView {
        #[derive(Clone, Copy, PartialEq)]
        enum Status {
            Alive,
            Suspect,
            Left,
        }
        let name = |s: Status| match s {
            Status::Alive => "alive",
            Status::Suspect => "suspect",
            Status::Left => "left",
        };
        let scenario = self.scenario;
        let peers: Vec<usize> =
            scenario.clusters[scenario.nodes[observer].cluster].nodes.iter().copied().filter(|&n| n != observer).collect();
        let mut view = GossipView {
            alive: vec![0; self.steps],
            suspect: vec![0; self.steps],
            left: vec![0; self.steps],
            transitions: Vec::new(),
            departures: Vec::new(),
            unreachable: vec![0; self.steps],
        };
        let mut table: BTreeMap<usize, Status> = BTreeMap::new();
        for step in 0..self.steps {
            if !self.up[observer][step] {
                continue;
            }
            if self.restarted(observer, step) {
                table = peers.iter().copied().filter(|&p| self.reachable(observer, p, step)).map(|p| (p, Status::Alive)).collect();
            }
            for &peer in &peers {
                let before = table.get(&peer).copied();
                let after = if self.reachable(observer, peer, step) {
                    Some(Status::Alive)
                } else {
                    match before {
                        None => None,
                        Some(Status::Left) => Some(Status::Left),
                        Some(_) => {
                            // Silence longer than suspicion + retransmits (11 s) ends in Left; a
                            // flapping link that answers again within the step stays Suspect.
                            let flapping = self.up[peer][step] && self.reach[peer][step] == Reach::Flapping
                                || self.reach[observer][step] == Reach::Flapping;
                            Some(if flapping { Status::Suspect } else { Status::Left })
                        }
                    }
                };
                if let (Some(b), Some(a)) = (before, after) {
                    if a != b {
                        if b == Status::Alive && a == Status::Left {
                            view.transitions.push((step, "alive", "suspect"));
                            view.transitions.push((step, "suspect", "left"));
                        } else {
                            view.transitions.push((step, name(b), name(a)));
                        }
                        if a == Status::Left {
                            view.departures.push((step, peer));
                        }
                    }
                }
                if let Some(a) = after {
                    table.insert(peer, a);
                }
            }
            let count = |s: Status| table.values().filter(|&&v| v == s).count() as u32;
            view.alive[step] = 1 + count(Status::Alive);
            view.suspect[step] = count(Status::Suspect);
            view.left[step] = count(Status::Left);
            view.unreachable[step] = view.suspect[step] + view.left[step];
        }
        view
    }
}

#[cfg(test)]
mod tests {
    //! The world on a small scenario whose incidents each change the state as the scenario says,
    //! at the steps it says (one step = one minute from 00:00).

    use super::*;
    use crate::pack::catalogue::{Catalogue, MetricType};

    const SCENARIO: &str = r#"name: world
window: {start: 2026-11-02T00:00:00Z, end: 2026-11-02T03:00:00Z}
scrape_interval: 60s
seed: 3
clusters:
  - name: east
    region: r1
    mesh_version: 1.4.2
    namespaces:
      - name: payments
        shards: 6
        service: {name: payments-api, procedure: authorize, requests_per_second: 10}
        nodes:
          - {id: p-0, role: control-plane}
          - {id: p-1, role: worker}
          - {id: p-2, role: worker}
      - name: orders
        shards: 4
        service: {name: orders-api, procedure: place, requests_per_second: 5}
        nodes:
          - {id: o-0, role: worker}
          - {id: o-1, role: worker}
incidents:
  - {kind: drain, start: 2026-11-02T00:10:00Z, end: 2026-11-02T00:30:00Z, target: {cluster: east, node: o-1}}
  - {kind: drain, start: 2026-11-02T00:40:00Z, end: 2026-11-02T01:00:00Z, target: {cluster: east, node: o-0}, outcome: failed}
  - {kind: gossip_partition, start: 2026-11-02T01:10:00Z, end: 2026-11-02T01:30:00Z, target: {cluster: east, node: p-2}}
  - kind: rolling_upgrade
    start: 2026-11-02T01:40:00Z
    end: 2026-11-02T02:40:00Z
    target: {cluster: east}
    max_unavailable: 2
    failed_node: p-1
    to_version: 1.5.0
"#;

    fn scenario() -> Scenario {
        crate::pack::scenario::parse(std::path::Path::new("world.yaml"), SCENARIO, i64::MAX / 4).expect("the test scenario resolves")
    }

    fn node(scenario: &Scenario, id: &str) -> usize {
        scenario.nodes.iter().position(|n| n.id == id).unwrap()
    }

    /// The (first, last) steps of each run of `true` in `states`.
    fn runs(states: &[bool]) -> Vec<(usize, usize)> {
        let mut found: Vec<(usize, usize)> = Vec::new();
        for (step, &on) in states.iter().enumerate() {
            match found.last_mut() {
                Some((_, last)) if on && *last + 1 == step => *last = step,
                _ if on => found.push((step, step)),
                _ => {}
            }
        }
        found
    }

    #[test]
    fn a_drain_drains_settles_and_resumes_at_the_scenario_times() {
        let scenario = scenario();
        let world = World::build(&scenario);
        let (o0, o1) = (node(&scenario, "o-0"), node(&scenario, "o-1"));
        assert_eq!((world.steps, world.span(&scenario.incidents[0])), (181, (10, 30)));
        let state = |drain: Drain| runs(&world.drain[o1].iter().map(|&d| d == drain).collect::<Vec<_>>());
        // A fifth of the incident draining (at least two steps), drained to its end, then Active.
        assert_eq!(state(Drain::Draining), [(10, 13), (140, 141)], "the second run is the rolling upgrade");
        assert_eq!(state(Drain::Drained)[0], (14, 29));
        assert_eq!(world.drain[o1][30], Drain::Active);
        assert_eq!((world.participants[o1][10], world.participants[o1][20]), ([Drain::Draining; 3], [Drain::Drained; 3]));
        assert!(world.up[o1][10..30].iter().all(|&up| up), "a drained node keeps running");
        // Its traffic moves to the namespace's other node meanwhile.
        assert_eq!((world.traffic_share(o1, 20), world.traffic_share(o0, 20), world.traffic_share(o0, 5)), (0.0, 1.0, 0.5));
        assert!(!world.available(o1, 20) && world.available(o1, 30));
        let log = &world.drain_log;
        assert!(log.operations.contains(&(14, o1, "drain", "ok")) && log.operations.contains(&(30, o1, "resume", "ok")));
        assert!(log.durations.contains(&(14, o1, 240.0)));
        assert!(log.snapshots.contains(&(10, o1, "DrainSnapshot")) && log.snapshots.contains(&(30, o1, "RestoreSnapshot")));
    }

    #[test]
    fn a_failed_drain_ends_in_a_restart() {
        let scenario = scenario();
        let world = World::build(&scenario);
        let o0 = node(&scenario, "o-0");
        let failed = runs(&world.drain[o0].iter().map(|&d| d == Drain::Failed).collect::<Vec<_>>());
        assert_eq!(failed[0], (42, 59));
        assert_eq!(world.participants[o0][50], [Drain::Drained, Drain::Drained, Drain::Failed], "the dispatcher is the one that failed");
        assert_eq!(world.drain[o0][60], Drain::Active);
        let log = &world.drain_log;
        assert!(log.operations.contains(&(42, o0, "drain", "failed")) && log.operations.contains(&(43, o0, "resume", "conflict")));
        // Restarted when the incident ends: down for one scrape, then counting afresh.
        assert!(!world.up[o0][60] && world.up[o0][59] && world.up[o0][61]);
        let restarts: Vec<usize> = (0..world.steps).filter(|&s| world.restarted(o0, s)).collect();
        assert_eq!(restarts, [0, 61, 139], "start, after the failed drain, after its upgrade");
    }

    #[test]
    fn a_restart_resets_the_nodes_counters() {
        let scenario = scenario();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let catalogue = Catalogue::load(&root.join(crate::pack::layout::CATALOGUE)).unwrap();
        let families = crate::generate::sim::generate(&scenario, &catalogue).unwrap();
        let (before, down, back) = (scenario.time_at(59), scenario.time_at(60), scenario.time_at(61));
        let of_o0 = |labels: &[(String, String)]| labels.iter().any(|(k, v)| k == "node" && v == "o-0");
        let (mut counted, mut reset) = (0, 0);
        for family in families.iter().filter(|f| f.kind == MetricType::Counter) {
            for series in family.series.iter().filter(|s| of_o0(&s.labels)) {
                assert!(series.points.iter().all(|&(t, _)| t != down), "{} has a sample while o-0 is down", series.name);
                for pair in series.points.windows(2) {
                    let ((t0, v0), (t1, v1)) = (pair[0], pair[1]);
                    if t1 - t0 == scenario.step {
                        assert!(v1 >= v0, "{} {:?} decreases at {t1} without a restart", series.name, series.labels);
                    } else if (t0, t1) == (before, back) && v0 > 1.0 {
                        // Above 1: the restart itself may count one event (a leader elected anew).
                        counted += 1;
                        reset += usize::from(v1 < v0);
                    }
                }
            }
        }
        assert!(counted > 10 && reset == counted, "{reset} of {counted} counters of o-0 start over after its restart");
        let up = families.iter().find(|f| f.name == "up").unwrap();
        let up_o0 = up.series.iter().find(|s| of_o0(&s.labels)).unwrap();
        assert!(up_o0.points.contains(&(down, 0.0)) && up_o0.points.contains(&(back, 1.0)), "up records the restart");
    }

    #[test]
    fn a_partition_flaps_then_cuts_the_node_off_and_peers_see_it_leave() {
        let scenario = scenario();
        let world = World::build(&scenario);
        let (p0, p2) = (node(&scenario, "p-0"), node(&scenario, "p-2"));
        let reach = |r: Reach| runs(&world.reach[p2].iter().map(|&x| x == r).collect::<Vec<_>>());
        // The first 35% of the incident flaps, the rest is cut; reachable again when it ends.
        assert_eq!((reach(Reach::Flapping), reach(Reach::Cut)), (vec![(70, 76)], vec![(77, 89)]));
        assert!(world.available(p2, 76) && !world.available(p2, 77) && world.available(p2, 90));
        assert!((77..90).all(|s| !world.reachable(p0, p2, s)) && world.reachable(p0, p2, 69) && world.reachable(p0, p2, 90));
        let view = &world.gossip[p0];
        assert_eq!((view.alive[65], view.left[65], view.unreachable[65]), (5, 0, 0), "all five nodes alive in p-0's view before");
        assert_eq!((view.left[85], view.unreachable[85]), (1, 1), "p-2 has left p-0's view during the cut");
        assert!(view.departures.iter().any(|&(step, subject)| subject == p2 && (70..=77).contains(&step)));
        assert_eq!(view.alive[95], 5, "p-2 is back after the partition");
    }

    #[test]
    fn a_rolling_upgrade_moves_batches_to_the_new_version() {
        let scenario = scenario();
        let world = World::build(&scenario);
        let id = |name: &str| node(&scenario, name);
        // Five nodes, two at a time: three slots of 20 steps from step 100; each node drains, is
        // restarted two steps before its slot ends and runs the new version from the next step.
        for (name, restart) in [("p-0", 118), ("p-2", 138), ("o-0", 138), ("o-1", 158)] {
            let n = id(name);
            assert_eq!(world.drain[n][restart - 1], Drain::Drained, "{name}");
            assert!(!world.up[n][restart] && world.restarted(n, restart + 1), "{name} restarts at step {restart}");
            assert_eq!((world.versions[n][restart].as_str(), world.versions[n][restart + 1].as_str()), ("1.4.2", "1.5.0"), "{name}");
        }
        assert_eq!((world.epochs[id("p-0")][119], world.epochs[id("o-1")][159]), ((42, "canary"), (42, "rollout")));
        assert_eq!(world.epochs[id("p-0")][160], (42, "stable"), "the upgrade's stage ends with the incident");
        // The failed node stays Failed until the upgrade ends, then restarts into the new version.
        let p1 = id("p-1");
        assert_eq!(runs(&world.drain[p1].iter().map(|&d| d == Drain::Failed).collect::<Vec<_>>()), [(102, 158)]);
        assert!(!world.up[p1][159] && world.versions[p1][159] == "1.4.2" && world.versions[p1][160] == "1.5.0");
    }
}
