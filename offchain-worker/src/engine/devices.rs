//! Several devices as one backend: each call's nonces are cut into contiguous parts in
//! proportion to each device's preferred batch, the parts are computed at once, one thread
//! per device, and their distances joined in nonce order, so the result is exactly what one
//! device would give.
//!
//! A device that fails (a [`EngineError::Device`] or [`EngineError::Unavailable`] error, a
//! panic, a wrong number of distances, or, when it opens, results that stray from the CPU's)
//! hands its part to the CPU, which recomputes it in the same call, so no nonce is lost; from
//! then on the devices left share its work, and once none is left the CPU computes alone,
//! until the backend is dropped at the Sprint's end.

use std::sync::{
	atomic::{AtomicBool, Ordering},
	Arc,
};

use super::{cpu::CpuBackend, Account, Backend, EngineError, Model};

/// Hears once of each device that fails, with its id and the error, as the CPU takes its place.
pub type OnFallback = Box<dyn Fn(&str, &EngineError) + Send + Sync>;

/// A device to compute on: its id in logs and metrics (`cuda:2`) and its backend, or why it
/// could not be opened.
pub struct Device {
	/// The device's id in logs and metrics.
	pub id: String,
	/// The opened backend, or why it could not be opened.
	pub backend: Result<Box<dyn Backend>, EngineError>,
}

/// A device that computes until it fails.
struct Member {
	id: String,
	backend: Box<dyn Backend>,
	failed: AtomicBool,
}

/// Who computes a part of a call's nonces.
#[derive(Clone, Copy)]
enum Worker<'a> {
	Device(&'a Member),
	Cpu,
}

/// Several devices as one backend; see the module documentation.
pub struct Devices {
	members: Vec<Member>,
	cpu: CpuBackend,
	on_fallback: OnFallback,
}

impl Devices {
	/// Computes on `devices`, with `cpu` to take the place of any that fails; `on_fallback`
	/// hears of each device that could not be opened at once, and of the others when they
	/// fail. Every device must evaluate `cpu`'s model.
	pub fn new(
		devices: Vec<Device>,
		cpu: CpuBackend,
		on_fallback: OnFallback,
	) -> Result<Self, EngineError> {
		if devices.is_empty() {
			return Err(EngineError::Input("no device to compute on".into()));
		}
		let mut members = Vec::with_capacity(devices.len());
		for Device { id, backend } in devices {
			match backend {
				Ok(backend) if Arc::ptr_eq(backend.model(), cpu.model()) => {
					members.push(Member { id, backend, failed: AtomicBool::new(false) })
				}
				Ok(_) => return Err(EngineError::Input(format!("{id} evaluates another model"))),
				Err(error) if falls_back(&error) => {
					on_fallback(&id, &error);
				}
				Err(error) => return Err(error),
			}
		}
		Ok(Self { members, cpu, on_fallback })
	}

	/// The devices still computing or, once none is, the CPU. A CPU beside GPUs would hold
	/// them up: parts follow preferred batches, not speed, and a CPU part of a GPU's size takes
	/// tens of times longer; the GPUs left take a failed one's share instead.
	fn workers(&self) -> Vec<Worker<'_>> {
		let devices: Vec<_> = self
			.members
			.iter()
			.filter(|member| !member.failed.load(Ordering::Relaxed))
			.map(Worker::Device)
			.collect();
		// `new` refuses an empty list, so no device left means every one failed.
		if devices.is_empty() {
			return vec![Worker::Cpu];
		}
		devices
	}

	/// The backend that computes `worker`'s parts.
	fn backend_of<'a>(&'a self, worker: Worker<'a>) -> &'a dyn Backend {
		match worker {
			Worker::Device(member) => &*member.backend,
			Worker::Cpu => &self.cpu,
		}
	}

	/// `worker`'s distances of `part` (none asked of it when `part` is empty); a miscount is a
	/// device error.
	fn compute(
		&self,
		worker: Worker<'_>,
		account: &Account,
		part: &[u64],
	) -> Result<Vec<f32>, EngineError> {
		if part.is_empty() {
			return Ok(Vec::new());
		}
		let distances = self.backend_of(worker).distances(account, part)?;
		if distances.len() != part.len() {
			return Err(EngineError::Device(format!(
				"{} distances for {} nonces",
				distances.len(),
				part.len()
			)));
		}
		Ok(distances)
	}

	/// `member` computes no more (the others, or the CPU once none is left, take its share):
	/// reported once, when it first fails.
	fn fall_back(&self, member: &Member, error: &EngineError) {
		if !member.failed.swap(true, Ordering::Relaxed) {
			(self.on_fallback)(&member.id, error);
		}
	}
}

