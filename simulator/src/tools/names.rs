//! Juju's application and unit name rules (`juju/names`), which decide how
//! `relation-get --app` reads its argument.

/// `^[a-z][a-z0-9]*(-[a-z0-9]*[a-z][a-z0-9]*)*$`: lowercase words joined by
/// hyphens, each word after the first containing a letter.
pub fn is_valid_application(name: &str) -> bool {
    let mut parts = name.split('-');
    let first_ok = parts.next().is_some_and(|first| {
        first.starts_with(|c: char| c.is_ascii_lowercase())
            && first.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    });
    first_ok
        && parts.all(|part| {
            part.chars().any(|c| c.is_ascii_lowercase())
                && part.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

/// The application of a valid unit name (`<application>/<number>`, the
/// number without leading zeros); `None` if the name is not a unit's.
pub fn unit_application(name: &str) -> Option<&str> {
    let (app, number) = name.split_once('/')?;
    let number_ok =
        number == "0" || (!number.is_empty() && !number.starts_with('0') && number.chars().all(|c| c.is_ascii_digit()));
    (number_ok && is_valid_application(app)).then_some(app)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applications() {
        for ok in ["mysql", "wordpress-b2", "a-b-c", "x1", "db-x2"] {
            assert!(is_valid_application(ok), "{ok}");
        }
        for bad in ["", "1db", "Db", "a--b", "a-1", "wordpress-2", "a_b", "a-", "mysql/0"] {
            assert!(!is_valid_application(bad), "{bad}");
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
