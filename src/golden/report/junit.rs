//! JUnit XML, the report GitHub Actions (test-reporter actions), GitLab (`artifacts:reports:
//! junit`) and Jenkins (`junit` step) read: `<testsuites>` with one `<testsuite>` per
//! directory of cases, a `<testcase>` per case with `<failure>` (the reason as `message`, the
//! diff as text) or `<skipped>`, counts and times in seconds.
//!
//! quick-xml escapes the markup; what XML 1.0 cannot hold at all (control characters but
//! tab, newline and carriage return; U+FFFE, U+FFFF) is written as `\u{..}` first, so any
//! case name or output leaves the file well-formed.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Context;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::{CaseReport, End, Reporter, Verdict, print};

/// Where the XML goes.
pub enum Target {
    Stdout,
    File(PathBuf),
}

pub struct Junit {
    pub target: Target,
}

impl Reporter for Junit {
    fn case(&mut self, _report: &CaseReport) {}

    fn end(&mut self, end: &End) -> anyhow::Result<()> {
        let xml = document(end).context("cannot write the JUnit report")?;
        match &self.target {
            Target::Stdout => print(&xml),
            Target::File(path) => std::fs::write(path, xml)
                .with_context(|| format!("cannot write the JUnit report to {}", super::super::printable(&path.display().to_string())))?,
        }
        Ok(())
    }
}

/// Counts of a group of cases.
#[derive(Default)]
struct Counts {
    tests: usize,
    failures: usize,
    skipped: usize,
    seconds: f64,
}

impl Counts {
    fn add(&mut self, case: &CaseReport) {
        self.tests += 1;
        self.seconds += case.elapsed.as_secs_f64();
        match case.verdict {
            Verdict::Failed { .. } => self.failures += 1,
            Verdict::Skipped(_) => self.skipped += 1,
            Verdict::Passed | Verdict::Updated(_) => {}
        }
    }

    fn attributes(&self) -> [(&'static str, String); 5] {
        [
            ("tests", self.tests.to_string()),
            ("failures", self.failures.to_string()),
            ("errors", "0".to_string()),
            ("skipped", self.skipped.to_string()),
            ("time", seconds(self.seconds)),
        ]
    }
}

fn seconds(secs: f64) -> String {
    format!("{secs:.3}")
}

/// The directory part of a case name (`.` for a case at the top).
fn directory(name: &str) -> &str {
    name.rsplit_once('/').map_or(".", |(dir, _)| dir)
}

/// `text` with what XML 1.0 cannot contain escaped as `\u{..}`.
fn xml_safe(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c.to_string(),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => c.escape_unicode().to_string(),
            _ => c.to_string(),
        })
        .collect()
}

fn document(end: &End) -> std::io::Result<String> {
    let mut suites: BTreeMap<&str, Vec<&CaseReport>> = BTreeMap::new();
    for case in end.cases {
        suites.entry(directory(&case.name)).or_default().push(case);
    }
    let mut all = Counts::default();
    end.cases.iter().for_each(|case| all.add(case));
    all.seconds = end.elapsed.as_secs_f64();

    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let attributes = |counts: &Counts, name: &str| {
        let mut list = vec![("name", xml_safe(name))];
        list.extend(counts.attributes().map(|(k, v)| (k, v)));
        list
    };
    let top = attributes(&all, "wasmcap test");
    writer.create_element("testsuites").with_attributes(top.iter().map(|(k, v)| (*k, v.as_str()))).write_inner_content(
        |writer| {
            for (directory, mut cases) in suites {
                cases.sort_by(|a, b| a.name.cmp(&b.name));
                let mut counts = Counts::default();
                cases.iter().for_each(|case| counts.add(case));
                let suite = attributes(&counts, directory);
                writer
                    .create_element("testsuite")
                    .with_attributes(suite.iter().map(|(k, v)| (*k, v.as_str())))
                    .write_inner_content(|writer| cases.iter().try_for_each(|case| testcase(writer, directory, case)))?;
            }
            Ok(())
        },
    )?;
    let mut bytes = writer.into_inner();
    bytes.push(b'\n');
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn testcase(writer: &mut Writer<Vec<u8>>, directory: &str, case: &CaseReport) -> std::io::Result<()> {
    let (name, classname, file) = (xml_safe(&case.name), xml_safe(directory), xml_safe(&case.file));
    let time = seconds(case.elapsed.as_secs_f64());
    let element = writer.create_element("testcase").with_attributes([
        ("name", name.as_str()),
        ("classname", classname.as_str()),
        ("file", file.as_str()),
        ("time", time.as_str()),
    ]);
    match &case.verdict {
        Verdict::Passed | Verdict::Updated(_) => {
            element.write_empty()?;
        }
        Verdict::Skipped(why) => {
            let why = xml_safe(why);
            element.write_inner_content(|writer| {
                writer.create_element("skipped").with_attribute(("message", why.as_str())).write_empty().map(|_| ())
            })?;
        }
        Verdict::Failed { why, kind, diff } => {
            let why = xml_safe(why);
            let body = xml_safe(&diff.as_ref().map_or_else(|| why.clone(), |d| d.render(false)));
            element.write_inner_content(|writer| {
                writer
                    .create_element("failure")
                    .with_attributes([("message", why.as_str()), ("type", *kind)])
                    .write_text_content(BytesText::new(&body))
                    .map(|_| ())
            })?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_xml_cannot_hold_is_escaped() {
        assert_eq!(xml_safe("a\u{1b}[1m\u{0}\t\n\u{fffe}]]>ü"), "a\\u{1b}[1m\\u{0}\t\n\\u{fffe}]]>ü");
        assert_eq!(directory("a/b/c"), "a/b");
        assert_eq!(directory("c"), ".");
    }
}
