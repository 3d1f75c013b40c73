//! `gonka-node poc …`: the operator's tools for the Proof-of-Compute function.
//!
//! - `poc distance` prints one nonce's distance and whether it is a hit;
//! - `poc calibrate` measures the hit rate and prints the `r_target` that gives it;
//! - `poc bench` prints a backend's nonces/s and GFLOP/s.

use std::{io::Write, num::NonZeroUsize, path::Path, sync::Arc, time::Duration};

use gonka_primitives::{params, Distance, ModelParams};
use indicatif::{ProgressBar, ProgressStyle};

use crate::engine::{
	self, calibrate::calibrate, cpu::CpuBackend, throughput::measure, Backend, BackendKind, Model,
};

/// The `poc` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum PocCmd {
	/// Print the distance of one nonce and whether it is a hit.
	Distance(DistanceCmd),
	/// Measure the hit rate of a model shape and print the `r_target` that gives it.
	Calibrate(CalibrateCmd),
	/// Measure a backend's throughput (nonces/s and GFLOP/s).
	Bench(BenchCmd),
}

/// Which model shape to use.
#[derive(Debug, Clone, clap::Args)]
pub struct ParamsArg {
	/// `dev`, `testnet`, or the path of a JSON file with `dim`, `layers`, `heads`, `ffn`, `seq`
	/// and `out`.
	#[arg(long, default_value = "dev")]
	pub params: String,
}

/// `poc distance`.
#[derive(Debug, clap::Args)]
pub struct DistanceCmd {
	/// The epoch seed: 32 bytes as 64 hex digits (0x optional).
	#[arg(long)]
	pub seed: String,
	/// The host's account: 32 bytes as 64 hex digits (0x optional).
	#[arg(long)]
	pub account: String,
	/// The nonce.
	#[arg(long)]
	pub nonce: u64,
	#[command(flatten)]
	pub params: ParamsArg,
	/// The hit radius; defaults to the profile's calibrated value.
	#[arg(long)]
	pub r_target: Option<f64>,
}

/// `poc calibrate`.
#[derive(Debug, clap::Args)]
pub struct CalibrateCmd {
	#[command(flatten)]
	pub params: ParamsArg,
	/// The wanted fraction of nonces that are hits.
	#[arg(long, default_value_t = 0.01)]
	pub hit_rate: f64,
	/// Nonces to evaluate.
	#[arg(long, default_value_t = 100_000)]
	pub samples: usize,
	/// Epoch seeds to spread them over.
	#[arg(long, default_value_t = 4)]
	pub seeds: usize,
	/// CPU threads (all cores by default).
	#[arg(long)]
	pub threads: Option<NonZeroUsize>,
}

/// `poc bench`.
#[derive(Debug, clap::Args)]
pub struct BenchCmd {
	#[command(flatten)]
	pub params: ParamsArg,
	/// `cpu` or `cuda`.
	#[arg(long, default_value = "cpu")]
	pub backend: BackendKind,
	/// Seconds to measure for.
	#[arg(long, default_value_t = 10)]
	pub seconds: u64,
	/// CPU threads (all cores by default).
	#[arg(long)]
	pub threads: Option<NonZeroUsize>,
	/// CUDA device ordinals, comma-separated, measured together [default: every GPU].
	#[arg(long, value_name = "ORDINALS", value_delimiter = ',')]
	pub devices: Vec<usize>,
}

/// A model shape and, for the built-in profiles, its calibrated hit radius.
pub fn resolve_params(arg: &str) -> Result<(ModelParams, Option<Distance>), String> {
	match arg {
		"dev" => Ok((ModelParams::DEV, Some(params::DEV_R_TARGET))),
		"testnet" => Ok((ModelParams::TESTNET, Some(params::TESTNET_R_TARGET))),
		path => {
			let text = std::fs::read_to_string(Path::new(path)).map_err(|e| {
				format!("--params: '{path}' is neither `dev`, `testnet` nor a readable file ({e})")
			})?;
			let params: ModelParams = serde_json::from_str(&text)
				.map_err(|e| format!("--params: '{path}' is not a valid params file: {e}"))?;
			params.validate().map_err(|e| format!("--params: '{path}': {e}"))?;
			Ok((params, None))
		}
	}
}

