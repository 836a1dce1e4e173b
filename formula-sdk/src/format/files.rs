//! Reading root files: YAML documents and the `revision` file, within limits.

use crate::source::{SourceFile, Span};
use crate::yaml::{self, Node, YamlError};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The largest formula file that is read at all. Real metadata and config files are a few
/// kilobytes; a bigger one is a mistake, and reading it would only slow the linter down.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// A file that exists but could not be read.
#[derive(Clone, Debug, PartialEq)]
pub struct ReadProblem {
    /// The file, as shown to the user.
    pub path: PathBuf,
    /// Why it could not be read.
    pub reason: String,
    /// Whether it was refused for its size (as opposed to an I/O error).
    pub too_large: bool,
}

/// A YAML file: its text, and its root node or the syntax error that stopped the parser.
#[derive(Clone, Debug)]
pub struct YamlFile {
    /// The text, with the path as shown to the user.
    pub source: SourceFile,
    /// The first document, when it parsed.
    pub node: Option<Node>,
    /// The syntax error, when it did not.
    pub error: Option<YamlError>,
}

impl YamlFile {
    /// Parses `text` read from `path`.
    pub fn parse(path: PathBuf, text: String) -> YamlFile {
        let (node, error) = match yaml::parse(&text) {
            Ok(node) => (Some(node), None),
            Err(e) => (None, Some(e)),
        };
        YamlFile { source: SourceFile { path, text }, node, error }
    }

    /// The path as shown to the user.
    pub fn path(&self) -> &Path {
        &self.source.path
    }
}

/// The `revision` file.
#[derive(Clone, Debug)]
pub struct RevisionFile {
    /// Its text.
    pub source: SourceFile,
    /// The number, read as Juju does (`fmt.Fscan`: leading space ok, text after it ignored).
    pub value: Option<i64>,
    /// Whether `charm proof` accepts it (`int(content.rstrip())`).
    pub proof_accepts: bool,
}

/// The sorted names in `dir`, or nothing when it cannot be listed.
pub(crate) fn list_dir(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    names.sort();
    names
}

/// Reads a text file of at most [`MAX_FILE_BYTES`], lossily decoded; `None` when absent or
/// unreadable (then a problem is recorded).
pub fn read_text(path: &Path, shown: &Path, problems: &mut Vec<ReadProblem>) -> Option<String> {
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && std::fs::symlink_metadata(path).is_err() => return None,
        Err(e) => {
            problems.push(ReadProblem { path: shown.to_path_buf(), reason: e.to_string(), too_large: false });
            return None;
        }
    };
    if !meta.is_file() {
        let reason = if meta.is_dir() { "is a directory, not a file" } else { "is not a regular file" };
        problems.push(ReadProblem { path: shown.to_path_buf(), reason: reason.into(), too_large: false });
        return None;
    }
    if meta.len() > MAX_FILE_BYTES {
        let reason = format!("is {} bytes, more than the {} that a formula file may have", meta.len(), MAX_FILE_BYTES);
        problems.push(ReadProblem { path: shown.to_path_buf(), reason, too_large: true });
        return None;
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    let result = std::fs::File::open(path).and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes));
    if let Err(e) = result {
        problems.push(ReadProblem { path: shown.to_path_buf(), reason: e.to_string(), too_large: false });
        return None;
    }
    Some(match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

pub(crate) fn read_yaml(
    dir: &Path,
    display_dir: &Path,
    name: &str,
    problems: &mut Vec<ReadProblem>,
) -> Option<YamlFile> {
    let shown = display_dir.join(name);
    read_text(&dir.join(name), &shown, problems).map(|text| YamlFile::parse(shown, text))
}

pub(crate) fn read_revision(dir: &Path, display_dir: &Path, problems: &mut Vec<ReadProblem>) -> Option<RevisionFile> {
    let shown = display_dir.join("revision");
    let text = read_text(&dir.join("revision"), &shown, problems)?;
    let value = text.split_whitespace().next().and_then(|word| {
        let digits: String = word.chars().take_while(|c| c.is_ascii_digit() || *c == '-' || *c == '+').collect();
        digits.parse::<i64>().ok()
    });
    let proof_accepts = text.trim_end().trim_start().parse::<i64>().is_ok();
    Some(RevisionFile { source: SourceFile { path: shown, text }, value, proof_accepts })
}

/// The span of the first line of `text`, for findings about a whole small file.
pub fn first_line_span(text: &str) -> Span {
    Span::of_line(text, 1)
}
