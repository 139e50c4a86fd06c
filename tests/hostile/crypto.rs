//! Hostile input: crypto (see tests/hostile.rs).
