//! Scenario files (`scenarios/*.yaml`): their schema, loading, and validation with located errors.
//!
//! A scenario is a topology (clusters, namespaces, nodes, shards, services) plus a timeline
//! of incidents inside a fixed absolute UTC window. Loading resolves every name reference, so
//! the simulator can index into the topology without further checks.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::diagnostic::{Diagnostic, Location, Position};
use crate::exit::ToolError;
use crate::timestamp::{format_utc, parse_duration_secs, parse_utc};

/// The incident kinds the simulator knows, in the order the docs list them.
pub const INCIDENT_KINDS: &[&str] = &[
    "leader_flap",
    "leaderless_scope",
    "split_brain",
    "gossip_partition",
    "shard_imbalance",
    "rebalance",
    "replication_lag",
    "replication_stall",
    "http3_downgrade",
    "drain",
    "rolling_upgrade",
    "cluster_degraded",
    "telemetry_overflow",
];

/// Node roles as MeshKit gossip metadata spells them.
pub const NODE_ROLES: &[&str] = &["control-plane", "worker"];

/// Cluster states of `mesh_cluster_state`.
pub const CLUSTER_STATES: &[&str] = &["active", "passive", "draining", "degraded"];

pub const GLOBAL_SCOPE: &str = "global-control";

const DEFAULT_ALERT_SETTLE_SECS: i64 = 20 * 60;

