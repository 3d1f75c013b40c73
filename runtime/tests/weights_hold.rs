//! Weights that hold (issue 21): every benchmark of the project's six pallets, each call's and
//! each hook's, executed on the development runtime at every corner of its components (each
//! component at its lowest and highest value, so the worst case among them), with the storage
//! reads and writes counted as `frame-omni-bencher` counts them: a tracking
//! `BenchmarkingState` under the externalities, whitelisted keys (block number, events, …)
//! not counted. Each count is compared with what the pallet's `weights.rs` declares for the
//! same components. A call changed to read or write more than its generated weight says fails
//! here until `make weights` is run again; a call without a benchmark fails too.
//!
//! The declared counts are read off the generated functions themselves: they are evaluated
//! for a one-pallet runtime whose database weight is set per question (a read costing one
//! unit and a write nothing, then the other way round), so that the reads and writes come
//! apart from the computation time.

// A test: failing loudly is what it is for.
#![allow(clippy::expect_used, clippy::arithmetic_side_effects)]

use frame_benchmarking::{
	runtime_decl_for_benchmark::BenchmarkV2, BenchmarkBatch, BenchmarkConfig, BenchmarkParameter,
	BenchmarkResult,
};
use frame_support::{
	derive_impl,
	traits::{GetCallName, StorageInfo},
	weights::RuntimeDbWeight,
};
use gonka_runtime::{genesis_config_presets::development_genesis, Block, Runtime};
use sc_client_db::BenchmarkingState;
use sp_externalities::Extensions;
use sp_keystore::{testing::MemoryKeystore, KeystoreExt};
use sp_runtime::{traits::BlakeTwo256, BuildStorage, Weight};
use sp_state_machine::{Ext, OverlayedChanges};

/// A runtime with nothing but `frame_system`, whose database weight a test sets: the generated
/// weight functions are generic over the runtime and read only its `DbWeight`.
mod counting {
	use super::*;

	frame_support::parameter_types! {
		pub static CountingDbWeight: RuntimeDbWeight = RuntimeDbWeight { read: 0, write: 0 };
	}

	frame_support::construct_runtime!(
		pub enum Counting {
			System: frame_system,
		}
	);

	#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
	impl frame_system::Config for Counting {
		type Block = frame_system::mocking::MockBlock<Counting>;
		type DbWeight = CountingDbWeight;
	}
}
use counting::{Counting, CountingDbWeight};

/// The storage reads and writes a weight declares.
fn declared_storage_work(weight: impl Fn() -> Weight) -> (u64, u64) {
	let with = |read, write| {
		CountingDbWeight::set(RuntimeDbWeight { read, write });
		weight().ref_time()
	};
	let base = with(0, 0);
	(with(1, 0) - base, with(0, 1) - base)
}

