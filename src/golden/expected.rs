//! The expected output: matching with wildcards, the diff shown on failure, and `--update`.

use super::Case;

/// Rewrites `case`'s expected output with `actual`: a new file in the same directory renamed
/// over `NAME.out`, so a symlink put there is replaced, never written through, and a reader
/// sees the old or the new file, never half of one. The old file's permissions are kept.
pub fn update_expected(case: &Case, actual: &str) -> std::io::Result<()> {
    use std::io::Write;
    let dir = super::discover::parent_dir(&case.expected);
    let mut builder = tempfile::Builder::new();
    builder.prefix(".wasmcap-update-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::symlink_metadata(&case.expected)
            .ok()
            .filter(|m| m.file_type().is_file())
            .map_or(0o644, |m| m.permissions().mode() & 0o777);
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    let mut file = builder.tempfile_in(dir)?;
    file.write_all(actual.as_bytes())?;
    file.as_file().sync_all()?;
    file.persist(&case.expected).map_err(|e| e.error)?;
    Ok(())
}

/// Whether `actual` matches the `expected` pattern with its wildcards.
pub fn matches_expected(expected: &str, actual: &str) -> bool {
    if !expected.contains("[WILDCARD]") && !expected.contains("[WILDLINE]") {
        return expected == actual;
    }
    let mut pattern = String::from("^");
    for (i, wild_split) in expected.split("[WILDCARD]").enumerate() {
        if i > 0 {
            pattern.push_str("(?s:.*?)");
        }
        for (j, literal) in wild_split.split("[WILDLINE]").enumerate() {
            if j > 0 {
                pattern.push_str("[^\n]*");
            }
            pattern.push_str(&regex::escape(literal));
        }
    }
    pattern.push('$');
    regex::Regex::new(&pattern).is_ok_and(|re| re.is_match(actual))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_text_and_lines() {
        assert!(matches_expected("a\n[WILDCARD]\nz\n", "a\nb\nc\nz\n"));
        assert!(matches_expected("took [WILDLINE]\ndone\n", "took 12 ms\ndone\n"));
        assert!(!matches_expected("took [WILDLINE]\ndone\n", "took 12\nms\ndone\n"));
        assert!(matches_expected("x.y\n", "x.y\n"));
        assert!(!matches_expected("x.y[WILDLINE]\n", "xzy\n"), "literal parts are not regexes");
        assert!(!matches_expected("a\n", "a\n\n"));
    }
}
