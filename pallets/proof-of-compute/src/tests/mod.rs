//! Tests of the proof-of-compute pallet, by topic.

mod attest;
mod cleanup;
mod commit;
mod extension;
mod invariants;
mod payout;
mod reveal;
mod settlement;
mod simulation;
