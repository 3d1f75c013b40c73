//! What an executor served, kept on disk until the job is settled (DESIGN.md §6b "Evidence
//! lasts"): a restart between serving and the re-check must not turn an honest job into a
//! failed one. One JSON file per job, named by its key, written whole (to a temporary name,
//! then renamed) before the report is submitted; removed once the chain no longer holds the
//! job and it can no longer be reported.

use std::{
	fs,
	io::{self, Write},
	path::{Path, PathBuf},
	time::{Duration, SystemTime},
};

use gonka_inference_engine::{Completion, FinishReason, TokenLogprobs};
use serde::{Deserialize, Serialize};

use super::chain::JobKey;

/// What an executor keeps of a served request, and gives re-checkers
/// (`GET /gonka/v1/jobs/0x{key}`): the signed request, the body it signed and the completion
/// reported; with the signature, it is the report itself, which a restarted executor submits
/// again if it was lost.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ServedRecord {
	/// The SCALE-encoded signed request, `0x`-hex: its hash is the job's key.
	pub request: String,
	/// The developer's SCALE-encoded signature, `0x`-hex.
	pub signature: String,
	/// The request body, as received.
	pub body: String,
	/// Tokens of the prompt.
	pub prompt_tokens: u32,
	/// The generated tokens with their log-probabilities.
	pub tokens: Vec<ReportedToken>,
}

/// One generated token as reported.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ReportedToken {
	/// Its id.
	pub token: u32,
	/// Its log-probability.
	pub logprob: f32,
	/// The most likely tokens and their log-probabilities.
	pub top: Vec<(u32, f32)>,
}

impl ServedRecord {
	/// The record of `completion`, served for `body` under the SCALE-encoded `request` and
	/// `signature`.
	pub fn new(request: &[u8], signature: &[u8], body: String, completion: &Completion) -> Self {
		let tokens = completion
			.tokens
			.iter()
			.map(|t| ReportedToken { token: t.token, logprob: t.logprob, top: t.top.clone() })
			.collect();
		Self {
			request: format!("0x{}", hex::encode(request)),
			signature: format!("0x{}", hex::encode(signature)),
			body,
			prompt_tokens: u32::try_from(completion.prompt_tokens).unwrap_or(u32::MAX),
			tokens,
		}
	}

	/// The completion it records.
	pub fn completion(&self) -> Completion {
		Completion {
			prompt_tokens: self.prompt_tokens as usize,
			tokens: self
				.tokens
				.iter()
				.map(|t| TokenLogprobs { token: t.token, logprob: t.logprob, top: t.top.clone() })
				.collect(),
			finish: FinishReason::Length,
		}
	}

	/// Tokens reported, prompt and completion: what the chain charges.
	pub fn tokens(&self) -> u32 {
		let generated = u32::try_from(self.tokens.len()).unwrap_or(u32::MAX);
		self.prompt_tokens.saturating_add(generated)
	}

	/// The signed request's bytes.
	pub fn request_bytes(&self) -> Option<Vec<u8>> {
		hex::decode(self.request.trim_start_matches("0x")).ok()
	}

	/// The report this record stands for, if its request and signature decode.
	pub fn report(&self) -> Option<pallet_inference::ReportOf<gonka_runtime::Runtime>> {
		use codec::Decode;
		let request = Decode::decode(&mut &self.request_bytes()?[..]).ok()?;
		let signature = hex::decode(self.signature.trim_start_matches("0x")).ok()?;
		let signature = Decode::decode(&mut &signature[..]).ok()?;
		let output_hash = self.completion().output_hash();
		Some(pallet_inference::Report { request, signature, tokens: self.tokens(), output_hash })
	}
}

/// The folder of an executor's evidence.
pub struct EvidenceStore {
	folder: PathBuf,
}

impl EvidenceStore {
	/// The store in `folder`, created if missing.
	pub fn open(folder: &Path) -> io::Result<Self> {
		fs::create_dir_all(folder)?;
		Ok(Self { folder: folder.to_path_buf() })
	}

	fn path(&self, key: &JobKey) -> PathBuf {
		self.folder.join(format!("{}.json", hex::encode(key)))
	}

	/// Writes `record` for job `key` durably.
	pub fn keep(&self, key: &JobKey, record: &ServedRecord) -> io::Result<()> {
		let path = self.path(key);
		let partial = path.with_extension("partial");
		let mut file = fs::File::create(&partial)?;
		file.write_all(&serde_json::to_vec(record).map_err(io::Error::other)?)?;
		file.sync_all()?;
		fs::rename(partial, path)
	}

	/// What was served for job `key`, if this host kept it.
	pub fn get(&self, key: &JobKey) -> Option<ServedRecord> {
		let bytes = fs::read(self.path(key)).ok()?;
		serde_json::from_slice(&bytes).ok()
	}

	/// Every record kept, with its job's key.
	pub fn all(&self) -> Vec<(JobKey, ServedRecord)> {
		let Ok(entries) = fs::read_dir(&self.folder) else { return Vec::new() };
		entries
			.flatten()
			.filter_map(|entry| {
				let key = key_of(&entry.path())?;
				Some((key, self.get(&key)?))
			})
			.collect()
	}

	/// Removes the evidence older than `age` whose job `settled` says is over; what it
	/// removed.
	pub fn prune(&self, age: Duration, settled: impl Fn(&JobKey) -> bool) -> usize {
		let Ok(entries) = fs::read_dir(&self.folder) else { return 0 };
		let now = SystemTime::now();
		let mut removed = 0;
		for entry in entries.flatten() {
			let path = entry.path();
			let old = entry
				.metadata()
				.and_then(|meta| meta.modified())
				.is_ok_and(|modified| now.duration_since(modified).unwrap_or_default() >= age);
			let Some(key) = key_of(&path) else { continue };
			if old && settled(&key) && fs::remove_file(&path).is_ok() {
				removed += 1;
			}
		}
		removed
	}
}

/// The job key a record's file is named by.
fn key_of(path: &Path) -> Option<JobKey> {
	if path.extension()? != "json" {
		return None;
	}
	let bytes = hex::decode(path.file_stem()?.to_string_lossy().as_bytes()).ok()?;
	JobKey::try_from(bytes).ok()
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn evidence_survives_a_new_store_on_the_same_folder_and_is_pruned_once_settled() {
		let folder = tempfile::tempdir().expect("a folder");
		let record = ServedRecord {
			request: "0x01".into(),
			signature: "0x02".into(),
			body: "{}".into(),
			prompt_tokens: 3,
			tokens: vec![ReportedToken { token: 7, logprob: -0.5, top: vec![(7, -0.5)] }],
		};
		EvidenceStore::open(folder.path()).expect("opens").keep(&[1; 32], &record).expect("kept");
		let reopened = EvidenceStore::open(folder.path()).expect("reopens");
		assert_eq!(reopened.get(&[1; 32]).expect("found").tokens[0].token, 7);
		assert_eq!(reopened.all().len(), 1);
		assert_eq!(reopened.prune(Duration::ZERO, |_| false), 0, "unsettled jobs stay");
		assert_eq!(reopened.prune(Duration::from_secs(3600), |_| true), 0, "recent ones too");
		assert_eq!(reopened.prune(Duration::ZERO, |_| true), 1);
		assert!(reopened.get(&[1; 32]).is_none());
	}
}
