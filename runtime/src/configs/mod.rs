//! Configuration of every pallet in the runtime, one file per concern.

pub mod consensus;
pub mod governance;
pub mod host_reputation;
pub mod inference;
pub mod monetary;
pub mod proof_of_compute;
pub mod system;
pub mod utility;
