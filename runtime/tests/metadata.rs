//! The metadata the example subxt client generates its code from
//! (`examples/epoch-watch/metadata/gonka.scale`) is this runtime's own, so the client always
//! matches the chain it watches.
//!
//! `make metadata` rewrites the file (this test with `GONKA_WRITE_METADATA=1`).

use std::path::PathBuf;

use gonka_runtime::Runtime;

/// The metadata version subxt generates code from: the newest it supports.
const METADATA_VERSION: u32 = 16;

/// The file in the checkout the test runs in: Cargo names it when it runs a test, and the
/// directory the test was compiled in is only the fallback (a clone elsewhere may reuse the
/// compiled test).
fn committed_metadata_path() -> PathBuf {
	std::env::var_os("CARGO_MANIFEST_DIR")
		.map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
		.join("../examples/epoch-watch/metadata/gonka.scale")
}

#[test]
fn example_client_metadata_is_the_runtime_metadata() {
	let metadata = Runtime::metadata_at_version(METADATA_VERSION)
		.expect("the runtime serves metadata version 16");
	let path = committed_metadata_path();
	if std::env::var_os("GONKA_WRITE_METADATA").is_some() {
		std::fs::write(&path, &*metadata).expect("the metadata file is writable");
	}
	let committed = std::fs::read(&path)
		.unwrap_or_else(|e| panic!("{}: {e}; run `make metadata`", path.display()));
	assert!(
		committed == *metadata,
		"{} is not this runtime's metadata; run `make metadata` and commit the file",
		path.display()
	);
}
