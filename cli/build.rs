//! Embeds examples/, templates/ and the formula-hook crate (files with their modes, and symlinks) into the binary.

use std::fmt::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

fn walk(root: &Path, dir: &Path, files: &mut Vec<(String, u32, String)>, links: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    // What `formula build` (which `formula pack` and `sim` run) leaves in a formula written
    // in Rust that was built in place: built from the sources, not embedded with them. (The
    // rust template, never built, ships its hooks.)
    let rust =
        dir.join("Cargo.toml").is_file() && (dir.join("dispatch").exists() || dir.join("dispatch.wasm").exists());
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let built = name == "target" || (rust && ["dispatch", "dispatch.wasm", "hooks"].contains(&name.as_str()));
        if name == "__pycache__" || name.starts_with(".#") || built {
            continue;
        }
        let rel = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().into_owned();
        let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
        if meta.file_type().is_symlink() {
            if let Ok(target) = std::fs::read_link(&path) {
                links.push((rel, target.to_string_lossy().into_owned()));
            }
        } else if meta.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            walk(root, &path, files, links);
        } else {
            println!("cargo:rerun-if-changed={}", path.display());
            files.push((rel, meta.permissions().mode() & 0o777, path.to_string_lossy().into_owned()));
        }
    }
}

fn main() {
    // The binary is also every hook tool (`relation-get`, … are links to it), started twice
    // or more per hook. As a position-independent executable it has ~19,000 relative
    // relocations that the loader applies at each start, writing to ~85 pages; linked at a
    // fixed address it has none, and starts in ~0.7 ms of CPU instead of ~1.2–1.9 ms (see
    // BENCHMARKS.md, "Simulator"). Only the `formula` binary is linked so.
    let target = |key: &str| std::env::var(key).unwrap_or_default();
    if target("CARGO_CFG_TARGET_OS") == "linux" && target("CARGO_CFG_TARGET_ENV") == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let out_dir = std::env::var("OUT_DIR").unwrap_or_default();
    embed(&Path::new(&manifest).join("../examples"), "EXAMPLE", &Path::new(&out_dir).join("examples.rs"));
    embed(&Path::new(&manifest).join("../templates"), "TEMPLATE", &Path::new(&out_dir).join("templates.rs"));
    // The hook API, which `formula new --template rust` writes whole into the new formula
    // (formula-hook is not on crates.io): the one copy is the workspace's crate.
    embed(&Path::new(&manifest).join("../formula-hook"), "HOOK_CRATE", &Path::new(&out_dir).join("hook_crate.rs"));
}

/// Writes `NAMES: &[(path, mode, contents)]` and `NAME_LINKS: &[(path, target)]` for the
/// files under `root` into `dest`.
fn embed(root: &Path, name: &str, dest: &Path) {
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    let mut links = Vec::new();
    walk(root, root, &mut files, &mut links);
    let mut out =
        format!("/// Embedded files: (path, mode, contents).\npub static {name}S: &[(&str, u32, &[u8])] = &[\n");
    for (rel, mode, abs) in &files {
        let _ = writeln!(out, "    ({rel:?}, 0o{mode:o}, include_bytes!({abs:?})),");
    }
    let _ = write!(out, "];\n/// Embedded symlinks: (path, target).\npub static {name}_LINKS: &[(&str, &str)] = &[\n");
    for (rel, target) in &links {
        let _ = writeln!(out, "    ({rel:?}, {target:?}),");
    }
    out.push_str("];\n");
    std::fs::write(dest, out).unwrap_or_else(|e| panic!("cannot write {}: {e}", dest.display()));
}
