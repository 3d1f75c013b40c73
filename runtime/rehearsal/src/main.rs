//! Writes the upgrade rehearsal's runtime, zstd-compressed as nodes accept runtime code, to
//! the file named by its one argument. Built by `scripts/build-rehearsal-runtime.sh`.

use std::process::ExitCode;

include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

fn main() -> ExitCode {
	let Some(path) = std::env::args().nth(1) else {
		eprintln!("usage: gonka-runtime-rehearsal <file to write the runtime code to>");
		return ExitCode::from(2);
	};
	let Some(code) = WASM_BINARY else {
		eprintln!("built without the runtime: build it with scripts/build-rehearsal-runtime.sh");
		return ExitCode::FAILURE;
	};
	let bomb_limit = sp_maybe_compressed_blob::CODE_BLOB_BOMB_LIMIT;
	// The builder may have compressed it already; nodes undo one layer only.
	let raw = sp_maybe_compressed_blob::decompress(code, bomb_limit).ok();
	let compressed =
		raw.as_ref().and_then(|raw| sp_maybe_compressed_blob::compress_strongly(raw, bomb_limit));
	let (Some(raw), Some(compressed)) = (raw, compressed) else {
		eprintln!("the runtime is larger than {bomb_limit} bytes: nodes would refuse it");
		return ExitCode::FAILURE;
	};
	if let Err(error) = std::fs::write(&path, &compressed) {
		eprintln!("cannot write {path}: {error}");
		return ExitCode::FAILURE;
	}
	println!("{path}: {} bytes ({} uncompressed)", compressed.len(), raw.len());
	ExitCode::SUCCESS
}
