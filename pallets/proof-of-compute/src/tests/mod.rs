//! Tests of the proof-of-compute pallet, by topic.

mod cleanup;
mod commit;
mod extension;
mod reveal;
