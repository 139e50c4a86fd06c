//! Hostile input: runner (see tests/hostile.rs).
