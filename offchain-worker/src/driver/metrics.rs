//! The worker's Prometheus metrics, on the node's `/metrics` endpoint (`--prometheus-port`).

use std::time::Duration;

use gonka_primitives::sprint::Phase;
use substrate_prometheus_endpoint::{
	register, Counter, CounterVec, Gauge, Opts, PrometheusError, Registry, F64, U64,
};

/// The metrics, cheap to clone (every clone updates the same series).
#[derive(Clone)]
pub struct Metrics {
	nonces: Counter<U64>,
	nonces_per_second: Gauge<F64>,
	hits: Gauge<U64>,
	epoch: Gauge<U64>,
	phase: Gauge<U64>,
	submissions: CounterVec<U64>,
	device_fallbacks: CounterVec<U64>,
}

impl Metrics {
	/// Registers the metrics with `registry`.
	pub fn register(registry: &Registry) -> Result<Self, PrometheusError> {
		Ok(Self {
			nonces: register(
				Counter::new("gonka_compute_nonces_total", "Nonces evaluated by the Sprint search")?,
				registry,
			)?,
			nonces_per_second: register(
				Gauge::new(
					"gonka_compute_nonces_per_second",
					"Nonces per second of the last searched batch",
				)?,
				registry,
			)?,
			hits: register(
				Gauge::new("gonka_compute_hits", "Hits found in the epoch in progress")?,
				registry,
			)?,
			epoch: register(
				Gauge::new("gonka_compute_epoch", "The epoch the worker follows")?,
				registry,
			)?,
			phase: register(
				Gauge::new(
					"gonka_compute_phase",
					"The epoch's phase: 0 Sprint, 1 Commit, 2 Reveal, 3 Validate, 4 Settle, 5 Inference",
				)?,
				registry,
			)?,
			submissions: register(
				CounterVec::new(
					Opts::new(
						"gonka_compute_submissions_total",
						"Signed submissions by step (commit, reveal, attest) and result (ok, failed)",
					),
					&["step", "result"],
				)?,
				registry,
			)?,
			device_fallbacks: register(
				CounterVec::new(
					Opts::new(
						"gonka_compute_device_fallbacks_total",
						"Devices whose part of the Sprint search fell back to the CPU, by device",
					),
					&["device"],
				)?,
				registry,
			)?,
		})
	}

	/// A batch of `nonces` was searched in `took`, finding `hits`.
	pub fn searched(&self, nonces: u64, hits: u64, took: Duration) {
		self.nonces.inc_by(nonces);
		self.hits.add(hits);
		self.nonces_per_second.set(nonces as f64 / took.as_secs_f64().max(1e-9));
	}

	/// The worker follows `epoch`, now in `phase`.
	pub fn phase(&self, epoch: u64, phase: Phase) {
		self.epoch.set(epoch);
		self.phase.set(Phase::ALL.iter().position(|p| *p == phase).unwrap_or_default() as u64);
	}

	/// A search starts with `hits` already found in its epoch (none, or before a restart).
	pub fn search_started(&self, hits: u64) {
		self.hits.set(hits);
	}

	/// A `step` submission was accepted by the pool (`ok`) or refused.
	pub fn submitted(&self, step: &str, ok: bool) {
		self.submissions.with_label_values(&[step, if ok { "ok" } else { "failed" }]).inc();
	}

	/// `device` failed, and the CPU computes its part of the search for the rest of the Sprint.
	pub fn device_fallback(&self, device: &str) {
		self.device_fallbacks.with_label_values(&[device]).inc();
	}
}
