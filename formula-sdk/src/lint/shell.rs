//! A light reading of shell hooks: the commands a script runs and the variables it reads,
//! for rules that look for hook-tool calls and old variable names.
//!
//! It is not a shell parser. It follows quotes (across lines too), backslash escapes and
//! line continuations, `$(…)` and backtick substitutions, comments and here-documents, and
//! splits the text into simple commands at `;`, `&`, `|`, `(`, `)`, `{`, `}` and newlines.
//! Leading assignments, `sudo`, `exec` and the keywords that introduce a command (`then`,
//! `do`, `if`, `!`, …) are skipped, so the first word of a [`Command`] is the program it
//! runs. It is used only where a wrong guess costs a warning at most.

use crate::source::{PositionIndex, Span};
use std::ops::Range;

/// A command found in a script: where it starts and its words.
#[derive(Clone, Debug, PartialEq)]
pub struct Command {
    /// Line number of the command word, 1-based.
    pub line: usize,
    /// Column of the command word, 1-based, in characters.
    pub column: usize,
    /// The words, quotes removed; a substitution inside a word reads as `$(…)`.
    pub words: Vec<String>,
    /// The byte range of each word in the script, parallel to `words`.
    pub ranges: Vec<Range<usize>>,
    /// The span of the command word.
    pub span: Span,
}

impl Command {
    /// The program the command runs (its first word).
    pub fn name(&self) -> &str {
        self.words.first().map(String::as_str).unwrap_or("")
    }

    /// The words after the program.
    pub fn args(&self) -> &[String] {
        self.words.get(1..).unwrap_or(&[])
    }
}

/// A variable the script expands: `$NAME`, `${NAME}`, `${NAME:-x}`, `$0`…
#[derive(Clone, Debug, PartialEq)]
pub struct Variable {
    /// The variable's name (`0` for `$0`).
    pub name: String,
    /// The span of the whole reference (`$NAME` or `${NAME`).
    pub span: Span,
}

/// What a script runs and reads.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Script {
    /// The simple commands, in the order they start.
    pub commands: Vec<Command>,
    /// The variables expanded, in order (not those inside single quotes or comments).
    pub variables: Vec<Variable>,
}

impl Script {
    /// Whether any command runs `program`.
    pub fn runs(&self, program: &str) -> bool {
        self.commands.iter().any(|c| c.name() == program)
    }

    /// Whether the script expands the variable `name`.
    pub fn reads(&self, name: &str) -> bool {
        self.variables.iter().any(|v| v.name == name)
    }
}

/// Reads `text` as a shell script.
pub fn read(text: &str) -> Script {
    let mut lexer = Lexer::new(text);
    lexer.run();
    let index = PositionIndex::new(text);
    let span = |r: &Range<usize>| Span { start: index.at_byte(r.start), end: index.at_byte(r.end) };
    let mut commands: Vec<Command> = lexer
        .commands
        .into_iter()
        .filter_map(|raw| {
            let skip = leading_noise(&raw.words);
            let words: Vec<String> = raw.words[skip..].iter().map(|w| w.text.clone()).collect();
            let ranges: Vec<Range<usize>> = raw.words[skip..].iter().map(|w| w.range.clone()).collect();
            let first = ranges.first()?.clone();
            let span = span(&first);
            Some(Command { line: span.start.line, column: span.start.column, words, ranges, span })
        })
        .collect();
    commands.sort_by_key(|c| c.span.start.offset);
    let variables = lexer.variables.iter().map(|(name, r)| Variable { name: name.clone(), span: span(r) }).collect();
    Script { commands, variables }
}

/// The simple commands of `text` (see [`read`]).
pub fn commands(text: &str) -> Vec<Command> {
    read(text).commands
}