/// What the pallet's `weights.rs` declares for one benchmark at the given components, or
/// `None` for a benchmark it has no function for.
fn declared_weight(
	pallet: &str,
	benchmark: &str,
	components: &[(BenchmarkParameter, u32)],
) -> Option<Weight> {
	use pallet_community_pool::WeightInfo as _;
	use pallet_host_reputation::WeightInfo as _;
	use pallet_inference::WeightInfo as _;
	use pallet_proof_of_compute::WeightInfo as _;
	use pallet_sprint::WeightInfo as _;
	use pallet_treasury_for_training::WeightInfo as _;
	type Sprint = pallet_sprint::weights::SubstrateWeight<Counting>;
	type Poc = pallet_proof_of_compute::weights::SubstrateWeight<Counting>;
	type Hosts = pallet_host_reputation::weights::SubstrateWeight<Counting>;
	type Pool = pallet_community_pool::weights::SubstrateWeight<Counting>;
	type Treasury = pallet_treasury_for_training::weights::SubstrateWeight<Counting>;
	type Market = pallet_inference::weights::SubstrateWeight<Counting>;

	let c = |name: BenchmarkParameter| {
		components.iter().find(|(p, _)| *p == name).map_or(0, |(_, value)| *value)
	};
	use BenchmarkParameter::{h, k, l, m, n, v};
	Some(match (pallet, benchmark) {
		("pallet_sprint", "set_emission") => Sprint::set_emission(),
		("pallet_sprint", "set_params") => Sprint::set_params(),
		("pallet_sprint", "advance_within_phase") => Sprint::advance_within_phase(),
		("pallet_sprint", "enter_phase") => Sprint::enter_phase(),
		("pallet_sprint", "start_epoch") => Sprint::start_epoch(),
		("pallet_proof_of_compute", "commit") => Poc::commit(),
		("pallet_proof_of_compute", "reveal") => Poc::reveal(c(l)),
		("pallet_proof_of_compute", "attest") => Poc::attest(c(v)),
		("pallet_proof_of_compute", "open_attestation") => Poc::open_attestation(),
		("pallet_proof_of_compute", "settle") => Poc::settle(c(h)),
		("pallet_proof_of_compute", "pay") => Poc::pay(c(h)),
		("pallet_proof_of_compute", "clean_up") => Poc::clean_up(c(k)),
		("pallet_host_reputation", "register_host") => Hosts::register_host(),
		("pallet_host_reputation", "add_collateral") => Hosts::add_collateral(),
		("pallet_host_reputation", "set_host_info") => Hosts::set_host_info(),
		("pallet_host_reputation", "unregister") => Hosts::unregister(),
		("pallet_host_reputation", "withdraw_collateral") => Hosts::withdraw_collateral(),
		("pallet_host_reputation", "set_operator") => Hosts::set_operator(),
		("pallet_host_reputation", "remove_operator") => Hosts::remove_operator(),
		("pallet_host_reputation", "resign_operator") => Hosts::resign_operator(),
		("pallet_host_reputation", "set_params") => Hosts::set_params(),
		("pallet_host_reputation", "check_downtime") => Hosts::check_downtime(c(n)),
		("pallet_community_pool", "propose") => Pool::propose(),
		("pallet_community_pool", "vote") => Pool::vote(),
		("pallet_community_pool", "close") => Pool::close(c(v)),
		("pallet_community_pool", "enact") => Pool::enact(),
		("pallet_community_pool", "authorize_upgrade") => Pool::authorize_upgrade(),
		("pallet_community_pool", "set_params") => Pool::set_params(),
		("pallet_community_pool", "spend") => Pool::spend(),
		("pallet_inference", "register_model") => Market::register_model(),
		("pallet_inference", "serve") => Market::serve(),
		("pallet_inference", "stop_serving") => Market::stop_serving(),
		("pallet_inference", "deposit") => Market::deposit(),
		("pallet_inference", "unlock") => Market::unlock(),
		("pallet_inference", "withdraw") => Market::withdraw(),
		("pallet_inference", "finish") => Market::finish(c(n)),
		("pallet_inference", "sample") => Market::sample(c(n)),
		("pallet_inference", "recheck") => Market::recheck(),
		("pallet_inference", "vote") => Market::vote(),
		("pallet_inference", "close_expired") => Market::close_expired(),
		("pallet_inference", "set_params") => Market::set_params(),
		("pallet_inference", "reprice") => Market::reprice(c(m)),
		("pallet_inference", "refresh_draws") => Market::refresh_draws(c(m)),
		("pallet_inference", "prune_nonce") => Market::prune_nonce(),
		("pallet_treasury_for_training", "grant") => Treasury::grant(),
		_ => return None,
	})
}

