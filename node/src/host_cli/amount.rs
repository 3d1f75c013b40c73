//! Amounts of GNK as operators type and read them: `100`, `0.5`, `1_000` (9 decimals).

use gonka_runtime::{currency::GNK, Balance};

/// Decimal places of one GNK.
const DECIMALS: usize = 9;

/// Parses `text` GNK into base units, exactly: no rounding, no negative or empty amounts.
pub fn parse_gnk(text: &str) -> Result<Balance, String> {
	let cleaned: String = text.trim().chars().filter(|c| *c != '_').collect();
	let (whole, fraction) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
	let digits = |part: &str| part.chars().all(|c| c.is_ascii_digit());
	if whole.is_empty() && fraction.is_empty() || !digits(whole) || !digits(fraction) {
		return Err(format!("'{text}' is not an amount of GNK: write e.g. 100 or 0.5"));
	}
	if fraction.len() > DECIMALS {
		return Err(format!("'{text}': GNK has {DECIMALS} decimal places"));
	}
	let too_large = || format!("'{text}' GNK is more than there can be");
	let whole: Balance =
		if whole.is_empty() { 0 } else { whole.parse().map_err(|_| too_large())? };
	let fraction: Balance = format!("{fraction:0<DECIMALS$}").parse().map_err(|_| too_large())?;
	whole.checked_mul(GNK).and_then(|w| w.checked_add(fraction)).ok_or_else(too_large)
}

/// `amount` base units as GNK, without trailing zeros: `100 GNK`, `0.0015 GNK`.
pub fn format_gnk(amount: Balance) -> String {
	let (whole, fraction) = (amount / GNK, amount % GNK);
	if fraction == 0 {
		return format!("{whole} GNK");
	}
	let fraction = format!("{fraction:0>DECIMALS$}");
	format!("{whole}.{} GNK", fraction.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn amounts_parse_exactly_and_print_back() {
		assert_eq!(parse_gnk("100"), Ok(100 * GNK));
		assert_eq!(parse_gnk("0.5"), Ok(GNK / 2));
		assert_eq!(parse_gnk("1_000.000000001"), Ok(1_000 * GNK + 1));
		assert_eq!(parse_gnk(".25"), Ok(GNK / 4));
		assert_eq!(format_gnk(1_000 * GNK + 1), "1000.000000001 GNK");
		assert_eq!(format_gnk(GNK / 1000 * 15 / 10), "0.0015 GNK");
		assert_eq!(format_gnk(0), "0 GNK");
	}

	#[test]
	fn what_is_not_an_amount_is_refused_with_the_fix() {
		for bad in ["", ".", "-1", "1e3", "ten", "1.0000000001", "1.2.3"] {
			let error = parse_gnk(bad).expect_err(bad);
			assert!(error.contains(bad), "{error}");
		}
		assert!(parse_gnk("999999999999999999999999999999999").is_err());
	}
}
