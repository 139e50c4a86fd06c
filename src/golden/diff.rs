//! The diff shown when a case's output does not match: the actual output aligned against the
//! `.out` pattern, wildcards included, so that text a `[WILDCARD]` or `[WILDLINE]` matched is
//! context and only the real differences are marked `-`/`+`.
//!
//! The pattern is a list of elements, one per expected line (a line with `[WILDLINE]`, or with
//! `[WILDCARD]` inside it, matches one actual line as a regex) plus a gap wherever a line is,
//! starts or ends with `[WILDCARD]` (any number of whole lines). The alignment is the cheapest
//! one, each unmatched expected or actual line costing 1: a dynamic programme over the lines
//! left once the common head and tail are taken off. Past [`MAX_CELLS`] it falls back to a
//! plain line diff and says so.

use super::printable;

/// The largest alignment table (expected × actual lines, after the common head and tail):
/// 16 MiB of `u32`.
const MAX_CELLS: usize = 4 << 20;

/// Lines of unchanged text shown around each change.
const CONTEXT: usize = 3;

/// One line of a diff, its text with control characters escaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiffLine {
    /// `--- NAME.out` / `+++ actual output`.
    Header(String),
    /// `@@ -E +A @@`: where the next lines start in each.
    Hunk(String),
    /// Matched: literally or by a wildcard.
    Context(String),
    /// Expected and missing.
    Removed(String),
    /// Printed and not expected.
    Added(String),
    /// A remark, such as a missing final newline.
    Note(String),
}

/// A rendered-on-demand diff: plain for files and pipes, coloured on a terminal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diff {
    pub lines: Vec<DiffLine>,
}

impl Diff {
    /// The diff as text, one line each, with ANSI colours if `color`.
    pub fn render(&self, color: bool) -> String {
        let mut text = String::new();
        for line in &self.lines {
            let (prefix, body, paint) = match line {
                DiffLine::Header(t) => ("", t, "1"),
                DiffLine::Hunk(t) => ("", t, "36"),
                DiffLine::Context(t) => (" ", t, ""),
                DiffLine::Removed(t) => ("-", t, "31"),
                DiffLine::Added(t) => ("+", t, "32"),
                DiffLine::Note(t) => ("\\ ", t, "2"),
            };
            if color && !paint.is_empty() {
                text.push_str(&format!("\x1b[{paint}m{prefix}{body}\x1b[0m\n"));
            } else {
                text.push_str(&format!("{prefix}{body}\n"));
            }
        }
        text
    }
}

/// One element of the expected output.
enum Element {
    /// One actual line: equal to the text, or matching the regex (wildcards within a line).
    Line { number: usize, text: String, regex: Option<regex::Regex> },
    /// Any number of actual lines (`[WILDCARD]` across lines).
    Gap { number: usize },
}

impl Element {
    fn matches(&self, actual: &str) -> bool {
        match self {
            Element::Line { regex: Some(regex), .. } => regex.is_match(actual),
            Element::Line { text, .. } => text == actual,
            Element::Gap { .. } => true,
        }
    }

    fn number(&self) -> usize {
        match self {
            Element::Line { number, .. } | Element::Gap { number } => *number,
        }
    }
}

/// What the alignment did with each line.
enum Step<'a> {
    Matched { expected: usize, actual: usize, text: &'a str },
    Removed { expected: usize, text: String },
    Added { actual: usize, text: &'a str },
}

/// The diff of `actual` against the `expected` pattern, headed by their names.
pub fn wildcard_diff(expected: &str, actual: &str, expected_name: &str) -> Diff {
    let (expected_lines, expected_newline) = split_lines(expected);
    let (actual_lines, actual_newline) = split_lines(actual);
    let elements = elements(&expected_lines);
    let mut diff = Diff { lines: vec![DiffLine::Header(format!("--- {expected_name}")), DiffLine::Header("+++ actual output".into())] };
    let Some(steps) = align(&elements, &actual_lines) else {
        diff.lines.push(DiffLine::Note("too long for a wildcard-aware diff; a plain diff of the .out file follows".into()));
        diff.lines.extend(plain_diff(expected, actual));
        return diff;
    };
    diff.lines.extend(hunks(&steps));
    let ends_in_wildcard = expected.ends_with("[WILDCARD]") || expected.ends_with("[WILDCARD]\n");
    if expected_newline != actual_newline && !expected.is_empty() && !actual.is_empty() && !ends_in_wildcard {
        let (has, lacks) = if expected_newline { ("expected", "actual") } else { ("actual", "expected") };
        diff.lines.push(DiffLine::Note(format!("the {has} output ends with a newline, the {lacks} output does not")));
    }
    if diff.lines.len() == 2 {
        // The line alignment found nothing (wildcards inside lines are approximated): a
        // plain diff then shows where the text differs.
        diff.lines.extend(plain_diff(expected, actual));
    }
    diff
}

/// The lines of `text` and whether it ends with a newline.
fn split_lines(text: &str) -> (Vec<&str>, bool) {
    let newline = text.ends_with('\n');
    let body = text.strip_suffix('\n').unwrap_or(text);
    let lines = if text.is_empty() { Vec::new() } else { body.split('\n').collect() };
    (lines, newline)
}

fn elements(lines: &[&str]) -> Vec<Element> {
    let mut elements = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let number = index + 1;
        if *line == "[WILDCARD]" {
            elements.push(Element::Gap { number });
            continue;
        }
        let starts = line.starts_with("[WILDCARD]");
        if starts {
            elements.push(Element::Gap { number });
        }
        let regex = (line.contains("[WILDCARD]") || line.contains("[WILDLINE]")).then(|| line_regex(line));
        elements.push(Element::Line { number, text: line.to_string(), regex: regex.flatten() });
        if line.ends_with("[WILDCARD]") {
            elements.push(Element::Gap { number });
        }
    }
    elements
}

