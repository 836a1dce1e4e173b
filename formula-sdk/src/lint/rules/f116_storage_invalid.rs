//! F116 `storage-invalid`: a storage definition is malformed.
#![doc = include_str!("f116_storage_invalid.md")]

use super::support::layer::proof_extension_fields;
use super::support::metadata::{is_string_key, metadata_map};
use super::support::names::closest;
use super::support::spans::value_span;
use super::support::wording::{describe, key_name};
use crate::diagnostic::Severity;
use crate::go::strconv;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};
use crate::source::Span;
use crate::yaml::{Node, NodeKind};
use std::path::PathBuf;

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F116",
    name: "storage-invalid",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a storage definition is malformed",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("18"),
    explanation: include_str!("f116_storage_invalid.md"),
    check: Check::Formula(check),
};

/// The fields of a store that both Juju and `charm proof` know.
const FIELDS: &[&str] = &["type", "description", "shared", "read-only", "minimum-size", "location", "multiple"];
/// Juju reads `properties` (only `transient`); `charm proof` refuses it.
const JUJU_ONLY: &str = "properties";
/// Where proof can be taught the fields it does not know.
const EXTEND: &str = "declare it under `proof: storage:` in layer.yaml to make `charm proof` accept it";

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some((key, storage)) = metadata_map(ctx).and_then(|root| root.entry("storage")) else {
        return;
    };
    let mut c = Checker {
        out,
        path: ctx.metadata_path(),
        text: ctx.metadata_text(),
        extensions: proof_extension_fields(ctx.formula, "storage"),
    };
    let Some(stores) = storage.map_entries() else {
        let span = value_span(key, storage, c.text);
        c.error(span, format!("`storage` must be a map of storage definitions, not {}", describe(storage, c.text)))
            .help =
            Some("write each store under `storage:` as `name:` followed by `type: filesystem` or `type: block`".into());
        return;
    };
    if stores.is_empty() {
        let diagnostic = c.error(storage.span, "`storage` is an empty map".into());
        diagnostic.severity = Severity::Warning; // Juju accepts it; `charm proof` refuses it
        diagnostic.help = Some("remove it: `charm proof` refuses an empty `storage`".into());
        return;
    }
    for (name, store) in stores {
        c.store(name, store);
    }
}

struct Checker<'a, 'r> {
    out: &'r mut Reporter,
    path: PathBuf,
    text: &'a str,
    extensions: Vec<String>,
}

impl Checker<'_, '_> {
    fn error(&mut self, span: Span, message: String) -> &mut crate::Diagnostic {
        self.out.report(&self.path, Some(span), message)
    }

    /// A finding that only `charm proof` makes: Juju reads the value as intended.
    fn proof_only(&mut self, span: Span, message: String, help: String) {
        let diagnostic = self.error(span, message);
        diagnostic.severity = Severity::Warning;
        diagnostic.help = Some(help);
    }

