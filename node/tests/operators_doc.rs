//! docs/OPERATORS.md's rehearsal (section 8), run as written up to the new host's
//! registration: `scripts/local-net.sh` reads the document's `sh rehearsal` blocks, so a
//! command that changes in the product and not in the document fails here.

mod common;

use std::{
	os::unix::process::CommandExt,
	process::{Command, Stdio},
	thread,
	time::{Duration, Instant},
};

use common::{node_binary, workspace_root};

#[test]
fn the_operators_rehearsal_runs_as_written() {
	let dir = std::env::temp_dir().join(format!("gonka-operators-doc-{}", std::process::id()));
	let mut child = Command::new(workspace_root().join("scripts/local-net.sh"))
		.arg("--until-registered")
		.process_group(0)
		.env("NODE", node_binary())
		.env("DIR", &dir)
		.stdout(Stdio::piped())
		.stderr(Stdio::piped())
		.spawn()
		.expect("the rehearsal starts");
	let deadline = Instant::now() + Duration::from_secs(240);
	while child.try_wait().expect("wait").is_none() {
		if Instant::now() > deadline {
			// The script's trap stops the nodes it started once its current command ends; a
			// command that never ends is killed with the rest of the process group.
			let _ = Command::new("kill").arg(child.id().to_string()).status();
			thread::sleep(Duration::from_secs(20));
			let _ =
				Command::new("kill").args(["-KILL", "--", &format!("-{}", child.id())]).status();
			break;
		}
		thread::sleep(Duration::from_secs(1));
	}
	let output = child.wait_with_output().expect("the rehearsal's output");
	let (out, err) =
		(String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
	let logs = ["alice", "bob", "host"]
		.map(|name| std::fs::read_to_string(dir.join(format!("{name}.log"))).unwrap_or_default());
	assert!(
		output.status.success(),
		"the rehearsal failed:\n{out}\n{err}\nhost log:\n{}",
		logs[2].lines().rev().take(40).collect::<Vec<_>>().join("\n")
	);
	assert!(out.contains("status      Active"), "the new host is registered:\n{out}");
	assert!(out.contains("now holds 110 GNK"), "the new host was funded:\n{out}");
	let _ = std::fs::remove_dir_all(&dir);
}
