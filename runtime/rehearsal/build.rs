//! Builds gonka-runtime with its `upgrade-rehearsal` feature, only when `GONKA_BUILD_REHEARSAL`
//! is set (`scripts/build-rehearsal-runtime.sh`); otherwise the binary says how to build it.
//!
//! substrate-wasm-builder keeps one build directory per runtime crate under the target
//! directory's profile folder (`<target>/debug/wbuild/gonka-runtime`), derived from `OUT_DIR`:
//! built there, the rehearsal runtime would overwrite the one every node of the workspace
//! embeds. So the builder is pointed at `<target>/rehearsal/build/…` instead, and that
//! folder's WASM target directory is first seeded with a copy of the normal one, so that only
//! the runtime crate itself is compiled again.

use std::{
	env, fs,
	path::{Path, PathBuf},
	process::Command,
};

/// The `<target>/<profile>` folder that holds `build/<crate>/out`.
fn profile_dir(out_dir: &Path) -> &Path {
	out_dir
		.ancestors()
		.find(|dir| dir.ends_with("build"))
		.and_then(Path::parent)
		.expect("OUT_DIR lies in <target>/<profile>/build")
}

fn main() {
	println!("cargo:rerun-if-env-changed=GONKA_BUILD_REHEARSAL");
	let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
	let binary_rs = out_dir.join("wasm_binary.rs");
	if env::var_os("GONKA_BUILD_REHEARSAL").is_none() {
		fs::write(&binary_rs, "pub const WASM_BINARY: Option<&[u8]> = None;")
			.expect("OUT_DIR is writable");
		return;
	}
	let profile = profile_dir(&out_dir);
	let target = profile.parent().expect("the profile folder lies in the target directory");
	let rehearsal_out = target.join("rehearsal/build/gonka-runtime-rehearsal/out");
	fs::create_dir_all(&rehearsal_out).expect("the target directory is writable");
	let normal = profile.join("wbuild/gonka-runtime/target");
	let seeded = target.join("rehearsal/wbuild/gonka-runtime/target");
	if normal.exists() && !seeded.exists() {
		fs::create_dir_all(seeded.parent().expect("has a parent")).expect("writable");
		let copied = Command::new("cp").arg("-a").arg(&normal).arg(&seeded).status();
		assert!(copied.is_ok_and(|status| status.success()), "cannot copy {normal:?}");
	}
	// Only this build script runs in this process: nothing else reads the environment
	// concurrently. The blob is built with the release profile, as for the debug node.
	env::set_var("OUT_DIR", &rehearsal_out);
	env::set_var("WASM_BUILD_TYPE", "release");
	// The builder finds the crate in `cargo metadata` by this exact path. Read when the script
	// runs, not when it is compiled: clones at other paths share the target directory, and
	// cargo reuses this script's binary between them.
	let manifest_dir = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
	let runtime = fs::canonicalize(PathBuf::from(manifest_dir).join("../Cargo.toml"))
		.expect("runtime/Cargo.toml exists");
	substrate_wasm_builder::WasmBuilder::new()
		.with_project(runtime)
		.expect("a Cargo.toml")
		.enable_feature("upgrade-rehearsal")
		.export_heap_base()
		.import_memory()
		.build();
	fs::copy(rehearsal_out.join("wasm_binary.rs"), &binary_rs).expect("the builder wrote it");
}