/// Whether `error` is the device's fault, so that the CPU can compute instead.
fn falls_back(error: &EngineError) -> bool {
	matches!(error, EngineError::Device(_) | EngineError::Unavailable(_))
}

/// `nonces` cut into one contiguous part per weight, in order, each in proportion to its
/// weight (all the nonces when every weight is zero go to the last part).
fn split<'a>(nonces: &'a [u64], weights: &[usize]) -> Vec<&'a [u64]> {
	let total: u128 = weights.iter().map(|&weight| weight as u128).sum::<u128>().max(1);
	let mut parts = Vec::with_capacity(weights.len());
	let mut rest = nonces;
	let mut weight_before = 0u128;
	let mut cut_before = 0usize;
	for (index, &weight) in weights.iter().enumerate() {
		weight_before += weight as u128;
		let cut = if index + 1 == weights.len() {
			nonces.len()
		} else {
			(nonces.len() as u128 * weight_before / total) as usize
		};
		let (part, after) = rest.split_at(cut - cut_before);
		parts.push(part);
		rest = after;
		cut_before = cut;
	}
	parts
}

impl Backend for Devices {
	fn name(&self) -> String {
		let names: Vec<String> =
			self.workers().into_iter().map(|worker| self.backend_of(worker).name()).collect();
		names.join(" + ")
	}

	fn model(&self) -> &Arc<Model> {
		self.cpu.model()
	}

	fn preferred_batch(&self) -> usize {
		self.workers().into_iter().map(|worker| self.backend_of(worker).preferred_batch()).sum()
	}

	fn distances(&self, account: &Account, nonces: &[u64]) -> Result<Vec<f32>, EngineError> {
		let workers = self.workers();
		let weights: Vec<usize> = workers
			.iter()
			.map(|&worker| self.backend_of(worker).preferred_batch().max(1))
			.collect();
		let parts = split(nonces, &weights);
		let results: Vec<Result<Vec<f32>, EngineError>> = std::thread::scope(|scope| {
			let handles: Vec<_> = workers
				.iter()
				.zip(&parts)
				.map(|(&worker, part)| scope.spawn(move || self.compute(worker, account, part)))
				.collect();
			handles
				.into_iter()
				.map(|handle| {
					handle
						.join()
						.unwrap_or_else(|_| Err(EngineError::Device("its thread panicked".into())))
				})
				.collect()
		});
		let mut distances = Vec::with_capacity(nonces.len());
		for ((worker, part), result) in workers.into_iter().zip(parts).zip(results) {
			let part_distances = match (worker, result) {
				(Worker::Device(member), Err(error)) if falls_back(&error) => {
					self.fall_back(member, &error);
					self.compute(Worker::Cpu, account, part)?
				}
				(_, result) => result?,
			};
			distances.extend(part_distances);
		}
		Ok(distances)
	}
}

/// The GPUs to open on a machine with `count` of them: `chosen`, or every one when none is.
pub fn select(chosen: &[usize], count: usize) -> Result<Vec<usize>, EngineError> {
	if count == 0 {
		return Err(EngineError::Unavailable("the NVIDIA driver reports no GPU".into()));
	}
	if chosen.is_empty() {
		return Ok((0..count).collect());
	}
	for (index, &ordinal) in chosen.iter().enumerate() {
		if ordinal >= count {
			return Err(EngineError::Input(format!(
				"GPU {ordinal} does not exist: this machine has {count} (0 to {})",
				count - 1
			)));
		}
		if chosen[..index].contains(&ordinal) {
			return Err(EngineError::Input(format!("GPU {ordinal} is chosen twice")));
		}
	}
	Ok(chosen.to_vec())
}

