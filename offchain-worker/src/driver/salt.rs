//! The secret behind a validator's salts (DESIGN.md §5): a validator seals its recomputation
//! with a salt in the validate phase and must open it with the same salt in the open phase,
//! also after a restart, while nobody else may guess it before then.
//!
//! The secret is 32 random bytes kept in `attestation.secret` in the worker's data directory,
//! made on first use; each salt is `blake2_256(secret ‖ epoch (u64 LE) ‖ host)`.

use std::{
	fs,
	io::{self, Read},
	path::Path,
};

use gonka_primitives::{hash_concat, Hash32};

const FILE: &str = "attestation.secret";

/// The secret the salts derive from.
pub struct SaltSecret(Hash32);

impl SaltSecret {
	/// Reads the secret under `dir`, or makes one from the system's randomness.
	pub fn open(dir: &Path) -> io::Result<Self> {
		let path = dir.join(FILE);
		if let Ok(bytes) = fs::read(&path) {
			if let Ok(secret) = Hash32::try_from(bytes.as_slice()) {
				return Ok(Self(secret));
			}
		}
		let mut secret = [0u8; 32];
		fs::File::open("/dev/urandom")?.read_exact(&mut secret)?;
		fs::create_dir_all(dir)?;
		let temporary = dir.join(format!("{FILE}.new"));
		fs::write(&temporary, secret)?;
		fs::rename(&temporary, &path)?;
		Ok(Self(secret))
	}

	/// The salt of the attestation on `host` in `epoch`.
	pub fn salt(&self, epoch: u64, host: &[u8]) -> Hash32 {
		hash_concat(&[&self.0, &epoch.to_le_bytes(), host])
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_secret_survives_a_restart_and_salts_differ_by_epoch_and_host() {
		let dir = std::env::temp_dir().join(format!("gonka-salt-{}", std::process::id()));
		let first = SaltSecret::open(&dir).unwrap();
		let again = SaltSecret::open(&dir).unwrap();
		assert_eq!(first.salt(3, &[1; 32]), again.salt(3, &[1; 32]));
		assert_ne!(first.salt(3, &[1; 32]), first.salt(4, &[1; 32]));
		assert_ne!(first.salt(3, &[1; 32]), first.salt(3, &[2; 32]));
		let elsewhere = dir.join("other");
		assert_ne!(
			SaltSecret::open(&elsewhere).unwrap().salt(3, &[1; 32]),
			first.salt(3, &[1; 32])
		);
		fs::remove_dir_all(&dir).unwrap();
	}
}