/// A line with wildcards as a regex over one line: each wildcard `.*`, the rest literal.
fn line_regex(line: &str) -> Option<regex::Regex> {
    let literals: Vec<String> =
        line.split("[WILDCARD]").flat_map(|part| part.split("[WILDLINE]")).map(regex::escape).collect();
    regex::Regex::new(&format!("^{}$", literals.join(".*"))).ok()
}

/// The cheapest alignment of `elements` with `actual`, or `None` when the table would be
/// too large.
fn align<'a>(elements: &[Element], actual: &[&'a str]) -> Option<Vec<Step<'a>>> {
    // The common head and tail of matching lines are matched as they are (always optimal).
    let mut head = 0;
    while head < elements.len() && head < actual.len() && is_line(&elements[head]) && elements[head].matches(actual[head]) {
        head += 1;
    }
    let mut tail = 0;
    while tail < elements.len() - head
        && tail < actual.len() - head
        && is_line(&elements[elements.len() - 1 - tail])
        && elements[elements.len() - 1 - tail].matches(actual[actual.len() - 1 - tail])
    {
        tail += 1;
    }
    let (pattern, lines) = (&elements[head..elements.len() - tail], &actual[head..actual.len() - tail]);
    let (n, m) = (pattern.len(), lines.len());
    if (n + 1).saturating_mul(m + 1) > MAX_CELLS {
        return None;
    }
    // cost[i][j]: the fewest unmatched lines aligning pattern[i..] with lines[j..].
    let width = m + 1;
    let mut cost = vec![0u32; (n + 1) * width];
    for i in (0..=n).rev() {
        for j in (0..=m).rev() {
            cost[i * width + j] = if i == n {
                (m - j) as u32
            } else {
                let skip = cost[(i + 1) * width + j];
                match &pattern[i] {
                    Element::Gap { .. } if j == m => skip,
                    Element::Gap { .. } => skip.min(cost[i * width + j + 1]),
                    Element::Line { .. } if j == m => skip + 1,
                    line => {
                        let mut best = (skip + 1).min(cost[i * width + j + 1] + 1);
                        if line.matches(lines[j]) {
                            best = best.min(cost[(i + 1) * width + j + 1]);
                        }
                        best
                    }
                }
            };
        }
    }
    let mut steps: Vec<Step> = (0..head)
        .map(|k| Step::Matched { expected: elements[k].number(), actual: k + 1, text: actual[k] })
        .collect();
    let (mut i, mut j) = (0, 0);
    let at = |i: usize, j: usize| cost[i * width + j];
    while i < n || j < m {
        let here = at(i, j);
        let actual_number = head + j + 1;
        match pattern.get(i) {
            // A gap ends as soon as it can: the lines after it then match their own pattern
            // lines rather than being swallowed by the wildcard at the same cost.
            Some(Element::Gap { .. }) if j == m || at(i + 1, j) == here => i += 1,
            Some(Element::Gap { .. }) => {
                steps.push(Step::Matched { expected: pattern[i].number(), actual: actual_number, text: lines[j] });
                j += 1;
            }
            Some(line @ Element::Line { .. }) if j < m && line.matches(lines[j]) && at(i + 1, j + 1) == here => {
                steps.push(Step::Matched { expected: line.number(), actual: actual_number, text: lines[j] });
                i += 1;
                j += 1;
            }
            Some(Element::Line { number, text, .. }) if at(i + 1, j) + 1 == here => {
                steps.push(Step::Removed { expected: *number, text: text.clone() });
                i += 1;
            }
            _ => {
                steps.push(Step::Added { actual: actual_number, text: lines[j] });
                j += 1;
            }
        }
    }
    let first_tail = elements.len() - tail;
    steps.extend((0..tail).map(|k| Step::Matched {
        expected: elements[first_tail + k].number(),
        actual: actual.len() - tail + k + 1,
        text: actual[actual.len() - tail + k],
    }));
    Some(steps)
}

fn is_line(element: &Element) -> bool {
    matches!(element, Element::Line { .. })
}

