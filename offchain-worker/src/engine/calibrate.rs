//! Calibration of `r_target`: the distance below which a chosen fraction of nonces fall.
//!
//! Thanks to the output permutation, the distance distribution depends on the output size and
//! hardly on the particular random model, so a quantile measured over a few seeds holds for
//! every epoch (DESIGN.md §4).

use std::{num::NonZeroUsize, sync::Arc};

use gonka_primitives::{hash_concat, Distance, ModelParams};

use super::{cpu::CpuBackend, Backend, EngineError, Model};

/// The outcome of a calibration.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Calibration {
	/// The radius that gives the requested hit rate.
	pub r_target: Distance,
	/// The fraction of sampled nonces strictly below `r_target`.
	pub measured_rate: f64,
	/// How many nonces were evaluated.
	pub samples: usize,
}

/// Evaluates `samples` nonces spread over `seeds` epoch seeds on the CPU and returns the
/// radius below which a fraction `hit_rate` of them fall. `progress` is told how many nonces
/// are done after each chunk.
pub fn calibrate(
	params: ModelParams,
	hit_rate: f64,
	samples: usize,
	seeds: usize,
	threads: Option<NonZeroUsize>,
	progress: &dyn Fn(usize),
) -> Result<Calibration, EngineError> {
	if !(hit_rate > 0.0 && hit_rate < 1.0) {
		return Err(EngineError::Input(format!("the hit rate must lie in (0, 1), not {hit_rate}")));
	}
	let seeds = seeds.max(1);
	let per_seed = samples.div_ceil(seeds).max(1);
	let mut distances = Vec::with_capacity(per_seed * seeds);
	for s in 0..seeds {
		let seed = hash_concat(&[b"gonka calibration seed", &(s as u64).to_le_bytes()]);
		let model = Model::build(seed, params).map_err(|e| EngineError::Input(e.to_string()))?;
		let backend = CpuBackend::new(Arc::new(model), threads);
		let account = hash_concat(&[b"gonka calibration account", &(s as u64).to_le_bytes()]);
		let chunk = backend.preferred_batch();
		for start in (0..per_seed).step_by(chunk) {
			let nonces: Vec<u64> = (start as u64..(start + chunk).min(per_seed) as u64).collect();
			distances.extend(backend.distances(&account, &nonces)?);
			progress(distances.len());
		}
	}
	let mut units: Vec<Distance> =
		distances.iter().map(|d| Distance::from_f64(f64::from(*d))).collect();
	units.sort_unstable();
	// The radius is the distance of the first nonce that must not be a hit.
	let index = ((hit_rate * units.len() as f64).round() as usize).min(units.len() - 1);
	let r_target = units[index];
	let below = units.partition_point(|d| *d < r_target);
	Ok(Calibration {
		r_target,
		measured_rate: below as f64 / units.len() as f64,
		samples: units.len(),
	})
}
