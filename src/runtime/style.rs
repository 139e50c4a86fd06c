//! Colour on a terminal, plain text everywhere else: whether to colour, and how.

/// Whether output to a stream should be coloured: `NO_COLOR` (set and not empty, see
/// no-color.org) turns colour off whatever else is set; `FORCE_COLOR` turns it on (except
/// `FORCE_COLOR=0` or `false`, as in Node) even when the stream is not a terminal; otherwise
/// colour is on only for a terminal that is not `TERM=dumb`.
pub fn use_color(stream_is_terminal: bool) -> bool {
    let var = |name| std::env::var_os(name).filter(|v| !v.is_empty());
    if var("NO_COLOR").is_some() {
        return false;
    }
    if let Some(force) = std::env::var_os("FORCE_COLOR") {
        return !matches!(force.to_str(), Some("0" | "false"));
    }
    stream_is_terminal && std::env::var_os("TERM").is_none_or(|term| term != "dumb")
}

/// Whether the process's stderr should be coloured (see [`use_color`]).
pub fn stderr_color() -> bool {
    use std::io::IsTerminal;
    use_color(std::io::stderr().is_terminal())
}

/// Whether the process's stdout should be coloured (see [`use_color`]).
pub fn stdout_color() -> bool {
    use std::io::IsTerminal;
    use_color(std::io::stdout().is_terminal())
}

#[derive(Clone, Copy)]
pub enum Style {
    BoldRed,
    Red,
    Dim,
}

/// `text` in `style` when `color`, else `text` as it is.
pub fn paint(color: bool, style: Style, text: &str) -> String {
    if !color {
        return text.to_string();
    }
    let (on, off) = match style {
        Style::BoldRed => ("\x1b[1;31m", "\x1b[0m"),
        Style::Red => ("\x1b[31m", "\x1b[39m"),
        Style::Dim => ("\x1b[2m", "\x1b[22m"),
    };
    format!("{on}{text}{off}")
}
