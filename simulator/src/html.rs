//! The timeline of a run as one self-contained HTML page, built from its trace.
//!
//! A lane per unit (in the order units were added), a box per hook in the order hooks ran
//! (one column per step, so a column holds exactly one box), failed hooks in red, skipped
//! (missing) hooks dashed, and an arrow from each relation commit to each later hook that
//! read what it wrote. Hovering a box shows the hook's tool calls, and the output of a failed
//! hook, through SVG `<title>` elements: the page has no script and loads nothing.
//!
//! **Which hooks saw a commit.** A hook H on unit V read the data of commit C (a hook of
//! another unit U) when one of H's `relation-get` calls answered (exit 0) with a bag — U's
//! unit bag, or the application bag U wrote as leader — in relation R, and C is the last
//! commit before H that changed that bag. A relation-changed that never calls `relation-get`
//! gets no arrow: it was told something changed, but it did not look. This follows what the
//! hook read, not what the resolver scheduled, so an arrow always means "this data reached
//! that hook".
//!
//! Everything the page shows from a hook (tool arguments, output, messages) is escaped, and
//! the same trace gives the same bytes.

use crate::trace::{BagKind, Event, RunResult};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// Column width, box size, lane height and label width of the timeline, in pixels.
const COLUMN: usize = 112;
const BOX_WIDTH: usize = 104;
const BOX_HEIGHT: usize = 38;
const LANE: usize = 60;
const LABELS: usize = 150;
/// How much of a failed hook's output, and of each tool answer, the hover text keeps.
const MAX_OUTPUT: usize = 4000;
const MAX_ANSWER: usize = 300;

/// A relation bag: a unit's or an application's.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Bag {
    Unit(String),
    App(String),
}

/// One hook box.
#[derive(Debug, Default)]
struct HookBox {
    step: u64,
    unit: String,
    name: String,
    remote: Option<String>,
    relation: Option<i64>,
    remote_app: Option<String>,
    result: String,
    failed: bool,
    missing: bool,
    calls: Vec<String>,
    logs: Vec<String>,
    refused: Vec<String>,
    output: String,
    wrote: Vec<String>,
}

/// What the page shows, gathered from the events.
#[derive(Default)]
struct Timeline {
    seed: String,
    backend: String,
    scenario: String,
    result: Option<RunResult>,
    units: Vec<String>,
    hooks: Vec<HookBox>,
    /// (committing hook, reading hook), as indices into `hooks`.
    arrows: BTreeSet<(usize, usize)>,
}

/// Renders the trace `events` as an HTML page.
pub fn render_events(events: &[Event]) -> String {
    page(&gather(events))
}