    fn store(&mut self, name_node: &Node, store: &Node) {
        let name = key_name(name_node);
        if !is_string_key(name_node) {
            self.error(name_node.span, format!("storage name `{name}` must be a string")).help =
                Some(format!("quote it: `\"{name}\":`"));
            return;
        }
        let Some(fields) = store.map_entries() else {
            let span = value_span(name_node, store, self.text);
            let diagnostic = self.error(
                span,
                format!("storage `{name}` must be a map with at least a `type`, not {}", describe(store, self.text)),
            );
            if let Some(kind @ ("filesystem" | "block")) = store.as_str() {
                diagnostic.help = Some(format!("write `type: {kind}` on its own line under `{name}:`"));
            }
            return;
        };
        let kind = store.get("type");
        match kind {
            None => {
                self.error(name_node.span, format!("storage `{name}` has no `type`")).help =
                    Some("add `type: filesystem` or `type: block`".into());
            }
            Some(kind) if !matches!(kind.as_str(), Some("filesystem" | "block")) => {
                let span = value_span(name_node, kind, self.text);
                self.error(
                    span,
                    format!(
                        "`type` of storage `{name}` must be `filesystem` or `block`, not {}",
                        describe(kind, self.text)
                    ),
                );
            }
            Some(_) => {}
        }
        for (key, value) in fields {
            let field = key_name(key);
            let span = value_span(key, value, self.text);
            match field.as_str() {
                "type" => {}
                "description" | "location" if value.as_str().is_none() => {
                    self.error(
                        span,
                        format!("`{field}` of storage `{name}` must be a string, not {}", describe(value, self.text)),
                    );
                }
                "location"
                    if kind.and_then(Node::as_str) == Some("block")
                        && value.as_str().is_some_and(|l| !l.is_empty()) =>
                {
                    self.error(
                        key.span,
                        format!("storage `{name}` is a block device, so it cannot have a `location`"),
                    )
                    .help = Some("remove `location`, or make the store `type: filesystem`".into());
                }
                "shared" | "read-only" => self.boolean(&name, &field, span, value),
                "minimum-size" => self.size(&name, span, value),
                "multiple" => self.multiple(&name, key, value),
                JUJU_ONLY => self.properties(&name, key, value),
                "description" | "location" => {}
                _ if self.extensions.contains(&field) => {}
                _ => {
                    let known = FIELDS.iter().copied().chain([JUJU_ONLY]);
                    self.error(key.span, format!("storage `{name}` has an unknown field `{field}`")).help =
                        Some(match closest(&field, known) {
                            Some(guess) => format!("did you mean `{guess}`?"),
                            None => format!("Juju ignores it and `charm proof` refuses it; remove it, or {EXTEND}"),
                        });
                }
            }
        }
    }

    fn boolean(&mut self, name: &str, field: &str, span: Span, value: &Node) {
        match (&value.kind, value.as_str()) {
            (NodeKind::Bool(_), _) | (_, Some("true" | "false")) => {}
            (_, Some(text)) if strconv::parse_bool(text).is_ok() => self.proof_only(
                span,
                format!("`charm proof` reads only `true` or `false` for `{field}` of storage `{name}`, not `{text}`"),
                format!("Juju reads `{text}` as a boolean too; write `true` or `false` to satisfy both"),
            ),
            _ => {
                self.error(
                    span,
                    format!(
                        "`{field}` of storage `{name}` must be `true` or `false`, not {}",
                        describe(value, self.text)
                    ),
                );
            }
        }
    }

    fn size(&mut self, name: &str, span: Span, value: &Node) {
        let Some(text) = value.as_str() else {
            let diagnostic = self.error(
                span,
                format!(
                    "`minimum-size` of storage `{name}` must be a string such as `100M`, not {}",
                    describe(value, self.text)
                ),
            );
            if let NodeKind::Int(n) = value.kind {
                diagnostic.help = Some(format!("Juju reads only strings here; write `{n}M` for {n} MiB"));
            }
            return;
        };
        match juju_size(text) {
            Err(reason) => {
                self.error(span, format!("`minimum-size` `{text}` of storage `{name}` is not a size: {reason}")).help =
                    Some("write a whole number with an optional `M`, `G`, `T` or `P`, e.g. `100M` or `10G`".into());
            }
            Ok(mib) if !proof_size(text) => self.proof_only(
                span,
                format!(
                    "`charm proof` refuses the `minimum-size` `{text}` of storage `{name}`, although Juju reads it"
                ),
                format!("write `{}`, which both read the same way", canonical_size(mib)),
            ),
            Ok(_) => {}
        }
    }

