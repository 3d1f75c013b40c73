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

/// What a developer signs: any host may relay it, nobody may change it.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct InferenceRequest<AccountId, Balance, BlockNumber> {
	/// Who pays.
	pub developer: AccountId,
	/// The model.
	pub model: ModelId,
	/// The most tokens, prompt and completion together, the developer pays for.
	pub max_tokens: u32,
	/// The highest price per token the developer accepts.
	pub max_price: Balance,
	/// BLAKE2b-256 of the HTTP request body (model, prompt or messages, sampling
	/// parameters) the executor serves: the request binds all of it.
	pub body_hash: Hash32,
	/// Makes each request unique: a nonce is used once per developer.
	pub nonce: u64,
	/// The last block in which it may be submitted.
	pub valid_until: BlockNumber,
}

/// A request in progress.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub struct Job<AccountId, Balance, BlockNumber> {
	/// Who pays.
	pub developer: AccountId,
	/// The model.
	pub model: ModelId,
	/// The host chosen to serve it.
	pub executor: AccountId,
	/// The price per token fixed when it was accepted.
	pub price: Balance,
	/// The most tokens paid for.
	pub max_tokens: u32,
	/// What is held from the developer: `max_tokens · price`.
	pub escrow: Balance,
	/// The request body's hash.
	pub body_hash: Hash32,
	/// Where it stands.
	pub status: JobStatus<AccountId>,
	/// The last block of its current stage: serving, re-check or vote. After it, anyone may
	/// close it ([`crate::Pallet::close_expired`]).
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

/// The stage of a request.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub enum JobStatus<AccountId> {
	/// The executor serves it.
	Serving,
	/// Served; `checker` recomputes it before it is paid.
	Rechecking {
		/// What the executor reported.
		served: Served,
		/// The host drawn to re-check it.
		checker: AccountId,
	},
	/// The checker found it forged; the model's other servers vote by compute weight.
	Disputed {
		/// What the executor reported.
		served: Served,
		/// Weight of the votes that it was served honestly.
		valid: u64,
		/// Weight of the votes that it was forged, the checker's included.
		forged: u64,
		/// Weight of every server that may vote: the model's servers but the executor.
		eligible: u64,
	},
}

/// The smallest share of finished requests that is re-checked, whatever the reputation.
pub const MIN_RECHECK_RATE: Perbill = Perbill::from_percent(1);

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
	/// Blocks an executor has to finish a request.
	pub serve_blocks: u32,
	/// Blocks a checker has to re-check a request; unanswered, the request is paid.
	pub recheck_blocks: u32,
	/// Blocks the model's servers have to vote on a failed re-check.
	pub vote_blocks: u32,
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
			serve_blocks: 20,
			recheck_blocks: 20,
			vote_blocks: 20,
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
	/// Whether the parameters can run: periods of at least a block, a re-check floor of at
	/// least 1% under the ceiling, a capacity, a target utilisation above 0 and a price that
	/// can reach its base.
	pub fn is_valid(&self) -> bool {
		self.serve_blocks > 0
			&& self.recheck_blocks > 0
			&& self.vote_blocks > 0
			&& self.recheck_floor >= MIN_RECHECK_RATE
			&& self.recheck_ceiling >= self.recheck_floor
			&& self.price_period > 0
			&& self.server_capacity > 0
			&& !self.target_utilisation.is_zero()
			&& self.max_price_multiple >= 1
	}
}