/// The project's pallets, by the names the runtime's benchmarks know them by, with their
/// calls' names.
fn pallets() -> Vec<(&'static str, &'static [&'static str])> {
	vec![
		("pallet_sprint", pallet_sprint::Call::<Runtime>::get_call_names()),
		("pallet_proof_of_compute", pallet_proof_of_compute::Call::<Runtime>::get_call_names()),
		("pallet_host_reputation", pallet_host_reputation::Call::<Runtime>::get_call_names()),
		("pallet_community_pool", pallet_community_pool::Call::<Runtime>::get_call_names()),
		(
			"pallet_treasury_for_training",
			pallet_treasury_for_training::Call::<Runtime>::get_call_names(),
		),
		("pallet_inference", pallet_inference::Call::<Runtime>::get_call_names()),
	]
}

/// Every corner of a benchmark's components: each at its lowest or highest value.
fn corners(components: &[(BenchmarkParameter, u32, u32)]) -> Vec<Vec<(BenchmarkParameter, u32)>> {
	components.iter().fold(vec![vec![]], |corners, &(parameter, low, high)| {
		corners
			.into_iter()
			.flat_map(|corner| {
				let mut values = vec![low, high];
				values.dedup();
				values.into_iter().map(move |value| {
					let mut corner = corner.clone();
					corner.push((parameter, value));
					corner
				})
			})
			.collect()
	})
}

/// Runs one benchmark once as `frame-omni-bencher` measures it: on a fresh tracking database
/// holding the development genesis, with a keystore, without its verification (which reads
/// storage of its own; the pallets' benchmark tests run it).
fn run_benchmark(
	pallet: &str,
	instance: &[u8],
	benchmark: &[u8],
	components: Vec<(BenchmarkParameter, u32)>,
) -> BenchmarkResult {
	let genesis = development_storage();
	let state = BenchmarkingState::<BlakeTwo256>::new(genesis, None, false, true)
		.expect("a benchmarking database");
	let mut overlay = OverlayedChanges::default();
	overlay.enter_runtime().expect("a fresh overlay is outside the runtime");
	let mut extensions = Extensions::default();
	extensions.register(KeystoreExt::new(MemoryKeystore::new()));
	let mut ext = Ext::new(&mut overlay, &state, Some(&mut extensions));
	let config = BenchmarkConfig {
		pallet: pallet.as_bytes().to_vec(),
		instance: instance.to_vec(),
		benchmark: benchmark.to_vec(),
		selected_components: components,
		verify: false,
		internal_repeats: 1,
	};
	let batches: Vec<BenchmarkBatch> =
		sp_externalities::set_and_run_with_externalities(&mut ext, || {
			<Runtime as BenchmarkV2<Block>>::dispatch_benchmark(config)
		})
		.unwrap_or_else(|e| panic!("{pallet}::{}: {e}", String::from_utf8_lossy(benchmark)));
	let mut results = batches.into_iter().flat_map(|batch| batch.results);
	let result = results.next().expect("one result");
	assert!(results.next().is_none(), "one repeat gives one result");
	result
}

/// The storage items a benchmark run read and wrote, by name, as `Pallet::Item (r, w)` with
/// `whitelisted` for the ones not counted: what a failure needs to say where the weight is
/// short.
fn touched(result: &BenchmarkResult, storage: &[StorageInfo]) -> String {
	let mut items = std::collections::BTreeMap::<String, (u32, u32, bool)>::new();
	for (key, reads, writes, whitelisted) in &result.keys {
		let name = storage
			.iter()
			.find(|info| key.starts_with(&info.prefix))
			.map(|info| {
				format!(
					"{}::{}",
					String::from_utf8_lossy(&info.pallet_name),
					String::from_utf8_lossy(&info.storage_name)
				)
			})
			.unwrap_or_else(|| format!("0x{}", hex::encode(key)));
		let entry = items.entry(name).or_default();
		entry.0 += reads;
		entry.1 += writes;
		entry.2 |= whitelisted;
	}
	items
		.into_iter()
		.map(|(name, (r, w, whitelisted))| {
			format!("{name} (r:{r} w:{w}{})", if whitelisted { ", whitelisted" } else { "" })
		})
		.collect::<Vec<_>>()
		.join(", ")
}

/// The development chain's genesis storage, the state `make weights` benchmarks on.
fn development_storage() -> sp_runtime::Storage {
	let mut config =
		serde_json::to_value(gonka_runtime::RuntimeGenesisConfig::default()).expect("serialises");
	sc_chain_spec::json_merge(&mut config, development_genesis());
	let config: gonka_runtime::RuntimeGenesisConfig =
		serde_json::from_value(config).expect("a valid genesis");
	config.build_storage().expect("genesis builds")
}

#[test]
fn every_call_and_hook_does_no_more_storage_work_than_its_weight_declares() {
	let (lists, storage) = <Runtime as BenchmarkV2<Block>>::benchmark_metadata(false);
	let mut failures = Vec::new();
	let mut checked = 0;
	for (pallet, calls) in pallets() {
		let list = lists
			.iter()
			.find(|list| list.pallet == pallet.as_bytes())
			.unwrap_or_else(|| panic!("{pallet} has no benchmarks in the runtime"));
		let names: Vec<String> =
			list.benchmarks.iter().map(|b| String::from_utf8_lossy(&b.name).into_owned()).collect();
		for call in calls {
			if !names.iter().any(|name| name == call) {
				failures.push(format!("{pallet}::{call} is a call without a benchmark"));
			}
		}
		for (benchmark, name) in list.benchmarks.iter().zip(&names) {
			for corner in corners(&benchmark.components) {
				if declared_weight(pallet, name, &corner).is_none() {
					failures.push(format!("{pallet}::{name} has no function in weights.rs"));
					break;
				}
				let (reads, writes) = declared_storage_work(|| {
					declared_weight(pallet, name, &corner).unwrap_or_default()
				});
				let measured =
					run_benchmark(pallet, &list.instance, &benchmark.name, corner.clone());
				checked += 1;
				println!(
					"{pallet}::{name} {corner:?}: {} reads, {} writes (declared {reads}, {writes})",
					measured.reads, measured.writes
				);
				if u64::from(measured.reads) > reads || u64::from(measured.writes) > writes {
					failures.push(format!(
						"{pallet}::{name} at {corner:?} reads {} and writes {} keys; weights.rs \
						 declares {reads} and {writes}. Keys touched: {}",
						measured.reads,
						measured.writes,
						touched(&measured, &storage)
					));
				}
			}
		}
	}
	assert!(checked >= 45, "only {checked} benchmark runs");
	assert!(failures.is_empty(), "weights that do not hold:\n{}", failures.join("\n"));
}
