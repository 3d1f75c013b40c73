//! Gonka's native compute: the Proof-of-Compute engine (CPU reference and CUDA) and the
//! operator's `poc` commands.

pub mod cli;
pub mod engine;
