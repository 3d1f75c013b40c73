//! Checks of the metadata operators set: what polkadot-js apps and developers display and
//! connect to must be readable text and a usable URL.

use gonka_primitives::text::is_printable;

use crate::{Config, Error, HostInfo};

/// Whether `bytes` are an `http://` or `https://` URL with a host part and no whitespace.
fn is_endpoint(bytes: &[u8]) -> bool {
	let Ok(url) = core::str::from_utf8(bytes) else { return false };
	let Some(rest) = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")) else {
		return false;
	};
	let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
	!authority.is_empty()
		&& !authority.starts_with(':')
		&& url.chars().all(|c| c.is_ascii_graphic())
}

impl HostInfo {
	/// Checks every field, naming the first one that is wrong.
	pub fn validate<T: Config>(&self) -> Result<(), Error<T>> {
		if self.name.is_empty() || !is_printable(&self.name) {
			return Err(Error::<T>::InvalidName);
		}
		if !self.endpoint.is_empty() && !is_endpoint(&self.endpoint) {
			return Err(Error::<T>::InvalidEndpoint);
		}
		if !is_printable(&self.hardware) {
			return Err(Error::<T>::InvalidHardware);
		}
		Ok(())
	}
}
