//! The timeline page (`formula sim --html`, `formula trace-html`) as a real browser shows it:
//! the page is opened in headless Chromium (Debian's `chromium`) and its DOM is read back.

use crate::support::*;
use regex::Regex;
use simulator::trace::{self, BagKind, Event};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

/// The DOM of `page` after Chromium loaded it.
fn browser_dom(page: &Path) -> String {
    let output = Command::new("chromium")
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom"])
        .arg(format!("file://{}", page.display()))
        .output();
    let output = match output {
        Ok(output) => output,
        Err(e) => panic!(
            "cannot run `chromium` ({e}): this test needs Debian's chromium package on PATH (apt-get install -y chromium; .ci/run installs it)"
        ),
    };
    assert!(output.status.success(), "chromium failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Text as the DOM serialises it, back to plain text.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
}

/// The hook boxes the browser shows: step → (unit, classes, hover text).
fn hook_boxes(dom: &str) -> BTreeMap<u64, (String, String, String)> {
    let re =
        Regex::new(r#"(?s)<g class="(hook[^"]*)" data-step="(\d+)" data-unit="([^"]*)"[^>]*><title>(.*?)</title>"#)
            .expect("regex");
    re.captures_iter(dom)
        .map(|c| (c[2].parse().expect("step"), (c[3].to_string(), c[1].to_string(), unescape(&c[4]))))
        .collect()
}

/// The arrows a trace should give, found here the simple way the test formulas allow (their
/// `relation-get` calls name neither relation nor unit): a hook reading its remote unit's
/// data in its relation reads the last commit that changed that unit's bag there.
fn expected_arrows(events: &[Event]) -> BTreeSet<(u64, u64)> {
    let mut hooks: BTreeMap<u64, &trace::Hook> = BTreeMap::new();
    let mut last: BTreeMap<(i64, String), u64> = BTreeMap::new();
    let mut arrows = BTreeSet::new();
    for e in events {
        match e {
            Event::Hook(hook) => {
                hooks.insert(hook.step, hook);
            }
            Event::Tool(tool) if tool.tool == "relation-get" && tool.code == 0 => {
                let hook = hooks[&tool.step];
                let (Some(remote), Some(relation)) = (&hook.remote_unit, hook.relation) else {
                    continue;
                };
                if let Some(&from) = last.get(&(relation, remote.clone())) {
                    arrows.insert((from, tool.step));
                }
            }
            Event::Commit(commit) => {
                for change in &commit.changes.relations {
                    if change.changed && change.bag == BagKind::Unit {
                        last.insert((change.relation, commit.unit.clone()), commit.step);
                    }
                }
            }
            _ => {}
        }
    }
    arrows
}

#[test]
fn the_browser_shows_lanes_hooks_failures_arrows_and_tool_calls() {
    let dir = tempfile::tempdir().expect("temp dir");
    let page = dir.path().join("timeline.html");
    let scenario = repo().join("tests/scenarios/timeline.yaml");
    let run = sim(&scenario, &["--backend", "host", "-q", "--html", page.to_str().expect("utf-8 path")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let dom = browser_dom(&page);

    // The header: scenario, seed and result.
    assert!(dom.contains(r#"<dd id="scenario">timeline</dd>"#), "{dom}");
    assert!(dom.contains(r#"<dd id="seed">0</dd>"#));
    assert!(dom.contains(r#"<dd id="result"><span class="passed">passed</span></dd>"#));

    // One lane per unit, labelled with its name, in the order units were added.
    let lane = Regex::new(
        r#"<g class="lane" data-unit="([^"]+)"><line[^>]*></line><text class="lane-label"[^>]*>([^<]+)</text>"#,
    )
    .expect("regex");
    let lanes: Vec<(String, String)> = lane.captures_iter(&dom).map(|c| (c[1].to_string(), c[2].to_string())).collect();
    let units: Vec<String> = run.added_units().iter().map(|e| e.unit.clone()).collect();
    assert_eq!(units, ["server/0", "client/0", "client/1", "hostile/0"]);
    assert_eq!(lanes, units.iter().map(|u| (u.clone(), u.clone())).collect::<Vec<_>>());

    // A box per hook, in its unit's lane.
    let boxes = hook_boxes(&dom);
    let hooks = run.hooks();
    assert_eq!(boxes.len(), hooks.len());
    for unit in &units {
        let start = dom.find(&format!(r#"<g class="lane" data-unit="{unit}">"#)).expect("lane");
        let end = dom[start + 1..].find(r#"<g class="lane""#).map_or(dom.len(), |i| start + 1 + i);
        let in_lane = dom[start..end].matches(r#"<g class="hook"#).count();
        assert_eq!(in_lane, run.unit_hooks(unit).len(), "boxes in the lane of {unit}");
    }
    for hook in &hooks {
        let (unit, _, tip) = &boxes[&hook.step];
        assert_eq!(unit, &hook.unit);
        assert!(tip.starts_with(&format!("#{} {} {}", hook.step, hook.unit, hook.name)), "{tip}");
    }

    // Failed hooks, and only they, are marked (and drawn red by their class).
    let failed: BTreeSet<u64> =
        boxes.iter().filter(|(_, b)| b.1.split(' ').any(|c| c == "failed")).map(|(s, _)| *s).collect();
    let want: BTreeSet<u64> = hooks.iter().filter(|h| h.result.starts_with("failed")).map(|h| h.step).collect();
    assert!(!want.is_empty(), "the scenario has a failing hook");
    assert_eq!(failed, want);
    assert!(dom.contains(".hook.failed rect { fill: #e74c3c;"));

    // An arrow per commit → reader.
    let arrow = Regex::new(r#"<path class="arrow" data-from="(\d+)" data-to="(\d+)""#).expect("regex");
    let arrows: BTreeSet<(u64, u64)> =
        arrow.captures_iter(&dom).map(|c| (c[1].parse().expect("n"), c[2].parse().expect("n"))).collect();
    let expected = expected_arrows(&run.events);
    assert!(expected.len() >= 3, "{expected:?}");
    assert_eq!(arrows, expected);
    let hostile_step = *want.iter().next().expect("a failed hook");
    assert!(arrows.iter().any(|(_, to)| *to == hostile_step), "the failing hook read the server's commit");

    // Hovering a hook shows its tool calls.
    for tool in run.tools() {
        let call = format!("{} {}", tool.tool, tool.args.join(" "));
        let (_, _, tip) = &boxes[&tool.step];
        assert!(tip.contains("\ntool calls:\n") && tip.contains(call.trim_end()), "{call} not in {tip}");
    }

    // The hostile hook's output and arguments are shown as text: nothing ran, nothing was added.
    let (_, _, tip) = &boxes[&hostile_step];
    assert!(tip.contains("</title><script>document.body.setAttribute('data-pwned','yes')</script>"), "{tip}");
    assert!(tip.contains(r#"relation-set note=<img src=x onerror="document.body.dataset.pwned=1">"#), "{tip}");
    assert!(tip.contains("& <b>bold</b>"), "{tip}");
    assert!(!dom.contains("data-pwned=\"yes\"") && !dom.contains("<script") && !dom.contains("<img"), "{dom}");
    assert!(!dom.contains("<b>"), "markup from a hook must not become elements");
}

#[test]
fn the_page_is_the_same_bytes_from_the_run_and_from_its_trace() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (live, again, from_trace) =
        (dir.path().join("live.html"), dir.path().join("again.html"), dir.path().join("trace.html"));
    let scenario = repo().join("tests/scenarios/timeline.yaml");
    let run = sim(&scenario, &["--backend", "host", "-q", "--seed", "3", "--html", live.to_str().expect("path")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    sim(&scenario, &["--backend", "host", "-q", "--seed", "3", "--html", again.to_str().expect("path")]);
    let trace = dir.path().join("run.jsonl");
    std::fs::write(&trace, &run.trace_bytes).expect("write trace");
    let status = formula().arg("trace-html").arg(&trace).arg("-o").arg(&from_trace).status().expect("trace-html");
    assert!(status.success());
    let live = std::fs::read(&live).expect("page");
    assert_eq!(live, std::fs::read(&again).expect("page"), "same seed, same page");
    assert_eq!(live, std::fs::read(&from_trace).expect("page"), "the trace gives the same page");
}

#[test]
fn a_bad_trace_is_an_error_naming_file_line_and_column() {
    let dir = tempfile::tempdir().expect("temp dir");
    let trace = dir.path().join("bad.jsonl");
    std::fs::write(&trace, "{\"event\": \"run\", \"seed\": 1}\n{\"event\": \"hook\", \"step\": }\n").expect("write");
    let output =
        formula().arg("trace-html").arg(&trace).arg("-o").arg(dir.path().join("x.html")).output().expect("run");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&format!("{}:2:27: not a JSON event: expected value\n", trace.display())), "{stderr}");
}
