//! `juju debug-log`: the model's log as far as it goes (`--limit N`, `--no-tail`), or, by
//! default, its last lines (`-n`, 10; `--replay`: all of it) and then the lines that come,
//! until interrupted: the client asks again every moment for the lines after the last it
//! printed ([`ClientWork::Follow`]).

use super::args::{switch as flag, value};
use super::{parse, Call};
use crate::controller::debug_log::{entity, LogLine};
use crate::controller::wire::{ClientWork, Reply};

/// The flag a following client adds to ask for the lines after the one it printed last.
pub const AFTER_FLAG: &str = "formula-after-line";

/// How many lines following starts with, as Juju's `--lines` default.
const DEFAULT_LINES: usize = 10;

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
        value(&[AFTER_FLAG]),
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
    let after: Option<u64> = match parsed.value(AFTER_FLAG) {
        Some(n) => Some(n.parse().map_err(|_| Reply::usage(format!("invalid value {n:?} for option --{AFTER_FLAG}")))?),
        None => None,
    };
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
    // One look at the log: what is shown and where a follower goes on from.
    let all = handle.log.lines();
    let last_seq = all.last().map_or(0, |l| l.seq);
    let shown: Vec<LogLine> = all
        .into_iter()
        .filter(|l| LEVELS.iter().position(|x| *x == l.level).unwrap_or(0) >= min_level)
        .filter(|l| includes.is_empty() || includes.iter().any(|w| is_of(l, w)))
        .filter(|l| !excludes.iter().any(|w| is_of(l, w)))
        .filter(|l| with_modules.is_empty() || with_modules.iter().any(|m| l.module.starts_with(m.as_str())))
        .filter(|l| !without_modules.iter().any(|m| l.module.starts_with(m.as_str())))
        .collect();
    let (date, ms) = (parsed.switch("date"), parsed.switch("ms"));
    let render = |lines: &[LogLine]| -> String { lines.iter().map(|l| l.render(date, ms) + "\n").collect() };
    if !follows {
        // The most recent N (0 or none: all).
        let keep = limit.or(lines).filter(|n| *n > 0).unwrap_or(shown.len());
        return Ok(Reply::out(render(&shown[shown.len().saturating_sub(keep)..])));
    }
    let start = match after {
        Some(after) => shown.iter().position(|l| l.seq > after).unwrap_or(shown.len()),
        None if parsed.switch("replay") => 0,
        None => shown.len().saturating_sub(lines.unwrap_or(DEFAULT_LINES)),
    };
    // The same command line again, asking for what follows the last line there is now.
    let mut args: Vec<String> = Vec::with_capacity(argv.len() + 3);
    args.push("debug-log".into());
    let mut rest = argv.iter();
    while let Some(arg) = rest.next() {
        if arg == &format!("--{AFTER_FLAG}") {
            rest.next();
        } else if !arg.starts_with(&format!("--{AFTER_FLAG}=")) {
            args.push(arg.clone());
        }
    }
    Ok(Reply {
        stdout: render(&shown[start..]),
        then: Some(Box::new(ClientWork::Follow { args, after: last_seq })),
        ..Reply::default()
    })
}
