//! `juju debug-log`: the model's log as far as it goes (`--limit N`, `--no-tail`); following
//! it as it grows is not simulated yet.

use super::args::{switch as flag, value};
use super::{parse, Call};
use crate::controller::debug_log::{entity, LogLine};
use crate::controller::wire::Reply;

/// Juju's log levels, least severe first.
const LEVELS: &[&str] = &["TRACE", "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"];

/// Whether `line` is of an entity `wanted` names: an agent (`unit-cache-0`), a unit
/// (`cache/0`) or an application (`cache`, all its units).
fn is_of(line: &LogLine, wanted: &str) -> bool {
    line.entity == wanted || line.entity == entity(wanted) || line.entity.starts_with(&format!("unit-{wanted}-"))
}

/// `juju debug-log`.
pub fn debug_log(call: &Call, argv: &[String]) -> Result<Reply, Reply> {
    let flags = [
        value(&["limit"]),
        flag(&["no-tail"]),
        flag(&["tail"]),
        flag(&["replay"]),
        value(&["lines", "n"]),
        value(&["include", "i"]),
        value(&["exclude", "x"]),
        value(&["level", "l"]),
        value(&["include-module"]),
        value(&["exclude-module"]),
        flag(&["date"]),
        flag(&["ms"]),
        flag(&["color"]),
        flag(&["location"]),
        value(&["format"]),
    ];
    let parsed = parse("debug-log", argv, &flags)?;
    super::arity(&parsed, 0, 0, "")?;
    let count = |name: &str| -> Result<Option<usize>, Reply> {
        parsed
            .value(name)
            .map(|n| {
                n.parse().map_err(|_| Reply::usage(format!("invalid value {n:?} for option --{name}: invalid syntax")))
            })
            .transpose()
    };
    let (limit, lines) = (count("limit")?, count("lines")?);
    let follows = !parsed.switch("no-tail") && limit.is_none();
    if follows {
        return Err(Reply::error(
            "debug-log following the log as it grows is not simulated by formula (not simulated yet): give --limit N or --no-tail",
        ));
    }
    let min_level = match parsed.value("level") {
        Some(level) => LEVELS
            .iter()
            .position(|l| l.eq_ignore_ascii_case(level) || (level.eq_ignore_ascii_case("WARN") && *l == "WARNING"))
            .ok_or_else(|| Reply::usage(format!("level value {level:?} is not one of {LEVELS:?}")))?,
        None => 0,
    };
    let handle = call.model(&parsed)?;
    let (includes, excludes) = (parsed.values("include"), parsed.values("exclude"));
    let (with_modules, without_modules) = (parsed.values("include-module"), parsed.values("exclude-module"));
    let shown: Vec<LogLine> = handle
        .log
        .lines()
        .into_iter()
        .filter(|l| LEVELS.iter().position(|x| *x == l.level).unwrap_or(0) >= min_level)
        .filter(|l| includes.is_empty() || includes.iter().any(|w| is_of(l, w)))
        .filter(|l| !excludes.iter().any(|w| is_of(l, w)))
        .filter(|l| with_modules.is_empty() || with_modules.iter().any(|m| l.module.starts_with(m.as_str())))
        .filter(|l| !without_modules.iter().any(|m| l.module.starts_with(m.as_str())))
        .collect();
    // The most recent N (0 or none: all).
    let keep = limit.or(lines).filter(|n| *n > 0).unwrap_or(shown.len());
    let (date, ms) = (parsed.switch("date"), parsed.switch("ms"));
    let text: String = shown[shown.len().saturating_sub(keep)..].iter().map(|l| l.render(date, ms) + "\n").collect();
    Ok(Reply::out(text))
}
