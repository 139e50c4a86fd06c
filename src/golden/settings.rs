//! A case's settings: the `// @name: value` lines of its leading comment, each checked.

use std::time::Duration;

use anyhow::{anyhow, bail};

use super::Kind;

/// The longest `// @setting` line (bytes).
pub const MAX_SETTING_LINE: usize = 4096;

/// The longest timeout a case or `wasmcap test --timeout` may ask for: a day.
pub const MAX_TIMEOUT_SECS: f64 = 86_400.0;

/// What a valid timeout is, for error messages.
const TIMEOUT_RULE: &str = "a number of seconds greater than 0 and at most 86400 (a day)";

/// A per-case or suite timeout from text: finite, positive, not rounding to zero, at most a day.
pub fn parse_timeout(text: &str) -> Result<Duration, String> {
    let secs: f64 = text.trim().parse().map_err(|_| format!("expected {TIMEOUT_RULE}"))?;
    match Duration::try_from_secs_f64(secs) {
        Ok(duration) if secs <= MAX_TIMEOUT_SECS && !duration.is_zero() => Ok(duration),
        _ => Err(format!("expected {TIMEOUT_RULE}")),
    }
}

/// `text` with control characters (but tab) and bidirectional-override characters escaped,
/// so that a file name or a message cannot forge or hide lines of the runner's report.
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if is_unprintable(c) { c.escape_default().to_string() } else { c.to_string() })
        .collect()
}

fn is_unprintable(c: char) -> bool {
    (c.is_control() && c != '\t') || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// At most 80 characters of `text`, for echoing a bad value in an error.
fn shortened(text: &str) -> String {
    match text.char_indices().nth(80) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text.to_string(),
    }
}

/// The settings a case declares in its leading comment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settings {
    pub exit: i32,
    pub args: Vec<String>,
    pub seed: Option<u64>,
    pub timeout: Option<Duration>,
    pub skip: Option<String>,
    /// `@allow-read[: PATHS]`.
    pub allow_read: Option<PathSetting>,
    /// `@allow-write[: PATHS]`.
    pub allow_write: Option<PathSetting>,
    /// `@max-heap: MB`, the V8 heap limit.
    pub max_heap_mb: Option<u32>,
    /// `@allow-env[: NAMES]`: `Some(None)` for the bare setting (every variable the case's
    /// environment holds), else these names.
    pub allow_env: Option<Option<Vec<String>>>,
    /// `@env: NAME=VALUE ...`: variables set in the case's environment (and granted to it).
    pub env: Vec<(String, String)>,
}

/// What `@max-heap` accepts (as `wasmcap run --max-heap`).
const MIN_HEAP_MB: u32 = 8;

/// The settings known, for the "unknown setting" message.
const KNOWN: &str = "@exit, @args, @seed, @timeout, @skip, @allow-read, @allow-write, @allow-env, @env, @max-heap";

/// A grant setting as written: checked against the suite's root when the case runs.
#[derive(Debug, Clone, PartialEq)]
pub struct PathSetting {
    /// The line it is on, for errors.
    pub line: usize,
    /// Comma-separated, blanks around each path ignored; empty for the bare setting (the
    /// suite's root).
    pub paths: Vec<String>,
}

impl PathSetting {
    fn parse(line: usize, value: &str) -> Self {
        let paths = value.split(',').map(str::trim).filter(|p| !p.is_empty()).map(String::from).collect();
        PathSetting { line, paths }
    }
}

/// Reads the `// @key: value` lines at the top of a script.
pub fn parse_settings(source: &str) -> anyhow::Result<Settings> {
    parse_settings_for(Kind::Script, source)
}

