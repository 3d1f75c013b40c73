//! Checks of text users put on chain (names, descriptions, purposes), so that wallets and
//! explorers can show it as it is.

/// Whether `bytes` are UTF-8 without control characters (empty text passes).
pub fn is_printable(bytes: &[u8]) -> bool {
	core::str::from_utf8(bytes).is_ok_and(|text| !text.chars().any(char::is_control))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn printable_text_is_utf8_without_control_characters() {
		assert!(is_printable("Ünïcode host, 8x H100".as_bytes()));
		assert!(is_printable(b""));
		assert!(!is_printable(b"tab\there"));
		assert!(!is_printable(b"line\nbreak"));
		assert!(!is_printable(&[0xff, 0xfe]));
	}
}