/// How many leading words are not the program: assignments, keywords and wrappers.
fn leading_noise(words: &[RawWord]) -> usize {
    let mut skip = 0;
    while let Some(word) = words.get(skip) {
        let w = word.text.as_str();
        let assignment = word.assignment;
        let keyword = !word.quoted
            && matches!(
                w,
                "then"
                    | "do"
                    | "else"
                    | "if"
                    | "elif"
                    | "while"
                    | "until"
                    | "!"
                    | "time"
                    | "exec"
                    | "sudo"
                    | "command"
                    | "builtin"
                    | "nohup"
                    | "env"
            );
        // `sudo -u x cmd`, `env -i cmd`: skip the wrappers' options too.
        let option_of_wrapper =
            skip > 0 && w.starts_with('-') && matches!(words[skip - 1].text.as_str(), "sudo" | "env");
        if assignment || keyword || option_of_wrapper {
            skip += 1;
        } else {
            break;
        }
    }
    skip
}

#[derive(Clone, Debug)]
struct RawWord {
    text: String,
    range: Range<usize>,
    /// Whether any part was quoted (then it is never a keyword).
    quoted: bool,
    /// Whether it is `NAME=value` (an unquoted name before the `=`).
    assignment: bool,
}

#[derive(Default)]
struct Builder {
    words: Vec<RawWord>,
    current: Option<RawWord>,
}

impl Builder {
    fn push_char(&mut self, c: char, at: usize, quoted: bool) {
        let word = self.current.get_or_insert_with(|| RawWord {
            text: String::new(),
            range: at..at,
            quoted: false,
            assignment: false,
        });
        if c == '=' && !quoted && !word.quoted && !word.assignment && is_name(&word.text) {
            word.assignment = true;
        }
        word.text.push(c);
        word.quoted |= quoted;
        word.range.end = at + c.len_utf8();
    }

    fn push_str(&mut self, s: &str, range: Range<usize>) {
        let word = self.current.get_or_insert_with(|| RawWord {
            text: String::new(),
            range: range.clone(),
            quoted: false,
            assignment: false,
        });
        word.text.push_str(s);
        word.range.end = word.range.end.max(range.end);
    }

    /// Marks the current word as started (`""` is a word too).
    fn touch(&mut self, at: usize) {
        let word = self.current.get_or_insert_with(|| RawWord {
            text: String::new(),
            range: at..at,
            quoted: true,
            assignment: false,
        });
        word.quoted = true;
    }

    fn end_word(&mut self) {
        if let Some(word) = self.current.take() {
            self.words.push(word);
        }
    }

    fn take(&mut self) -> Vec<RawWord> {
        self.end_word();
        std::mem::take(&mut self.words)
    }

    /// Whether the next character starts a new word (for `#` comments).
    fn at_word_start(&self) -> bool {
        self.current.is_none()
    }
}

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

struct RawCommand {
    words: Vec<RawWord>,
}

struct Lexer<'a> {
    text: &'a str,
    chars: Vec<(usize, char)>,
    pos: usize,
    commands: Vec<RawCommand>,
    variables: Vec<(String, Range<usize>)>,
    /// Here-documents announced on the current line: (delimiter, strip tabs, expands).
    pending_heredocs: Vec<(String, bool, bool)>,
    /// How deeply substitutions are nested now.
    depth: usize,
}

/// The deepest nesting of `$(…)` and backticks followed; deeper text is read as words, so
/// that a hostile script cannot exhaust the stack.
const MAX_NESTING: usize = 64;

/// Where a run of characters ends.
#[derive(Clone, Copy, PartialEq)]
enum Until {
    /// The end of the text.
    End,
    /// A `)` that closes `$(`.
    Paren,
    /// A closing backtick.
    Backtick,
}

