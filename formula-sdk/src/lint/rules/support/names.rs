//! Names close to a misspelt one, for "did you mean" help.

/// The candidate closest to `word` by edit distance, when it is close enough to be a typo of
/// it: one edit for a word of two to four characters, two edits for a longer one, none for a
/// single character. Ties go to the first candidate.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = match word.chars().count() {
        0 | 1 => 0,
        2..=4 => 1,
        _ => 2,
    };
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance, counted in characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != *cb)).min(row[j] + 1).min(above + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("db", "dbb"), 1);
        assert_eq!(edit_distance("website", "webiste"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("é", "e"), 1);
    }

    #[test]
    fn closest_finds_typos_only() {
        let known = ["maintainer", "summary", "tags"];
        assert_eq!(closest("maintaner", known), Some("maintainer"));
        assert_eq!(closest("sumary", known), Some("summary"));
        assert_eq!(closest("tag", known), Some("tags"));
        assert_eq!(closest("website", known), None);
        assert_eq!(closest("dbb", ["website", "db"]), Some("db"));
        assert_eq!(closest("titel", ["title", "port"]), Some("title"));
        assert_eq!(closest("x", ["db"]), None);
        assert_eq!(closest("x", ["port"]), None);
    }

    #[test]
    fn short_words_take_one_edit_and_ties_go_first() {
        assert_eq!(closest("a", ["b"]), None);
        assert_eq!(closest("ab", ["abc", "ab_"]), Some("abc"));
        assert_eq!(closest("abc", ["xyc"]), None);
        assert_eq!(closest("abcde", ["abxye"]), Some("abxye"));
    }
}
