//! F512 `dispatch-not-executable`: a dispatch file exists but is not executable, so every hook fails.
#![doc = include_str!("f512_dispatch_not_executable.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F512",
    name: "dispatch-not-executable",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a dispatch file exists but is not executable, so every hook fails",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: None,
    explanation: include_str!("f512_dispatch_not_executable.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(dispatch) = &ctx.formula.dispatch else {
        return;
    };
    if dispatch.symlink.as_ref().is_some_and(|s| !s.exists) {
        return; // a dangling link is a missing dispatch to Juju (F507 reports it)
    }
    let message = if dispatch.is_dir {
        "`dispatch` is a directory; Juju fails every hook because it cannot run it"
    } else if !dispatch.executable {
        "`dispatch` is not executable; Juju fails every hook because it cannot run it"
    } else {
        return;
    };
    out.report(&dispatch.display, None, message).help = Some(if dispatch.is_dir {
        "remove or rename the `dispatch` directory".into()
    } else {
        format!("chmod +x {}", dispatch.display.display())
    });
}