/// Reads the `// @key: value` lines at the top of a case of `kind`. Each error names the line
/// and the setting; the caller adds the file.
pub fn parse_settings_for(kind: Kind, source: &str) -> anyhow::Result<Settings> {
    let mut settings = Settings::default();
    let mut first_seen: Vec<(String, usize)> = Vec::new();
    for (index, line) in source.lines().enumerate() {
        let number = index + 1;
        let Some(rest) = line.trim().strip_prefix("//") else { break };
        let Some(setting) = rest.trim().strip_prefix('@') else { continue };
        if line.len() > MAX_SETTING_LINE {
            bail!("line {number}: a setting line may be at most {MAX_SETTING_LINE} bytes, this one is {}", line.len());
        }
        if let Some(c) = setting.chars().find(|&c| is_unprintable(c)) {
            bail!("line {number}: settings may not contain control characters, found U+{:04X}", c as u32);
        }
        let (key, value) = setting.split_once(':').unwrap_or((setting, ""));
        let (key, value) = (key.trim(), value.trim());
        let bad = |what: &str| anyhow!("line {number}: @{key} needs {what}, got '{}'", shortened(value));
        if let Some((_, first)) = first_seen.iter().find(|(seen, _)| seen == key) {
            bail!("line {number}: @{} is set twice (first on line {first})", shortened(key));
        }
        first_seen.push((key.to_string(), number));
        match key {
            "exit" => {
                settings.exit = match value.parse::<u8>() {
                    Ok(code) => code.into(),
                    Err(_) if is_integer(value) => return Err(bad("an exit code from 0 to 255")),
                    Err(_) => return Err(bad("an integer exit code")),
                }
            }
            "args" if kind == Kind::Repl => {
                bail!("line {number}: @args applies only to NAME.js cases (a REPL transcript takes no arguments)")
            }
            "args" => settings.args = value.split_whitespace().map(String::from).collect(),
            "seed" => settings.seed = Some(value.parse().map_err(|_| bad("an unsigned integer"))?),
            "timeout" => settings.timeout = Some(parse_timeout(value).map_err(|_| bad(TIMEOUT_RULE))?),
            "skip" => settings.skip = Some(if value.is_empty() { "skipped".into() } else { value.into() }),
            "allow-read" => settings.allow_read = Some(PathSetting::parse(number, value)),
            "allow-write" => settings.allow_write = Some(PathSetting::parse(number, value)),
            "allow-env" if value.is_empty() => settings.allow_env = Some(None),
            "allow-env" => {
                let names: Vec<&str> = value.split(',').map(str::trim).collect();
                let grant = wasmcap_extension::EnvGrant::from_flag(Some(&names.join(",")))
                    .map_err(|why| anyhow!("line {number}: @allow-env: {}", why.split(". Usage").next().unwrap_or(&why)))?;
                let wasmcap_extension::EnvGrant::Names(names) = grant else { unreachable!("a list gives names") };
                settings.allow_env = Some(Some(names));
            }
            "env" => {
                for pair in value.split_whitespace() {
                    let Some((name, value)) = pair.split_once('=') else {
                        return Err(bad("NAME=VALUE pairs separated by blanks"));
                    };
                    if name.is_empty() || name.starts_with('-') {
                        bail!("line {number}: @env: '{}' is not a variable name (NAME=VALUE, NAME not empty and not starting with '-')", shortened(pair));
                    }
                    if settings.env.iter().any(|(seen, _)| seen == name) {
                        bail!("line {number}: @env sets {} twice", shortened(name));
                    }
                    settings.env.push((name.to_string(), value.to_string()));
                }
                if settings.env.is_empty() {
                    return Err(bad("NAME=VALUE pairs separated by blanks"));
                }
            }
            "max-heap" => {
                let bad = || bad(&format!("a heap limit in MB from {MIN_HEAP_MB} to {}", u32::MAX));
                let mb: u32 = value.parse().map_err(|_| bad())?;
                if mb < MIN_HEAP_MB {
                    return Err(bad());
                }
                settings.max_heap_mb = Some(mb);
            }
            other => bail!("line {number}: unknown setting @{} (known: {KNOWN})", shortened(other)),
        }
    }
    Ok(settings)
}

