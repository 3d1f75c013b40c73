//! Helpers for tests that run the real `gonka-node` binary: free ports, child processes that
//! are killed when dropped, and JSON-RPC over plain HTTP.

#![allow(dead_code)] // each test binary uses its own subset of these helpers

use std::{
	collections::HashSet,
	io::{BufRead, BufReader, Read, Write},
	net::{TcpListener, TcpStream},
	path::{Path, PathBuf},
	process::{Child, Command, Output, Stdio},
	sync::{Arc, Mutex},
	thread,
	time::{Duration, Instant},
};

use serde_json::{json, Value};

/// The node binary cargo built for these tests.
pub fn node_binary() -> PathBuf {
	PathBuf::from(env!("CARGO_BIN_EXE_gonka-node"))
}

/// A TCP port nobody listens on right now, and never handed out before by this test binary
/// (the OS may offer a just-released port again while the node it went to is still starting).
pub fn free_port() -> u16 {
	static HANDED_OUT: Mutex<Option<HashSet<u16>>> = Mutex::new(None);
	let mut handed_out = HANDED_OUT.lock().expect("port lock");
	loop {
		let port = TcpListener::bind("127.0.0.1:0")
			.and_then(|listener| listener.local_addr())
			.map(|addr| addr.port())
			.expect("the OS hands out a free port");
		if handed_out.get_or_insert_with(HashSet::new).insert(port) {
			return port;
		}
	}
}

/// Runs the node to completion (for subcommands and start-up failures); a node still running
/// after two minutes is killed, and its output so far returned.
pub fn run_node(args: &[&str]) -> Output {
	let mut child = Command::new(node_binary())
		.args(args)
		.stdout(Stdio::piped())
		.stderr(Stdio::piped())
		.spawn()
		.expect("the node binary starts");
	let stdout = drain(child.stdout.take().expect("stdout is piped"));
	let stderr = drain(child.stderr.take().expect("stderr is piped"));
	let deadline = Instant::now() + Duration::from_secs(120);
	let status = loop {
		if let Some(status) = child.try_wait().expect("wait for the node") {
			break status;
		}
		if Instant::now() > deadline {
			let _ = child.kill();
			break child.wait().expect("wait for the killed node");
		}
		thread::sleep(Duration::from_millis(100));
	};
	Output {
		status,
		stdout: stdout.join().expect("stdout reader"),
		stderr: stderr.join().expect("stderr reader"),
	}
}

