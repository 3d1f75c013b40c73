//! Tests of the sprint pallet, by topic.

mod emission;
mod invariants;
mod params;
mod phases;
mod seeds;
