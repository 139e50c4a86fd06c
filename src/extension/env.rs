//! `process.env`: only what `--allow-env[=NAMES]` grants. Without a grant the script sees an
//! empty environment (a read gives `undefined`, as if the variable were unset), so packages
//! that probe `NO_COLOR` or `NODE_ENV` keep working and nothing leaks.

use deno_core::{OpState, op2};

/// Which environment variables a script may read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum EnvGrant {
    /// None (the default).
    #[default]
    Denied,
    /// All of them (`--allow-env` with no list).
    All,
    /// These names (`--allow-env=HOME,LANG`).
    Names(Vec<String>),
}

impl EnvGrant {
    /// A grant from the flag's value: `None` for the bare flag, else a comma-separated list of
    /// names. A name must be one a variable can have: not empty, no `=`, no NUL, and not
    /// starting with `-` (`--allow-env=--allow-read` is a mistyped command line, not a name).
    pub fn from_flag(value: Option<&str>) -> Result<Self, String> {
        let Some(list) = value else { return Ok(EnvGrant::All) };
        let mut names = Vec::new();
        for name in list.split(',') {
            let problem = if name.is_empty() {
                Some("an empty name (two commas, or a comma at an end?)")
            } else if name.contains('=') {
                Some("names cannot contain '='")
            } else if name.contains('\0') {
                Some("names cannot contain NUL")
            } else if name.starts_with('-') {
                Some("names do not start with '-' (a flag given as a value? write each flag separately)")
            } else {
                None
            };
            if let Some(problem) = problem {
                return Err(format!(
                    "'{}' is not an environment variable name: {problem}. Usage: --allow-env=NAME1,NAME2 (or --allow-env for all)",
                    name.escape_debug()
                ));
            }
            names.push(name.to_string());
        }
        Ok(EnvGrant::Names(names))
    }

    fn grants(&self, name: &str) -> bool {
        match self {
            EnvGrant::Denied => false,
            EnvGrant::All => true,
            EnvGrant::Names(names) => names.iter().any(|n| n == name),
        }
    }
}

/// The granted variables that are set, as (name, value) pairs: `process.env`'s contents,
/// read once per runtime. Names or values that are not UTF-8 are decoded lossily.
#[op2]
#[serde]
pub fn op_wasmcap_env(state: &mut OpState) -> Vec<(String, String)> {
    let Some(grant) = state.try_borrow::<EnvGrant>() else { return Vec::new() };
    if *grant == EnvGrant::Denied {
        return Vec::new();
    }
    std::env::vars_os()
        .map(|(name, value)| (name.to_string_lossy().into_owned(), value.to_string_lossy().into_owned()))
        .filter(|(name, _)| grant.grants(name))
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::*;

    #[test]
    fn flag_values_are_names_or_a_clear_error() {
        assert_eq!(EnvGrant::from_flag(None), Ok(EnvGrant::All));
        assert_eq!(EnvGrant::from_flag(Some("HOME,LANG")), Ok(EnvGrant::Names(vec!["HOME".into(), "LANG".into()])));
        for bad in ["A=B", "--allow-read", "", "A,,B", "A,", "A\0B"] {
            let err = EnvGrant::from_flag(Some(bad)).unwrap_err();
            assert!(err.starts_with('\'') && err.contains("Usage: --allow-env="), "{bad:?}: {err}");
        }
    }
}
