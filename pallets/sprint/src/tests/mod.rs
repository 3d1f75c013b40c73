//! Tests of the sprint pallet, by topic.

mod emission;
mod params;
mod phases;
mod seeds;
