//! F708 `deployer-bundle`: a bundle is in juju-deployer's (v3) format, which Juju does not deploy.
#![doc = include_str!("f708_deployer_bundle.md")]

use crate::deployer;
use crate::diagnostic::{Label, Severity};
use crate::fix::{Edit, Fix};
use crate::lint::bundle::BundleContext;
use crate::lint::{Check, FixAvailability, Group, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F708",
    name: "deployer-bundle",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a bundle is in juju-deployer's (v3) format, which Juju does not deploy",
    since: "0.1.0",
    fix: FixAvailability::Unsafe,
    proof: None,
    explanation: include_str!("f708_deployer_bundle.md"),
    check: Check::Bundle(check),
};

fn check(ctx: &BundleContext, out: &mut Reporter) {
    let Some(root) = ctx.root() else { return };
    let found = deployer::deployments(root);
    let Some((first, _)) = found.first() else { return };
    let path = ctx.path();
    let file = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let names: Vec<String> = found.iter().filter_map(|(k, _)| k.key_text()).collect();
    let diagnostic = out.report(
        &path,
        Some(first.span),
        format!("`{file}` is a juju-deployer (v3) bundle, which Juju does not deploy"),
    );
    for (key, _) in found.iter().skip(1) {
        diagnostic.labels.push(Label { path: path.clone(), span: key.span, message: "another deployment".into() });
    }
    match deployer::upgrade(root, &file, None) {
        Ok(upgraded) => {
            diagnostic.help = Some(format!(
                "`formula bundle --upgrade {}` writes it as a bundle Juju deploys ({})",
                path.display(),
                carried(&upgraded)
            ));
            diagnostic.fix = Some(Fix::unsafe_(vec![Edit::Write { path: file.into(), content: upgraded.text }]));
        }
        Err(_) => {
            diagnostic.help = Some(format!(
                "`formula bundle --upgrade {} --deployment NAME` writes one of {} as a bundle Juju deploys",
                path.display(),
                names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
            ));
        }
    }
}

/// `everything carried over`, or how many things were not.
fn carried(upgraded: &deployer::Upgraded) -> String {
    match upgraded.dropped.len() {
        0 => "everything carries over".into(),
        1 => "one setting does not carry over; it says which".into(),
        n => format!("{n} settings do not carry over; it says which"),
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::lint::rules::support::testing::bundle_messages;

    #[test]
    fn deployer_files_are_found() {
        assert_eq!(
            bundle_messages(&RULE, "wiki-bundle:\n  series: precise\n  services:\n    wiki: {charm: cs:wiki}\n"),
            ["`bundle.yaml` is a juju-deployer (v3) bundle, which Juju does not deploy"]
        );
        assert!(bundle_messages(&RULE, "applications:\n  wiki: {charm: ./wiki}\n").is_empty());
        assert!(bundle_messages(&RULE, "name: wiki\nsummary: s\n").is_empty());
    }
}
