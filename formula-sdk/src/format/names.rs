//! The names Juju accepts: formulas (charms), applications, units and endpoints.
//!
//! Juju checks names with the patterns of its `names` package, and several parts of the kit
//! need the same answer: the lint rules (F130, F212, the bundle rules), `formula new`, which
//! refuses a bad name before it writes anything, the simulator's deploy and its hook tools.
//! The rules live here, once, with the words that say why a name fails and a repaired name
//! to suggest, so that the linter and `formula new` explain a bad name the same way.

/// [`is_valid_application_name`] as a regular expression, for schemas.
pub const APPLICATION_NAME_PATTERN: &str = "^[a-z][a-z0-9]*(-[a-z0-9]*[a-z][a-z0-9]*)*$";

/// [`is_valid_endpoint_name`] as a regular expression, for schemas.
pub const ENDPOINT_NAME_PATTERN: &str = "^[a-z][a-z0-9]*([_-][a-z0-9]+)*$";

/// Juju's rule for formula (charm) names, `charm.IsValidName`: the same pattern as
/// application names ([`is_valid_application_name`]).
pub fn is_valid_formula_name(name: &str) -> bool {
    is_valid_application_name(name)
}

/// Juju's rule for application names (`names.ApplicationSnippet`):
/// `^[a-z][a-z0-9]*(-[a-z0-9]*[a-z][a-z0-9]*)*$`, lowercase letters and digits in parts
/// joined by single hyphens, starting with a letter, every part after the first with a
/// letter.
pub fn is_valid_application_name(name: &str) -> bool {
    let mut segments = name.split('-');
    let Some(first) = segments.next() else {
        return false;
    };
    let first_ok = first.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && first.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    first_ok
        && segments.all(|s| {
            s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()) && s.chars().any(|c| c.is_ascii_lowercase())
        })
}

/// The application of a valid unit name (`<application>/<number>`, the number without
/// leading zeros: `names.UnitSnippet`); `None` if the name is not a unit's.
pub fn unit_application(name: &str) -> Option<&str> {
    let (app, number) = name.split_once('/')?;
    let number_ok =
        number == "0" || (!number.is_empty() && !number.starts_with('0') && number.chars().all(|c| c.is_ascii_digit()));
    (number_ok && is_valid_application_name(app)).then_some(app)
}

/// Juju's rule for endpoint (relation) names (`names.RelationSnippet`):
/// `^[a-z][a-z0-9]*([_-][a-z0-9]+)*$`.
pub fn is_valid_endpoint_name(name: &str) -> bool {
    let mut chars = name.chars();
    if !chars.next().is_some_and(|c| c.is_ascii_lowercase()) {
        return false;
    }
    let mut after_separator = false;
    for c in chars {
        if c == '-' || c == '_' {
            if after_separator {
                return false;
            }
            after_separator = true;
        } else if c.is_ascii_lowercase() || c.is_ascii_digit() {
            after_separator = false;
        } else {
            return false;
        }
    }
    !after_separator
}

/// Why `name` is not a valid formula (or application) name, in the simplest words that
/// apply; `None` when it is valid.
pub fn formula_name_problem(name: &str) -> Option<String> {
    if is_valid_formula_name(name) {
        return None;
    }
    if name.is_empty() {
        return Some("it is empty".into());
    }
    let mut odd = Vec::new();
    if name.chars().any(|c| c.is_ascii_uppercase()) {
        odd.push("uppercase letters".to_string());
    }
    if name.contains('_') {
        odd.push("an underscore".into());
    }
    let mut others: Vec<char> =
        name.chars().filter(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_')).collect();
    others.dedup();
    if let Some(c) = others.first() {
        odd.push(format!("the character `{c}`"));
    }
    if !odd.is_empty() {
        return Some(format!("it has {}", odd.join(" and ")));
    }
    if name.starts_with('-') {
        return Some("it starts with a hyphen".into());
    }
    if name.ends_with('-') {
        return Some("it ends with a hyphen".into());
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        return Some("it starts with a digit".into());
    }
    if name.contains("--") {
        return Some("it has two hyphens in a row".into());
    }
    if let Some(part) = name.split('-').find(|p| p.chars().all(|c| c.is_ascii_digit())) {
        return Some(format!("the part `{part}` is all digits"));
    }
    Some("it does not match Juju's name pattern".into())
}

/// A valid formula name close to `name` (lowercased, `_` and spaces as `-`, all-digit parts
/// joined to the part before), when that simple repair works.
pub fn formula_name_suggestion(name: &str) -> Option<String> {
    let lowered: String =
        name.to_ascii_lowercase().chars().map(|c| if c == '_' || c == ' ' { '-' } else { c }).collect();
    let mut parts: Vec<String> = Vec::new();
    for part in lowered.split('-').filter(|p| !p.is_empty()) {
        match parts.last_mut() {
            Some(last) if part.chars().all(|c| c.is_ascii_digit()) => last.push_str(part),
            _ => parts.push(part.to_string()),
        }
    }
    let candidate = parts.join("-");
    (candidate != name && is_valid_formula_name(&candidate)).then_some(candidate)
}

/// Why `name` is not a valid endpoint name, in the simplest words that apply; `None` when
/// it is valid.
pub fn endpoint_name_problem(name: &str) -> Option<String> {
    if is_valid_endpoint_name(name) {
        return None;
    }
    let problem = if name.is_empty() {
        "it is empty".to_string()
    } else if name.chars().any(|c| c.is_ascii_uppercase()) {
        "it has uppercase letters".into()
    } else if let Some(c) =
        name.chars().find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '_'))
    {
        format!("it has the character `{c}`")
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        "it starts with a digit".into()
    } else if name.starts_with(['-', '_']) {
        "it starts with a separator".into()
    } else if name.ends_with(['-', '_']) {
        "it ends with a separator".into()
    } else {
        "it has two separators in a row".into()
    };
    Some(problem)
}

