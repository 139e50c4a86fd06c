//! The report for people: a line per case (a diff under each failure), then the failures
//! again, the time taken and the totals, the last line being `N passed, N failed`.

use super::{CaseReport, End, Reporter, Verdict, print};

pub struct Pretty {
    pub color: bool,
    /// The last thing printed was a diff and the blank line after it.
    after_diff: bool,
}

impl Pretty {
    pub fn new(color: bool) -> Self {
        Pretty { color, after_diff: false }
    }
}

impl Pretty {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_string() }
    }
}

impl Reporter for Pretty {
    fn case(&mut self, report: &CaseReport) {
        let name = &report.name;
        let text = match &report.verdict {
            Verdict::Passed => format!("{} {name} ({} ms)\n", self.paint("32", "ok     "), report.elapsed.as_millis()),
            Verdict::Updated(path) => format!("{} {name}: wrote {path}\n", self.paint("33", "updated")),
            Verdict::Skipped(why) => format!("{} {name}: {why}\n", self.paint("33", "skipped")),
            Verdict::Failed { why, diff, .. } => {
                let mut text = format!("{} {name}: {why}\n", self.paint("31", "FAILED "));
                if let Some(diff) = diff {
                    text.push_str(&diff.render(self.color));
                    text.push('\n');
                }
                text
            }
        };
        self.after_diff = text.ends_with("\n\n");
        print(&text);
    }

    fn end(&mut self, end: &End) -> anyhow::Result<()> {
        let mut text = String::new();
        let mut failed: Vec<(&str, &str)> = end
            .cases
            .iter()
            .filter_map(|c| match &c.verdict {
                Verdict::Failed { why, .. } => Some((c.name.as_str(), why.as_str())),
                _ => None,
            })
            .collect();
        if !failed.is_empty() {
            failed.sort();
            if !self.after_diff {
                text.push('\n');
            }
            text.push_str(&format!("{}\n", self.paint("31", "failures:")));
            for (name, why) in failed {
                text.push_str(&format!("    {name}: {why}\n"));
            }
            text.push('\n');
        }
        if let Some(limit) = end.fail_fast {
            let s = if limit == 1 { "" } else { "s" };
            text.push_str(&format!("stopped after {limit} failure{s} (--fail-fast): {} not run\n", end.summary.not_run));
        }
        if let Some(seed) = end.shuffle {
            text.push_str(&format!("shuffled with seed {seed} (repeat with --shuffle={seed})\n"));
        }
        text.push_str(&format!("finished in {:.2} s\n{}\n", end.elapsed.as_secs_f64(), end.summary));
        print(&text);
        Ok(())
    }
}
