//! Hostile input: limits (see tests/hostile.rs).