/// A valid endpoint name close to `name` (lowercased, spaces and dots as `-`, separators
/// squeezed and trimmed), when that simple repair works.
pub fn endpoint_name_suggestion(name: &str) -> Option<String> {
    let mut out = String::new();
    for c in name.to_ascii_lowercase().chars() {
        let c = if c == ' ' || c == '.' { '-' } else { c };
        if matches!(c, '-' | '_') && (out.is_empty() || out.ends_with(['-', '_'])) {
            continue;
        }
        out.push(c);
    }
    let out = out.trim_end_matches(['-', '_']).to_string();
    (out != name && is_valid_endpoint_name(&out)).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_agree_with_the_rules() {
        let application = regex::Regex::new(APPLICATION_NAME_PATTERN).unwrap();
        let endpoint = regex::Regex::new(ENDPOINT_NAME_PATTERN).unwrap();
        let samples = [
            "wiki", "wiki2", "my-wiki", "a-1b", "a-1", "1wiki", "Wiki", "wi_ki", "wiki-", "-wiki", "a--b", "db_slave",
            "db-", "db__x", "x_1", "", "a-b-c9",
        ];
        for name in samples {
            assert_eq!(application.is_match(name), is_valid_application_name(name), "application {name:?}");
            assert_eq!(endpoint.is_match(name), is_valid_endpoint_name(name), "endpoint {name:?}");
        }
    }

    #[test]
    fn formula_name_problems() {
        assert_eq!(formula_name_problem("mysql"), None);
        assert_eq!(formula_name_problem("juju-gui"), None);
        assert_eq!(formula_name_problem("mysql2"), None);
        assert_eq!(formula_name_problem("a-1b"), None);
        assert_eq!(formula_name_problem("MySQL").as_deref(), Some("it has uppercase letters"));
        assert_eq!(formula_name_problem("my_sql").as_deref(), Some("it has an underscore"));
        assert_eq!(formula_name_problem("Wiki_Server").as_deref(), Some("it has uppercase letters and an underscore"));
        assert_eq!(formula_name_problem("9lives").as_deref(), Some("it starts with a digit"));
        assert_eq!(formula_name_problem("mysql-").as_deref(), Some("it ends with a hyphen"));
        assert_eq!(formula_name_problem("postgresql-9").as_deref(), Some("the part `9` is all digits"));
        assert_eq!(formula_name_problem("wiki.org").as_deref(), Some("it has the character `.`"));
    }

    #[test]
    fn formula_name_suggestions() {
        assert_eq!(formula_name_suggestion("MySQL").as_deref(), Some("mysql"));
        assert_eq!(formula_name_suggestion("my_sql").as_deref(), Some("my-sql"));
        assert_eq!(formula_name_suggestion("postgresql-9").as_deref(), Some("postgresql9"));
        assert_eq!(formula_name_suggestion("mysql-").as_deref(), Some("mysql"));
        assert_eq!(formula_name_suggestion("9lives"), None);
    }

    #[test]
    fn endpoint_names() {
        for ok in ["db", "juju-info", "shared_db", "db2", "a-1"] {
            assert_eq!(endpoint_name_problem(ok), None, "{ok}");
        }
        assert_eq!(endpoint_name_problem("DB").as_deref(), Some("it has uppercase letters"));
        assert_eq!(endpoint_name_problem("2db").as_deref(), Some("it starts with a digit"));
        assert_eq!(endpoint_name_problem("db-").as_deref(), Some("it ends with a separator"));
        assert_eq!(endpoint_name_problem("db--admin").as_deref(), Some("it has two separators in a row"));
        assert_eq!(endpoint_name_problem("db.admin").as_deref(), Some("it has the character `.`"));
        assert_eq!(endpoint_name_suggestion("Website"), Some("website".into()));
        assert_eq!(endpoint_name_suggestion("db--admin"), Some("db-admin".into()));
        assert_eq!(endpoint_name_suggestion("2db"), None);
    }

    #[test]
    fn application_and_endpoint_names() {
        assert!(is_valid_application_name("wiki"));
        assert!(is_valid_application_name("my-wiki2"));
        assert!(!is_valid_application_name("Wiki"));
        assert!(!is_valid_application_name("wiki-2"));
        assert!(!is_valid_application_name("wiki-"));
        assert!(is_valid_endpoint_name("db"));
        assert!(is_valid_endpoint_name("shared_db-2"));
        assert!(!is_valid_endpoint_name("db-"));
    }

    #[test]
    fn applications() {
        for ok in ["mysql", "wordpress-b2", "a-b-c", "x1", "db-x2"] {
            assert!(is_valid_application_name(ok), "{ok}");
        }
        for bad in ["", "1db", "Db", "a--b", "a-1", "wordpress-2", "a_b", "a-", "mysql/0"] {
            assert!(!is_valid_application_name(bad), "{bad}");
        }
    }

    #[test]
    fn units() {
        assert_eq!(unit_application("mysql/0"), Some("mysql"));
        assert_eq!(unit_application("my-sql/12"), Some("my-sql"));
        for bad in ["mysql", "mysql/", "mysql/01", "mysql/x", "1a/0", "a/0/1"] {
            assert_eq!(unit_application(bad), None, "{bad}");
        }
    }
}