    fn multiple(&mut self, name: &str, key: &Node, value: &Node) {
        let Some(entries) = value.map_entries() else {
            let span = value_span(key, value, self.text);
            self.error(
                span,
                format!(
                    "`multiple` of storage `{name}` must be a map with a `range`, not {}",
                    describe(value, self.text)
                ),
            )
            .help = Some("write `range: 1-` (one or more), `range: 2-4`, or `range: 3` under `multiple:`".into());
            return;
        };
        for (other, _) in entries.iter().filter(|(k, _)| k.key_text().as_deref() != Some("range")) {
            self.error(
                other.span,
                format!("`multiple` of storage `{name}` has an unknown field `{}`", key_name(other)),
            )
            .help =
                Some("`multiple` takes only `range`; Juju ignores anything else and `charm proof` refuses it".into());
        }
        let Some((range_key, range)) = value.entry("range") else {
            self.error(key.span, format!("`multiple` of storage `{name}` has no `range`")).help =
                Some("add `range: 1-` (one or more), `range: 2-4`, or `range: 3`".into());
            return;
        };
        let span = value_span(range_key, range, self.text);
        match (&range.kind, range.as_str()) {
            (NodeKind::Int(count), _) if *count <= 0 => {
                self.error(span, format!("storage `{name}` asks for {count} instances; the count must be at least 1"));
            }
            (NodeKind::Int(count), _) => self.proof_only(
                span,
                format!("`charm proof` wants the `range` of storage `{name}` as a string, not the int `{count}`"),
                format!("write `range: {count}-{count}`, which both read as exactly {count}"),
            ),
            (_, Some(text)) => self.range_text(name, span, text),
            _ => {
                self.error(
                    span,
                    format!(
                        "`range` of storage `{name}` must be a count or a range such as `1-`, not {}",
                        describe(range, self.text)
                    ),
                );
            }
        }
    }

    fn range_text(&mut self, name: &str, span: Span, text: &str) {
        let Some((min, max)) = juju_range(text) else {
            let help = if text.bytes().all(|b| b.is_ascii_digit()) && !text.is_empty() {
                format!("Juju reads a quoted count as a range; write `{text}` unquoted, or `{text}-{text}`")
            } else {
                "write `m` (exactly m), `m-n` (m to n) or `m-` (m or more)".into()
            };
            self.error(span, format!("`range` `{text}` of storage `{name}` is not a count or a range")).help =
                Some(help);
            return;
        };
        match max {
            Some(0) => {
                self.error(span, format!("`range` `{text}` of storage `{name}` allows at most 0 instances")).help =
                    Some("the maximum must be at least 1; write `m-` for no maximum".into());
            }
            Some(max) if max < min => {
                self.error(span, format!("`range` `{text}` of storage `{name}` has a maximum ({max}) below its minimum ({min})")).help =
                    Some(format!("write `{max}-{min}`"));
            }
            _ if !proof_range(text) => self.proof_only(
                span,
                format!("`charm proof` refuses the `range` `{text}` of storage `{name}`, although Juju reads it as {min} or more"),
                format!("write `{min}-`, which both read the same way"),
            ),
            _ => {}
        }
    }

    fn properties(&mut self, name: &str, key: &Node, value: &Node) {
        let valid = value.as_seq().is_some_and(|items| items.iter().all(|i| i.as_str() == Some("transient")));
        if !valid {
            let span = value_span(key, value, self.text);
            self.error(
                span,
                format!(
                    "`properties` of storage `{name}` must be a list of `transient`, not {}",
                    describe(value, self.text)
                ),
            )
            .help = Some("`transient` is the only property Juju knows: `properties: [transient]`".into());
        } else if !self.extensions.iter().any(|e| e == JUJU_ONLY) {
            self.proof_only(
                key.span,
                format!("`charm proof` does not know `properties` of storage `{name}`, which Juju reads"),
                EXTEND.to_string(),
            );
        }
    }
}

