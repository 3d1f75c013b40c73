//! The hits of each epoch on disk, so that a node restarted in the middle of a Sprint resumes
//! where it stopped and still commits to everything it found.
//!
//! One append-only file per epoch, `epoch-<n>.hits`: a header (magic, seed, account), then one
//! record per searched batch: `start: u64, end: u64, hits: u32`, then `hits` × `(nonce: u64,
//! distance: u32)`, all little-endian. Each record is written whole and synced before the
//! search moves on; a record cut short by a crash is dropped on opening, so the batch is
//! searched again.

use std::{
	fs::{self, File, OpenOptions},
	io::{self, Read, Seek, SeekFrom, Write},
	path::{Path, PathBuf},
};

use gonka_primitives::{merkle::Leaf, Distance, Hash32};

const MAGIC: &[u8; 8] = b"GPOCHIT1";
const HEADER_LEN: usize = 8 + 32 + 32;
const RECORD_HEAD_LEN: usize = 8 + 8 + 4;
const HIT_LEN: usize = 8 + 4;

/// An epoch's hits file, open for appending.
pub struct HitsFile {
	path: PathBuf,
	file: File,
	hits: Vec<Leaf>,
	searched_to: u64,
}

impl HitsFile {
	/// Opens (or creates) `epoch`'s file under `dir` for `seed` and `account`, reading the
	/// batches already searched. A file written for another seed or account is replaced.
	pub fn open(dir: &Path, epoch: u64, seed: &Hash32, account: &[u8; 32]) -> io::Result<Self> {
		fs::create_dir_all(dir)?;
		let path = dir.join(format!("epoch-{epoch}.hits"));
		let mut header = Vec::with_capacity(HEADER_LEN);
		header.extend_from_slice(MAGIC);
		header.extend_from_slice(seed);
		header.extend_from_slice(account);

		let mut bytes = Vec::new();
		if path.exists() {
			File::open(&path)?.read_to_end(&mut bytes)?;
		}
		let (hits, searched_to, valid_len) = match bytes.get(..HEADER_LEN) {
			Some(existing) if existing == header.as_slice() => parse_records(&bytes),
			_ => (Vec::new(), 0, 0),
		};

		let mut file = OpenOptions::new().create(true).truncate(false).write(true).open(&path)?;
		if valid_len == 0 {
			file.set_len(0)?;
			file.write_all(&header)?;
		} else {
			file.set_len(valid_len as u64)?;
			file.seek(SeekFrom::End(0))?;
		}
		file.sync_data()?;
		Ok(Self { path, file, hits, searched_to })
	}

	/// The hits found so far, by increasing nonce.
	pub fn hits(&self) -> &[Leaf] {
		&self.hits
	}

	/// Every nonce below this has been searched.
	pub fn searched_to(&self) -> u64 {
		self.searched_to
	}

	/// Where the file lives.
	pub fn path(&self) -> &Path {
		&self.path
	}

	/// Records that nonces `searched_to..end` were searched and found `hits` (sorted, within
	/// that range), and syncs the record to disk.
	pub fn append(&mut self, end: u64, hits: &[Leaf]) -> io::Result<()> {
		let count = u32::try_from(hits.len())
			.map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "too many hits in a batch"))?;
		let mut record = Vec::with_capacity(RECORD_HEAD_LEN + hits.len() * HIT_LEN);
		record.extend_from_slice(&self.searched_to.to_le_bytes());
		record.extend_from_slice(&end.to_le_bytes());
		record.extend_from_slice(&count.to_le_bytes());
		for hit in hits {
			record.extend_from_slice(&hit.nonce.to_le_bytes());
			record.extend_from_slice(&hit.distance.0.to_le_bytes());
		}
		self.file.write_all(&record)?;
		self.file.sync_data()?;
		self.hits.extend_from_slice(hits);
		self.searched_to = end;
		Ok(())
	}
}

/// Reads the records after the header: the hits, where the search got to, and the length of
/// the file up to the last whole record (0 when not even the header is whole).
fn parse_records(bytes: &[u8]) -> (Vec<Leaf>, u64, usize) {
	let mut hits = Vec::new();
	let mut searched_to = 0u64;
	let mut at = HEADER_LEN;
	while let Some((record_hits, start, end, len)) = parse_record(bytes.get(at..).unwrap_or(&[])) {
		if start != searched_to || end < start {
			break;
		}
		hits.extend(record_hits);
		searched_to = end;
		at += len;
	}
	(hits, searched_to, at)
}

