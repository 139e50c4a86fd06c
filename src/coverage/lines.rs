//! A source's lines as coverage sees them: where each starts in V8's offsets (UTF-16 code
//! units), and which hold code.

/// One line of source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// 1-based.
    pub number: usize,
    /// The offset (UTF-16) where it starts.
    pub start: usize,
    /// Offsets (UTF-16) of the line's characters other than blanks.
    pub code: Vec<usize>,
    /// Whether the line counts: not blank, not only a comment, not a `#!` first line.
    pub counted: bool,
}

/// The lines of `source` (split at `\n`; a `\r` before it is a blank).
pub fn lines(source: &str) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut offset = 0;
    let mut in_comment = false;
    for (index, text) in source.split('\n').enumerate() {
        let mut code = Vec::new();
        let start = offset;
        for c in text.chars() {
            if !c.is_whitespace() {
                code.push(offset);
            }
            offset += c.len_utf16();
        }
        offset += 1; // the '\n'
        let counted = holds_code(text.trim(), &mut in_comment) && !(index == 0 && text.starts_with("#!"));
        lines.push(Line { number: index + 1, start, code, counted });
    }
    // The text after a final newline is not a line.
    if source.ends_with('\n') {
        lines.pop();
    }
    lines
}

/// Whether a trimmed line holds code, given whether a block comment is open before it (and
/// updating that). Comments are recognised where a line starts with one: a line that begins
/// inside a string or template is taken as code.
fn holds_code(mut text: &str, in_comment: &mut bool) -> bool {
    loop {
        if *in_comment {
            match text.find("*/") {
                Some(end) => {
                    *in_comment = false;
                    text = text[end + 2..].trim_start();
                }
                None => return false,
            }
        } else if text.is_empty() || text.starts_with("//") {
            return false;
        } else if let Some(rest) = text.strip_prefix("/*") {
            *in_comment = true;
            text = rest;
        } else {
            return true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_and_comment_lines_do_not_count() {
        let source = "#!/usr/bin/env wasmcap\n// a\n\n  /* b\n  c */\n/* d */ x();\ny(); // e\n/** f */\r\n\"é😀\"; z\n";
        let counted: Vec<bool> = lines(source).iter().map(|l| l.counted).collect();
        assert_eq!(counted, [false, false, false, false, false, true, true, false, true]);
        let last = lines(source).pop().unwrap();
        // 'é' is one UTF-16 unit, '😀' two: 'z' is 7 units after the opening quote.
        assert_eq!(last.code.last().unwrap() - last.code[0], 7);
    }

    #[test]
    fn a_final_line_without_newline_counts() {
        let all = lines("a\nb");
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].code, vec![2]);
    }
}
