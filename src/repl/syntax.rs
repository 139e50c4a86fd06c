//! A rough JavaScript scanner: enough to tell whether brackets, strings, template literals
//! (with `${}` nesting), block comments or regular expression literals are still open at the end
//! of the input, i.e. whether Enter should ask for another line. It does not validate: anything
//! it cannot make sense of counts as complete, and V8 reports the error.

/// Whether `c` may stand in a JavaScript name (or a number: the scan reads both as words).
pub fn is_identifier_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

/// Whether `name` is a JavaScript identifier (what Tab may offer after a `.`).
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| !c.is_numeric() && is_identifier_char(c)) && chars.all(is_identifier_char)
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Open {
    Paren,
    Bracket,
    Brace,
    /// Inside a template literal's text.
    Template,
    /// Inside a template literal's `${...}`.
    Substitution,
}

/// Where the input ends.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum End {
    Code,
    /// In a '...' or "..." string; `continued` if the last character is a line continuation.
    String { continued: bool },
    LineComment,
    BlockComment,
    Regex,
}

struct Scan {
    open: Vec<Open>,
    end: End,
    /// A closing bracket that matched nothing, or a string or regex cut by a newline.
    broken: bool,
}

/// Words after which a `/` starts a regular expression rather than a division.
const BEFORE_EXPRESSION: &[&str] = &[
    "return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "do",
    "else", "yield", "await",
];

fn scan(src: &str) -> Scan {
    let chars: Vec<char> = src.chars().collect();
    let n = chars.len();
    let mut open = Vec::new();
    let mut broken = false;
    // Whether a `/` here would start a regular expression (no operand just before it).
    let mut regex_allowed = true;
    let mut i = 0;
    while i < n {
        let c = chars[i];
        if open.last() == Some(&Open::Template) {
            match c {
                '`' => {
                    open.pop();
                    regex_allowed = false;
                }
                '\\' => i += 1,
                '$' if chars.get(i + 1) == Some(&'{') => {
                    open.push(Open::Substitution);
                    regex_allowed = true;
                    i += 1;
                }
                _ => {}
            }
            i += 1;
            continue;
        }
        match c {
            c if c.is_whitespace() => {}
            '(' | '[' | '{' => {
                open.push(match c {
                    '(' => Open::Paren,
                    '[' => Open::Bracket,
                    _ => Open::Brace,
                });
                regex_allowed = true;
            }
            ')' | ']' | '}' => {
                let closes_top = matches!(
                    (c, open.last()),
                    (')', Some(Open::Paren))
                        | (']', Some(Open::Bracket))
                        | ('}', Some(Open::Brace | Open::Substitution))
                );
                if closes_top {
                    open.pop();
                } else {
                    broken = true;
                }
                regex_allowed = false;
            }
            '`' => open.push(Open::Template),
            '\'' | '"' => {
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Scan { open, end: End::String { continued: false }, broken },
                        Some('\\') if i + 1 == n => {
                            return Scan { open, end: End::String { continued: true }, broken };
                        }
                        Some('\\') => i += 2,
                        Some(&q) if q == c => break,
                        Some('\n') => {
                            broken = true;
                            break;
                        }
                        Some(_) => i += 1,
                    }
                }
                regex_allowed = false;
            }
            '/' if chars.get(i + 1) == Some(&'/') => match chars[i..].iter().position(|&c| c == '\n') {
                Some(newline) => i += newline,
                None => return Scan { open, end: End::LineComment, broken },
            },
            '/' if chars.get(i + 1) == Some(&'*') => {
                match (i + 2..n.saturating_sub(1)).find(|&j| chars[j] == '*' && chars[j + 1] == '/') {
                    Some(star) => i = star + 1,
                    None => return Scan { open, end: End::BlockComment, broken },
                }
            }
            '/' if regex_allowed => {
                i += 1;
                let mut in_class = false;
                loop {
                    match chars.get(i) {
                        None => return Scan { open, end: End::Regex, broken },
                        Some('\\') => i += 2,
                        Some('[') => {
                            in_class = true;
                            i += 1;
                        }
                        Some(']') => {
                            in_class = false;
                            i += 1;
                        }
                        Some('/') if !in_class => break,
                        Some('\n') => {
                            broken = true;
                            break;
                        }
                        Some(_) => i += 1,
                    }
                }
                regex_allowed = false;
            }
            c if is_identifier_char(c) => {
                let start = i;
                // A name, keyword or number (with its decimal point: `1.5`).
                let continues = |next: char| is_identifier_char(next) || (c.is_ascii_digit() && next == '.');
                while i + 1 < n && continues(chars[i + 1]) {
                    i += 1;
                }
                let word: String = chars[start..=i].iter().collect();
                regex_allowed = BEFORE_EXPRESSION.contains(&word.as_str());
            }
            _ => regex_allowed = true,
        }
        i += 1;
    }
    Scan { open, end: End::Code, broken }
}

/// Whether `input` is complete: Enter evaluates it rather than starting a new line.
pub fn is_complete(input: &str) -> bool {
    let scan = scan(input);
    if scan.broken {
        return true;
    }
    match scan.end {
        End::BlockComment | End::String { continued: true } => false,
        End::String { continued: false } | End::Regex => true,
        End::Code | End::LineComment => scan.open.is_empty(),
    }
}

/// Whether the end of `input` is code (not in a string, comment, regex or template text):
/// completion applies only there.
pub fn in_code_at_end(input: &str) -> bool {
    let scan = scan(input);
    scan.end == End::Code && scan.open.last() != Some(&Open::Template)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_brackets_strings_and_comments_need_more_lines() {
        for input in [
            "function f() {",
            "[1,\n2,",
            "foo(",
            "`a ${",
            "`line one\n",
            "`a ${ {b: `c",
            "/* comment",
            "'abc\\",
            "if (x) { // }",
            "const re = /[)]/; (",
        ] {
            assert!(!is_complete(input), "{input:?} should be incomplete");
        }
    }

    #[test]
    fn balanced_or_broken_input_is_complete() {
        for input in [
            "1 + 1",
            "{a: 1}",
            "function f() { return `x${1}y`; }",
            "'unterminated",
            "foo())",
            "a / b / c",
            "x = /[/(]/.test('(')",
            "'(' + \"[\" + `{`",
            "// just a comment (",
            "/* done */ (1)",
            "",
        ] {
            assert!(is_complete(input), "{input:?} should be complete");
        }
    }

    #[test]
    fn completion_applies_only_in_code() {
        assert!(in_code_at_end("Math.ma"));
        assert!(in_code_at_end("`${Math.ma"));
        assert!(!in_code_at_end("'Math.ma"));
        assert!(!in_code_at_end("// Math.ma"));
        assert!(!in_code_at_end("`Math.ma"));
    }
}
