//! F605 `readme-boilerplate`: the README keeps the template's text.
#![doc = include_str!("f605_readme_boilerplate.md")]

use super::support::files::readme_names;
use super::support::spans::span_of_bytes;
use crate::diagnostic::Severity;
use crate::format::read_text;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F605",
    name: "readme-boilerplate",
    severity: Severity::Warning,
    group: Group::Style,
    summary: "the README keeps the template's text",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("30"),
    explanation: include_str!("f605_readme_boilerplate.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    for name in readme_names(ctx.formula) {
        let shown = ctx.path(name);
        if name == "README.ex" {
            out.report(&shown, None, "`README.ex` is the example README of the formula template").help =
                Some("write the formula's own README.md and delete README.ex".into());
        }
        let path = ctx.formula.dir.join(name);
        if !path.is_file() {
            continue;
        }
        let mut ignored = Vec::new(); // unreadable files are F004's
        let Some(text) = read_text(&path, &shown, &mut ignored) else {
            continue;
        };
        for (start, phrase) in boilerplate(&text) {
            let diagnostic = out.report(
                &shown,
                Some(span_of_bytes(&text, start, start + phrase.len())),
                format!("`{name}` still has the template's text \"{}\"", abridged(phrase)),
            );
            diagnostic.help = Some("replace the template's words with this formula's own".into());
        }
    }
}

/// The lines of the `charm create` README template that `charm proof` looks for (those of at
/// least 40 characters, counting the newline): a README that still contains one was not
/// rewritten.
const TEMPLATE_LINES: [&str; 14] = [
    "Describe the intended usage of this charm and anything unique about how this charm relates to others here.",
    "This README will be displayed in the Charm Store, it should be either Markdown or RST. Ideal READMEs include instructions on how to use the charm, expected usage, and charm features that your audience might be interested in. For an example of a well written README check out Hadoop: http://jujucharms.com/charms/precise/hadoop",
    "Use this as a Markdown reference if you need help with the formatting of this README: http://askubuntu.com/editing-help",
    "This charm provides [service](http://example.com). Add a description here of what the service itself actually does.",
    "Also remember to check the [icon guidelines](https://jujucharms.com/docs/stable/authors-charm-icon) so that your charm looks good in the Juju GUI.",
    "Step by step instructions on using the charm:",
    "and so on. If you're providing a web service or something that the end user needs to go to, tell them here, especially if you're deploying a service that might listen to a non-default port.",
    "You can then browse to http://ip-address to configure the service.",
    "If the charm has any recommendations for running at scale, outline them in examples here. For example if you have a memcached relation that improves performance, mention it here.",
    "This not only helps users but gives people a place to start if they want to help you add features to your charm.",
    "The configuration options will be listed on the charm store, however If you're making assumptions or opinionated decisions in the charm (like setting a default administrator password), you should detail that here so the user knows how to change it immediately, etc.",
    "Though this will be listed in the charm store itself don't assume a user will know that, so include that information here:",
    "- Upstream mailing list or contact information",
    "- Feel free to add things if it's useful for users",
];

/// Each template line found in `text`, with the byte offset of its first occurrence.
fn boilerplate(text: &str) -> Vec<(usize, &'static str)> {
    TEMPLATE_LINES.iter().filter_map(|line| text.find(line).map(|at| (at, *line))).collect()
}

/// The first words of a template line, for the message.
fn abridged(line: &str) -> String {
    const MAX: usize = 48;
    if line.chars().count() <= MAX {
        return line.to_string();
    }
    let cut: String = line.chars().take(MAX).collect();
    let at_word = cut.rfind(' ').map_or(cut.as_str(), |i| &cut[..i]);
    format!("{at_word} …")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_template_lines_anywhere() {
        let text = "# mine\n\nStep by step instructions on using the charm:\n\n1. deploy";
        assert_eq!(boilerplate(text), vec![(8, "Step by step instructions on using the charm:")]);
        assert!(boilerplate("# A wiki\n\nDeploy it and relate it to mysql.\n").is_empty());
    }

    #[test]
    fn abridges_long_lines_at_a_word() {
        assert_eq!(abridged(TEMPLATE_LINES[0]), "Describe the intended usage of this charm and …");
    }
}
