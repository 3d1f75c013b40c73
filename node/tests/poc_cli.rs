//! `gonka-node poc …`: operators get the engine's answers, and one-line errors for bad input.

mod common;

use common::run_node;

const SEED: &str = "0000000000000000000000000000000000000000000000000000000000000000";
const ACCOUNT: &str = "1111111111111111111111111111111111111111111111111111111111111111";

fn stdout_of(args: &[&str]) -> String {
	let output = run_node(args);
	assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
	String::from_utf8_lossy(&output.stdout).into_owned()
}

fn error_of(args: &[&str]) -> String {
	let output = run_node(args);
	assert!(!output.status.success(), "should fail: {args:?}");
	let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
	assert_eq!(stderr.lines().count(), 1, "one line expected:\n{stderr}");
	assert!(!stderr.contains("panicked"), "{stderr}");
	stderr
}

#[test]
fn distance_matches_the_committed_test_vector() {
	// tests/vectors/poc.json: dev profile, seed 00…, account 11…, nonce 0 → 1.4063942.
	let out = stdout_of(&["poc", "distance", "--seed", SEED, "--account", ACCOUNT, "--nonce", "0"]);
	let distance: f64 = out
		.split_whitespace()
		.nth(1)
		.and_then(|d| d.parse().ok())
		.unwrap_or_else(|| panic!("no distance in {out:?}"));
	assert!((distance - 1.406_394_2).abs() < 1e-5, "{out}");
	assert!(out.contains("hit: no (r_target 1.361785769)"), "{out}");
}

#[test]
fn a_generous_radius_makes_a_hit() {
	let out = stdout_of(&[
		"poc",
		"distance",
		"--seed",
		SEED,
		"--account",
		ACCOUNT,
		"--nonce",
		"0",
		"--r-target",
		"1.5",
	]);
	assert!(out.contains("hit: yes"), "{out}");
}

#[test]
fn malformed_hex_is_one_line() {
	let error =
		error_of(&["poc", "distance", "--seed", "0xzz", "--account", ACCOUNT, "--nonce", "1"]);
	assert!(error.contains("--seed: not hex"), "{error}");
}

#[test]
fn wrong_account_length_is_one_line() {
	let error = error_of(&["poc", "distance", "--seed", SEED, "--account", "1111", "--nonce", "1"]);
	assert!(error.contains("--account: expected 32 bytes (64 hex digits), got 2 bytes"), "{error}");
}

#[test]
fn invalid_params_file_is_one_line() {
	let path = std::env::temp_dir().join(format!("gonka-params-{}.json", std::process::id()));
	std::fs::write(&path, r#"{"dim": 100, "layers": 1, "heads": 3, "ffn": 8, "seq": 4, "out": 8}"#)
		.expect("write params");
	let file = path.to_str().expect("utf-8 path");
	let error = error_of(&[
		"poc",
		"distance",
		"--seed",
		SEED,
		"--account",
		ACCOUNT,
		"--nonce",
		"1",
		"--params",
		file,
	]);
	let _ = std::fs::remove_file(&path);
	assert!(error.contains("must be a multiple of `heads`"), "{error}");
}

#[test]
fn cuda_without_a_gpu_says_so() {
	let output = run_node(&["poc", "bench", "--backend", "cuda", "--seconds", "1"]);
	if output.status.success() {
		eprintln!("SKIPPED: this machine has a usable GPU");
		return;
	}
	let stderr = String::from_utf8_lossy(&output.stderr);
	assert!(stderr.contains("backend unavailable"), "{stderr}");
	assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn bench_reports_throughput() {
	let out = stdout_of(&["poc", "bench", "--params", "dev", "--seconds", "1"]);
	assert!(out.contains("nonces/s") && out.contains("GFLOP/s"), "{out}");
}
