//! F131 `ambiguous-metadata-format`: metadata mixes keys of two formats.
#![doc = include_str!("f131_ambiguous_metadata_format.md")]

use crate::diagnostic::{Label, Severity};
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};
use crate::yaml::Node;

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F131",
    name: "ambiguous-metadata-format",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "metadata mixes keys of two formats",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: None,
    explanation: include_str!("f131_ambiguous_metadata_format.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(root) = ctx.metadata() else { return };
    let Some(entries) = root.map_entries() else {
        return;
    };
    let path = ctx.metadata_path();
    let keyed = |names: &[&str]| -> Vec<Keyed> {
        entries
            .iter()
            .filter_map(|(k, _)| k.as_str().filter(|s| names.contains(s)).map(|s| (*k, s.to_string())))
            .collect()
    };
    let v1 = keyed(V1_ONLY);
    let v2 = keyed(V2_ONLY);
    if !v1.is_empty() && !v2.is_empty() {
        let (matched, mismatched) = juju_split(&v1, &v2);
        let Some((first, _)) = mismatched.first() else {
            return;
        };
        let list = |keys: &[Keyed]| keys.iter().map(|(_, k)| format!("`{k}`")).collect::<Vec<_>>().join(", ");
        let message = format!("ambiguous metadata: {} cannot be used with {}", list(&mismatched), list(&matched));
        let diagnostic = out.report(&path, Some(first.span), message);
        for (node, name) in mismatched.iter().skip(1).chain(matched.iter()) {
            let era = if V1_ONLY.contains(&name.as_str()) { "classic (v1) key" } else { "v2-only key" };
            diagnostic.labels.push(Label { path: path.clone(), span: node.span, message: era.into() });
        }
        diagnostic.help = Some(
            "`series`, `deployment` and `min-juju-version` belong to classic formulas; `assumes`, `containers` and `charm-user` to v2 charms: keep one set"
                .into(),
        );
        return;
    }
    if ctx.has_root_file("manifest.yaml") {
        return; // a v2 charm: its own keys are fine
    }
    for (node, name) in &v2 {
        let (message, help) = match name.as_str() {
            "assumes" => (
                "`assumes` is not valid in a classic (v1) formula",
                "remove `assumes`; it needs a v2 charm with a manifest.yaml",
            ),
            "containers" => (
                "`containers` is not valid without a manifest.yaml",
                "remove `containers`; sidecar containers need a v2 charm with a manifest.yaml",
            ),
            _ => continue,
        };
        out.report(&path, Some(node.span), message).help = Some(help.into());
    }
}

/// A top-level key node with its text.
type Keyed<'a> = (&'a Node, String);

/// Keys that only classic (v1) metadata has.
const V1_ONLY: &[&str] = &["series", "deployment", "min-juju-version"];
/// Keys that only v2 metadata has.
const V2_ONLY: &[&str] = &["assumes", "containers", "charm-user"];

/// Juju's `ensureUnambiguousFormat`: in sorted key order, the first format-specific key sets
/// the format; `(matched, mismatched)` are the keys of that format and of the other.
fn juju_split<'a>(v1: &[Keyed<'a>], v2: &[Keyed<'a>]) -> (Vec<Keyed<'a>>, Vec<Keyed<'a>>) {
    let mut all: Vec<Keyed> = v1.iter().chain(v2).cloned().collect();
    all.sort_by(|a, b| a.1.cmp(&b.1));
    let first_is_v1 = all.first().is_some_and(|(_, k)| V1_ONLY.contains(&k.as_str()));
    all.into_iter().partition(|(_, k)| V1_ONLY.contains(&k.as_str()) == first_is_v1)
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::lint::rules::support::testing::{messages, TEST_HEAD};

    #[test]
    fn v2_keys_in_a_classic_formula() {
        let meta = format!("{TEST_HEAD}assumes: [juju]\ncontainers:\n  app: {{resource: image}}\n");
        assert_eq!(
            messages(&RULE, &[("metadata.yaml", &meta)]),
            ["`assumes` is not valid in a classic (v1) formula", "`containers` is not valid without a manifest.yaml"]
        );
        assert!(messages(&RULE, &[("metadata.yaml", &meta), ("manifest.yaml", "bases: []\n")]).is_empty());
    }

    #[test]
    fn juju_names_the_keys_of_the_other_format() {
        let meta = format!("{TEST_HEAD}series: [focal]\nmin-juju-version: 2.9.0\nassumes: [juju]\n");
        assert_eq!(
            messages(&RULE, &[("metadata.yaml", &meta)]),
            ["ambiguous metadata: `min-juju-version`, `series` cannot be used with `assumes`"]
        );
        let meta = format!("{TEST_HEAD}deployment: {{}}\ncontainers: {{}}\n");
        assert_eq!(
            messages(&RULE, &[("metadata.yaml", &meta)]),
            ["ambiguous metadata: `deployment` cannot be used with `containers`"]
        );
    }
}