/// Juju's `utils.ParseSize`: a non-negative number, then an optional multiplier `M`, `G`, `T`,
/// `P`, `E`, `Z` or `Y` (alone or followed by `B` or `iB`); `M` when there is none. Returns
/// MiB.
fn juju_size(text: &str) -> Result<f64, String> {
    const SUFFIXES: &str = "MGTPEZY";
    let split = text.find(|c: char| c != '.' && !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, suffix) = text.split_at(split);
    let mut multiplier = 1.0;
    if split > 0 && !suffix.is_empty() {
        let found = SUFFIXES.char_indices().find(|(_, s)| {
            let base = s.to_string();
            suffix == base || suffix == format!("{base}B") || suffix == format!("{base}iB")
        });
        let Some((index, _)) = found else {
            return Err(format!("`{suffix}` is not a unit; Juju knows M, G, T, P, E, Z and Y"));
        };
        multiplier = 1024f64.powi(index as i32);
    }
    let number = if split == 0 { text } else { number };
    match number.parse::<f64>() {
        Ok(value) if value >= 0.0 && number.bytes().all(|b| b == b'.' || b.is_ascii_digit()) => {
            Ok((value * multiplier).ceil())
        }
        _ => Err(format!("`{number}` is not a non-negative number")),
    }
}

/// `charm proof`'s pattern for sizes: `^\d+[MGTP]?$`.
fn proof_size(text: &str) -> bool {
    let digits = text.trim_end_matches(['M', 'G', 'T', 'P']);
    let suffix_len = text.len() - digits.len();
    suffix_len <= 1 && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// A size in MiB in the largest unit that keeps it whole: `1536M`, `10G`.
fn canonical_size(mib: f64) -> String {
    let mut value = mib;
    let mut unit = 'M';
    for next in ['G', 'T', 'P'] {
        if value >= 1024.0 && (value / 1024.0).fract() == 0.0 {
            value /= 1024.0;
            unit = next;
        } else {
            break;
        }
    }
    format!("{value:.0}{unit}")
}

/// Juju's reading of a range string: `^([0-9]+)([-+]|-[0-9]+)$` → (minimum, maximum), with no
/// maximum for `m-` and `m+`.
fn juju_range(text: &str) -> Option<(u64, Option<u64>)> {
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let min = text[..split].parse().ok()?;
    match &text[split..] {
        "-" | "+" => Some((min, None)),
        rest => {
            let max = rest.strip_prefix('-')?;
            if max.is_empty() || !max.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            Some((min, Some(max.parse().ok()?)))
        }
    }
}

/// `charm proof`'s pattern for ranges: `^\d+-?(\d+)?$`.
fn proof_range(text: &str) -> bool {
    let (min, rest) = text.split_at(text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len()));
    let max = rest.strip_prefix('-').unwrap_or(rest);
    !min.is_empty() && max.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_as_juju_reads_them() {
        assert_eq!(juju_size("100"), Ok(100.0));
        assert_eq!(juju_size("10G"), Ok(10240.0));
        assert_eq!(juju_size("1.5GiB"), Ok(1536.0));
        assert_eq!(juju_size(".5M"), Ok(1.0));
        assert!(juju_size("10K").is_err());
        assert!(juju_size("G").is_err());
        assert!(juju_size("-5M").is_err());
        assert!(juju_size("1.2.3G").is_err());
        assert!(juju_size("").is_err());
    }

    #[test]
    fn sizes_as_proof_reads_them() {
        assert!(proof_size("100") && proof_size("100M") && proof_size("2P"));
        assert!(!proof_size("1.5G") && !proof_size("10GB") && !proof_size("1E") && !proof_size("M"));
        assert_eq!(canonical_size(1536.0), "1536M");
        assert_eq!(canonical_size(10240.0), "10G");
        assert_eq!(canonical_size(1024.0 * 1024.0 * 1024.0 * 1024.0), "1024P");
    }

    #[test]
    fn ranges() {
        assert_eq!(juju_range("2-"), Some((2, None)));
        assert_eq!(juju_range("2+"), Some((2, None)));
        assert_eq!(juju_range("2-5"), Some((2, Some(5))));
        assert_eq!(juju_range("3"), None);
        assert_eq!(juju_range("-3"), None);
        assert_eq!(juju_range("3-x"), None);
        assert!(proof_range("3") && proof_range("3-") && proof_range("3-5"));
        assert!(!proof_range("3+") && !proof_range("-3") && !proof_range("a"));
    }
}
