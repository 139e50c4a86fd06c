//! Hostile input: realm (see tests/hostile.rs).