/// Reads a pipe to its end on a thread of its own.
fn drain(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<Vec<u8>> {
	thread::spawn(move || {
		let mut bytes = Vec::new();
		let _ = pipe.read_to_end(&mut bytes);
		bytes
	})
}

/// A running node, killed when dropped. Its log is kept for failure messages.
pub struct Node {
	child: Child,
	/// The JSON-RPC port on 127.0.0.1.
	pub rpc_port: u16,
	log: Arc<Mutex<Vec<String>>>,
}

impl Node {
	/// Starts `gonka-node` with `args` plus fresh RPC, p2p and Prometheus ports, and waits for
	/// its RPC server. A port found free can be taken by another process (a parallel test's
	/// node, an outgoing connection) before the node binds it; the node then exits with
	/// "Address already in use", and is started again on other ports.
	pub fn start(args: &[&str]) -> Node {
		const ATTEMPTS: usize = 3;
		for _ in 1..ATTEMPTS {
			let mut node = Self::start_with_ports(args, free_port(), free_port());
			if !node.lost_a_port_race() {
				return node;
			}
		}
		Self::start_with_ports(args, free_port(), free_port())
	}

	/// Waits up to two minutes for the RPC server; true when the node exited meanwhile because
	/// one of its ports was taken.
	fn lost_a_port_race(&mut self) -> bool {
		let deadline = Instant::now() + Duration::from_secs(120);
		while Instant::now() < deadline {
			if self.rpc("system_name", json!([])).is_some() {
				return false;
			}
			if let Ok(Some(_)) = self.child.try_wait() {
				// The log reader may still be draining the last lines.
				thread::sleep(Duration::from_millis(200));
				return self.log().contains("Address already in use");
			}
			thread::sleep(Duration::from_millis(250));
		}
		false
	}

	/// Starts `gonka-node` with `args` and the given RPC and p2p ports.
	pub fn start_with_ports(args: &[&str], rpc_port: u16, p2p_port: u16) -> Node {
		let mut child = Command::new(node_binary())
			.args(args)
			.args(["--rpc-port", &rpc_port.to_string()])
			.args(["--port", &p2p_port.to_string()])
			.args(["--prometheus-port", &free_port().to_string()])
			.arg("--no-telemetry")
			.arg("--no-mdns")
			.stdout(Stdio::null())
			.stderr(Stdio::piped())
			.spawn()
			.expect("the node binary starts");
		let log = Arc::new(Mutex::new(Vec::new()));
		let stderr = child.stderr.take().expect("stderr is piped");
		let sink = log.clone();
		thread::spawn(move || {
			for line in BufReader::new(stderr).lines().map_while(Result::ok) {
				sink.lock().expect("log lock").push(line);
			}
		});
		Node { child, rpc_port, log }
	}

	/// The node's log so far, for assertion messages.
	pub fn log(&self) -> String {
		let lines = self.log.lock().expect("log lock");
		let start = lines.len().saturating_sub(40);
		lines[start..].join("\n")
	}

	/// Calls a JSON-RPC method; `None` while the server is not up yet.
	pub fn rpc(&self, method: &str, params: Value) -> Option<Value> {
		rpc_call(self.rpc_port, method, params)
	}

	/// Calls a JSON-RPC method and returns its `error` object; `None` while the server is not
	/// up yet or when the call succeeded.
	pub fn rpc_error(&self, method: &str, params: Value) -> Option<Value> {
		rpc_reply(self.rpc_port, method, params)?.get("error").cloned()
	}

	/// Number of the best block.
	pub fn best_number(&self) -> Option<u64> {
		let header = self.rpc("chain_getHeader", json!([]))?;
		hex_number(header.get("number")?)
	}

	/// Number and hash of the last finalised block.
	pub fn finalized(&self) -> Option<(u64, String)> {
		let hash = self.rpc("chain_getFinalizedHead", json!([]))?;
		let header = self.rpc("chain_getHeader", json!([hash.clone()]))?;
		Some((hex_number(header.get("number")?)?, hash.as_str()?.to_string()))
	}

	/// Hash of the block at `number` on this node's best chain.
	pub fn block_hash(&self, number: u64) -> Option<String> {
		self.rpc("chain_getBlockHash", json!([number]))?.as_str().map(str::to_string)
	}

	/// Polls `check` every second until it returns `Some`, or panics with the node's log.
	pub fn wait_for<T>(
		&mut self,
		what: &str,
		timeout: Duration,
		check: impl Fn(&Node) -> Option<T>,
	) -> T {
		let deadline = Instant::now() + timeout;
		loop {
			if let Some(value) = check(self) {
				return value;
			}
			if let Ok(Some(status)) = self.child.try_wait() {
				panic!("node exited ({status}) while waiting for {what}; log:\n{}", self.log());
			}
			if Instant::now() > deadline {
				panic!("timed out after {timeout:?} waiting for {what}; log:\n{}", self.log());
			}
			thread::sleep(Duration::from_secs(1));
		}
	}
}

impl Drop for Node {
	fn drop(&mut self) {
		let _ = self.child.kill();
		let _ = self.child.wait();
	}
}

/// Parses a `0x…` hex quantity as JSON-RPC returns block numbers.
pub fn hex_number(value: &Value) -> Option<u64> {
	u64::from_str_radix(value.as_str()?.trim_start_matches("0x"), 16).ok()
}

/// One JSON-RPC call's `result`; `None` when the server is not up or answered an error.
pub fn rpc_call(port: u16, method: &str, params: Value) -> Option<Value> {
	rpc_reply(port, method, params)?.get("result").cloned()
}

/// One JSON-RPC call over HTTP/1.1 (the node serves HTTP and WebSocket on the same port): the
/// whole reply, `result` or `error`.
pub fn rpc_reply(port: u16, method: &str, params: Value) -> Option<Value> {
	let body = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params }).to_string();
	let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
	stream.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
	write!(
		stream,
		"POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n\
		 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
		body.len()
	)
	.ok()?;
	let mut response = String::new();
	stream.read_to_string(&mut response).ok()?;
	let (_, payload) = response.split_once("\r\n\r\n")?;
	serde_json::from_str(payload).ok()
}

/// The workspace root (the parent of the node crate). Read when the test runs, not when it
/// was compiled: clones share one target directory, so a test binary may have been built in
/// another clone.
pub fn workspace_root() -> PathBuf {
	let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo test sets it");
	Path::new(&manifest_dir).parent().expect("node/ has a parent").to_path_buf()
}