/// One whole record at the start of `bytes`: its hits, range and length.
fn parse_record(bytes: &[u8]) -> Option<(Vec<Leaf>, u64, u64, usize)> {
	let u64_at = |at: usize| Some(u64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?));
	let u32_at = |at: usize| Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?));
	let start = u64_at(0)?;
	let end = u64_at(8)?;
	let count = u32_at(16)? as usize;
	let len = RECORD_HEAD_LEN.checked_add(count.checked_mul(HIT_LEN)?)?;
	if bytes.len() < len {
		return None;
	}
	let hits = (0..count)
		.map(|i| {
			let at = RECORD_HEAD_LEN + i * HIT_LEN;
			Some(Leaf { nonce: u64_at(at)?, distance: Distance(u32_at(at + 8)?) })
		})
		.collect::<Option<Vec<_>>>()?;
	Some((hits, start, end, len))
}

/// Removes the hits files of epochs before `keep_from`.
pub fn prune(dir: &Path, keep_from: u64) -> io::Result<()> {
	let Ok(entries) = fs::read_dir(dir) else { return Ok(()) };
	for entry in entries {
		let entry = entry?;
		let name = entry.file_name();
		let epoch = name
			.to_str()
			.and_then(|name| name.strip_prefix("epoch-"))
			.and_then(|name| name.strip_suffix(".hits"))
			.and_then(|epoch| epoch.parse::<u64>().ok());
		if epoch.is_some_and(|epoch| epoch < keep_from) {
			fs::remove_file(entry.path())?;
		}
	}
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;

	fn leaf(nonce: u64) -> Leaf {
		Leaf { nonce, distance: Distance(nonce as u32 * 7) }
	}

	fn temp_dir(name: &str) -> PathBuf {
		let dir = std::env::temp_dir().join(format!("gonka-store-{name}-{}", std::process::id()));
		let _ = fs::remove_dir_all(&dir);
		dir
	}

	#[test]
	fn reopening_resumes_where_the_search_stopped() {
		let dir = temp_dir("resume");
		let mut file = HitsFile::open(&dir, 3, &[1; 32], &[2; 32]).unwrap();
		file.append(100, &[leaf(5), leaf(70)]).unwrap();
		file.append(200, &[]).unwrap();
		file.append(300, &[leaf(250)]).unwrap();
		drop(file);

		let file = HitsFile::open(&dir, 3, &[1; 32], &[2; 32]).unwrap();
		assert_eq!(file.searched_to(), 300);
		assert_eq!(file.hits(), &[leaf(5), leaf(70), leaf(250)]);
	}

	#[test]
	fn a_record_cut_short_is_searched_again() {
		let dir = temp_dir("torn");
		let mut file = HitsFile::open(&dir, 1, &[1; 32], &[2; 32]).unwrap();
		file.append(100, &[leaf(5)]).unwrap();
		file.append(200, &[leaf(150), leaf(160)]).unwrap();
		let path = file.path().to_path_buf();
		drop(file);
		// A crash in the middle of the second record: its last hit is missing.
		let len = fs::metadata(&path).unwrap().len();
		OpenOptions::new().write(true).open(&path).unwrap().set_len(len - 5).unwrap();

		let mut file = HitsFile::open(&dir, 1, &[1; 32], &[2; 32]).unwrap();
		assert_eq!(file.searched_to(), 100);
		assert_eq!(file.hits(), &[leaf(5)]);
		file.append(200, &[leaf(150), leaf(160)]).unwrap();
		drop(file);
		let file = HitsFile::open(&dir, 1, &[1; 32], &[2; 32]).unwrap();
		assert_eq!(file.hits(), &[leaf(5), leaf(150), leaf(160)]);
		assert_eq!(file.searched_to(), 200);
	}

	#[test]
	fn a_file_for_another_seed_or_account_starts_over() {
		let dir = temp_dir("other");
		let mut file = HitsFile::open(&dir, 1, &[1; 32], &[2; 32]).unwrap();
		file.append(100, &[leaf(5)]).unwrap();
		drop(file);
		let file = HitsFile::open(&dir, 1, &[9; 32], &[2; 32]).unwrap();
		assert_eq!((file.searched_to(), file.hits().len()), (0, 0));
		drop(file);
		let file = HitsFile::open(&dir, 1, &[9; 32], &[3; 32]).unwrap();
		assert_eq!((file.searched_to(), file.hits().len()), (0, 0));
	}

	#[test]
	fn prune_removes_only_older_epochs() {
		let dir = temp_dir("prune");
		for epoch in 0..4 {
			HitsFile::open(&dir, epoch, &[1; 32], &[2; 32]).unwrap();
		}
		fs::write(dir.join("notes.txt"), "kept").unwrap();
		prune(&dir, 2).unwrap();
		let mut left: Vec<String> = fs::read_dir(&dir)
			.unwrap()
			.map(|entry| entry.unwrap().file_name().into_string().unwrap())
			.collect();
		left.sort();
		assert_eq!(left, ["epoch-2.hits", "epoch-3.hits", "notes.txt"]);
	}
}
