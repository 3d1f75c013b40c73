//! The loader reads a Llama-architecture folder, checks the registry's hash, and says what is
//! wrong with files it refuses.

mod common;

use gonka_inference_engine::{
	test_model::{write_test_model, StoredAs},
	InferenceError, Model,
};

#[test]
fn the_weights_hash_is_checked_against_the_registry() {
	let folder = tempfile::tempdir().unwrap();
	let hash = write_test_model(folder.path(), common::SEED, StoredAs::F32).unwrap();
	assert_eq!(Model::load(folder.path(), Some(hash)).unwrap().hash, hash);
	let mut other = hash;
	other[0] ^= 1;
	let error = Model::load(folder.path(), Some(other)).err().expect("another hash is refused");
	assert!(matches!(error, InferenceError::HashMismatch { found, .. } if found == hash));
	assert!(error.to_string().contains("is not the registered"), "{error}");
}

#[test]
fn another_seed_gives_other_weights_and_another_hash() {
	let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
	let first = write_test_model(a.path(), 1, StoredAs::F32).unwrap();
	let second = write_test_model(b.path(), 2, StoredAs::F32).unwrap();
	assert_ne!(first, second);
	assert_eq!(first, write_test_model(b.path(), 1, StoredAs::F32).unwrap(), "deterministic");
}

#[test]
fn a_missing_tensor_is_named() {
	let folder = tempfile::tempdir().unwrap();
	write_test_model(folder.path(), common::SEED, StoredAs::F32).unwrap();
	let config = folder.path().join("config.json");
	let text = std::fs::read_to_string(&config).unwrap();
	std::fs::write(&config, text.replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 3"))
		.unwrap();
	let error = Model::load(folder.path(), None).err().expect("a third layer is missing");
	assert!(
		error.to_string().contains("model.layers.2.input_layernorm.weight is missing"),
		"{error}"
	);
}

#[test]
fn a_configuration_whose_shapes_do_not_fit_is_refused() {
	let folder = tempfile::tempdir().unwrap();
	write_test_model(folder.path(), common::SEED, StoredAs::F32).unwrap();
	let config = folder.path().join("config.json");
	let text = std::fs::read_to_string(&config).unwrap();
	std::fs::write(
		&config,
		text.replace("\"num_key_value_heads\": 2", "\"num_key_value_heads\": 3"),
	)
	.unwrap();
	let error = Model::load(folder.path(), None).err().expect("4 heads cannot share 3");
	assert!(error.to_string().contains("not a multiple of 3 key/value heads"), "{error}");
}

#[test]
fn a_folder_without_weights_says_so() {
	let folder = tempfile::tempdir().unwrap();
	write_test_model(folder.path(), common::SEED, StoredAs::F32).unwrap();
	std::fs::remove_file(folder.path().join("model.safetensors")).unwrap();
	let error = Model::load(folder.path(), None).err().expect("no weights");
	assert!(error.to_string().contains("no .safetensors file"), "{error}");
}

#[test]
fn the_generated_test_model_is_the_one_development_chains_register() {
	let folder = tempfile::tempdir().expect("a temporary folder");
	let hash = gonka_inference_engine::test_model::write_test_model(
		folder.path(),
		gonka_primitives::inference::TEST_MODEL_SEED,
		gonka_inference_engine::test_model::StoredAs::F32,
	)
	.expect("written");
	assert_eq!(
		hash,
		gonka_primitives::inference::TEST_MODEL_WEIGHTS_HASH,
		"the generator changed: update TEST_MODEL_WEIGHTS_HASH to {hash:?}"
	);
}