impl<'a> Lexer<'a> {
    fn new(text: &'a str) -> Self {
        Lexer {
            text,
            chars: text.char_indices().collect(),
            pos: 0,
            commands: Vec::new(),
            variables: Vec::new(),
            pending_heredocs: Vec::new(),
            depth: 0,
        }
    }

    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos + ahead).map(|(_, c)| *c)
    }

    fn offset(&self) -> usize {
        self.chars.get(self.pos).map_or(self.text.len(), |(i, _)| *i)
    }

    fn run(&mut self) {
        self.commands_until(Until::End);
    }

    fn finish(&mut self, builder: &mut Builder) {
        let words = builder.take();
        if !words.is_empty() {
            self.commands.push(RawCommand { words });
        }
    }

    /// Reads commands until `until`; the closing character is consumed.
    fn commands_until(&mut self, until: Until) {
        let mut builder = Builder::default();
        // Parentheses opened inside a `$(…)` (a `case` pattern, a subshell).
        let mut depth = 0usize;
        while let Some(c) = self.peek(0) {
            let at = self.offset();
            match c {
                ')' if until == Until::Paren && depth == 0 => {
                    self.pos += 1;
                    break;
                }
                '`' if until == Until::Backtick => {
                    self.pos += 1;
                    break;
                }
                '\n' => {
                    self.pos += 1;
                    self.finish(&mut builder);
                    self.read_heredoc_bodies();
                }
                ' ' | '\t' | '\r' => {
                    self.pos += 1;
                    builder.end_word();
                }
                '#' if builder.at_word_start() => self.skip_comment(),
                '\\' => {
                    self.pos += 1;
                    match self.peek(0) {
                        Some('\n') => self.pos += 1, // a line continuation
                        Some(next) => {
                            builder.push_char(next, self.offset(), true);
                            self.pos += 1;
                        }
                        None => {}
                    }
                }
                '\'' => {
                    self.pos += 1;
                    builder.touch(at);
                    while let Some(q) = self.peek(0) {
                        self.pos += 1;
                        if q == '\'' {
                            break;
                        }
                        builder.push_char(q, at, true);
                    }
                    if let Some(word) = builder.current.as_mut() {
                        word.range.end = self.offset();
                    }
                }
                '"' => {
                    self.pos += 1;
                    builder.touch(at);
                    self.double_quoted(&mut builder);
                    if let Some(word) = builder.current.as_mut() {
                        word.range.end = self.offset();
                    }
                }
                '$' => self.dollar(&mut builder, false),
                '`' => {
                    self.pos += 1;
                    self.nested(Until::Backtick);
                    builder.push_str("$(…)", at..self.offset());
                }
                '<' if self.peek(1) == Some('<') && self.peek(2) != Some('<') => {
                    self.pos += 2;
                    builder.end_word();
                    self.heredoc_operator();
                }
                ';' | '&' | '|' | '{' | '}' => {
                    self.pos += 1;
                    self.finish(&mut builder);
                }
                '(' => {
                    self.pos += 1;
                    depth += 1;
                    self.finish(&mut builder);
                }
                ')' => {
                    self.pos += 1;
                    depth = depth.saturating_sub(1);
                    self.finish(&mut builder);
                }
                '<' | '>' => {
                    self.pos += 1;
                    // `2>&1`, `>>`, `>|`: the operator is one token.
                    if matches!(self.peek(0), Some('&' | '>' | '|')) {
                        self.pos += 1;
                    }
                    builder.end_word();
                }
                _ => {
                    self.pos += 1;
                    builder.push_char(c, at, false);
                }
            }
        }
        self.finish(&mut builder);
    }

    /// Reads a substitution, or skips it when nesting is too deep.
    fn nested(&mut self, until: Until) {
        if self.depth < MAX_NESTING {
            self.depth += 1;
            self.commands_until(until);
            self.depth -= 1;
            return;
        }
        let mut parens = 0usize;
        while let Some(c) = self.peek(0) {
            self.pos += 1;
            match (c, until) {
                ('`', Until::Backtick) => return,
                ('(', Until::Paren) => parens += 1,
                (')', Until::Paren) if parens == 0 => return,
                (')', Until::Paren) => parens -= 1,
                _ => {}
            }
        }
    }

    fn skip_comment(&mut self) {
        while let Some(c) = self.peek(0) {
            if c == '\n' {
                break;
            }
            self.pos += 1;
        }
    }

    /// After an opening `"`: reads up to the closing one.
    fn double_quoted(&mut self, builder: &mut Builder) {
        while let Some(c) = self.peek(0) {
            let at = self.offset();
            match c {
                '"' => {
                    self.pos += 1;
                    return;
                }
                '\\' => {
                    self.pos += 1;
                    if let Some(next) = self.peek(0) {
                        if next != '\n' {
                            builder.push_char(next, self.offset(), true);
                        }
                        self.pos += 1;
                    }
                }
                '$' => self.dollar(builder, true),
                '`' => {
                    self.pos += 1;
                    self.nested(Until::Backtick);
                    builder.push_str("$(…)", at..self.offset());
                }
                _ => {
                    self.pos += 1;
                    builder.push_char(c, at, true);
                }
            }
        }
    }

    /// At a `$`: a substitution, a variable, or a plain dollar sign.
    fn dollar(&mut self, builder: &mut Builder, quoted: bool) {
        let at = self.offset();
        match self.peek(1) {
            Some('(') => {
                self.pos += 2;
                if self.peek(0) == Some('(') {
                    // `$(( … ))` arithmetic: read it as a command list, which is harmless.
                    self.pos += 1;
                }
                self.nested(Until::Paren);
                builder.push_str("$(…)", at..self.offset());
            }
            Some('{') => {
                self.pos += 2;
                let start = self.pos;
                while self.peek(0).is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                    self.pos += 1;
                }
                let name: String = self.chars[start..self.pos].iter().map(|(_, c)| c).collect();
                if !name.is_empty() {
                    self.variables.push((name, at..self.offset()));
                }
                // Skip to the closing brace, minding nested quotes loosely.
                let mut depth = 1;
                while let Some(c) = self.peek(0) {
                    self.pos += 1;
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                builder.push_str("${…}", at..self.offset());
            }
            Some(c) if c.is_ascii_alphabetic() || c == '_' => {
                self.pos += 1;
                let start = self.pos;
                while self.peek(0).is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                    self.pos += 1;
                }
                let name: String = self.chars[start..self.pos].iter().map(|(_, c)| c).collect();
                self.variables.push((name.clone(), at..self.offset()));
                builder.push_str(&format!("${name}"), at..self.offset());
            }
            Some(c) if c.is_ascii_digit() || matches!(c, '@' | '*' | '#' | '?' | '$' | '!' | '-') => {
                self.pos += 2;
                self.variables.push((c.to_string(), at..self.offset()));
                builder.push_str(&format!("${c}"), at..self.offset());
            }
            _ => {
                self.pos += 1;
                builder.push_char('$', at, quoted);
            }
        }
    }

    /// After `<<`: notes the here-document's delimiter; its body starts on the next line.
    fn heredoc_operator(&mut self) {
        let strip_tabs = self.peek(0) == Some('-');
        if strip_tabs {
            self.pos += 1;
        }
        while matches!(self.peek(0), Some(' ' | '\t')) {
            self.pos += 1;
        }
        let mut delimiter = String::new();
        let mut quoted = false;
        while let Some(c) = self.peek(0) {
            match c {
                '\'' | '"' => {
                    quoted = true;
                    self.pos += 1;
                }
                '\\' => {
                    quoted = true;
                    self.pos += 1;
                }
                c if c.is_whitespace() || matches!(c, ';' | '|' | '&' | '<' | '>' | '(' | ')') => break,
                c => {
                    delimiter.push(c);
                    self.pos += 1;
                }
            }
        }
        if !delimiter.is_empty() {
            self.pending_heredocs.push((delimiter, strip_tabs, !quoted));
        }
    }

    /// At the start of a line after `<<DELIM`: skips the bodies, noting the variables of
    /// bodies that expand.
    fn read_heredoc_bodies(&mut self) {
        let pending = std::mem::take(&mut self.pending_heredocs);
        for (delimiter, strip_tabs, expands) in pending {
            loop {
                if self.pos >= self.chars.len() {
                    return;
                }
                let start = self.pos;
                while self.peek(0).is_some_and(|c| c != '\n') {
                    self.pos += 1;
                }
                let line: String = self.chars[start..self.pos].iter().map(|(_, c)| c).collect();
                if self.peek(0) == Some('\n') {
                    self.pos += 1;
                }
                let line = line.strip_suffix('\r').unwrap_or(&line);
                let candidate = if strip_tabs { line.trim_start_matches('\t') } else { line };
                if candidate == delimiter {
                    break;
                }
                if expands {
                    self.body_variables(start);
                }
            }
        }
    }

    /// Notes `$NAME` and `${NAME` in the body line that starts at char index `start`.
    fn body_variables(&mut self, start: usize) {
        let end = self.pos;
        let mut i = start;
        while i < end {
            let (offset, c) = self.chars[i];
            if c == '\\' {
                i += 2;
                continue;
            }
            if c == '$' {
                let braced = self.chars.get(i + 1).is_some_and(|(_, c)| *c == '{');
                let from = i + 1 + usize::from(braced);
                let mut j = from;
                while j < end && (self.chars[j].1.is_ascii_alphanumeric() || self.chars[j].1 == '_') {
                    j += 1;
                }
                if j > from {
                    let name: String = self.chars[from..j].iter().map(|(_, c)| c).collect();
                    let stop = self.chars.get(j).map_or(self.text.len(), |(o, _)| *o);
                    self.variables.push((name, offset..stop));
                }
                i = j.max(i + 1);
                continue;
            }
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<String> {
        commands(text).iter().map(|c| c.name().to_string()).collect()
    }

    #[test]
    fn finds_commands_in_substitutions_and_pipelines() {
        let cmds = commands("#!/bin/bash\nhost=$(relation-get private-address)\nrelation-list | while read u; do echo $u; done # relation-ids\n");
        let names: Vec<&str> = cmds.iter().map(|c| c.name()).collect();
        assert_eq!(names, ["relation-get", "relation-list", "read", "echo", "done"]);
        assert_eq!(cmds[0].line, 2);
        assert_eq!(cmds[0].column, 8);
        assert_eq!(cmds[0].args(), ["private-address"]);
    }

    #[test]
    fn quotes_hide_commands_and_keep_words_whole() {
        assert_eq!(
            names("echo 'relation-get; relation-set'\njuju-log \"calling relation-get | x\"\n"),
            ["echo", "juju-log"]
        );
        let cmds = commands("relation-set \"host=$(unit-get private-address)\" 'port=80'\n");
        assert_eq!(cmds[0].words, ["relation-set", "host=$(…)", "port=80"]);
        assert_eq!(cmds[1].name(), "unit-get");
    }

    #[test]
    fn multi_line_quotes_continuations_and_heredocs() {
        let text = "msg='first\nrelation-get inside'\nrelation-set \\\n  -r db:1 a=b\ncat > /etc/x <<EOF\nrelation-get not a command $ENSEMBLE_UNIT_NAME\nEOF\ncat <<'END'\n$NOT_EXPANDED\nEND\nconfig-get port\n";
        let script = read(text);
        let names: Vec<&str> = script.commands.iter().map(|c| c.name()).collect();
        assert_eq!(names, ["relation-set", "cat", "cat", "config-get"]);
        assert_eq!(script.commands[0].args(), ["-r", "db:1", "a=b"]);
        assert!(script.reads("ENSEMBLE_UNIT_NAME"));
        assert!(!script.reads("NOT_EXPANDED"));
        assert_eq!(script.commands[3].line, 11);
    }

    #[test]
    fn variables_and_their_positions() {
        let script = read("case \"$ENSEMBLE_CHANGE\" in\n  joined) x=${0##*/} ;;\nesac\necho '$HIDDEN' # $COMMENT\n");
        let found: Vec<(&str, usize, usize)> =
            script.variables.iter().map(|v| (v.name.as_str(), v.span.start.line, v.span.start.column)).collect();
        assert_eq!(found, [("ENSEMBLE_CHANGE", 1, 7), ("0", 2, 13)]);
    }

    #[test]
    fn skips_assignments_keywords_and_wrappers() {
        assert_eq!(
            names("if ! FOO=1 sudo -E relation-ids db; then exec juju-log hi; fi\n"),
            ["relation-ids", "juju-log", "fi"]
        );
    }

    #[test]
    fn survives_deep_nesting() {
        let text = "$(".repeat(100_000) + "relation-get" + &")".repeat(100_000);
        assert!(read(&text).commands.len() <= MAX_NESTING + 1);
        let _ = read(&"`".repeat(100_001));
    }

    #[test]
    fn survives_garbage() {
        for text in ["$(", "${", "\"", "'", "<<", "<<EOF", "\\", "$((1+", "`", "a)b(c", "é$é", "$"] {
            let _ = read(text);
        }
    }
}
