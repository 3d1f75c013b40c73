//! The byte-level tokenizer of the test model: token `b` is byte `b`, then the
//! beginning-of-sequence and end-of-sequence tokens. Any UTF-8 text encodes; decoding
//! replaces byte sequences that are not UTF-8.

/// Beginning of sequence.
pub const BOS: u32 = 256;
/// End of sequence.
pub const EOS: u32 = 257;
/// Tokens in the vocabulary.
pub const VOCAB_SIZE: usize = 258;

/// `BOS` followed by the bytes of `text`.
pub fn encode(text: &str) -> Vec<u32> {
	std::iter::once(BOS).chain(text.bytes().map(u32::from)).collect()
}

/// The text of `tokens`, special tokens left out.
pub fn decode(tokens: &[u32]) -> String {
	let bytes: Vec<u8> = tokens.iter().filter_map(|t| u8::try_from(*t).ok()).collect();
	String::from_utf8_lossy(&bytes).into_owned()
}