/// 32 bytes from hex, with an error naming the flag and the expected form.
pub fn parse_bytes32(flag: &str, text: &str) -> Result<[u8; 32], String> {
	let digits = text.strip_prefix("0x").unwrap_or(text);
	let bytes = hex::decode(digits)
		.map_err(|e| format!("{flag}: not hex ({e}); expected 64 hex digits, 0x optional"))?;
	let len = bytes.len();
	bytes
		.try_into()
		.map_err(|_| format!("{flag}: expected 32 bytes (64 hex digits), got {len} bytes"))
}

fn bar(length: u64, template: &str) -> ProgressBar {
	let bar = ProgressBar::new(length);
	if let Ok(style) = ProgressStyle::with_template(template) {
		bar.set_style(style);
	}
	bar
}

impl PocCmd {
	/// Runs the command, writing its report to `out`.
	pub fn run(&self, out: &mut dyn Write) -> Result<(), String> {
		match self {
			Self::Distance(cmd) => cmd.report(),
			Self::Calibrate(cmd) => cmd.report(),
			Self::Bench(cmd) => cmd.report(),
		}
		.and_then(|report| writeln!(out, "{report}").map_err(|e| e.to_string()))
	}
}

impl DistanceCmd {
	fn report(&self) -> Result<String, String> {
		let seed = parse_bytes32("--seed", &self.seed)?;
		let account = parse_bytes32("--account", &self.account)?;
		let (params, default_radius) = resolve_params(&self.params.params)?;
		let radius = match self.r_target {
			Some(r) if !(0.0..=2.0).contains(&r) => {
				return Err(format!("--r-target: {r} is outside [0, 2]"))
			}
			Some(r) => Some(Distance::from_f64(r)),
			None => default_radius,
		};
		let model = Model::build(seed, params).map_err(|e| e.to_string())?;
		let backend = CpuBackend::new(Arc::new(model), None);
		let distance = backend.distances(&account, &[self.nonce]).map_err(|e| e.to_string())?[0];
		let units = Distance::from_f64(f64::from(distance));
		let verdict = match radius {
			Some(r) => format!(
				"hit: {} (r_target {:.9})",
				if units.is_hit(r) { "yes" } else { "no" },
				r.as_f64()
			),
			None => "hit: unknown (give --r-target for a params file)".to_string(),
		};
		Ok(format!("distance {:.9} ({} units of 1e-9)\n{verdict}", units.as_f64(), units.0))
	}
}

impl CalibrateCmd {
	fn report(&self) -> Result<String, String> {
		let (params, _) = resolve_params(&self.params.params)?;
		if self.samples < 100 {
			return Err(format!("--samples: {} is too few; use at least 100", self.samples));
		}
		let progress =
			bar(self.samples as u64, "{bar:40} {pos}/{len} nonces ({per_sec}, eta {eta})");
		let result =
			calibrate(params, self.hit_rate, self.samples, self.seeds, self.threads, &|done| {
				progress.set_position(done as u64)
			})
			.map_err(|e| e.to_string())?;
		progress.finish_and_clear();
		Ok(format!(
			"r_target {:.9} ({} units of 1e-9)\nmeasured hit rate {:.5} over {} nonces (wanted {})",
			result.r_target.as_f64(),
			result.r_target.0,
			result.measured_rate,
			result.samples,
			self.hit_rate
		))
	}
}

impl BenchCmd {
	fn report(&self) -> Result<String, String> {
		let (params, _) = resolve_params(&self.params.params)?;
		let build_started = std::time::Instant::now();
		let model = Arc::new(Model::build([0x42; 32], params).map_err(|e| e.to_string())?);
		let build_seconds = build_started.elapsed().as_secs_f64();
		let backend: Box<dyn Backend> = engine::open_backend(
			self.backend,
			model,
			self.threads,
			&self.devices,
			Box::new(|device, error| {
				eprintln!("warning: {device} failed ({error}); the CPU computes its part")
			}),
		)
		.map_err(|e| e.to_string())?;
		let progress = bar(1000, "{bar:40} {msg}");
		progress.set_message(backend.name());
		let result = measure(backend.as_ref(), Duration::from_secs(self.seconds.max(1)), &|f| {
			progress.set_position((f * 1000.0) as u64)
		})
		.map_err(|e| e.to_string())?;
		progress.finish_and_clear();
		Ok(format!(
			"{}: {:.1} nonces/s, {:.1} GFLOP/s ({} nonces in {:.1} s; model built in {:.2} s)",
			backend.name(),
			result.nonces_per_second(),
			result.gflops(),
			result.nonces,
			result.seconds,
			build_seconds
		))
	}
}
