import csv, os, re
rows = [r for r in csv.reader(open('dev/rules.tsv'), delimiter='\t') if r]
rdir = 'formula-sdk/src/lint/rules'
os.makedirs(rdir, exist_ok=True)
mods = []
for code, name, sev, group, proof, kind, summary in rows:
    mod = f"{code.lower()}_{name.replace('-', '_')}"
    mods.append((code, mod))
    rs = f"{rdir}/{mod}.rs"
    md = f"{rdir}/{mod}.md"
    proof_s = "None" if proof == '-' else f'Some("{proof}")'
    if kind == 'Formula':
        check = "Check::Formula(check)"
        fn = "fn check(ctx: &LintContext, out: &mut Reporter) {\n    let _ = (ctx, out);\n}\n"
        uses = "use crate::lint::{Check, Group, LintContext, Reporter, Rule};"
    elif kind == 'Bundle':
        check = "Check::Bundle(check)"
        fn = "fn check(ctx: &BundleContext, out: &mut Reporter) {\n    let _ = (ctx, out);\n}\n"
        uses = "use crate::lint::bundle::BundleContext;\nuse crate::lint::{Check, Group, Reporter, Rule};"
    else:
        check = "Check::Driver"
        fn = ""
        uses = "use crate::lint::{Check, Group, Rule};"
    if not os.path.exists(rs):
        open(rs, 'w').write(f'''//! {code} `{name}`: {summary}.
#![doc = include_str!("{mod}.md")]

use crate::diagnostic::Severity;
{uses}

/// The rule's registration.
pub const RULE: Rule = Rule {{
    code: "{code}",
    name: "{name}",
    severity: Severity::{sev},
    group: Group::{group},
    summary: "{summary}",
    since: "0.1.0",
    proof: {proof_s},
    explanation: include_str!("{mod}.md"),
    check: {check},
}};

{fn}''')
    if not os.path.exists(md):
        open(md, 'w').write("## What it does\n\nTODO\n\n## Why is this bad?\n\nTODO\n\n## Example\n\nTODO\n")
with open(f'{rdir}/mod.rs', 'w') as f:
    f.write("//! The lint rules, one module each; [`super::registry::RULES`] lists them.\n\n")
    for code, mod in mods:
        f.write(f"pub mod {mod};\n")
with open('formula-sdk/src/lint/registry.rs', 'w') as f:
    f.write('''//! The one table of lint rules, sorted by code. Codes are never reused: a retired rule
//! keeps its line (a test checks the order and that codes and names are unique).

use super::rules::*;
use super::Rule;

/// Every rule, sorted by code.
#[rustfmt::skip]
pub const RULES: &[&Rule] = &[
''')
    for code, mod in mods:
        f.write(f"    &{mod}::RULE,\n")
    f.write('''];

/// The rule with this code or name.
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
}

#[cfg(test)]
mod tests {
    use super::RULES;

    #[test]
    fn codes_are_sorted_and_unique_and_names_unique() {
        for pair in RULES.windows(2) {
            assert!(pair[0].code < pair[1].code, "{} must come before {}", pair[0].code, pair[1].code);
        }
        let mut names: Vec<&str> = RULES.iter().map(|r| r.name).collect();
        names.sort();
        let count = names.len();
        names.dedup();
        assert_eq!(count, names.len(), "rule names must be unique");
    }
}
''')
