//! Gonka's native compute: the Proof-of-Compute engine (CPU reference and CUDA).

pub mod engine;
