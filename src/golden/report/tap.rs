//! TAP version 13 (testanything.org): the plan first, `ok N - name` / `not ok N - name` per
//! case as it ends, a YAML block (`---` ... `...`) under each failure with the reason and the
//! diff, `# SKIP` for skipped cases, `Bail out!` when `--fail-fast` stops the run, and the
//! totals as a comment.

use super::{CaseReport, End, Reporter, Verdict, print};

#[derive(Default)]
pub struct Tap {
    /// Cases reported so far.
    number: usize,
}

/// A name or reason on a test line: `#` starts a directive in TAP, so it is escaped.
fn on_test_line(text: &str) -> String {
    text.replace('\\', "\\\\").replace('#', "\\#")
}

/// `text` as a YAML literal block indented under a key: no quoting or escaping needed, the
/// text having no control characters but tab (see `printable`). The explicit indentation
/// (`|2-`) keeps a first line that starts with a blank as it is.
fn literal_block(key: &str, text: &str) -> String {
    let mut block = format!("  {key}: |2-\n");
    for line in text.lines() {
        block.push_str(&format!("    {line}\n"));
    }
    block
}

impl Reporter for Tap {
    fn plan(&mut self, cases: usize) {
        print(&format!("TAP version 13\n1..{cases}\n"));
    }

    fn case(&mut self, report: &CaseReport) {
        self.number += 1;
        let (n, name) = (self.number, on_test_line(&report.name));
        let text = match &report.verdict {
            Verdict::Passed => format!("ok {n} - {name}\n"),
            Verdict::Updated(path) => format!("ok {n} - {name} # updated {}\n", on_test_line(path)),
            Verdict::Skipped(why) => format!("ok {n} - {name} # SKIP {}\n", on_test_line(why)),
            Verdict::Failed { why, kind, diff } => {
                let mut text = format!("not ok {n} - {name}\n  ---\n");
                text.push_str(&literal_block("message", why));
                text.push_str(&format!("  severity: fail\n  type: {kind}\n"));
                text.push_str(&literal_block("file", &report.file));
                if let Some(diff) = diff {
                    text.push_str(&literal_block("diff", &diff.render(false)));
                }
                text.push_str("  ...\n");
                text
            }
        };
        print(&text);
    }

    fn end(&mut self, end: &End) -> anyhow::Result<()> {
        let mut text = String::new();
        if let Some(limit) = end.fail_fast {
            let s = if limit == 1 { "" } else { "s" };
            text.push_str(&format!("Bail out! stopped after {limit} failure{s} (--fail-fast): {} not run\n", end.summary.not_run));
        }
        if let Some(seed) = end.shuffle {
            text.push_str(&format!("# shuffled with seed {seed}\n"));
        }
        text.push_str(&format!("# finished in {:.2} s\n# {}\n", end.elapsed.as_secs_f64(), end.summary));
        print(&text);
        Ok(())
    }
}
