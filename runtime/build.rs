//! Builds the runtime's WASM blob with `substrate-wasm-builder` and embeds it in the native crate.

#[cfg(feature = "std")]
fn main() {
	substrate_wasm_builder::WasmBuilder::build_using_defaults();
}

/// Nothing to build when the runtime itself is being compiled to WASM.
#[cfg(not(feature = "std"))]
fn main() {}
