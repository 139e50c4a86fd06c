//! One line of source as an error shows it, with a caret under the column: safe to print to a
//! terminal (control characters escaped), and short (a window around the column of a long
//! line, as in a minified file).

use unicode_width::UnicodeWidthChar;

/// At most this many terminal columns of a source line are shown.
pub const MAX_WIDTH: usize = 120;
/// Shown where a long line was cut.
const CUT: &str = "...";
/// A tab is shown as spaces up to the next multiple of this (the caret line cannot know
/// the terminal's tab stops).
const TAB_WIDTH: usize = 4;

/// The lines of `text` as V8 numbers them: a line ends at LF, CR LF, a lone CR, U+2028 or
/// U+2029 (ECMAScript's line terminators).
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let current = rest?;
        match current.char_indices().find(|&(_, c)| matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')) {
            Some((at, c)) => {
                let after = at + c.len_utf8();
                let after = if c == '\r' && current[after..].starts_with('\n') { after + 1 } else { after };
                rest = Some(&current[after..]);
                Some(&current[..at])
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

/// Line `number` (1-based) of `text`.
pub fn nth_line(text: &str, number: usize) -> Option<&str> {
    lines(text).nth(number.checked_sub(1)?)
}

/// A source line ready to print: `text` has no control characters, and the caret goes
/// `caret` terminal columns in (`None`: no column known).
#[derive(Debug, PartialEq)]
pub struct Snippet {
    pub text: String,
    pub caret: Option<usize>,
}

/// How one character of the line is shown, and how many terminal columns that takes.
struct Shown {
    text: String,
    width: usize,
    /// The character's offset in the line, in UTF-16 units (how V8 counts columns).
    offset: usize,
}

/// `line` as shown, with the caret under `column` (1-based, UTF-16 units; past the end of the
/// line it goes just after the last character). Leading and trailing whitespace is dropped.
pub fn snippet(line: &str, column: Option<usize>) -> Snippet {
    let trimmed_start = line.trim_start_matches([' ', '\t']);
    let skipped: usize = line[..line.len() - trimmed_start.len()].chars().map(char::len_utf16).sum();
    let body = trimmed_start.trim_end();
    // Only the characters that could be shown are looked at (each takes at least one column),
    // so a 64 MiB line costs what a short one does.
    let at = match column {
        Some(column) => {
            let mut offset = skipped;
            body.char_indices().find(|&(_, c)| {
                let reached = offset + 1 >= column;
                offset += c.len_utf16();
                reached
            })
        }
        None => None,
    }
    .map_or(if column.is_some() { body.len() } else { 0 }, |(at, _)| at);
    let from = body[..at].char_indices().rev().nth(MAX_WIDTH - 1).map_or(0, |(i, _)| i);
    let to = body[at..].char_indices().nth(MAX_WIDTH + 1).map_or(body.len(), |(i, _)| at + i);
    let part = &body[from..to];
    let mut shown = Vec::new();
    let mut offset = skipped + body[..from].chars().map(char::len_utf16).sum::<usize>();
    let mut width = 0;
    for c in part.chars() {
        let text = escape(c, width);
        let w = if c == '\t' { text.len() } else { text.chars().map(|c| c.width().unwrap_or(0)).sum() };
        shown.push(Shown { text, width: w, offset });
        offset += c.len_utf16();
        width += w;
    }
    // The first character at or after the column; all of them before it: the end.
    let target = column.map(|c| shown.iter().position(|s| s.offset + 1 >= c).unwrap_or(shown.len()));
    let cut = (from > 0, to < body.len());
    let (first, last) = window(&shown, target.unwrap_or(0), cut.0 || cut.1);
    let mut text = String::new();
    if first > 0 || cut.0 {
        text.push_str(CUT);
    }
    let mut caret = target.map(|_| text.len());
    for (index, s) in shown[first..last].iter().enumerate() {
        if target.is_some_and(|t| t > first + index) {
            caret = caret.map(|c| c + s.width);
        }
        text.push_str(&s.text);
    }
    if last < shown.len() || cut.1 {
        text.push_str(CUT);
    }
    Snippet { text, caret }
}

/// The characters `[first, last)` to show: all if they fit in `MAX_WIDTH`, else a window
/// around `target` (a little more after it than before: code reads on to the right; `cut`:
/// the line goes on past `shown`, which must be cut too). A
/// character of no width (a combining mark) counts as one: a line of a million of them is
/// cut too.
fn window(shown: &[Shown], target: usize, cut: bool) -> (usize, usize) {
    let room = |s: &Shown| s.width.max(1);
    let total: usize = shown.iter().map(room).sum();
    if total <= MAX_WIDTH && !cut {
        return (0, shown.len());
    }
    let budget = MAX_WIDTH - 2 * CUT.len();
    let (mut first, mut used) = (target.min(shown.len()), 0);
    while first > 0 && used + room(&shown[first - 1]) <= budget / 3 {
        first -= 1;
        used += room(&shown[first]);
    }
    let mut last = first;
    used = 0;
    while last < shown.len() && used + room(&shown[last]) <= budget {
        used += room(&shown[last]);
        last += 1;
    }
    // Near the end of the line, use the room left over before the target.
    while first > 0 && used + room(&shown[first - 1]) <= budget {
        first -= 1;
        used += room(&shown[first]);
    }
    (first, last)
}

/// A character as printed: a tab as spaces (to the next tab stop after `column`), control
/// characters (C0, DEL, C1) and the bidirectional controls that can make a line read other
/// than it runs (CVE-2021-42574) as escapes, everything else as it is.
fn escape(c: char, column: usize) -> String {
    match c {
        '\t' => " ".repeat(TAB_WIDTH - column % TAB_WIDTH),
        '\u{0}'..='\u{1f}' | '\u{7f}' => format!("\\x{:02x}", c as u32),
        '\u{80}'..='\u{9f}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
            format!("\\u{{{:x}}}", c as u32)
        }
        _ => c.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_end_where_v8_ends_them() {
        let text = "a\r\nb\rc\u{2028}d\u{2029}e\nf";
        assert_eq!(lines(text).collect::<Vec<_>>(), ["a", "b", "c", "d", "e", "f"]);
        assert_eq!(nth_line("\u{feff}x\ny", 1), Some("x"));
        assert_eq!(nth_line("x\n", 2), Some(""));
        assert_eq!(nth_line("x", 2), None);
        assert_eq!(nth_line("x", 0), None);
    }

    #[test]
    fn caret_under_the_column() {
        assert_eq!(snippet("  throw new Error(1);", Some(9)), Snippet { text: "throw new Error(1);".into(), caret: Some(6) });
        // A tab before the column counts as the spaces it is shown as.
        assert_eq!(snippet("\tx =\ty;", Some(6)), Snippet { text: "x = y;".into(), caret: Some(4) });
        assert_eq!(snippet("a\tb", Some(3)).text, "a   b");
        // Columns count UTF-16 units; the caret counts terminal columns.
        assert_eq!(snippet("'\u{1f600}' + x", Some(7)).caret, Some(6));
        assert_eq!(snippet("'漢字' + x", Some(8)).caret, Some(9));
        // Past the end of the line: just after it.
        assert_eq!(snippet("abc", Some(40)).caret, Some(3));
        assert_eq!(snippet("abc   ", Some(5)).caret, Some(3));
        assert_eq!(snippet("abc", None).caret, None);
        // In the dropped indentation: at the start.
        assert_eq!(snippet("    abc", Some(2)).caret, Some(0));
    }

    #[test]
    fn control_characters_come_out_escaped() {
        let shown = snippet("x = \"\u{1b}[2J\u{7}\u{9b}\u{202e}\"; y", Some(16));
        assert_eq!(shown.text, "x = \"\\x1b[2J\\x07\\u{9b}\\u{202e}\"; y");
        assert!(!shown.text.chars().any(char::is_control));
        assert_eq!(shown.caret, Some(shown.text.len() - 1));
    }

    #[test]
    fn a_long_line_shows_a_window_around_the_column() {
        let line = format!("{}THROW{}", "a".repeat(1_000_000), "b".repeat(1_000_000));
        let shown = snippet(&line, Some(1_000_001));
        assert!(shown.text.len() <= MAX_WIDTH, "{}", shown.text.len());
        assert!(shown.text.starts_with("...a") && shown.text.ends_with("b..."));
        let caret = shown.caret.unwrap();
        assert_eq!(&shown.text[caret..caret + 5], "THROW");
        // At either end of the line, one cut only.
        let start = snippet(&line, Some(1));
        assert!(start.text.starts_with("aaa") && start.text.ends_with("...") && start.caret == Some(0));
        assert!(start.text.len() <= MAX_WIDTH);
        let end = snippet(&line, Some(2_000_005));
        assert!(end.text.starts_with("...") && end.text.ends_with("bbb"));
        assert_eq!(end.text.len(), MAX_WIDTH - CUT.len());
        assert_eq!(end.caret, Some(end.text.len() - 1));
        let past = snippet(&line, Some(9_000_000));
        assert_eq!(past.caret, Some(past.text.len()));
        // Characters of no width are cut as well; wide ones count twice.
        let marks = format!("e{}", "\u{301}".repeat(1_000_000));
        assert!(snippet(&marks, Some(1)).text.chars().count() <= MAX_WIDTH);
        let wide = snippet(&"漢".repeat(1000), Some(1001));
        assert!(wide.text.chars().count() <= MAX_WIDTH / 2 + 2 * CUT.len(), "{}", wide.text);
    }
}
