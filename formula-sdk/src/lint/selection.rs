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
    problems: Vec<(std::path::PathBuf, Option<crate::source::Span>, String)>,
}

impl AllowList {
    pub(crate) fn load(formula: &Formula) -> AllowList {
        let mut list = AllowList { names: Vec::new(), problems: Vec::new() };
        let shown = formula.display(ALLOW_FILE);
        let mut read_problems = Vec::new();
        let Some(text) = crate::format::read_text_public(&formula.dir.join(ALLOW_FILE), &shown, &mut read_problems)
        else {
            for p in read_problems {
                list.problems.push((p.path, None, format!("cannot read the allow-list: {}", p.reason)));
            }
            return list;
        };
        let root = match crate::yaml::parse(&text) {
            Ok(root) => root,
            Err(e) => {
                list.problems.push((shown, Some(e.span), format!("cannot parse the allow-list: {}", e.message)));
                return list;
            }
        };
        let Some(items) = root.get("allow").and_then(Node::as_seq) else {
            let span = root.entry("allow").map(|(k, _)| k.span);
            list.problems.push((
                shown,
                span,
                "the allow-list needs `allow:` with a list of rule codes or names".into(),
            ));
            return list;
        };
        for item in items {
            match item.as_str() {
                Some(name) if registry::RULES.iter().any(|r| selects(name, r)) => list.names.push(name.to_string()),
                Some(name) => list.problems.push((
                    shown.clone(),
                    Some(item.span),
                    format!("unknown rule `{name}` in the allow-list"),
                )),
                None => list.problems.push((
                    shown.clone(),
                    Some(item.span),
                    "allow-list entries are rule codes or names".into(),
                )),
            }
        }
        list
    }

    pub(crate) fn allows(&self, rule: &Rule) -> bool {
        self.names.iter().any(|n| selects(n, rule))
    }

    pub(crate) fn problems(&self, rule: &'static Rule) -> Vec<Diagnostic> {
        let mut reporter = Reporter::new(rule);
        for (path, span, message) in &self.problems {
            reporter.report(path, *span, message.clone());
        }
        reporter.into_diagnostics()
    }
}
