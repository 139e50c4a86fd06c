//! The project's own golden suite (`tests/golden/`), one libtest case per golden case, so CI
//! counts each. It runs the same code as `wasmcap test`.

use std::path::PathBuf;
use std::time::Duration;

use libtest_mimic::{Arguments, Failed, Trial};
use wasmcap::golden::{Outcome, RunConfig, discover, run_case};

fn main() {
    let args = Arguments::from_args();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let config = RunConfig {
        exe: env!("CARGO_BIN_EXE_wasmcap").into(),
        timeout: Duration::from_secs(30),
        seed: None,
        read: Default::default(),
        write: Default::default(),
        env: Default::default(),
        coverage: None,
    };
    let cases = discover(std::slice::from_ref(&root)).expect("tests/golden is readable").cases;
    assert!(cases.len() >= 30, "the golden suite should have at least 30 cases, found {}", cases.len());
    let trials = cases
        .into_iter()
        .map(|case| {
            let name = case.name(&root);
            let config = config.clone();
            Trial::test(name, move || match run_case(&case, &config) {
                Ok(Outcome::Passed) => Ok(()),
                Ok(Outcome::Skipped(why)) => Err(Failed::from(format!("skipped in the project suite: {why}"))),
                Ok(Outcome::Failed(failure)) => {
                    let diff = failure.diff.map(|d| d.render(false)).unwrap_or_default();
                    Err(Failed::from(format!("{}\n{diff}", failure.problem)))
                }
                Err(e) => Err(Failed::from(format!("{e:#}"))),
            })
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}