fn is_integer(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_read_from_the_leading_comment_only() {
        let s = parse_settings("// @exit: 1\n// @args: a b\n// plain comment\n// @seed: 7\ncode();\n// @exit: 9\n").unwrap();
        assert_eq!(s, Settings { exit: 1, args: vec!["a".into(), "b".into()], seed: Some(7), ..Default::default() });
        let err = parse_settings("// @exit: one\n").unwrap_err().to_string();
        assert_eq!(err, "line 1: @exit needs an integer exit code, got 'one'");
        assert!(parse_settings("// @colour: red\n").unwrap_err().to_string().contains("unknown setting @colour"));
    }

    #[test]
    fn grants_and_heap_are_read_as_lists_and_numbers() {
        let s = parse_settings("// @allow-read\n// @allow-write: out , data/x,\n// @max-heap: 64\n").unwrap();
        assert_eq!(s.allow_read, Some(PathSetting { line: 1, paths: vec![] }));
        assert_eq!(s.allow_write, Some(PathSetting { line: 2, paths: vec!["out".into(), "data/x".into()] }));
        assert_eq!(s.max_heap_mb, Some(64));
        for bad in ["7", "-1", "", "4294967296", "1e3"] {
            let err = parse_settings(&format!("// @max-heap: {bad}\n")).unwrap_err().to_string();
            assert_eq!(err, format!("line 1: @max-heap needs a heap limit in MB from 8 to 4294967295, got '{bad}'"));
        }
    }

    #[test]
    fn environment_settings_name_variables_and_set_values() {
        let s = parse_settings("// @allow-env: HOME , LANG\n// @env: DEBUG=1 EMPTY= URL=a=b\n").unwrap();
        assert_eq!(s.allow_env, Some(Some(vec!["HOME".into(), "LANG".into()])));
        let env = [("DEBUG", "1"), ("EMPTY", ""), ("URL", "a=b")].map(|(n, v)| (n.to_string(), v.to_string()));
        assert_eq!(s.env, env);
        assert_eq!(parse_settings("// @allow-env\n").unwrap().allow_env, Some(None));
        let err = |text: &str| parse_settings(text).unwrap_err().to_string();
        assert_eq!(err("// @allow-env: A,,B\n"), "line 1: @allow-env: '' is not an environment variable name: an empty name (two commas, or a comma at an end?)");
        assert_eq!(err("// @allow-env: --allow-read\n"), "line 1: @allow-env: '--allow-read' is not an environment variable name: names do not start with '-' (a flag given as a value? write each flag separately)");
        assert_eq!(err("// @env: DEBUG\n"), "line 1: @env needs NAME=VALUE pairs separated by blanks, got 'DEBUG'");
        assert_eq!(err("// @env:\n"), "line 1: @env needs NAME=VALUE pairs separated by blanks, got ''");
        assert_eq!(err("// @env: =x\n"), "line 1: @env: '=x' is not a variable name (NAME=VALUE, NAME not empty and not starting with '-')");
        assert_eq!(err("// @env: A=1 A=2\n"), "line 1: @env sets A twice");
    }

    #[test]
    fn timeouts_are_checked_not_converted_blindly() {
        assert_eq!(parse_timeout("0.5"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_timeout(" 86400 "), Ok(Duration::from_secs(86_400)));
        for bad in ["", "0", "-0", "-1", "1e-300", "86400.5", "1e20", "1e30", "nan", "inf", "-inf", "1s"] {
            assert!(parse_timeout(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn names_cannot_forge_report_lines() {
        assert_eq!(printable("a\nok      b\r\u{1b}[2J\u{202E}\tü"), "a\\nok      b\\r\\u{1b}[2J\\u{202e}\tü");
        let err = parse_settings_for(Kind::Repl, "// @args: x\n").unwrap_err().to_string();
        assert_eq!(err, "line 1: @args applies only to NAME.js cases (a REPL transcript takes no arguments)");
    }
}
