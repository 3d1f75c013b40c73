//! What the marketplace stores: models, the requests developers sign, and jobs.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{traits::ConstU32, BoundedVec};
use gonka_primitives::Hash32;
use scale_info::TypeInfo;

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
)]
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
	/// BLAKE2b-256 of the prompt the executor receives off chain.
	pub prompt_hash: Hash32,
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
	/// The prompt's hash.
	pub prompt_hash: Hash32,
	/// After this block, anyone may refund it.
	pub deadline: BlockNumber,
}
