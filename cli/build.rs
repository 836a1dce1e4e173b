//! Embeds examples/ (files with their modes, and symlinks) into the binary.

use std::fmt::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

fn walk(root: &Path, dir: &Path, files: &mut Vec<(String, u32, String)>, links: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == "__pycache__" || name.starts_with(".#") {
            continue;
        }
        let rel = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().into_owned();
        let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
        if meta.file_type().is_symlink() {
            if let Ok(target) = std::fs::read_link(&path) {
                links.push((rel, target.to_string_lossy().into_owned()));
            }
        } else if meta.is_dir() {
            walk(root, &path, files, links);
        } else {
            println!("cargo:rerun-if-changed={}", path.display());
            files.push((rel, meta.permissions().mode() & 0o777, path.to_string_lossy().into_owned()));
        }
    }
}

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let root = Path::new(&manifest).join("../examples");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    let mut links = Vec::new();
    walk(&root, &root, &mut files, &mut links);
    let mut out = String::from(
        "/// Embedded example files: (path, mode, contents).\npub static EXAMPLES: &[(&str, u32, &[u8])] = &[\n",
    );
    for (rel, mode, abs) in &files {
        let _ = writeln!(out, "    ({rel:?}, 0o{mode:o}, include_bytes!({abs:?})),");
    }
    out.push_str(
        "];\n/// Embedded example symlinks: (path, target).\npub static EXAMPLE_LINKS: &[(&str, &str)] = &[\n",
    );
    for (rel, target) in &links {
        let _ = writeln!(out, "    ({rel:?}, {target:?}),");
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap_or_default()).join("examples.rs");
    std::fs::write(dest, out).unwrap_or_else(|e| panic!("cannot write the embedded examples: {e}"));
}
