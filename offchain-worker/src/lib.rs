//! Gonka's native compute: the Proof-of-Compute engine (CPU reference and CUDA), the host's
//! worker that drives it through every epoch, and the operator's `poc` commands.

pub mod cli;
pub mod driver;
pub mod engine;