fn gather(events: &[Event]) -> Timeline {
    let mut t = Timeline::default();
    // The hook that last changed each bag of each relation.
    let mut last_change: BTreeMap<(i64, Bag), usize> = BTreeMap::new();
    let mut by_step: BTreeMap<u64, usize> = BTreeMap::new();
    for e in events {
        let current = |step: u64| by_step.get(&step).copied();
        match e {
            Event::Run(run) => {
                t.seed = run.seed.to_string();
                t.backend = run.backend.clone();
                t.scenario = run.model.clone();
            }
            Event::AddUnit(added) => add_unit(&mut t.units, &added.unit),
            Event::Hook(hook) => {
                add_unit(&mut t.units, &hook.unit);
                by_step.insert(hook.step, t.hooks.len());
                t.hooks.push(HookBox {
                    step: hook.step,
                    unit: hook.unit.clone(),
                    name: hook.hook.clone(),
                    remote: hook.remote_unit.clone(),
                    relation: hook.relation,
                    remote_app: hook.remote_app.clone(),
                    ..HookBox::default()
                });
            }
            Event::Tool(call) => {
                let Some(index) = current(call.step) else { continue };
                let code = call.code;
                let answer = if code == 0 { &call.stdout } else { &call.stderr };
                let answer = clip(answer.trim_end(), MAX_ANSWER);
                let mut line = format!("{} {}", call.tool, call.args.join(" "));
                line = format!("{} → exit {code}", line.trim_end());
                if !answer.is_empty() {
                    line.push_str(&format!(": {answer}"));
                }
                t.hooks[index].calls.push(line);
                if call.tool == "relation-get" && code == 0 {
                    let hook = &t.hooks[index];
                    if let Some((relation, bag)) = bag_read(&call.args, hook) {
                        if let Some(&writer) = last_change.get(&(relation, bag)) {
                            if t.hooks[writer].unit != hook.unit {
                                t.arrows.insert((writer, index));
                            }
                        }
                    }
                }
            }
            Event::Log(log) => {
                if let Some(index) = current(log.step) {
                    t.hooks[index].logs.push(log.line.clone());
                }
            }
            Event::Refused(refused) => {
                if let Some(index) = current(refused.step) {
                    t.hooks[index].refused.push(refused.what.clone());
                }
            }
            Event::Exit(exit) => {
                if let Some(index) = current(exit.step) {
                    let hook = &mut t.hooks[index];
                    hook.result = exit.result.clone();
                    hook.missing = crate::runner::is_missing(&hook.result);
                    hook.failed = !hook.result.starts_with("ok") && !hook.missing;
                    if hook.failed {
                        let (stdout, stderr) = (exit.stdout.as_deref(), exit.stderr.as_deref());
                        hook.output = clip(&format!("{}{}", stdout.unwrap_or(""), stderr.unwrap_or("")), MAX_OUTPUT);
                    }
                }
            }
            Event::ActionResult(action) => {
                if let Some(index) = current(action.step) {
                    let hook = &mut t.hooks[index];
                    hook.result = action.status.clone();
                    hook.failed = hook.result != "completed";
                    if hook.failed {
                        let result = |key: &str| action.results.get(key).map(plain).unwrap_or_default();
                        let out = format!("{}{}", result("stdout"), result("stderr"));
                        hook.output = clip(&format!("{}\n{out}", action.message), MAX_OUTPUT);
                    }
                }
            }
            Event::Commit(commit) => {
                let Some(index) = current(commit.step) else { continue };
                for change in commit.changes.relations.iter().filter(|c| c.changed) {
                    let bag = match change.bag {
                        BagKind::App => Bag::App(unit_app(&commit.unit).to_string()),
                        BagKind::Unit => Bag::Unit(commit.unit.clone()),
                    };
                    last_change.insert((change.relation, bag), index);
                    let keys: Vec<&str> = change.changes.keys().map(String::as_str).collect();
                    t.hooks[index].wrote.push(format!("relation {}: {}", change.relation, keys.join(", ")));
                }
            }
            Event::RunResult(result) => t.result = Some(result.clone()),
            _ => {}
        }
    }
    t
}

fn add_unit(units: &mut Vec<String>, unit: &str) {
    if !unit.is_empty() && !units.iter().any(|u| u == unit) {
        units.push(unit.to_string());
    }
}

fn unit_app(unit: &str) -> &str {
    unit.split('/').next().unwrap_or(unit)
}

/// The relation and bag a `relation-get` call with `args` read in `hook`, as the tool
/// resolves them: `-r` (else the hook's relation), the second positional argument (else the
/// hook's remote unit, else its remote application), `--app` for an application's bag.
fn bag_read(args: &[String], hook: &HookBox) -> Option<(i64, Bag)> {
    let mut relation = hook.relation;
    let mut app = false;
    let mut positional = Vec::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "-r" | "--relation" => relation = iter.next().and_then(|v| relation_id(v)),
            "--app" => app = true,
            "--format" | "-o" | "--output" => {
                iter.next();
            }
            "-" => positional.push(arg.clone()),
            _ if arg.starts_with("-r=") || arg.starts_with("--relation=") => {
                relation = arg.split_once('=').and_then(|(_, v)| relation_id(v));
            }
            _ if arg.starts_with('-') => {}
            _ => positional.push(arg.clone()),
        }
    }
    let relation = relation?;
    let bag = match positional.get(1) {
        Some(target) if app => Bag::App(unit_app(target).to_string()),
        Some(target) => Bag::Unit(target.clone()),
        None => match (&hook.remote, &hook.remote_app) {
            (Some(unit), _) if !app => Bag::Unit(unit.clone()),
            (Some(unit), _) => Bag::App(unit_app(unit).to_string()),
            (None, Some(remote_app)) => Bag::App(remote_app.clone()),
            (None, None) => return None,
        },
    };
    Some((relation, bag))
}

/// The id in `db:3` or `3` (Juju reads the number after the last colon).
fn relation_id(text: &str) -> Option<i64> {
    text.rsplit(':').next()?.parse().ok()
}

/// A JSON value as plain text (strings without quotes).
fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// At most `limit` characters of `text`, marked when cut.
fn clip(text: &str, limit: usize) -> String {
    match text.char_indices().nth(limit) {
        Some((at, _)) => format!("{}… ({} more bytes)", &text[..at], text.len() - at),
        None => text.to_string(),
    }
}

