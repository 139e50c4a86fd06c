//! One file's coverage from the runs that loaded it: lines, functions and branches, merged.

use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use super::lines::lines;
use super::{CoverageRange, FunctionCoverage};

/// One file's merged coverage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileCoverage {
    pub path: PathBuf,
    /// (line number, count) of each counted line.
    pub lines: Vec<(usize, u64)>,
    pub functions: Vec<Function>,
    pub branches: Vec<Branch>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    /// Unique in the file: V8's name, or `(anonymous)`, with `@LINE:COLUMN` when needed.
    pub name: String,
    pub line: usize,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Branch {
    pub line: usize,
    /// The function's index in the file (lcov's block) and the block's index in it.
    pub block: usize,
    pub branch: usize,
    /// `None` when the function never ran (lcov's `-`).
    pub taken: Option<u64>,
}

/// One run's ranges of the file, checked against its length (offsets past the end are cut,
/// empty ranges dropped), sorted so that each range comes after every range around it.
struct Run {
    ranges: Vec<CoverageRange>,
}

impl Run {
    fn new(functions: &[FunctionCoverage], length: usize) -> Self {
        let mut ranges: Vec<CoverageRange> = functions
            .iter()
            .flat_map(|f| &f.ranges)
            .map(|r| CoverageRange { end_offset: r.end_offset.min(length), ..*r })
            .filter(|r| r.start_offset < r.end_offset)
            .collect();
        ranges.sort_by_key(|r| (r.start_offset, Reverse(r.end_offset)));
        Run { ranges }
    }

    /// Each offset's count: that of the innermost range around it (ranges nest, and the
    /// sort puts inner ones last, so painting in order leaves the innermost).
    fn paint(&self, counts: &mut [u64]) {
        let mut own = vec![0u64; counts.len()];
        for range in &self.ranges {
            own[range.start_offset..range.end_offset].fill(range.count);
        }
        for (total, count) in counts.iter_mut().zip(own) {
            *total = total.saturating_add(count);
        }
    }

    /// The count of `[start, end)` in this run: its own if listed, else the innermost range
    /// around it (V8 leaves out a range whose count equals its surroundings').
    fn count_of(&self, start: usize, end: usize) -> u64 {
        self.ranges
            .iter()
            .filter(|r| r.start_offset <= start && r.end_offset >= end)
            .min_by_key(|r| r.end_offset - r.start_offset)
            .map_or(0, |r| r.count)
    }
}

/// Merges the runs (each V8's function list for the file whose text is `source`).
pub fn merge_runs(path: PathBuf, source: &str, runs: &[Vec<FunctionCoverage>]) -> FileCoverage {
    let length: usize = source.encode_utf16().count();
    let parsed: Vec<Run> = runs.iter().map(|functions| Run::new(functions, length)).collect();
    let mut counts = vec![0u64; length];
    for run in &parsed {
        run.paint(&mut counts);
    }
    let all_lines = lines(source);
    let line_of = |offset: usize| all_lines.partition_point(|l| l.start <= offset).max(1);
    let counted_lines = all_lines
        .iter()
        .filter(|l| l.counted)
        .map(|l| (l.number, l.code.iter().map(|&o| counts.get(o).copied().unwrap_or(0)).max().unwrap_or(0)))
        .collect();

    // Every function any run listed (by its extent), with the blocks any run listed in it.
    // Keyed so that a function comes before the functions inside it.
    let mut functions: BTreeMap<(usize, Reverse<usize>), (String, Vec<(usize, usize)>)> = BTreeMap::new();
    for function in runs.iter().flatten() {
        let Some(extent) = function.ranges.first() else { continue };
        let key = (extent.start_offset, Reverse(extent.end_offset.min(length)));
        if key.0 >= key.1.0 {
            continue;
        }
        let entry = functions.entry(key).or_insert_with(|| (function.function_name.clone(), Vec::new()));
        for block in &function.ranges[1..] {
            let block = (block.start_offset, block.end_offset.min(length));
            if block.0 < block.1 && !entry.1.contains(&block) {
                entry.1.push(block);
            }
        }
    }
    let total = |start, end| parsed.iter().fold(0u64, |sum, run| sum.saturating_add(run.count_of(start, end)));
    let position = |offset: usize| {
        let line = line_of(offset);
        let line_start = all_lines.get(line - 1).map_or(0, |l| l.start);
        (line, offset.saturating_sub(line_start) + 1)
    };
    let mut named: HashMap<String, usize> = HashMap::new();
    for (name, _) in functions.values() {
        *named.entry(name.clone()).or_default() += 1;
    }
    let mut merged_functions = Vec::new();
    let mut branches = Vec::new();
    for (index, (&(start, Reverse(end)), (name, blocks))) in functions.iter_mut().enumerate() {
        let count = total(start, end);
        // The module's own top level is not a function a person wrote.
        let top_level = start == 0 && end == length && name.is_empty();
        if !top_level {
            let (line, column) = position(start);
            let name = match name.as_str() {
                "" => format!("(anonymous)@{line}:{column}"),
                name if named[name] > 1 => format!("{}@{line}:{column}", crate::golden::printable(name)),
                name => crate::golden::printable(name),
            };
            merged_functions.push(Function { name, line, count });
        }
        blocks.sort();
        for (branch, &(block_start, block_end)) in blocks.iter().enumerate() {
            let taken = (count > 0).then(|| total(block_start, block_end));
            branches.push(Branch { line: line_of(block_start), block: index, branch, taken });
        }
    }
    FileCoverage { path, lines: counted_lines, functions: merged_functions, branches }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn function(name: &str, ranges: &[(usize, usize, u64)]) -> FunctionCoverage {
        FunctionCoverage {
            function_name: name.into(),
            ranges: ranges.iter().map(|&(s, e, c)| CoverageRange { start_offset: s, end_offset: e, count: c }).collect(),
            is_block_coverage: true,
        }
    }

    #[test]
    fn runs_merge_by_summing_with_left_out_ranges_counted_as_their_surroundings() {
        // 0         1         2
        // 0123456789012345678901234
        // f(a){if(a){x}\ny}\nf(1)
        let source = "f(a){if(a){x}\ny}\nf(1)\n";
        let length = source.len();
        // Run 1 called f with a truthy a: the if-block ran as often as f, so V8 left it out.
        let one = vec![function("", &[(0, length, 1)]), function("f", &[(0, 16, 1)])];
        // Run 2 called f twice with a falsy a: the block (10..13) ran 0 times.
        let two = vec![function("", &[(0, length, 1)]), function("f", &[(0, 16, 2), (10, 13, 0)])];
        let merged = merge_runs(PathBuf::from("/f.js"), source, &[one, two]);
        assert_eq!(merged.lines, vec![(1, 3), (2, 3), (3, 2)]);
        assert_eq!(merged.functions, vec![Function { name: "f".into(), line: 1, count: 3 }]);
        // The block: once in run 1 (f's count there), never in run 2.
        assert_eq!(merged.branches, vec![Branch { line: 1, block: 1, branch: 0, taken: Some(1) }]);
    }

    #[test]
    fn hostile_ranges_are_cut_to_the_source_not_trusted() {
        let source = "x\n";
        let runs = vec![vec![function("", &[(0, 999, 1), (5, 3, 7), (1, 1, 9)]), function("g", &[])]];
        let merged = merge_runs(PathBuf::from("/x.js"), source, &runs);
        assert_eq!(merged.lines, vec![(1, 1)]);
        assert!(merged.functions.is_empty() && merged.branches.is_empty());
    }
}
