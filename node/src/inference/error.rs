//! The inference service's errors, typed so that callers tell what is worth retrying.

use std::fmt;

/// What went wrong between the service and the chain.
#[derive(Debug)]
pub enum ChainError {
	/// The runtime could not answer (or its state did not decode): the node's own fault,
	/// fatal for the request at hand.
	Runtime(String),
	/// The transaction pool refused a submission: often transient (a nonce race, a full
	/// pool), worth another try at the next block.
	Refused(String),
}

impl fmt::Display for ChainError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			ChainError::Runtime(message) => write!(f, "the runtime failed {message}"),
			ChainError::Refused(message) => write!(f, "the transaction pool refused it: {message}"),
		}
	}
}

impl std::error::Error for ChainError {}
