//! The one-screen summary: per file, the share of lines, branches and functions that ran.

use std::path::Path;

use super::FileCoverage;

/// Hit and found counts of lines, branches and functions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub lines: (usize, usize),
    pub branches: (usize, usize),
    pub functions: (usize, usize),
}

impl Totals {
    pub fn of(file: &FileCoverage) -> Self {
        Totals {
            lines: (file.lines.iter().filter(|(_, n)| *n > 0).count(), file.lines.len()),
            branches: (file.branches.iter().filter(|b| b.taken.is_some_and(|n| n > 0)).count(), file.branches.len()),
            functions: (file.functions.iter().filter(|f| f.count > 0).count(), file.functions.len()),
        }
    }

    fn add(&mut self, other: Totals) {
        for (mine, theirs) in [
            (&mut self.lines, other.lines),
            (&mut self.branches, other.branches),
            (&mut self.functions, other.functions),
        ] {
            mine.0 += theirs.0;
            mine.1 += theirs.1;
        }
    }
}

/// `hit/found` as a percentage with one decimal, and the counts (`-` when there is nothing).
fn share((hit, found): (usize, usize)) -> String {
    if found == 0 {
        return "-".to_string();
    }
    // Rounded down, so that 99.96% is not shown as a complete 100.0%.
    let tenths = hit * 1000 / found;
    format!("{}.{}% ({hit}/{found})", tenths / 10, tenths % 10)
}

/// The table: one row per file (its path relative to `base` when under it), then all files.
pub fn summary_table(files: &[FileCoverage], base: &Path) -> String {
    let mut rows = vec![["File".to_string(), "Lines".into(), "Branches".into(), "Functions".into()]];
    let mut all = Totals::default();
    for file in files {
        let totals = Totals::of(file);
        all.add(totals);
        let path = file.path.strip_prefix(base).unwrap_or(&file.path);
        rows.push([path.display().to_string(), share(totals.lines), share(totals.branches), share(totals.functions)]);
    }
    rows.push([format!("All files ({})", files.len()), share(all.lines), share(all.branches), share(all.functions)]);
    let mut widths = [0usize; 4];
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in &rows {
        let cells: Vec<String> = row.iter().zip(widths).map(|(cell, width)| format!("{cell:<width$}")).collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_round_down_and_say_when_there_is_nothing() {
        assert_eq!(share((0, 0)), "-");
        assert_eq!(share((2, 3)), "66.6% (2/3)");
        assert_eq!(share((9999, 10000)), "99.9% (9999/10000)");
        assert_eq!(share((4, 4)), "100.0% (4/4)");
    }
}
