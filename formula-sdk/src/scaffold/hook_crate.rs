//! The hook API inside a new formula written in Rust.
//!
//! The hook API is the crate formula-hook, which is not on crates.io: a template whose hooks
//! are Rust (it has a `Cargo.toml`, which names `formula-hook = { path = "formula-hook" }`)
//! gets the whole crate written into [`DIR`], as it is, not rendered. The `formula` binary
//! embeds the repository's formula-hook directory when it is built, so there is one copy of
//! the source, and no template carries one.

use super::{FileKind, RenderedFile};

/// The file whose presence in a rendered template asks for the hook crate: the formula's
/// own Cargo manifest.
pub const FORMULA_MANIFEST: &str = "Cargo.toml";

/// Where the hook crate's files go, beside the formula's `src/`.
pub const DIR: &str = "formula-hook";

/// Adds the hook crate's `sources` (paths relative to the crate's directory) under [`DIR`]
/// when `files` has a [`FORMULA_MANIFEST`]; returns whether it did. `files` stay sorted by
/// path.
pub fn add(files: &mut Vec<RenderedFile>, sources: &[RenderedFile]) -> bool {
    if !files.iter().any(|f| f.path == FORMULA_MANIFEST) {
        return false;
    }
    for source in sources {
        let path = format!("{DIR}/{}", source.path);
        files.retain(|f| f.path != path);
        let kind = match &source.kind {
            FileKind::File { mode, text } => FileKind::File { mode: mode & 0o644, text: text.clone() },
            link @ FileKind::Symlink { .. } => link.clone(),
        };
        files.push(RenderedFile { path, kind });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> RenderedFile {
        RenderedFile { path: path.into(), kind: FileKind::File { mode: 0o755, text: text.into() } }
    }

    #[test]
    fn the_crate_goes_beside_the_sources_unrendered_and_only_where_asked() {
        let sources = [file("src/lib.rs", "//! {{not a template}}\n"), file("src/transport/native.rs", "")];
        let mut plain = vec![file("hooks/install", "#!/bin/sh\n")];
        assert!(!add(&mut plain, &sources));
        assert_eq!(plain.len(), 1);

        let mut rust = vec![file("src/main.rs", ""), file(FORMULA_MANIFEST, "[package]\n")];
        assert!(add(&mut rust, &sources));
        let paths: Vec<&str> = rust.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            ["Cargo.toml", "formula-hook/src/lib.rs", "formula-hook/src/transport/native.rs", "src/main.rs"]
        );
        assert_eq!(rust[1].kind, FileKind::File { mode: 0o644, text: "//! {{not a template}}\n".into() });
    }
}
