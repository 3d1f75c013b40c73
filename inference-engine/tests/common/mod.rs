//! The test model, written to a temporary folder and loaded by the real loader.

// Each test file uses some of these helpers.
#![allow(dead_code)]

use gonka_inference_engine::{
	test_model::{write_test_model, StoredAs},
	Model,
};

/// The seed of the test model's weights.
pub const SEED: u64 = 7;

/// The test model stored as `stored_as`, loaded with its hash checked, and the folder that
/// holds it (removed when dropped).
pub fn test_model(stored_as: StoredAs) -> (Model, tempfile::TempDir) {
	let folder = tempfile::tempdir().expect("a temporary folder");
	let hash = write_test_model(folder.path(), SEED, stored_as).expect("the test model is written");
	let model = Model::load(folder.path(), Some(hash)).expect("the test model loads");
	(model, folder)
}
