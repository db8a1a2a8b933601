//! The deterministic MeshKit telemetry simulator: scenario in, OpenMetrics families out.
//!
//! `World` derives the mesh's state over time; one module per telemetry area turns that state
//! into series through the helpers here (counters that reset on restart, histograms with
//! OmniRelay's default bounds, gauges). All randomness is a stateless hash of the scenario seed,
//! the series and the step, so the same scenario always gives the same bytes and adding a
//! series never changes another.

mod cluster;
mod gossip;
mod leadership;
mod peers;
mod registry;
mod replication;
mod shards;
mod transport;
pub mod world;

use crate::exit::ToolError;
use crate::generate::openmetrics::Family;
use crate::pack::catalogue::Catalogue;
use crate::pack::scenario::Scenario;

use registry::{Registry, Values};
use world::World;

/// OpenTelemetry .NET's default explicit bounds, in the instrument's unit (ms for durations).
pub const DEFAULT_BOUNDS: [f64; 15] =
    [0.0, 5.0, 10.0, 25.0, 50.0, 75.0, 100.0, 250.0, 500.0, 750.0, 1000.0, 2500.0, 5000.0, 7500.0, 10000.0];
/// Bounds for the pack's proposed `_seconds` histograms.
pub const SECONDS_BOUNDS: [f64; 10] = [0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0];

/// Generates every family the scenario produces, in catalogue order.
pub fn generate(scenario: &Scenario, catalogue: &Catalogue) -> Result<Vec<Family>, ToolError> {
    let world = World::build(scenario);
    let mut sim = Sim { world: &world, registry: Registry::new(catalogue, &world) };
    gossip::emit(&mut sim);
    leadership::emit(&mut sim);
    shards::emit(&mut sim);
    replication::emit(&mut sim);
    peers::emit(&mut sim);
    transport::emit(&mut sim);
    cluster::emit(&mut sim);
    sim.registry.finish()
}

/// A uniform number in [0, 1) from the seed, a series key and a step.
pub fn noise(seed: u64, key: &str, step: usize) -> f64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for byte in key.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    let mut z = hash ^ seed.rotate_left(17) ^ (step as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// Observations in one scrape interval: how many, and their log-normal shape.
#[derive(Debug, Clone, Copy)]
pub struct Observations {
    pub count: f64,
    pub median: f64,
    pub sigma: f64,
}

impl Observations {
    pub fn none() -> Self {
        Observations { count: 0.0, median: 1.0, sigma: 0.1 }
    }

    fn cdf(&self, bound: f64) -> f64 {
        if bound <= 0.0 {
            return 0.0;
        }
        normal_cdf((bound.ln() - self.median.ln()) / self.sigma)
    }

    fn mean(&self) -> f64 {
        self.median * (self.sigma * self.sigma / 2.0).exp()
    }
}

fn normal_cdf(z: f64) -> f64 {
    // Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), enough for bucket shares.
    let x = z.abs() / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * x);
    let poly = t * (0.254_829_592 + t * (-0.284_496_736 + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let erf = 1.0 - poly * (-x * x).exp();
    if z >= 0.0 {
        0.5 * (1.0 + erf)
    } else {
        0.5 * (1.0 - erf)
    }
}

/// Whether a series appears from the start or only once first incremented (OpenTelemetry
/// exports a label set only after its first measurement).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Appears {
    Always,
    OnFirstIncrement,
}

pub struct Sim<'a> {
    pub world: &'a World<'a>,
    registry: Registry<'a>,
}

impl<'a> Sim<'a> {
    pub fn seed(&self) -> u64 {
        self.world.scenario.seed
    }

    pub fn steps(&self) -> usize {
        self.world.steps
    }

    /// Step length in seconds.
    pub fn step_secs(&self) -> f64 {
        self.world.scenario.step as f64
    }

    /// `1 ± spread`, varying per series and step.
    pub fn jitter(&self, key: &str, step: usize, spread: f64) -> f64 {
        1.0 + spread * (2.0 * noise(self.seed(), key, step) - 1.0)
    }

