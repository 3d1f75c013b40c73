//! Two nodes, Alice and Bob, run the `local_testnet` chain on loopback and finalise the same
//! blocks.

mod common;

use std::time::Duration;

use common::{free_port, Node};

/// Alice's fixed libp2p key, so that Bob can name her as his bootnode. (Authorities of a
/// non-development chain must be given a stable network key.)
const ALICE_NODE_KEY: &str = "0000000000000000000000000000000000000000000000000000000000000001";
/// Bob's fixed libp2p key.
const BOB_NODE_KEY: &str = "0000000000000000000000000000000000000000000000000000000000000002";
/// The peer id of [`ALICE_NODE_KEY`].
const ALICE_PEER_ID: &str = "12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp";

#[test]
fn alice_and_bob_finalise_the_same_block() {
	let alice_p2p = free_port();
	let mut alice = Node::start_with_ports(
		&["--chain", "local", "--alice", "--tmp", "--node-key", ALICE_NODE_KEY],
		free_port(),
		alice_p2p,
	);
	let bootnode = format!("/ip4/127.0.0.1/tcp/{alice_p2p}/p2p/{ALICE_PEER_ID}");
	let mut bob = Node::start(&[
		"--chain",
		"local",
		"--bob",
		"--tmp",
		"--node-key",
		BOB_NODE_KEY,
		"--bootnodes",
		&bootnode,
	]);

	// GRANDPA needs both votes (2 of 2 authorities), so finality proves the two nodes talk.
	let (alice_final, _) =
		alice.wait_for("Alice to finalise block 2", Duration::from_secs(400), |n| {
			n.finalized().filter(|(number, _)| *number >= 2)
		});
	let (bob_final, _) = bob.wait_for("Bob to finalise block 2", Duration::from_secs(120), |n| {
		n.finalized().filter(|(number, _)| *number >= 2)
	});

	let common_height = alice_final.min(bob_final);
	let alice_hash = alice.block_hash(common_height).expect("Alice knows her finalised block");
	let bob_hash = bob.block_hash(common_height).expect("Bob knows his finalised block");
	assert_eq!(alice_hash, bob_hash, "finalised block {common_height} differs between the nodes");
}