/// The changed steps with [`CONTEXT`] matched lines around them, in hunks.
fn hunks(steps: &[Step]) -> Vec<DiffLine> {
    let changed: Vec<usize> = (0..steps.len()).filter(|&k| !matches!(steps[k], Step::Matched { .. })).collect();
    let mut lines = Vec::new();
    let mut k = 0;
    while k < changed.len() {
        let start = changed[k].saturating_sub(CONTEXT);
        let mut end = changed[k] + 1;
        while k < changed.len() && changed[k] <= end + 2 * CONTEXT {
            end = changed[k] + 1;
            k += 1;
        }
        let end = (end + CONTEXT).min(steps.len());
        lines.push(DiffLine::Hunk(hunk_header(steps, start)));
        for step in &steps[start..end] {
            lines.push(match step {
                Step::Matched { text, .. } => DiffLine::Context(printable(text)),
                Step::Removed { text, .. } => DiffLine::Removed(printable(text)),
                Step::Added { text, .. } => DiffLine::Added(printable(text)),
            });
        }
    }
    lines
}

/// `@@ -E +A @@`: the expected and actual line numbers where a hunk starts.
fn hunk_header(steps: &[Step], start: usize) -> String {
    let expected = steps[start..].iter().find_map(|s| match s {
        Step::Matched { expected, .. } | Step::Removed { expected, .. } => Some(*expected),
        Step::Added { .. } => None,
    });
    let actual = steps[start..].iter().find_map(|s| match s {
        Step::Matched { actual, .. } | Step::Added { actual, .. } => Some(*actual),
        Step::Removed { .. } => None,
    });
    let show = |n: Option<usize>| n.map_or_else(|| "end".to_string(), |n| n.to_string());
    format!("@@ -{} +{} @@", show(expected), show(actual))
}

/// A plain line diff (no wildcards), for what the alignment cannot show.
fn plain_diff(expected: &str, actual: &str) -> Vec<DiffLine> {
    let diff = similar::TextDiff::from_lines(expected, actual);
    let mut lines = Vec::new();
    for group in diff.grouped_ops(CONTEXT) {
        let (Some(first), Some(_)) = (group.first(), group.last()) else { continue };
        lines.push(DiffLine::Hunk(format!("@@ -{} +{} @@", first.old_range().start + 1, first.new_range().start + 1)));
        for op in &group {
            for change in diff.iter_changes(op) {
                let text = printable(change.value().strip_suffix('\n').unwrap_or(change.value()));
                lines.push(match change.tag() {
                    similar::ChangeTag::Equal => DiffLine::Context(text),
                    similar::ChangeTag::Delete => DiffLine::Removed(text),
                    similar::ChangeTag::Insert => DiffLine::Added(text),
                });
            }
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(expected: &str, actual: &str) -> String {
        let text = wildcard_diff(expected, actual, "x.out").render(false);
        text.strip_prefix("--- x.out\n+++ actual output\n").unwrap().to_string()
    }

    #[test]
    fn wildcard_matched_lines_are_context() {
        let expected = "start\n[WILDCARD]\ntook [WILDLINE] ms\nresult: 42\nend\n";
        let actual = "start\nnoise 1\nnoise 2\ntook 12 ms\nresult: 41\nend\n";
        assert_eq!(body(expected, actual), "@@ -2 +2 @@\n noise 1\n noise 2\n took 12 ms\n-result: 42\n+result: 41\n end\n");
    }

    #[test]
    fn far_apart_changes_are_separate_hunks() {
        let expected: String = (1..=20).map(|n| format!("{n}\n")).collect();
        let actual: String = (1..=20)
            .map(|n| match n {
                2 => "two\n".to_string(),
                19 => "nineteen\n".to_string(),
                n => format!("{n}\n"),
            })
            .collect();
        assert_eq!(
            body(&expected, &actual),
            "@@ -1 +1 @@\n 1\n-2\n+two\n 3\n 4\n 5\n@@ -16 +16 @@\n 16\n 17\n 18\n-19\n+nineteen\n 20\n"
        );
    }

    #[test]
    fn missing_newline_and_control_characters_are_said() {
        assert_eq!(body("a\n", "a"), "\\ the expected output ends with a newline, the actual output does not\n");
        assert_eq!(body("a\n", "\u{1b}[2Ja\n"), "@@ -1 +1 @@\n-a\n+\\u{1b}[2Ja\n");
        assert_eq!(body("", "extra\n"), "@@ -end +1 @@\n+extra\n");
    }

    #[test]
    fn wildcards_at_line_ends_span_lines() {
        let expected = "head [WILDCARD]\nfoot\n[WILDCARD]tail\nlast\n";
        let actual = "head a\nb\nfoot\nc\nd tail\nLAST\n";
        assert_eq!(body(expected, actual), "@@ -2 +3 @@\n foot\n c\n d tail\n-last\n+LAST\n");
    }
}
