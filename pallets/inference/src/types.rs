//! What the marketplace stores: models, the requests developers sign, and jobs.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{traits::ConstU32, BoundedVec};
use gonka_primitives::Hash32;
use scale_info::TypeInfo;
use sp_runtime::Perbill;

/// A model's index in the registry.
pub type ModelId = u32;

/// The longest model name, in bytes.
pub const MAX_MODEL_NAME_LEN: u32 = 64;

/// A Llama-style architecture, as the model's `config.json` gives it.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub struct LlamaArchitecture {
	/// Tokens in the vocabulary.
	pub vocab_size: u32,
	/// Width of the residual stream.
	pub hidden_size: u32,
	/// Width of the feed-forward layer.
	pub intermediate_size: u32,
	/// Decoder layers.
	pub layers: u32,
	/// Query heads.
	pub heads: u32,
	/// Key/value heads.
	pub kv_heads: u32,
	/// Context length: the most tokens a request may use.
	pub context: u32,
}

impl LlamaArchitecture {
	/// The project's test model (`gonka_primitives::inference`): byte vocabulary, two layers of
	/// width 64, four query heads over two key/value heads, a context of 512.
	pub const TEST_MODEL: Self = LlamaArchitecture {
		vocab_size: 258,
		hidden_size: 64,
		intermediate_size: 176,
		layers: 2,
		heads: 4,
		kv_heads: 2,
		context: 512,
	};

	/// SmolLM2-135M-Instruct (`gonka_primitives::inference`): a vocabulary of 49,152, 30
	/// layers of width 576, nine query heads over three key/value heads, a context of 8,192.
	pub const SMOLLM2_135M: Self = LlamaArchitecture {
		vocab_size: 49_152,
		hidden_size: 576,
		intermediate_size: 1536,
		layers: 30,
		heads: 9,
		kv_heads: 3,
		context: 8192,
	};
}

/// A model registered in the genesis block.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GenesisModel {
	/// Its name: printable, at most [`MAX_MODEL_NAME_LEN`] bytes.
	pub name: alloc::string::String,
	/// Its architecture.
	pub architecture: LlamaArchitecture,
	/// BLAKE2b-256 over its safetensors files, in file-name order.
	pub weights_hash: Hash32,
	/// Its price per token, in the chain's smallest unit.
	pub base_price: u128,
}

/// A registered model.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub struct Model<Balance> {
	/// Its name, printable UTF-8.
	pub name: BoundedVec<u8, ConstU32<MAX_MODEL_NAME_LEN>>,
	/// Its architecture.
	pub architecture: LlamaArchitecture,
	/// BLAKE2b-256 over its safetensors files, in file-name order.
	pub weights_hash: Hash32,
	/// The price per token governance set.
	pub base_price: Balance,
}

/// What a developer signs off chain (DESIGN.md §6b): any node may relay it, nobody may
/// change it. The signature covers `SCALE(genesis, request)`, the fields in this order.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct InferenceRequest<AccountId, Balance, BlockNumber> {
	/// Who pays, from its inference deposit.
	pub developer: AccountId,
	/// The model.
	pub model: ModelId,
	/// BLAKE2b-256 of the HTTP request body (model, prompt or messages, sampling
	/// parameters) the executor serves: the request binds all of it.
	pub body_hash: Hash32,
	/// Makes each request unique: a nonce is used once per developer while the request
	/// can be reported.
	pub nonce: u64,
	/// The most tokens, prompt and completion together, the developer pays for.
	pub max_tokens: u32,
	/// The highest price per token the developer accepts.
	pub max_price: Balance,
	/// The last block at which an executor may start serving it; at most `request_blocks`
	/// after the anchor. Its report must land within `report_blocks` after it.
	pub valid_until: BlockNumber,
	/// A recent finalised block: its VRF output draws the executor.
	pub anchor: BlockNumber,
}

/// An executor's report of one served request, as [`crate::Pallet::finish`] takes it.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct Report<Request, Signature> {
	/// The request as the developer signed it.
	pub request: Request,
	/// The developer's signature.
	pub signature: Signature,
	/// Tokens used, prompt and completion.
	pub tokens: u32,
	/// BLAKE2b-256 of the output and its per-token top-k log-probabilities.
	pub output_hash: Hash32,
}

/// A developer's inference deposit: what requests are charged from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub struct Deposit<Balance, BlockNumber> {
	/// Everything held, the part being withdrawn included.
	pub total: Balance,
	/// The part on its way out: still charged for requests signed before, never counted
	/// for new ones.
	pub unlocking: Balance,
	/// The block from which the unlocking part can be withdrawn.
	pub unlock_at: BlockNumber,
}

/// A reported request until it is settled.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub struct Job<AccountId, Balance, BlockNumber> {
	/// Who pays.
	pub developer: AccountId,
	/// The model.
	pub model: ModelId,
	/// The host the draw chose, which served and reported it.
	pub executor: AccountId,
	/// The request body's hash.
	pub body_hash: Hash32,
	/// What the executor reported.
	pub served: Served,
	/// What was taken from the deposit and is held in escrow until settlement.
	pub charged: Balance,
	/// The block of the report: the VRF output of the block after it decides the re-check.
	pub reported_at: BlockNumber,
	/// Where it stands.
	pub status: JobStatus<AccountId>,
	/// The last block of a re-check or dispute; after it, anyone may close it
	/// ([`crate::Pallet::close_expired`]).
	pub deadline: BlockNumber,
}

/// What the executor reported when it finished a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub struct Served {
	/// Tokens used, prompt and completion.
	pub tokens: u32,
	/// BLAKE2b-256 of the output and its per-token top-k log-probabilities.
	pub output_hash: Hash32,
}

