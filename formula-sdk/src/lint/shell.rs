//! A light reading of shell hooks: the commands each line runs, for rules that look for
//! hook-tool calls. It is not a shell parser; it splits simple command lines into words,
//! skipping comments, and is used only where a wrong guess costs a warning at most.

/// A command found in a script: its line (1-based) and its words.
#[derive(Clone, Debug, PartialEq)]
pub struct Command {
    /// Line number, 1-based.
    pub line: usize,
    /// Column of the command's first word, 1-based, in characters.
    pub column: usize,
    /// The words, quotes removed.
    pub words: Vec<String>,
}

/// The simple commands of `text`: each line split at `;`, `&&`, `||`, `|`, `$(`, backticks
/// and `(`, comments dropped.
pub fn commands(text: &str) -> Vec<Command> {
    let mut out = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let mut start = 0;
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        let mut quote: Option<char> = None;
        while i <= chars.len() {
            let c = chars.get(i).copied();
            let boundary = match (quote, c) {
                (_, None) => true,
                (Some(q), Some(ch)) if ch == q => {
                    quote = None;
                    false
                }
                (Some('"'), Some('$')) if chars.get(i + 1) == Some(&'(') => true,
                (Some(_), _) => false,
                (None, Some('\'' | '"')) => {
                    quote = c;
                    false
                }
                (None, Some('#')) if i == 0 || chars[i - 1].is_whitespace() => {
                    push(&chars[start..i], index + 1, start + 1, &mut out);
                    start = chars.len();
                    i = chars.len();
                    true
                }
                (None, Some(';' | '|' | '&' | '(' | ')' | '`' | '{' | '}')) => true,
                (None, Some('$')) if chars.get(i + 1) == Some(&'(') => true,
                _ => false,
            };
            if boundary {
                if start < i.min(chars.len()) {
                    push(&chars[start..i.min(chars.len())], index + 1, start + 1, &mut out);
                }
                start = i + 1;
            }
            i += 1;
        }
    }
    out
}

fn push(segment: &[char], line: usize, column: usize, out: &mut Vec<Command>) {
    let text: String = segment.iter().collect();
    let leading = text.len() - text.trim_start().len();
    let words: Vec<String> = text
        .split_whitespace()
        .map(|w| w.trim_matches(|c| c == '"' || c == '\'').to_string())
        .filter(|w| !w.is_empty())
        .collect();
    // Skip assignments and keywords in front of the command word.
    let skip = words
        .iter()
        .take_while(|w| {
            (w.contains('=') && !w.starts_with('-') && !w.starts_with('='))
                || matches!(
                    w.as_str(),
                    "then" | "do" | "else" | "if" | "while" | "until" | "!" | "exec" | "elif" | "time"
                )
        })
        .count();
    if skip < words.len() {
        out.push(Command { line, column: column + leading, words: words[skip..].to_vec() });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_commands_in_substitutions_and_pipelines() {
        let cmds = commands("#!/bin/bash\nhost=$(relation-get private-address)\nrelation-list | while read u; do echo $u; done # relation-ids\n");
        let names: Vec<&str> = cmds.iter().map(|c| c.words[0].as_str()).collect();
        assert_eq!(names, ["relation-get", "relation-list", "while", "echo", "done"]);
        assert_eq!(cmds[0].line, 2);
    }
}
