//! The hook API inside a new formula written in Rust.
//!
//! formula-sdk is not on crates.io, so a template whose hooks are Rust carries the hook API
//! with it: its `sdk/Cargo.toml` and `sdk/src/lib.rs` (a crate named `formula-sdk`, which
//! the formula's `Cargo.toml` takes as a path dependency) are template files, and [`add`]
//! writes formula-sdk's own `src/hook/` beside them as it is, not rendered. The `formula`
//! binary embeds that directory when it is built, so there is one copy of the source.

use super::{FileKind, RenderedFile};

/// The file whose presence in a rendered template asks for the hook API.
pub const CRATE_MANIFEST: &str = "sdk/Cargo.toml";

/// Where the hook module's files go.
pub const MODULE_DIR: &str = "sdk/src/hook";

/// Adds the hook module's `sources` (paths relative to formula-sdk's `src/hook/`) under
/// [`MODULE_DIR`] when `files` has a [`CRATE_MANIFEST`]; returns whether it did. `files`
/// stay sorted by path.
pub fn add(files: &mut Vec<RenderedFile>, sources: &[RenderedFile]) -> bool {
    if !files.iter().any(|f| f.path == CRATE_MANIFEST) {
        return false;
    }
    for source in sources {
        let path = format!("{MODULE_DIR}/{}", source.path);
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
    fn the_module_goes_beside_the_crate_unrendered_and_only_where_asked() {
        let sources = [file("mod.rs", "//! {{not a template}}\n"), file("transport/native.rs", "")];
        let mut plain = vec![file("hooks/install", "#!/bin/sh\n")];
        assert!(!add(&mut plain, &sources));
        assert_eq!(plain.len(), 1);

        let mut rust = vec![file("src/main.rs", ""), file(CRATE_MANIFEST, "[package]\n")];
        assert!(add(&mut rust, &sources));
        let paths: Vec<&str> = rust.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["sdk/Cargo.toml", "sdk/src/hook/mod.rs", "sdk/src/hook/transport/native.rs", "src/main.rs"]);
        assert_eq!(rust[1].kind, FileKind::File { mode: 0o644, text: "//! {{not a template}}\n".into() });
    }
}
