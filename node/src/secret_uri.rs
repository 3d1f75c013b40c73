//! A signing key a command is given as a secret URI (`//Alice`, a mnemonic, a `0x…` seed):
//! on the command line, or in a file, which other users cannot read from the process list.

use std::path::Path;

use sp_core::{sr25519, Pair};

/// Where a command's key may come from, and how its messages name it.
pub struct KeySource<'a> {
	/// The secret URI given on the command line.
	pub suri: Option<&'a str>,
	/// The flag that gives it, e.g. `--suri`.
	pub suri_flag: &'a str,
	/// A file holding it.
	pub file: Option<&'a Path>,
	/// The flag that gives the file, e.g. `--suri-file`.
	pub file_flag: &'a str,
	/// What the key is, e.g. "the host account's key".
	pub what: &'a str,
	/// What to say when neither is given: the ways to give it.
	pub missing: &'a str,
}

impl KeySource<'_> {
	/// The key: from the command line, else from the file, else `fallback` (e.g. an
	/// environment variable); each failure names the flag and the fix.
	pub fn pair(&self, fallback: Option<String>) -> Result<sr25519::Pair, String> {
		let suri = match (self.suri, self.file) {
			(Some(suri), _) => suri.to_string(),
			(None, Some(path)) => std::fs::read_to_string(path)
				.map_err(|error| format!("{} {}: {error}", self.file_flag, path.display()))?
				.trim()
				.to_string(),
			(None, None) => {
				fallback.ok_or_else(|| format!("give {}: {}", self.what, self.missing))?
			}
		};
		sr25519::Pair::from_string(&suri, None).map_err(|error| {
			format!(
				"{} is not a valid secret URI ({error:?}), from {}: use e.g. //Alice, a mnemonic \
				 or a 0x seed",
				self.what,
				match (self.suri, self.file) {
					(Some(_), _) => self.suri_flag,
					(None, Some(_)) => self.file_flag,
					(None, None) => "the environment",
				}
			)
		})
	}
}
