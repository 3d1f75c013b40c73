//! The secret behind a validator's salts (DESIGN.md §5): a validator seals its recomputation
//! with a salt in the validate phase and must open it with the same salt in the open phase,
//! also after a restart, while nobody else may guess it before then.
//!
//! The secret is 32 random bytes kept in `attestation.secret` in the worker's data directory,
//! made on first use; each salt is `blake2_256(secret ‖ epoch (u64 LE) ‖ host)`.

use std::{
	fs,
	io::{self, Read, Write},
	path::Path,
};

use gonka_primitives::{hash_concat, Hash32};

const FILE: &str = "attestation.secret";

/// The secret the salts derive from.
pub struct SaltSecret(Hash32);

impl SaltSecret {
	/// Reads the secret under `dir`, or, when there is none yet, makes one from the system's
	/// randomness and syncs it to disk before any seal depends on it. Any other failure, or a
	/// file of the wrong length, is an error: replacing the secret would make every seal of
	/// the epoch impossible to open.
	pub fn open(dir: &Path) -> io::Result<Self> {
		let path = dir.join(FILE);
		match fs::read(&path) {
			Ok(bytes) => Hash32::try_from(bytes.as_slice()).map(Self).map_err(|_| {
				io::Error::new(
					io::ErrorKind::InvalidData,
					format!("{} holds {} bytes, not 32", path.display(), bytes.len()),
				)
			}),
			Err(error) if error.kind() == io::ErrorKind::NotFound => Self::create(dir, &path),
			Err(error) => Err(error),
		}
	}

	fn create(dir: &Path, path: &Path) -> io::Result<Self> {
		let mut secret = [0u8; 32];
		fs::File::open("/dev/urandom")?.read_exact(&mut secret)?;
		fs::create_dir_all(dir)?;
		let temporary = dir.join(format!("{FILE}.new"));
		let mut file = fs::File::create(&temporary)?;
		file.write_all(&secret)?;
		file.sync_all()?;
		fs::rename(&temporary, path)?;
		fs::File::open(dir)?.sync_all()?;
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
		// A damaged secret is an error, never silently replaced.
		fs::write(dir.join(FILE), [1, 2, 3]).unwrap();
		assert!(SaltSecret::open(&dir).is_err());
		assert_eq!(fs::read(dir.join(FILE)).unwrap(), [1, 2, 3]);
		fs::remove_dir_all(&dir).unwrap();
	}
}
