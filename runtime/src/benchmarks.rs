//! The pallets whose benchmarks the runtime runs (`frame-omni-bencher v1 benchmark pallet`,
//! see `make weights`).

// The names below are resolved where the macros this defines expand: `apis.rs`.
frame_benchmarking::define_benchmarks!(
	[frame_benchmarking, BaselineBench::<Runtime>]
	[frame_system, SystemBench::<Runtime>]
	[pallet_sprint, Sprint]
	[pallet_proof_of_compute, ProofOfCompute]
	[pallet_host_reputation, HostReputation]
	[pallet_community_pool, CommunityPool]
	[pallet_treasury_for_training, TreasuryForTraining]
	[pallet_inference, Inference]
);

impl frame_system_benchmarking::Config for crate::Runtime {}
impl frame_benchmarking::baseline::Config for crate::Runtime {}
