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
    embed_hook_tool(Path::new(&manifest), Path::new(&out_dir));
}

/// Compiles the hook-tool client (`src/hook_tool.rs`, `src/tool_client.rs` and the wire
/// format, std only) into an executable of its own and writes `HOOK_TOOL: &[u8]` (its bytes;
/// empty when it could not be built, and `formula` is then the tools itself) into
/// `hook_tool.rs`. Statically linked on linux-gnu when the C library's static archive is
/// there: it then runs in any unit, whatever its C library, and starts as fast as `true`
/// (BENCHMARKS.md); else linked as `formula` is.
fn embed_hook_tool(manifest: &Path, out_dir: &Path) {
    let sources = [
        ("wire", manifest.join("../simulator/src/wire.rs")),
        ("tool_client", manifest.join("src/tool_client.rs")),
        ("hook_tool", manifest.join("src/hook_tool.rs")),
    ];
    let mut root = String::from("// Written by cli/build.rs: the crate root of formula-hook-tool.\n");
    for (module, path) in &sources {
        println!("cargo:rerun-if-changed={}", path.display());
        let _ = writeln!(root, "#[path = {:?}]\nmod {module};", path.display().to_string());
    }
    root.push_str("fn main() -> std::process::ExitCode {\n    hook_tool::main(std::env::args_os())\n}\n");
    let root_path = out_dir.join("hook_tool_main.rs");
    let exe = out_dir.join("formula-hook-tool");
    let target = std::env::var("TARGET").unwrap_or_default();
    let linux_gnu = target.contains("-linux-gnu");
    let mut tried = Vec::new();
    let built = std::fs::write(&root_path, root).is_ok()
        && [true, false].into_iter().filter(|&fully_static| linux_gnu || !fully_static).any(|fully_static| {
            let mut rustc = std::process::Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()));
            rustc.args(["--edition", "2021", "--crate-type", "bin", "--crate-name", "formula_hook_tool"]);
            rustc.args(["-C", "opt-level=3", "-C", "panic=abort", "-C", "debuginfo=0", "-C", "strip=symbols"]);
            rustc.args(["--cap-lints", "allow", "--target", &target]);
            if let Ok(linker) = std::env::var("RUSTC_LINKER") {
                rustc.arg("-C").arg(format!("linker={linker}"));
            }
            if fully_static {
                rustc.args(["-C", "target-feature=+crt-static", "-C", "relocation-model=static"]);
            } else if linux_gnu {
                rustc.args(["-C", "link-arg=-no-pie"]);
            }
            rustc.arg("-o").arg(&exe).arg(&root_path);
            match rustc.output() {
                Ok(out) if out.status.success() => true,
                Ok(out) => {
                    tried.push(String::from_utf8_lossy(&out.stderr).lines().take(3).collect::<Vec<_>>().join(" / "));
                    false
                }
                Err(e) => {
                    tried.push(e.to_string());
                    false
                }
            }
        });
    let embedded = if built {
        format!("pub static HOOK_TOOL: &[u8] = include_bytes!({:?});\n", exe.display().to_string())
    } else {
        println!(
            "cargo:warning=the hook-tool client could not be built ({}); `formula` will be the hook tools",
            tried.join("; ")
        );
        "pub static HOOK_TOOL: &[u8] = &[];\n".to_string()
    };
    let dest = out_dir.join("hook_tool.rs");
    std::fs::write(&dest, embedded).unwrap_or_else(|e| panic!("cannot write {}: {e}", dest.display()));
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