// ---- File schema (what users write) -------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSpec {
    name: String,
    #[serde(default)]
    description: String,
    window: WindowSpec,
    scrape_interval: Spanned<String>,
    seed: u64,
    clusters: Vec<ClusterSpec>,
    #[serde(default)]
    incidents: Vec<IncidentSpec>,
    /// How long after an incident's end its alerts may still fire (rate windows draining);
    /// the generated alert tests check that nothing fires outside incidents plus this.
    #[serde(default)]
    alert_settle: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WindowSpec {
    start: Spanned<String>,
    end: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClusterSpec {
    name: Spanned<String>,
    region: String,
    #[serde(default = "default_cluster_state")]
    state: Spanned<String>,
    mesh_version: String,
    /// Clusters this one replicates leases from (cross-cluster replication lag is reported here).
    #[serde(default)]
    replicates_from: Vec<Spanned<String>>,
    namespaces: Vec<NamespaceSpec>,
}

fn default_cluster_state() -> Spanned<String> {
    Spanned::new("active".to_string(), serde_saphyr::Location::UNKNOWN, serde_saphyr::Location::UNKNOWN)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NamespaceSpec {
    name: Spanned<String>,
    shards: Spanned<u32>,
    service: ServiceSpec,
    nodes: Vec<NodeSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ServiceSpec {
    name: String,
    /// The procedure its clients call (one per service keeps series counts small).
    procedure: String,
    requests_per_second: f64,
    #[serde(default = "yes")]
    http3: bool,
    /// Whether gRPC clients get per-endpoint HTTP/3 hints (without them every gRPC call
    /// counts as a fallback while HTTP/3 is enabled, telemetry reference §3.2).
    #[serde(default = "yes")]
    grpc_http3_hints: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NodeSpec {
    id: Spanned<String>,
    role: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IncidentSpec {
    kind: Spanned<String>,
    start: Spanned<String>,
    end: Spanned<String>,
    #[serde(default)]
    target: TargetSpec,
    /// `drain`: `drained` (default), `failed`, or `stuck` (Draining for the whole incident).
    #[serde(default)]
    outcome: Option<Spanned<String>>,
    /// `rolling_upgrade`: the node whose drain fails.
    #[serde(default)]
    failed_node: Option<Spanned<String>>,
    /// `rolling_upgrade`: nodes upgraded at once (default 1).
    #[serde(default)]
    max_unavailable: Option<Spanned<u32>>,
    /// `rolling_upgrade`: the mesh version nodes end on.
    #[serde(default)]
    to_version: Option<String>,
    /// `cluster_degraded`: how many nodes go down (default 1).
    #[serde(default)]
    nodes_down: Option<Spanned<u32>>,
    /// Alerts the incident must raise (checked by the generated promtool tests).
    #[serde(default)]
    expect_alerts: Vec<ExpectedAlertSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedAlertSpec {
    alert: Spanned<String>,
    /// The alert's labels besides `alertname` and the rule's static labels.
    #[serde(default)]
    labels: std::collections::BTreeMap<String, String>,
    /// Time from the incident's start to the first evaluation that reports the alert firing
    /// (`0s` for an alert without `for` that fires at the incident's first evaluation).
    fires_after: Spanned<String>,
    /// The rendered `description` annotation at that evaluation.
    description: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetSpec {
    cluster: Option<Spanned<String>>,
    namespace: Option<Spanned<String>>,
    node: Option<Spanned<String>>,
    scope: Option<Spanned<String>>,
    shard: Option<Spanned<u32>>,
}

// ---- Resolved model (what the simulator uses) --------------------------------------------

/// A validated scenario with every reference resolved to an index.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    pub path: PathBuf,
    pub start: i64,
    pub end: i64,
    pub step: i64,
    pub seed: u64,
    pub clusters: Vec<Cluster>,
    pub namespaces: Vec<Namespace>,
    pub nodes: Vec<Node>,
    pub incidents: Vec<Incident>,
    /// Seconds after an incident's end during which its alerts may still fire.
    pub alert_settle: i64,
}

#[derive(Debug, Clone)]
pub struct Cluster {
    pub name: String,
    pub region: String,
    pub state: String,
    pub mesh_version: String,
    pub replicates_from: Vec<usize>,
    pub namespaces: Vec<usize>,
    pub nodes: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Namespace {
    pub name: String,
    pub cluster: usize,
    pub shards: u32,
    pub service: Service,
    pub nodes: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Service {
    pub name: String,
    pub procedure: String,
    pub requests_per_second: f64,
    pub http3: bool,
    pub grpc_http3_hints: bool,
}

#[derive(Debug, Clone)]
pub struct Node {
    pub id: String,
    pub role: String,
    pub cluster: usize,
    pub namespace: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncidentKind {
    LeaderFlap,
    LeaderlessScope,
    SplitBrain,
    GossipPartition,
    ShardImbalance,
    Rebalance,
    ReplicationLag,
    ReplicationStall,
    Http3Downgrade,
    Drain,
    RollingUpgrade,
    ClusterDegraded,
    TelemetryOverflow,
}

impl IncidentKind {
    fn parse(name: &str) -> Option<Self> {
        use IncidentKind::*;
        let kind = match name {
            "leader_flap" => LeaderFlap,
            "leaderless_scope" => LeaderlessScope,
            "split_brain" => SplitBrain,
            "gossip_partition" => GossipPartition,
            "shard_imbalance" => ShardImbalance,
            "rebalance" => Rebalance,
            "replication_lag" => ReplicationLag,
            "replication_stall" => ReplicationStall,
            "http3_downgrade" => Http3Downgrade,
            "drain" => Drain,
            "rolling_upgrade" => RollingUpgrade,
            "cluster_degraded" => ClusterDegraded,
            "telemetry_overflow" => TelemetryOverflow,
            _ => return None,
        };
        Some(kind)
    }

    pub fn name(self) -> &'static str {
        INCIDENT_KINDS[self as usize]
    }

    /// Which target fields the kind needs, and which it accepts.
    fn target_rule(self) -> TargetRule {
        use IncidentKind::*;
        match self {
            LeaderFlap | SplitBrain => TargetRule { needs: &["cluster"], accepts: &["scope"] },
            LeaderlessScope => TargetRule { needs: &["cluster", "scope"], accepts: &[] },
            GossipPartition | ShardImbalance | Drain | TelemetryOverflow => TargetRule { needs: &["cluster", "node"], accepts: &[] },
            Rebalance | ReplicationLag => TargetRule { needs: &["cluster", "namespace"], accepts: &[] },
            ReplicationStall => TargetRule { needs: &["cluster", "namespace", "shard"], accepts: &[] },
            Http3Downgrade => TargetRule { needs: &["cluster"], accepts: &["namespace"] },
            RollingUpgrade | ClusterDegraded => TargetRule { needs: &["cluster"], accepts: &[] },
        }
    }
}

struct TargetRule {
    needs: &'static [&'static str],
    accepts: &'static [&'static str],
}

/// A leadership scope id: `global-control` or `shard/<namespace>/<shard>`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ScopeRef {
    Global { cluster: usize },
    Shard { namespace: usize, shard: u32 },
}

#[derive(Debug, Clone)]
pub struct Incident {
    pub kind: IncidentKind,
    pub start: i64,
    pub end: i64,
    pub cluster: usize,
    pub namespace: Option<usize>,
    pub node: Option<usize>,
    pub scope: Option<ScopeRef>,
    pub shard: Option<u32>,
    pub drain_outcome: DrainOutcome,
    pub failed_node: Option<usize>,
    pub max_unavailable: u32,
    pub to_version: Option<String>,
    pub nodes_down: u32,
    pub expect_alerts: Vec<ExpectedAlert>,
}

/// How a `drain` incident ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DrainOutcome {
    Drained,
    Failed,
    /// Stays Draining until the incident ends, then completes.
    Stuck,
}

/// An alert an incident must raise: with these labels, first firing `fires_after` seconds
/// after the incident starts, with this description.
#[derive(Debug, Clone)]
pub struct ExpectedAlert {
    pub alert: String,
    pub labels: std::collections::BTreeMap<String, String>,
    pub fires_after: i64,
    pub description: String,
    /// `file:line:col` of the entry, for errors about it.
    pub source: String,
}

impl Incident {
    pub fn contains(&self, t: i64) -> bool {
        t >= self.start && t < self.end
    }
}

impl Scenario {
    /// Number of samples per series (the window sampled every `step`, both ends included).
    pub fn steps(&self) -> usize {
        ((self.end - self.start) / self.step) as usize + 1
    }

    pub fn time_at(&self, step: usize) -> i64 {
        self.start + step as i64 * self.step
    }

    pub fn scope_id(&self, scope: &ScopeRef) -> String {
        match scope {
            ScopeRef::Global { .. } => GLOBAL_SCOPE.to_string(),
            ScopeRef::Shard { namespace, shard } => {
                format!("shard/{}/{}", self.namespaces[*namespace].name, shard)
            }
        }
    }

    /// A human summary of the topology, used by `seed` and in test failures.
    pub fn describe(&self) -> String {
        let mut text = String::new();
        let _ = write!(
            text,
            "{} clusters, {} namespaces, {} nodes, {} incidents, {} .. {} every {}s",
            self.clusters.len(),
            self.namespaces.len(),
            self.nodes.len(),
            self.incidents.len(),
            format_utc(self.start),
            format_utc(self.end),
            self.step
        );
        text
    }
}

// ---- Loading and validation ---------------------------------------------------------------

/// Reads, parses and validates a scenario file. Every problem is reported with
/// `file:line:column`, the field path and what would fix it; all problems at once.
pub fn load(path: &Path, now_unix: i64) -> Result<Scenario, ToolError> {
    let text = std::fs::read_to_string(path).map_err(|err| {
        ToolError::InvalidInput(format!("{}: cannot read scenario: {err}; pass an existing file with --scenario", path.display()))
    })?;
    parse(path, &text, now_unix)
}

/// Parses scenario text; `path` is only used in messages.
pub fn parse(path: &Path, text: &str, now_unix: i64) -> Result<Scenario, ToolError> {
    let spec: FileSpec = serde_saphyr::from_str(text).map_err(|err| {
        let message = err.to_string();
        Diagnostic::new(
            Position::of_yaml_error(&err).in_file(path),
            message.lines().next().unwrap_or("invalid YAML"),
            "see scenarios/reference.yaml for the expected shape",
        )
    })?;
    Resolver { path, problems: Vec::new() }.resolve(spec, now_unix)
}

struct Resolver<'a> {
    path: &'a Path,
    problems: Vec<Diagnostic>,
}

impl Resolver<'_> {
    fn problem<T>(&mut self, at: &Spanned<T>, field: &str, message: impl AsRef<str>) {
        self.problems.push(Diagnostic::without_fix(Position::of_yaml(at).in_file(self.path), format!("{field}: {}", message.as_ref())));
    }

    fn time(&mut self, value: &Spanned<String>, field: &str) -> Option<i64> {
        match parse_utc(&value.value) {
            Ok(t) => Some(t),
            Err(message) => {
                self.problem(value, field, message);
                None
            }
        }
    }

    fn resolve(mut self, spec: FileSpec, now_unix: i64) -> Result<Scenario, ToolError> {
        let start = self.time(&spec.window.start, "window.start");
        let end = self.time(&spec.window.end, "window.end");
        let step = match parse_duration_secs(&spec.scrape_interval.value) {
            Ok(step) => step,
            Err(message) => {
                self.problem(&spec.scrape_interval, "scrape_interval", message);
                60
            }
        };
        if let (Some(start), Some(end)) = (start, end) {
            if end <= start {
                self.problem(&spec.window.end, "window.end", "must be after window.start");
            } else if (end - start) % step != 0 {
                self.problem(
                    &spec.window.end,
                    "window.end",
                    format!("the window ({}s) is not a whole number of scrape intervals ({step}s); move window.end", end - start),
                );
            }
            if start % step != 0 {
                self.problem(
                    &spec.window.start,
                    "window.start",
                    format!("must be aligned to the scrape interval ({step}s) so samples fall on whole intervals"),
                );
            }
            if end > now_unix {
                self.problem(
                    &spec.window.end,
                    "window.end",
                    format!(
                        "{} is in the future (now is {}); Prometheus would drop or misplace future samples — move the window into the past",
                        format_utc(end),
                        format_utc(now_unix)
                    ),
                );
            }
        }

        let mut scenario = Scenario {
            name: spec.name,
            description: spec.description,
            path: self.path.to_path_buf(),
            start: start.unwrap_or(0),
            end: end.unwrap_or(0),
            step,
            seed: spec.seed,
            clusters: Vec::new(),
            namespaces: Vec::new(),
            nodes: Vec::new(),
            incidents: Vec::new(),
            alert_settle: DEFAULT_ALERT_SETTLE_SECS,
        };
        if let Some(settle) = &spec.alert_settle {
            match parse_duration_secs(&settle.value) {
                Ok(secs) => scenario.alert_settle = secs,
                Err(message) => self.problem(settle, "alert_settle", message),
            }
        }
        self.topology(&mut scenario, &spec.clusters);
        for (index, incident) in spec.incidents.iter().enumerate() {
            if let Some(resolved) = self.incident(&scenario, incident, index) {
                scenario.incidents.push(resolved);
            }
        }
        if self.problems.is_empty() {
            Ok(scenario)
        } else {
            Err(ToolError::InvalidInput(format!(
                "{} problem(s) in scenario {}:\n  {}",
                self.problems.len(),
                self.path.display(),
                self.problems.iter().map(Diagnostic::to_string).collect::<Vec<_>>().join("\n  ")
            )))
        }
    }

    fn topology(&mut self, scenario: &mut Scenario, clusters: &[ClusterSpec]) {
        if clusters.is_empty() {
            self.problems.push(Diagnostic::new(
                Location::file_start(self.path),
                "clusters: at least one cluster is needed",
                "add a cluster (see scenarios/reference.yaml)",
            ));
        }
        let mut node_ids = BTreeSet::new();
        for (ci, cluster) in clusters.iter().enumerate() {
            let field = format!("clusters[{ci}]");
            if scenario.clusters.iter().any(|c| c.name == cluster.name.value) {
                self.problem(&cluster.name, &format!("{field}.name"), format!("duplicate cluster `{}`", cluster.name.value));
            }
            if !CLUSTER_STATES.contains(&cluster.state.value.as_str()) {
                self.problem(
                    &cluster.state,
                    &format!("{field}.state"),
                    format!("unknown cluster state `{}`; use one of {}", cluster.state.value, CLUSTER_STATES.join(", ")),
                );
            }
            let cluster_index = scenario.clusters.len();
            let mut resolved = Cluster {
                name: cluster.name.value.clone(),
                region: cluster.region.clone(),
                state: cluster.state.value.clone(),
                mesh_version: cluster.mesh_version.clone(),
                replicates_from: Vec::new(),
                namespaces: Vec::new(),
                nodes: Vec::new(),
            };
            for (ni, namespace) in cluster.namespaces.iter().enumerate() {
                let field = format!("{field}.namespaces[{ni}]");
                if namespace.nodes.is_empty() {
                    self.problem(&namespace.name, &format!("{field}.nodes"), "a namespace needs at least one node");
                }
                if namespace.shards.value == 0 {
                    self.problem(&namespace.shards, &format!("{field}.shards"), "a namespace needs at least one shard");
                }
                let namespace_index = scenario.namespaces.len();
                let mut nodes = Vec::new();
                for (ki, node) in namespace.nodes.iter().enumerate() {
                    let field = format!("{field}.nodes[{ki}]");
                    if !node_ids.insert(node.id.value.clone()) {
                        self.problem(
                            &node.id,
                            &format!("{field}.id"),
                            format!("duplicate node id `{}`; node ids are unique across the mesh", node.id.value),
                        );
                    }
                    if !NODE_ROLES.contains(&node.role.value.as_str()) {
                        self.problem(
                            &node.role,
                            &format!("{field}.role"),
                            format!("unknown role `{}`; use one of {}", node.role.value, NODE_ROLES.join(", ")),
                        );
                    }
                    nodes.push(scenario.nodes.len());
                    resolved.nodes.push(scenario.nodes.len());
                    scenario.nodes.push(Node {
                        id: node.id.value.clone(),
                        role: node.role.value.clone(),
                        cluster: cluster_index,
                        namespace: namespace_index,
                    });
                }
                resolved.namespaces.push(namespace_index);
                scenario.namespaces.push(Namespace {
                    name: namespace.name.value.clone(),
                    cluster: cluster_index,
                    shards: namespace.shards.value,
                    service: Service {
                        name: namespace.service.name.clone(),
                        procedure: namespace.service.procedure.clone(),
                        requests_per_second: namespace.service.requests_per_second,
                        http3: namespace.service.http3,
                        grpc_http3_hints: namespace.service.grpc_http3_hints,
                    },
                    nodes,
                });
            }
            if !resolved.nodes.iter().any(|&n| scenario.nodes[n].role == "control-plane") {
                self.problem(
                    &cluster.name,
                    &format!("{field}.namespaces"),
                    "a cluster needs at least one node with role control-plane (it holds the global-control scope)",
                );
            }
            scenario.clusters.push(resolved);
        }
        for (ci, cluster) in clusters.iter().enumerate() {
            for (ri, source) in cluster.replicates_from.iter().enumerate() {
                match scenario.clusters.iter().position(|c| c.name == source.value) {
                    Some(index) if index != ci => scenario.clusters[ci].replicates_from.push(index),
                    Some(_) => {
                        self.problem(source, &format!("clusters[{ci}].replicates_from[{ri}]"), "a cluster cannot replicate from itself")
                    }
                    None => {
                        let known = names(scenario.clusters.iter().map(|c| c.name.as_str()));
                        self.problem(
                            source,
                            &format!("clusters[{ci}].replicates_from[{ri}]"),
                            format!("unknown cluster `{}`; known clusters: {known}", source.value),
                        );
                    }
                }
            }
        }
    }

    fn incident(&mut self, scenario: &Scenario, spec: &IncidentSpec, index: usize) -> Option<Incident> {
        let field = format!("incidents[{index}]");
        let Some(kind) = IncidentKind::parse(&spec.kind.value) else {
            self.problem(
                &spec.kind,
                &format!("{field}.kind"),
                format!("unknown incident kind `{}`; use one of {}", spec.kind.value, INCIDENT_KINDS.join(", ")),
            );
            return None;
        };
        let start = self.time(&spec.start, &format!("{field}.start"));
        let end = self.time(&spec.end, &format!("{field}.end"));
        if let (Some(start), Some(end)) = (start, end) {
            if end <= start {
                self.problem(&spec.end, &format!("{field}.end"), "must be after the incident's start");
            }
            if start < scenario.start || end > scenario.end {
                self.problem(
                    &spec.start,
                    &format!("{field}.start"),
                    format!(
                        "the incident ({} .. {}) lies outside the window ({} .. {}); move it inside window.start .. window.end",
                        format_utc(start),
                        format_utc(end),
                        format_utc(scenario.start),
                        format_utc(scenario.end)
                    ),
                );
            }
        }

        let rule = kind.target_rule();
        let target = &spec.target;
        let given: [(&str, Option<Position>); 5] = [
            ("cluster", target.cluster.as_ref().map(Position::of_yaml)),
            ("namespace", target.namespace.as_ref().map(Position::of_yaml)),
            ("node", target.node.as_ref().map(Position::of_yaml)),
            ("scope", target.scope.as_ref().map(Position::of_yaml)),
            ("shard", target.shard.as_ref().map(Position::of_yaml)),
        ];
        for (name, position) in given {
            let allowed = rule.needs.contains(&name) || rule.accepts.contains(&name);
            match position {
                None if rule.needs.contains(&name) => {
                    self.problem(&spec.kind, &format!("{field}.target.{name}"), format!("`{}` needs target.{name}", kind.name()))
                }
                Some(position) if !allowed => self.problems.push(Diagnostic::new(
                    position.in_file(self.path),
                    format!("{field}.target.{name}: `{}` does not use target.{name}", kind.name()),
                    format!("remove it (it takes {})", rule.needs.iter().chain(rule.accepts).copied().collect::<Vec<_>>().join(", ")),
                )),
                _ => {}
            }
        }

        let cluster = target.cluster.as_ref().and_then(|name| {
            let found = scenario.clusters.iter().position(|c| c.name == name.value);
            if found.is_none() {
                let known = names(scenario.clusters.iter().map(|c| c.name.as_str()));
                self.problem(
                    name,
                    &format!("{field}.target.cluster"),
                    format!("unknown cluster `{}`; known clusters: {known}", name.value),
                );
            }
            found
        })?;
        let namespace = target.namespace.as_ref().and_then(|name| {
            let in_cluster = &scenario.clusters[cluster].namespaces;
            let found = in_cluster.iter().copied().find(|&n| scenario.namespaces[n].name == name.value);
            if found.is_none() {
                let known = names(in_cluster.iter().map(|&n| scenario.namespaces[n].name.as_str()));
                self.problem(
                    name,
                    &format!("{field}.target.namespace"),
                    format!("unknown namespace `{}` in cluster `{}`; known there: {known}", name.value, scenario.clusters[cluster].name),
                );
            }
            found
        });
        let node = target.node.as_ref().and_then(|id| self.node_in(scenario, cluster, id, &format!("{field}.target.node")));
        let failed_node = spec.failed_node.as_ref().and_then(|id| self.node_in(scenario, cluster, id, &format!("{field}.failed_node")));
        let shard = target.shard.as_ref().and_then(|shard| {
            let limit = namespace.map(|n| scenario.namespaces[n].shards).unwrap_or(0);
            if shard.value >= limit {
                self.problem(
                    shard,
                    &format!("{field}.target.shard"),
                    format!("shard {} does not exist; the namespace has shards 0..{}", shard.value, limit.saturating_sub(1)),
                );
                None
            } else {
                Some(shard.value)
            }
        });
        let scope = match &target.scope {
            None if matches!(kind, IncidentKind::LeaderFlap | IncidentKind::SplitBrain) => Some(ScopeRef::Global { cluster }),
            None => None,
            Some(text) => self.scope(scenario, cluster, text, &format!("{field}.target.scope")),
        };
        let drain_outcome = match spec.outcome.as_ref().map(|o| o.value.as_str()) {
            None | Some("drained") => DrainOutcome::Drained,
            Some("failed") => DrainOutcome::Failed,
            Some("stuck") => DrainOutcome::Stuck,
            Some(_) => {
                self.problem(spec.outcome.as_ref().unwrap(), &format!("{field}.outcome"), "use `drained`, `failed` or `stuck`");
                DrainOutcome::Drained
            }
        };
        let mut expect_alerts = Vec::new();
        for (ai, expected) in spec.expect_alerts.iter().enumerate() {
            let at = format!("{field}.expect_alerts[{ai}]");
            // `0s`: the alert fires at the incident's first evaluation (rules without `for`).
            let zero = matches!(expected.fires_after.value.as_str(), "0" | "0s" | "0m");
            match if zero { Ok(0) } else { parse_duration_secs(&expected.fires_after.value) } {
                Ok(fires_after) => expect_alerts.push(ExpectedAlert {
                    alert: expected.alert.value.clone(),
                    labels: expected.labels.clone(),
                    fires_after,
                    description: expected.description.clone(),
                    source: Position::of_yaml(&expected.alert).in_file(self.path).to_string(),
                }),
                Err(message) => self.problem(&expected.fires_after, &format!("{at}.fires_after"), message),
            }
        }
        let max_unavailable = spec.max_unavailable.as_ref().map(|m| m.value).unwrap_or(1);
        let nodes_down = spec.nodes_down.as_ref().map(|m| m.value).unwrap_or(1);
        if let Some(m) = &spec.max_unavailable {
            if m.value == 0 {
                self.problem(m, &format!("{field}.max_unavailable"), "must be at least 1");
            }
        }
        if let Some(n) = &spec.nodes_down {
            if n.value == 0 || n.value as usize > scenario.clusters[cluster].nodes.len() {
                self.problem(
                    n,
                    &format!("{field}.nodes_down"),
                    format!("must be between 1 and the cluster's {} nodes", scenario.clusters[cluster].nodes.len()),
                );
            }
        }
        Some(Incident {
            kind,
            start: start?,
            end: end?,
            cluster,
            namespace,
            node,
            scope,
            shard,
            drain_outcome,
            failed_node,
            max_unavailable,
            to_version: spec.to_version.clone(),
            nodes_down,
            expect_alerts,
        })
    }

    fn node_in(&mut self, scenario: &Scenario, cluster: usize, id: &Spanned<String>, field: &str) -> Option<usize> {
        let in_cluster = &scenario.clusters[cluster].nodes;
        let found = in_cluster.iter().copied().find(|&n| scenario.nodes[n].id == id.value);
        if found.is_none() {
            let known = names(in_cluster.iter().map(|&n| scenario.nodes[n].id.as_str()));
            self.problem(
                id,
                field,
                format!("unknown node `{}` in cluster `{}`; known there: {known}", id.value, scenario.clusters[cluster].name),
            );
        }
        found
    }

    fn scope(&mut self, scenario: &Scenario, cluster: usize, text: &Spanned<String>, field: &str) -> Option<ScopeRef> {
        if text.value == GLOBAL_SCOPE {
            return Some(ScopeRef::Global { cluster });
        }
        let parsed = text.value.strip_prefix("shard/").and_then(|rest| rest.split_once('/'));
        let resolved = parsed.and_then(|(namespace, shard)| {
            let namespace = scenario.clusters[cluster].namespaces.iter().copied().find(|&n| scenario.namespaces[n].name == namespace)?;
            let shard: u32 = shard.parse().ok()?;
            (shard < scenario.namespaces[namespace].shards).then_some(ScopeRef::Shard { namespace, shard })
        });
        if resolved.is_none() {
            self.problem(text, field, format!(
                "unknown scope `{}` in cluster `{}`; use global-control or shard/<namespace>/<shard> with a namespace of that cluster and an existing shard number",
                text.value, scenario.clusters[cluster].name
            ));
        }
        resolved
    }
}

fn names<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items.collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests;
