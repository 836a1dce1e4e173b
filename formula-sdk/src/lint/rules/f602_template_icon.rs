//! F602 `template-icon`: icon.svg is the template's icon.
#![doc = include_str!("f602_template_icon.md")]

use super::support::spans::span_of_bytes;
use crate::diagnostic::Severity;
use crate::format::read_text;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F602",
    name: "template-icon",
    severity: Severity::Info,
    group: Group::Style,
    summary: "icon.svg is the template's icon",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("27"),
    explanation: include_str!("f602_template_icon.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let path = ctx.formula.dir.join("icon.svg");
    let shown = ctx.path("icon.svg");
    let mut ignored = Vec::new(); // unreadable files are F004's
    let Some(svg) = read_text(&path, &shown, &mut ignored) else {
        return;
    };
    let Some(placeholder) = template_placeholder(&svg) else {
        return;
    };
    let diagnostic = out.report(
        &shown,
        Some(span_of_bytes(&svg, placeholder.start, placeholder.end)),
        format!("`icon.svg` is the template's icon: its `{}` layer is still empty", placeholder.label),
    );
    diagnostic.help =
        Some("draw the formula's logo in that layer, or replace the file with the formula's own icon".into());
}

/// The labels of the empty layers that the `charm create` templates leave for the logo.
const PLACEHOLDER_LABELS: [&str; 2] = ["PLACE LOGO HERE", "PLACE YOUR PICTOGRAM HERE"];

/// An Inkscape layer (`<g inkscape:groupmode="layer">`) of an SVG.
#[derive(Debug, PartialEq)]
struct Layer {
    /// `inkscape:label`.
    label: String,
    /// Whether nothing is drawn in it.
    empty: bool,
    /// Byte range of its start tag.
    start: usize,
    end: usize,
}

/// The template's empty placeholder layer, when the icon is still the template: it has that
/// layer, empty, and its only other layers are the template's `BACKGROUND`. (`charm proof`
/// compares the file byte for byte with the template it ships; this also catches a template
/// that was re-saved or recoloured, and templates of other charm-tools versions.)
fn template_placeholder(svg: &str) -> Option<Layer> {
    let layers = layers(svg);
    let is_placeholder = |l: &Layer| PLACEHOLDER_LABELS.iter().any(|p| l.label.trim().eq_ignore_ascii_case(p));
    let only_template_layers =
        layers.iter().all(|l| is_placeholder(l) || l.label.trim().eq_ignore_ascii_case("BACKGROUND"));
    let no_logo = layers.iter().filter(|l| is_placeholder(l)).all(|l| l.empty);
    if !only_template_layers || !no_logo {
        return None;
    }
    layers.into_iter().find(|l| is_placeholder(l))
}

/// Every Inkscape layer of `svg`, found by scanning its tags.
fn layers(svg: &str) -> Vec<Layer> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(offset) = svg[from..].find("<g") {
        let start = from + offset;
        from = start + 2;
        if !svg[from..].starts_with(|c: char| c.is_whitespace() || c == '>' || c == '/') {
            continue; // `<glyph`, `<g:…>`
        }
        let Some(end) = tag_end(svg, start) else {
            break;
        };
        let tag = &svg[start..end];
        if attribute(tag, "inkscape:groupmode").as_deref() != Some("layer") {
            continue;
        }
        let self_closing = tag.ends_with("/>");
        let empty = self_closing || only_whitespace_and_comments_before_close(&svg[end..]);
        found.push(Layer { label: attribute(tag, "inkscape:label").unwrap_or_default(), empty, start, end });
        from = end;
    }
    found
}

/// The end (exclusive) of the tag that starts at `start`, skipping quoted attribute values.
fn tag_end(svg: &str, start: usize) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (i, c) in svg[start..].char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return Some(start + i + 1),
            _ => {}
        }
    }
    None
}

/// The value of attribute `name` in a start tag.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let mut rest = tag;
    while let Some(at) = rest.find(name) {
        let before_ok = rest[..at].ends_with(|c: char| c.is_whitespace());
        let after = rest[at + name.len()..].trim_start();
        rest = &rest[at + name.len()..];
        if !before_ok {
            continue;
        }
        let Some(value) = after.strip_prefix('=') else {
            continue;
        };
        let value = value.trim_start();
        let quote = value.chars().next()?;
        if quote != '"' && quote != '\'' {
            return None;
        }
        let inner = &value[1..];
        return inner.find(quote).map(|close| inner[..close].to_string());
    }
    None
}

/// Whether `rest` (after a layer's start tag) reaches `</g>` with only blanks and comments.
fn only_whitespace_and_comments_before_close(mut rest: &str) -> bool {
    loop {
        rest = rest.trim_start();
        if rest.starts_with("</g") {
            return true;
        }
        match rest.strip_prefix("<!--").and_then(|r| r.find("-->").map(|i| &r[i + 3..])) {
            Some(after) => rest = after,
            None => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE_LIKE: &str = r#"<svg xmlns="http://www.w3.org/2000/svg">
  <g inkscape:groupmode="layer" id="a" inkscape:label="BACKGROUND"><circle r="4"/></g>
  <g
     inkscape:label="PLACE LOGO HERE"
     id="b"
     inkscape:groupmode="layer" />
</svg>"#;

    #[test]
    fn the_empty_placeholder_is_the_template() {
        let found = template_placeholder(TEMPLATE_LIKE).unwrap();
        assert_eq!(found.label, "PLACE LOGO HERE");
        assert!(found.empty);
    }

    #[test]
    fn a_drawn_logo_or_an_own_layer_is_not() {
        let drawn = TEMPLATE_LIKE
            .replace("inkscape:groupmode=\"layer\" />", "inkscape:groupmode=\"layer\"><path d=\"M0 0h1\"/></g>");
        assert_eq!(template_placeholder(&drawn), None);
        let own = TEMPLATE_LIKE.replace(
            "<svg xmlns=\"http://www.w3.org/2000/svg\">",
            "<svg><g inkscape:groupmode=\"layer\" inkscape:label=\"Logo\"><rect/></g>",
        );
        assert_eq!(template_placeholder(&own), None);
        assert_eq!(template_placeholder("<svg><g><rect/></g></svg>"), None);
        assert_eq!(template_placeholder("not svg at all <g"), None);
    }

    #[test]
    fn the_older_pictogram_template_with_a_clip_group_in_defs() {
        let svg = r#"<svg><defs><clipPath id="c"><g id="g1" inkscape:label="Layer 1"><path d="M0 0"/></g></clipPath></defs>
  <g inkscape:label="BACKGROUND" inkscape:groupmode="layer" id="layer1" transform="translate(1,2)">
    <path d="M 0,0 h 10 v 10 z"/>
  </g>
  <g inkscape:groupmode="layer" id="layer3" inkscape:label="PLACE YOUR PICTOGRAM HERE" style="display:inline" />
</svg>"#;
        assert_eq!(template_placeholder(svg).map(|l| l.label), Some("PLACE YOUR PICTOGRAM HERE".to_string()));
    }

    #[test]
    fn empty_with_comments() {
        assert!(only_whitespace_and_comments_before_close("\n  <!-- logo -->\n </g>"));
        assert!(!only_whitespace_and_comments_before_close("<path/></g>"));
    }
}
