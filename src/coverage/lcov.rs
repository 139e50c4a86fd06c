//! The `lcov.info` format (geninfo(1)'s tracefile): what genhtml, Codecov, Coveralls and the
//! CI systems' coverage views read.

use std::fmt::Write;

use super::FileCoverage;

/// The tracefile for `files`: per file its functions, branches and lines, then the totals.
pub fn lcov(files: &[FileCoverage]) -> String {
    let mut out = String::new();
    for file in files {
        // Writing to a String cannot fail.
        let _ = write_file(&mut out, file);
    }
    out
}

fn write_file(out: &mut String, file: &FileCoverage) -> std::fmt::Result {
    writeln!(out, "TN:")?;
    writeln!(out, "SF:{}", file.path.display())?;
    for function in &file.functions {
        writeln!(out, "FN:{},{}", function.line, function.name)?;
    }
    for function in &file.functions {
        writeln!(out, "FNDA:{},{}", function.count, function.name)?;
    }
    writeln!(out, "FNF:{}", file.functions.len())?;
    writeln!(out, "FNH:{}", file.functions.iter().filter(|f| f.count > 0).count())?;
    for branch in &file.branches {
        let taken = branch.taken.map_or_else(|| "-".to_string(), |n| n.to_string());
        writeln!(out, "BRDA:{},{},{},{taken}", branch.line, branch.block, branch.branch)?;
    }
    writeln!(out, "BRF:{}", file.branches.len())?;
    writeln!(out, "BRH:{}", file.branches.iter().filter(|b| b.taken.is_some_and(|n| n > 0)).count())?;
    for (line, count) in &file.lines {
        writeln!(out, "DA:{line},{count}")?;
    }
    writeln!(out, "LF:{}", file.lines.len())?;
    writeln!(out, "LH:{}", file.lines.iter().filter(|(_, count)| *count > 0).count())?;
    writeln!(out, "end_of_record")
}