/// How far a GPU's distances may stray from the CPU's when it opens (the tests' contract).
const SELF_CHECK_TOLERANCE: f32 = 1e-4;

/// Nonces each GPU computes beside the CPU when it opens.
const SELF_CHECK_NONCES: usize = 32;

/// Opens the GPUs `chosen` (every one when none is) for `model`, as one backend whose CPU
/// (`threads`) takes the place of any GPU that fails, even to open. Each GPU first passes
/// [`self_check`]: a GPU whose results stray (a driver or kernel bug) would commit leaves its
/// validators reject, and its host would be slashed as a cheat.
#[cfg(feature = "cuda")]
pub fn open_cuda(
	model: Arc<Model>,
	threads: Option<std::num::NonZeroUsize>,
	chosen: &[usize],
	on_fallback: OnFallback,
) -> Result<Devices, EngineError> {
	use super::cuda::{probe, CudaBackend};
	let cpu = CpuBackend::new(model.clone(), threads);
	let devices = select(chosen, probe()?)?
		.into_iter()
		.map(|ordinal| Device {
			id: format!("cuda:{ordinal}"),
			backend: CudaBackend::new(model.clone(), ordinal).and_then(|gpu| {
				self_check(&gpu, &cpu)?;
				Ok(Box::new(gpu) as Box<dyn Backend>)
			}),
		})
		.collect();
	Devices::new(devices, cpu, on_fallback)
}

/// Runs one call's worth of nonces (`preferred_batch`) on `gpu`, so that every lane runs a
/// full batch launch by launch and then through the CUDA graph captured from it, and
/// compares [`SELF_CHECK_NONCES`] of them, spread over every batch, with the CPU's; every
/// distance must be finite.
pub fn self_check(gpu: &dyn Backend, cpu: &CpuBackend) -> Result<(), EngineError> {
	let nonces: Vec<u64> = (0..gpu.preferred_batch().max(1) as u64).map(|i| u64::MAX - i).collect();
	let got = gpu.distances(&[0; 32], &nonces)?;
	if got.len() != nonces.len() || got.iter().any(|d| !d.is_finite()) {
		return Err(EngineError::Device("it returned missing or non-finite distances".into()));
	}
	let last = nonces.len() - 1;
	let picked: Vec<usize> =
		(0..SELF_CHECK_NONCES).map(|k| k * last / (SELF_CHECK_NONCES - 1)).collect();
	let sample: Vec<u64> = picked.iter().map(|&i| nonces[i]).collect();
	let expected = cpu.distances(&[0; 32], &sample)?;
	let worst =
		picked.iter().zip(&expected).map(|(&i, cpu)| (cpu - got[i]).abs()).fold(0.0f32, f32::max);
	if worst > SELF_CHECK_TOLERANCE {
		return Err(EngineError::Device(format!(
			"its distances stray {worst:e} from the CPU's (at most {SELF_CHECK_TOLERANCE:e} \
			 allowed)"
		)));
	}
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;

	/// Guards the speed of a mixed host: a part out of proportion (a GPU's share given to the
	/// CPU that replaced a slower one, say) leaves every other device waiting for it.
	#[test]
	fn parts_follow_the_weights_and_cover_every_nonce_once_in_order() {
		let nonces: Vec<u64> = (100..110).collect();
		let parts = split(&nonces, &[1, 3, 1]);
		assert_eq!(parts.iter().map(|part| part.len()).collect::<Vec<_>>(), [2, 6, 2]);
		assert_eq!(parts.concat(), nonces);
		let uneven = split(&nonces, &[2, 1]);
		assert_eq!(uneven.iter().map(|part| part.len()).collect::<Vec<_>>(), [6, 4]);
		assert_eq!(split(&[], &[4, 4]), [&[] as &[u64], &[]]);
	}
}