/// At most `limit` characters of a label, with `…` when cut.
fn shorten(text: &str, limit: usize) -> String {
    match text.char_indices().nth(limit) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// Escapes text for HTML, SVG and XML (JUnit reports too), in element content and in quoted
/// attributes; characters XML 1.0 forbids become U+FFFD.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters other than tab and line ends are not allowed in XML text.
            c if (c.is_control() && !matches!(c, '\n' | '\t' | '\r')) || matches!(c, '\u{fffe}' | '\u{ffff}') => {
                out.push('\u{fffd}')
            }
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
body { font: 14px/1.4 system-ui, sans-serif; margin: 16px; color: #222; }
h1 { font-size: 18px; margin: 0 0 8px; }
.summary { display: flex; gap: 24px; flex-wrap: wrap; margin-bottom: 8px; }
.summary dt { font-weight: 600; } .summary dd { margin: 0; }
.passed { color: #1b7d2c; font-weight: 700; } .failed-run { color: #c0392b; font-weight: 700; }
ul.problems { color: #c0392b; margin: 4px 0 12px; }
.legend span { margin-right: 16px; }
.legend i { display: inline-block; width: 14px; height: 10px; margin-right: 4px; border: 1px solid #555; }
.scroll { overflow-x: auto; border: 1px solid #ddd; }
svg text { font: 11px system-ui, sans-serif; }
.lane-label { font-weight: 600; font-size: 12px; }
.lane-line { stroke: #eee; }
.hook rect { fill: #dbeafe; stroke: #4a6fa5; }
.hook.missing rect { fill: #f6f6f6; stroke: #aaa; stroke-dasharray: 3 2; }
.hook.failed rect { fill: #e74c3c; stroke: #922; }
.hook.failed text { fill: #fff; }
.hook.refused rect { stroke: #e67e22; stroke-width: 3; }
.hook:hover rect { stroke-width: 3; }
.arrow { fill: none; stroke: #7b4fa0; stroke-width: 1.5; opacity: 0.75; }
"#;

fn page(t: &Timeline) -> String {
    let mut h = String::new();
    let passed = t.result.as_ref().map(|r| r.passed);
    let verdict = match passed {
        Some(true) => r#"<span class="passed">passed</span>"#,
        Some(false) => r#"<span class="failed-run">failed</span>"#,
        None => "unknown (the trace has no result)",
    };
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>formula sim: {scenario} (seed {seed})</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>formula sim timeline</h1>\n<dl class=\"summary\">\n<div><dt>scenario</dt><dd id=\"scenario\">{scenario}</dd></div>\n<div><dt>seed</dt><dd id=\"seed\">{seed}</dd></div>\n<div><dt>backend</dt><dd>{backend}</dd></div>\n<div><dt>result</dt><dd id=\"result\">{verdict}</dd></div>\n<div><dt>units</dt><dd>{units}</dd></div>\n<div><dt>hooks</dt><dd>{hooks}</dd></div>\n<div><dt>commits seen</dt><dd>{arrows}</dd></div>\n</dl>\n",
        scenario = escape(&t.scenario),
        seed = escape(&t.seed),
        backend = escape(&t.backend),
        units = t.units.len(),
        hooks = t.hooks.len(),
        arrows = t.arrows.len(),
    );
    let problems = problems(t.result.as_ref());
    if !problems.is_empty() {
        h.push_str("<ul class=\"problems\">\n");
        for p in problems {
            let _ = writeln!(h, "<li>{}</li>", escape(&p));
        }
        h.push_str("</ul>\n");
    }
    h.push_str(concat!(
        "<p class=\"legend\"><span><i style=\"background:#dbeafe\"></i>hook</span>",
        "<span><i style=\"background:#e74c3c\"></i>failed</span>",
        "<span><i style=\"background:#f6f6f6;border-style:dashed\"></i>missing (skipped)</span>",
        "<span><i style=\"background:#fff;border:2px solid #e67e22\"></i>a tool call Juju refused</span>",
        "<span>→ a commit and a later hook that read its data</span> — hover a box for its tool calls</p>\n",
    ));
    svg(&mut h, t);
    h.push_str("</body>\n</html>\n");
    h
}

/// The result's failures, one line each.
fn problems(result: Option<&RunResult>) -> Vec<String> {
    let Some(r) = result else { return Vec::new() };
    let mut out = Vec::new();
    for f in &r.failures {
        out.push(format!("{}: {} — expected {}, found {}", f.at, f.what, f.expected, f.found));
    }
    for (label, items) in
        [("unit in error: ", &r.unexpected_errors), ("", &r.refused), ("not idempotent: ", &r.not_idempotent)]
    {
        for item in items {
            out.push(format!("{label}{item}"));
        }
    }
    if let Some(e) = &r.error {
        out.push(format!("error: {e}"));
    }
    out
}

fn svg(h: &mut String, t: &Timeline) {
    let lane_of: BTreeMap<&str, usize> = t.units.iter().enumerate().map(|(i, u)| (u.as_str(), i)).collect();
    let width = LABELS + t.hooks.len() * COLUMN + 20;
    let height = t.units.len() * LANE + 30;
    let place = |index: usize| -> (usize, usize) {
        let lane = lane_of.get(t.hooks[index].unit.as_str()).copied().unwrap_or_default();
        (LABELS + index * COLUMN, 24 + lane * LANE)
    };
    let _ = writeln!(
        h,
        "<div class=\"scroll\">\n<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"timeline\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">"
    );
    h.push_str("<defs><marker id=\"head\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#7b4fa0\"/></marker></defs>\n");
    for (lane, unit) in t.units.iter().enumerate() {
        let y = 24 + lane * LANE;
        let _ = writeln!(
            h,
            "<g class=\"lane\" data-unit=\"{u}\"><line class=\"lane-line\" x1=\"0\" y1=\"{y2}\" x2=\"{width}\" y2=\"{y2}\"/><text class=\"lane-label\" x=\"8\" y=\"{ty}\">{u}</text>",
            u = escape(unit),
            y2 = y + BOX_HEIGHT + (LANE - BOX_HEIGHT) / 2,
            ty = y + BOX_HEIGHT / 2 + 4,
        );
        for (index, hook) in t.hooks.iter().enumerate().filter(|(_, hk)| &hk.unit == unit) {
            let (x, y) = place(index);
            hook_box(h, hook, x, y);
        }
        h.push_str("</g>\n");
    }
    for &(from, to) in &t.arrows {
        let ((x1, y1), (x2, y2)) = (place(from), place(to));
        let (x1, y1, x2, y2) = (x1 + BOX_WIDTH, y1 + BOX_HEIGHT / 2, x2, y2 + BOX_HEIGHT / 2);
        let bend = (x2 - x1) / 2;
        let _ = writeln!(
            h,
            "<path class=\"arrow\" data-from=\"{}\" data-to=\"{}\" d=\"M{x1},{y1} C{},{y1} {},{y2} {x2},{y2}\" marker-end=\"url(#head)\"><title>{} step {} → {} step {}</title></path>",
            t.hooks[from].step,
            t.hooks[to].step,
            x1 + bend,
            x2 - bend,
            escape(&t.hooks[from].unit),
            t.hooks[from].step,
            escape(&t.hooks[to].unit),
            t.hooks[to].step,
        );
    }
    h.push_str("</svg>\n</div>\n");
}

fn hook_box(h: &mut String, hook: &HookBox, x: usize, y: usize) {
    let mut class = String::from("hook");
    if hook.failed {
        class.push_str(" failed");
    }
    if hook.missing {
        class.push_str(" missing");
    }
    if !hook.refused.is_empty() {
        class.push_str(" refused");
    }
    let mut tip = format!("#{} {} {}", hook.step, hook.unit, hook.name);
    if let Some(remote) = &hook.remote {
        tip.push_str(&format!(" ({remote})"));
    }
    tip.push_str(&format!("\nresult: {}", if hook.result.is_empty() { "unknown" } else { &hook.result }));
    let section = |tip: &mut String, title: &str, lines: &[String]| {
        if !lines.is_empty() {
            tip.push_str(&format!("\n{title}:"));
            for line in lines {
                tip.push_str(&format!("\n  {line}"));
            }
        }
    };
    section(&mut tip, "tool calls", &hook.calls);
    section(&mut tip, "refused by Juju", &hook.refused);
    section(&mut tip, "committed", &hook.wrote);
    section(&mut tip, "juju-log", &hook.logs);
    if hook.failed && !hook.output.is_empty() {
        tip.push_str(&format!("\noutput:\n{}", hook.output));
    }
    // Two lines: `12 db` and `relation-changed wiki/0` for relation hooks, `12 install` and
    // the result of a failed hook for others.
    let (first, mut second) = match hook.name.split_once("-relation-") {
        Some((endpoint, kind)) if hook.relation.is_some() => (endpoint.to_string(), format!("relation-{kind}")),
        _ => (hook.name.clone(), String::new()),
    };
    if let Some(remote) = &hook.remote {
        second = format!("{second} {remote}").trim_start().to_string();
    }
    if hook.failed && second.is_empty() {
        second = hook.result.clone();
    }
    let label = shorten(&format!("{} {first}", hook.step), 17);
    let _ = writeln!(
        h,
        "<g class=\"{class}\" data-step=\"{step}\" data-unit=\"{unit}\" data-hook=\"{name}\"><title>{tip}</title><rect x=\"{x}\" y=\"{y}\" width=\"{BOX_WIDTH}\" height=\"{BOX_HEIGHT}\" rx=\"4\"/><text x=\"{tx}\" y=\"{t1}\">{label}</text><text x=\"{tx}\" y=\"{t2}\">{second}</text></g>",
        step = hook.step,
        unit = escape(&hook.unit),
        name = escape(&hook.name),
        tip = escape(&tip),
        tx = x + 5,
        t1 = y + 15,
        t2 = y + 30,
        label = escape(&label),
        second = escape(&shorten(&second, 17)),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[test]
    fn escape_makes_any_text_safe_xml() {
        assert_eq!(
            escape("a<b & \"c\" 'd'>\u{1}\r\n\u{ffff}"),
            "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;\u{FFFD}\r\n\u{FFFD}"
        );
    }

    fn events() -> Vec<Value> {
        vec![
            json!({"event": "run", "seed": 7, "backend": "host", "model": "demo"}),
            json!({"event": "add-unit", "unit": "db/0"}),
            json!({"event": "add-unit", "unit": "wiki/0"}),
            json!({"event": "hook", "step": 1, "unit": "db/0", "hook": "db-relation-joined", "remote-unit": "wiki/0", "relation": 0}),
            json!({"event": "tool", "step": 1, "unit": "db/0", "tool": "relation-set", "args": ["password=x"], "code": 0, "stdout": "", "stderr": ""}),
            json!({"event": "exit", "step": 1, "unit": "db/0", "hook": "db-relation-joined", "result": "ok", "stdout": "", "stderr": ""}),
            json!({"event": "commit", "step": 1, "unit": "db/0", "changes": {"relations": [{"relation": 0, "bag": "unit", "changes": {"password": "x"}, "changed": true}]}}),
            json!({"event": "hook", "step": 2, "unit": "wiki/0", "hook": "db-relation-changed", "remote-unit": "db/0", "relation": 0}),
            json!({"event": "tool", "step": 2, "unit": "wiki/0", "tool": "relation-get", "args": ["password"], "code": 0, "stdout": "x\n", "stderr": ""}),
            json!({"event": "exit", "step": 2, "unit": "wiki/0", "hook": "db-relation-changed", "result": "failed (exit 1)", "stdout": "<script>alert(1)</script>", "stderr": ""}),
            json!({"event": "result", "passed": false, "failures": [], "unexpected-errors": ["wiki/0: hook failed: \"db-relation-changed\""]}),
        ]
    }

    /// [`events`], typed.
    fn typed() -> Vec<Event> {
        let typed: Vec<Event> = events().iter().filter_map(|e| Event::deserialize(e).ok()).collect();
        assert_eq!(typed.len(), events().len(), "every test event reads as a typed event");
        typed
    }

    #[test]
    fn a_read_of_committed_data_draws_an_arrow() {
        let t = gather(&typed());
        assert_eq!(t.units, ["db/0", "wiki/0"]);
        assert_eq!(t.arrows.iter().copied().collect::<Vec<_>>(), [(0, 1)]);
        assert!(t.hooks[1].failed);
    }

    #[test]
    fn relation_get_arguments_name_the_bag_as_the_tool_does() {
        let hook = HookBox {
            relation: Some(2),
            remote: Some("db/1".into()),
            remote_app: Some("db".into()),
            ..HookBox::default()
        };
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(bag_read(&args(&["key"]), &hook), Some((2, Bag::Unit("db/1".into()))));
        assert_eq!(bag_read(&args(&["-r", "db:5", "-", "db/0"]), &hook), Some((5, Bag::Unit("db/0".into()))));
        assert_eq!(bag_read(&args(&["--app", "key"]), &hook), Some((2, Bag::App("db".into()))));
        assert_eq!(
            bag_read(&args(&["--format=json", "-r=3", "--app", "k", "db/0"]), &hook),
            Some((3, Bag::App("db".into())))
        );
    }

    #[test]
    fn hook_text_is_escaped_and_output_is_stable() {
        let page = render_events(&typed());
        assert!(!page.contains("<script>"), "{page}");
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert_eq!(page, render_events(&typed()));
    }
}
