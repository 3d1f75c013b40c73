//! Tests of the sprint pallet, by topic.

mod params;
mod phases;
mod seeds;
