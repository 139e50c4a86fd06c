//! Hostile input: imports (see tests/hostile.rs).
