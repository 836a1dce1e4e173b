//! Which rules run, at which level: command-line selection and the formula's allow-list.

use super::{registry, Group, Reporter, Rule};
use crate::diagnostic::Diagnostic;
use crate::format::Formula;
use crate::yaml::Node;

/// The file in a formula that silences rules for it, for CI that has accepted a finding:
/// ```yaml
/// allow:
///   - F208                     # by code
///   - relation-without-hooks   # or by name
/// ```
pub const ALLOW_FILE: &str = ".formulalint.yaml";

/// Which rules run. Names, codes and group names are accepted everywhere.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// When not empty, only these run (plus `extend`).
    pub select: Vec<String>,
    /// Added to the default set (e.g. `pedantic`).
    pub extend: Vec<String>,
    /// Never run.
    pub ignore: Vec<String>,
}

impl Selection {
    /// Whether `rule` runs.
    pub fn enables(&self, rule: &Rule) -> bool {
        let matches = |list: &[String]| list.iter().any(|s| selects(s, rule));
        if matches(&self.ignore) {
            return false;
        }
        if !self.select.is_empty() {
            return matches(&self.select) || matches(&self.extend);
        }
        rule.group != Group::Pedantic || matches(&self.extend)
    }

    /// Names in the selection that match no rule and no group.
    pub fn unknown_names(&self) -> Vec<String> {
        self.select
            .iter()
            .chain(&self.extend)
            .chain(&self.ignore)
            .filter(|s| !registry::RULES.iter().any(|r| selects(s, r)))
            .cloned()
            .collect()
    }
}

fn selects(name: &str, rule: &Rule) -> bool {
    name.eq_ignore_ascii_case(rule.code) || name == rule.name || name == rule.group.as_str() || name == "all"
}

/// The rules a formula's [`ALLOW_FILE`] silences, and the problems found in that file.
pub(crate) struct AllowList {
    names: Vec<String>,
    problems: Vec<AllowProblem>,
}

/// Something wrong with the allow-list, reported by F008.
struct AllowProblem {
    path: std::path::PathBuf,
    span: Option<crate::source::Span>,
    message: String,
    help: Option<String>,
}

/// The group names, which an allow-list may name even when no rule is in the group yet.
const GROUPS: &[&str] = &["correctness", "suspicious", "style", "compat", "pedantic"];

/// What an allow-list entry may be, for help texts.
const ENTRY_FORMS: &str = "entries are rule codes (`F503`), rule names (`hook-not-executable`) or groups (`style`); `formula lint --list` shows them";

impl AllowList {
    pub(crate) fn load(formula: &Formula) -> AllowList {
        let mut list = AllowList { names: Vec::new(), problems: Vec::new() };
        let shown = formula.display(ALLOW_FILE);
        let problem =
            |span, message: String, help: Option<String>| AllowProblem { path: shown.clone(), span, message, help };
        let mut read_problems = Vec::new();
        let Some(text) = crate::format::read_text(&formula.dir.join(ALLOW_FILE), &shown, &mut read_problems) else {
            for p in read_problems {
                list.problems.push(problem(None, format!("cannot read `{ALLOW_FILE}`: {}", p.reason), None));
            }
            return list;
        };
        let root = match crate::yaml::parse(&text) {
            Ok(root) => root,
            Err(e) => {
                list.problems.push(problem(Some(e.span), format!("cannot parse `{ALLOW_FILE}`: {}", e.message), None));
                return list;
            }
        };
        let example = "write `allow:` followed by one `- F503` line per rule";
        let Some(items) = root.get("allow").and_then(Node::as_seq) else {
            let found = match root.entry("allow") {
                Some((key, value)) => {
                    let what = super::rules::support::wording::describe(value, &text);
                    problem(
                        Some(key.span),
                        format!("`allow` in `{ALLOW_FILE}` must be a list of rules, not {what}"),
                        Some(example.into()),
                    )
                }
                None => problem(
                    None,
                    format!("`{ALLOW_FILE}` has no `allow` list, so it allows nothing"),
                    Some(example.into()),
                ),
            };
            list.problems.push(found);
            return list;
        };
        for item in items {
            match item.as_str() {
                Some(name) if registry::RULES.iter().any(|r| selects(name, r)) || GROUPS.contains(&name) => {
                    list.names.push(name.to_string())
                }
                Some(name) => {
                    let help = match suggestion(name) {
                        Some(known) => format!("did you mean `{known}`? {ENTRY_FORMS}"),
                        None => ENTRY_FORMS.to_string(),
                    };
                    list.problems.push(problem(
                        Some(item.span),
                        format!("`{name}` in `{ALLOW_FILE}` is not a rule or group"),
                        Some(help),
                    ));
                }
                None => {
                    let what = super::rules::support::wording::describe(item, &text);
                    list.problems.push(problem(
                        Some(item.span),
                        format!("entries of `allow` must be rule codes or names, not {what}"),
                        Some(ENTRY_FORMS.to_string()),
                    ));
                }
            }
        }
        list
    }

    pub(crate) fn allows(&self, rule: &Rule) -> bool {
        self.names.iter().any(|n| selects(n, rule))
    }

    pub(crate) fn problems(&self, rule: &'static Rule) -> Vec<Diagnostic> {
        let mut reporter = Reporter::new(rule);
        for p in &self.problems {
            reporter.report(&p.path, p.span, p.message.clone()).help = p.help.clone();
        }
        reporter.into_diagnostics()
    }
}

/// The rule code, rule name or group closest to a misspelt allow-list entry.
fn suggestion(name: &str) -> Option<String> {
    let mut known: Vec<&str> = registry::RULES.iter().flat_map(|r| [r.code, r.name]).collect();
    known.extend(GROUPS);
    let upper = name.to_ascii_uppercase();
    let probe =
        if upper.starts_with('F') && upper[1..].bytes().all(|b| b.is_ascii_digit()) { upper.as_str() } else { name };
    super::rules::support::names::closest(probe, known).map(str::to_string)
}
