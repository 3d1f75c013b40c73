//! The GPU tests' switch. Without a GPU (or NVRTC) a GPU test says why and skips; with
//! `GONKA_REQUIRE_GPU=1` (the device check, `benchmarks/device-check.sh`) it fails instead,
//! so that a machine whose GPU is not found cannot pass for one whose GPU was tested. The
//! NVRTC-only tests fail without NVRTC under `GONKA_REQUIRE_NVRTC=1` (`make test`).

/// Whether the GPU tests must fail, not skip, without a GPU.
pub fn gpu_required() -> bool {
	std::env::var_os("GONKA_REQUIRE_GPU").is_some_and(|value| value != "0")
}

/// The number of GPUs to test on, or `None` after saying why there is none; panics with the
/// reason when `GONKA_REQUIRE_GPU` is set.
pub fn gpus() -> Option<usize> {
	match super::probe() {
		Ok(count) => Some(count),
		Err(why) if gpu_required() => panic!("GONKA_REQUIRE_GPU is set, but: {why}"),
		Err(why) => {
			eprintln!("SKIPPED: no usable GPU here ({why})");
			None
		}
	}
}

/// Whether NVRTC is here to compile kernels, after saying why not; panics when
/// `GONKA_REQUIRE_NVRTC` or `GONKA_REQUIRE_GPU` is set and it is not.
pub fn nvrtc() -> bool {
	if super::nvrtc_present() {
		return true;
	}
	let required = gpu_required() || std::env::var_os("GONKA_REQUIRE_NVRTC").is_some();
	assert!(!required, "NVRTC (libnvrtc.so.12) is required but was not found");
	eprintln!("SKIPPED: NVRTC (libnvrtc.so.12) not found; `make test` provides it");
	false
}
