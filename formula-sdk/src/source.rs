//! Source files and positions.
//!
//! Every value read from a formula keeps a [`Span`] into the file it came from, so that a
//! diagnostic can point at its line. Line and column are 1-based; columns count characters,
//! as editors and rustc do. Byte offsets are kept too, for renderers that slice the text.

use std::fmt;
use std::path::{Path, PathBuf};

/// A position in a source file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Pos {
    /// Byte offset from the start of the file.
    pub offset: usize,
    /// Line, 1-based.
    pub line: usize,
    /// Column in characters, 1-based.
    pub column: usize,
}

/// A range of a source file: `start` inclusive, `end` exclusive.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Span {
    /// First position covered.
    pub start: Pos,
    /// First position after the range.
    pub end: Pos,
}

impl Span {
    /// An empty span at `pos`.
    pub fn point(pos: Pos) -> Span {
        Span { start: pos, end: pos }
    }

    /// The span of a whole line (without its newline), found in `text`.
    pub fn of_line(text: &str, line: usize) -> Span {
        let mut offset = 0;
        for (index, content) in text.split('\n').enumerate() {
            if index + 1 == line {
                let start = Pos { offset, line, column: 1 };
                let trimmed = content.strip_suffix('\r').unwrap_or(content);
                let end = Pos { offset: offset + trimmed.len(), line, column: 1 + trimmed.chars().count() };
                return Span { start, end };
            }
            offset += content.len() + 1;
        }
        Span::point(Pos { offset: text.len(), line: line.max(1), column: 1 })
    }
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// A value together with where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Wraps `value` with `span`.
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

impl<T> std::ops::Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// A text file that was read, kept so that renderers can show its lines.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The path as it should be shown to the user.
    pub path: PathBuf,
    /// The file's text (lossily decoded when it was not UTF-8).
    pub text: String,
}

/// Converts character indices (as the YAML scanner reports them) to positions.
pub(crate) struct PositionIndex<'a> {
    text: &'a str,
    /// Byte offset of each character, plus one past the end; empty when the text is ASCII.
    char_offsets: Vec<usize>,
    line_starts: Vec<usize>,
}

impl<'a> PositionIndex<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let char_offsets = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices().map(|(i, _)| i).chain(std::iter::once(text.len())).collect()
        };
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        PositionIndex { text, char_offsets, line_starts }
    }

    /// The position of the character with index `char_index`.
    pub(crate) fn at_char(&self, char_index: usize) -> Pos {
        let offset = if self.char_offsets.is_empty() {
            char_index.min(self.text.len())
        } else {
            self.char_offsets.get(char_index).copied().unwrap_or(self.text.len())
        };
        self.at_byte(offset)
    }

    /// The position of byte `offset`.
    pub(crate) fn at_byte(&self, offset: usize) -> Pos {
        let offset = offset.min(self.text.len());
        let line_index = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let line_start = self.line_starts[line_index];
        let column = self.text.get(line_start..offset).map_or(offset - line_start, |s| s.chars().count()) + 1;
        Pos { offset, line: line_index + 1, column }
    }
}

/// Shows `path` relative to `base` when it lies under it.
pub fn display_path(path: &Path, base: &Path) -> PathBuf {
    path.strip_prefix(base).map(Path::to_path_buf).unwrap_or_else(|_| path.to_path_buf())
}
