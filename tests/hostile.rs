//! Hostile input, class by class (issue 11): each module closes one class of attack on the
//! promises in README.md's "Security model", with the cases that once broke them as
//! regression tests and variants of each class beside them.

mod common;

#[path = "hostile/fs.rs"]
mod fs;
#[path = "hostile/imports.rs"]
mod imports;
#[path = "hostile/limits.rs"]
mod limits;
#[path = "hostile/runner.rs"]
mod runner;
#[path = "hostile/realm.rs"]
mod realm;
#[path = "hostile/crypto.rs"]
mod crypto;