    pub fn gauge(&mut self, name: &str, node: usize, labels: &[(&str, &str)], value: impl Fn(usize) -> Option<f64>) {
        let values: Values = (0..self.steps()).map(|step| value(step).map(|v| (v * 1000.0).round() / 1000.0)).collect();
        self.registry.put(name, node, labels, values);
    }

    /// A counter from expected increments per step; integral, monotonic, reset on restart.
    pub fn counter(&mut self, name: &str, node: usize, labels: &[(&str, &str)], appears: Appears, increment: impl Fn(usize) -> f64) {
        let mut total = 0.0f64;
        let mut values = Vec::with_capacity(self.steps());
        for step in 0..self.steps() {
            if self.world.restarted(node, step) {
                total = 0.0;
            }
            if !self.world.up[node][step] {
                values.push(None);
                continue;
            }
            total += increment(step).max(0.0);
            let value = total.floor();
            values.push((appears == Appears::Always || value > 0.0).then_some(value));
        }
        if values.iter().any(Option::is_some) {
            self.registry.put(name, node, labels, values);
        }
    }

    /// A histogram family (`_bucket` per bound and `+Inf`, `_count`, `_sum`); reset on restart.
    pub fn histogram(
        &mut self,
        name: &str,
        node: usize,
        labels: &[(&str, &str)],
        bounds: &[f64],
        appears: Appears,
        observe: impl Fn(usize) -> Observations,
    ) {
        let steps = self.steps();
        let mut buckets = vec![vec![None; steps]; bounds.len() + 1];
        let mut count_series = vec![None; steps];
        let mut sum_series = vec![None; steps];
        let mut cumulative = vec![0.0f64; bounds.len() + 1];
        let mut sum = 0.0f64;
        for step in 0..steps {
            if self.world.restarted(node, step) {
                cumulative.iter_mut().for_each(|c| *c = 0.0);
                sum = 0.0;
            }
            if !self.world.up[node][step] {
                continue;
            }
            let obs = observe(step);
            let n = obs.count.max(0.0).round();
            if n > 0.0 {
                for (index, bound) in bounds.iter().enumerate() {
                    cumulative[index] += (n * obs.cdf(*bound)).round();
                }
                cumulative[bounds.len()] += n;
                sum += n * obs.mean();
            }
            let total = cumulative[bounds.len()];
            if appears == Appears::OnFirstIncrement && total == 0.0 {
                continue;
            }
            for (index, series) in buckets.iter_mut().enumerate() {
                series[step] = Some(cumulative[index]);
            }
            count_series[step] = Some(total);
            sum_series[step] = Some((sum * 1000.0).round() / 1000.0);
        }
        if count_series.iter().all(Option::is_none) {
            return;
        }
        for (index, series) in buckets.into_iter().enumerate() {
            let le = bounds.get(index).map(|b| format_bound(*b)).unwrap_or_else(|| "+Inf".to_string());
            let mut with_le: Vec<(&str, &str)> = labels.to_vec();
            with_le.push(("le", &le));
            self.registry.put(&format!("{name}_bucket"), node, &with_le, series);
        }
        self.registry.put(&format!("{name}_count"), node, labels, count_series);
        self.registry.put(&format!("{name}_sum"), node, labels, sum_series);
    }
}

fn format_bound(bound: f64) -> String {
    if bound.fract() == 0.0 {
        format!("{}", bound as i64)
    } else {
        format!("{bound}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noise_is_stable_and_uniform() {
        assert_eq!(noise(7, "a", 3), noise(7, "a", 3));
        assert_ne!(noise(7, "a", 3), noise(7, "a", 4));
        let mean: f64 = (0..10_000).map(|i| noise(1, "x", i)).sum::<f64>() / 10_000.0;
        assert!((mean - 0.5).abs() < 0.02, "{mean}");
    }

    #[test]
    fn normal_cdf_matches_known_points() {
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-7);
        assert!((normal_cdf(1.644_853_6) - 0.95).abs() < 1e-6);
        assert!((normal_cdf(-2.326_347_9) - 0.01).abs() < 1e-6);
    }
}