/// The stage of a reported request.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub enum JobStatus<AccountId> {
	/// Reported; the VRF output of the block after the report decides whether it is
	/// re-checked.
	Reported,
	/// Sampled: `checker` re-computes it before it is paid.
	Rechecking {
		/// The host drawn to re-check it.
		checker: AccountId,
	},
	/// The checker found it forged: `checkers`, drawn by compute weight, re-check it too,
	/// and more than half of their weight decides.
	Disputed {
		/// The checker whose verdict opened the dispute.
		accuser: AccountId,
		/// The hosts drawn to decide, with their weight.
		checkers: BoundedVec<(AccountId, u64), ConstU32<MAX_DISPUTE_CHECKERS>>,
		/// Weight of the verdicts that it was served honestly.
		valid: u64,
		/// Weight of the verdicts that it was forged.
		forged: u64,
	},
}

/// A checker's verdict on a job it was drawn to re-check.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum Verdict {
	/// Re-computed, it holds.
	Passed,
	/// Re-computed, it does not: a dispute decides.
	Failed,
	/// The executor did not give its evidence by the deadline's margin. Nobody can tell a
	/// withholding executor from a checker that says so, so nobody is punished: the job is
	/// not paid.
	Unavailable,
}

/// The smallest share of finished requests that is re-checked, whatever the reputation.
pub const MIN_RECHECK_RATE: Perbill = Perbill::from_percent(1);

/// The most servers a dispute draws.
pub const MAX_DISPUTE_CHECKERS: u32 = 8;

/// Blocks from a report to its sampling: the VRF output of the block after the report is
/// read in the block after that.
pub const SAMPLE_LAG_BLOCKS: u64 = 2;

/// The marketplace's parameters (DESIGN.md §6). Changed by [`crate::Pallet::set_params`].
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub struct MarketParams {
	/// The most blocks between a request's anchor and its `valid_until`.
	pub request_blocks: u32,
	/// Blocks after a request's `valid_until` within which its executor must report it.
	pub report_blocks: u32,
	/// Blocks a checker has to re-check a request; unanswered, the request is paid and the
	/// checker's silence counts as downtime.
	pub recheck_blocks: u32,
	/// Blocks the dispute's checkers have to give their verdicts.
	pub dispute_blocks: u32,
	/// Servers drawn to decide a dispute, besides the accuser.
	pub dispute_checkers: u32,
	/// Blocks between asking to withdraw a deposit and withdrawing it: longer than any job
	/// lives, so that no served request finds its deposit gone.
	pub withdraw_delay: u32,
	/// Blocks between two draws of the servers' weights; the draws of requests anchored in
	/// the period before stay valid.
	pub draw_period: u32,
	/// Share of requests re-checked when the executor's reputation is 0; it falls in
	/// proportion as reputation grows.
	pub recheck_ceiling: Perbill,
	/// Share re-checked whatever the reputation: at least [`MIN_RECHECK_RATE`].
	pub recheck_floor: Perbill,
	/// Blocks between price changes.
	pub price_period: u32,
	/// Tokens one server is taken to serve per block: a model's capacity is this times its
	/// servers.
	pub server_capacity: u32,
	/// The utilisation of capacity at which a model's price stays put.
	pub target_utilisation: Perbill,
	/// The largest change of a price in one period, at full or no utilisation.
	pub max_price_step: Perbill,
	/// The highest price, as a multiple of the model's base price.
	pub max_price_multiple: u32,
}

impl Default for MarketParams {
	fn default() -> Self {
		MarketParams {
			request_blocks: 10,
			report_blocks: 20,
			recheck_blocks: 20,
			dispute_blocks: 20,
			dispute_checkers: 3,
			withdraw_delay: 100,
			draw_period: 30,
			recheck_ceiling: Perbill::from_percent(50),
			recheck_floor: MIN_RECHECK_RATE,
			price_period: 10,
			server_capacity: 100,
			target_utilisation: Perbill::from_percent(50),
			max_price_step: Perbill::from_percent(10),
			max_price_multiple: 10,
		}
	}
}

impl MarketParams {
	/// The most blocks a job lives, from its anchor to the end of its dispute: requests may
	/// be signed for this long, reported, sampled, re-checked and disputed.
	pub fn job_life(&self) -> u64 {
		[self.request_blocks, self.report_blocks, self.recheck_blocks, self.dispute_blocks]
			.iter()
			.fold(SAMPLE_LAG_BLOCKS, |sum, blocks| sum.saturating_add(u64::from(*blocks)))
	}

	/// Whether the parameters can run: periods of at least a block, one dispute checker at
	/// least and no more than [`MAX_DISPUTE_CHECKERS`], a withdrawal delay longer than a
	/// job's life, a draw period that covers a request's report window, a re-check floor of
	/// at least 1% under the ceiling, a capacity, a target utilisation above 0 and a price
	/// that can reach its base.
	pub fn is_valid(&self) -> bool {
		self.request_blocks > 0
			&& self.report_blocks > 0
			&& self.recheck_blocks > 0
			&& self.dispute_blocks > 0
			&& (1..=MAX_DISPUTE_CHECKERS).contains(&self.dispute_checkers)
			&& u64::from(self.withdraw_delay) > self.job_life()
			&& self.draw_period >= self.request_blocks.saturating_add(self.report_blocks)
			&& self.recheck_floor >= MIN_RECHECK_RATE
			&& self.recheck_ceiling >= self.recheck_floor
			&& self.price_period > 0
			&& self.server_capacity > 0
			&& !self.target_utilisation.is_zero()
			&& self.max_price_multiple >= 1
	}
}
