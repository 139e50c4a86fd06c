//! Hostile input: fs (see tests/hostile.rs).
