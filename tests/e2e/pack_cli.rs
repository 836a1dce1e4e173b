//! `formula pack` and `formula unpack`: reproducible archives that keep modes and symlinks,
//! leave out what they should, refuse lint errors; hostile archives refused, nothing written.

use crate::support;

use crate::support::formula;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Output, Stdio};
use zip::write::SimpleFileOptions;
use zip::ZipWriter;

fn run(cwd: &Path, args: &[&str]) -> Output {
    formula().current_dir(cwd).args(args).stdin(Stdio::null()).output().expect("run formula")
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// A formula with a hook, a symlinked hook, a helper, and things that must stay out.
fn sample(dir: &Path) {
    let out = run(dir, &["new", "demo", "--provides", "website:http"]);
    assert!(out.status.success(), "{}", text(&out));
    let demo = dir.join("demo");
    std::os::unix::fs::symlink("install", demo.join("hooks/reinstall")).unwrap();
    for junk in
        [".git/HEAD", "target/debug/x", "lib/__pycache__/m.cpython-311.pyc", "lib/m.pyc", "notes.swp", "build/out"]
    {
        let path = demo.join(junk);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "junk").unwrap();
    }
    std::fs::OpenOptions::new()
        .append(true)
        .open(demo.join(".formulaignore"))
        .unwrap()
        .write_all(b"/build/\n")
        .unwrap();
}

fn names(archive: &Path) -> Vec<(String, u32)> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(archive).unwrap()).unwrap();
    (0..zip.len())
        .map(|i| {
            let f = zip.by_index(i).unwrap();
            (f.name().to_string(), f.unix_mode().unwrap_or(0))
        })
        .collect()
}

#[test]
fn archives_are_reproducible_and_keep_modes_and_symlinks() {
    let tmp = tempfile::tempdir().unwrap();
    sample(tmp.path());
    let out = run(tmp.path(), &["pack", "demo", "-o", "one.charm"]);
    assert!(out.status.success(), "{}", text(&out));
    let bytes = std::fs::read(tmp.path().join("one.charm")).unwrap();
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(said.contains(&format!("{} bytes", bytes.len())), "{said}");
    assert!(said.contains(&formula_sdk::pack::sha256_hex(&bytes)), "{said}");

    // A copy made later (other times, other inode order) packs to the same bytes.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let copy = tmp.path().join("copy");
    std::fs::create_dir(&copy).unwrap();
    let status = std::process::Command::new("cp").arg("-a").arg(tmp.path().join("demo")).arg(&copy).status().unwrap();
    assert!(status.success());
    let later = copy.join("demo");
    std::fs::write(later.join("README.md"), std::fs::read(later.join("README.md")).unwrap()).unwrap();
    let out = run(tmp.path(), &["pack", "copy/demo", "-o", "two.charm"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(bytes, std::fs::read(tmp.path().join("two.charm")).unwrap(), "same directory, different bytes");

    let entries = names(&tmp.path().join("one.charm"));
    let mode = |name: &str| entries.iter().find(|(n, _)| n == name).map(|(_, m)| *m);
    assert_eq!(mode("hooks/install"), Some(0o100755));
    assert_eq!(mode("metadata.yaml"), Some(0o100644));
    assert_eq!(mode("hooks/reinstall"), Some(0o120777));
    assert_eq!(mode("hooks/"), Some(0o040755));
    assert!(mode("revision").is_some());
    for left_out in [".git/HEAD", "target/debug/x", "lib/m.pyc", "notes.swp", "build/out", ".formulaignore"] {
        assert!(!entries.iter().any(|(n, _)| n.starts_with(left_out)), "{left_out} was packed");
    }
    assert!(!entries.iter().any(|(n, _)| n.contains("__pycache__")));
    let sorted = {
        let mut s = entries.clone();
        s.sort();
        s
    };
    assert_eq!(entries, sorted, "entries are sorted");

    // What comes out is what went in: modes and the symlink.
    let out = run(tmp.path(), &["unpack", "one.charm", "out/demo"]);
    assert!(out.status.success(), "{}", text(&out));
    let meta = std::fs::metadata(tmp.path().join("out/demo/hooks/install")).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o755);
    assert_eq!(std::fs::read_link(tmp.path().join("out/demo/hooks/reinstall")).unwrap(), Path::new("install"));
    assert_eq!(
        std::fs::read(tmp.path().join("out/demo/hooks/install")).unwrap(),
        std::fs::read(tmp.path().join("demo/hooks/install")).unwrap()
    );
}

#[test]
fn a_missing_revision_is_added() {
    let tmp = tempfile::tempdir().unwrap();
    sample(tmp.path());
    std::fs::remove_file(tmp.path().join("demo/revision")).unwrap();
    let out = run(tmp.path(), &["pack", "demo", "-o", "d.charm"]);
    assert!(out.status.success(), "{}", text(&out));
    let mut zip = zip::ZipArchive::new(std::fs::File::open(tmp.path().join("d.charm")).unwrap()).unwrap();
    let mut revision = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("revision").unwrap(), &mut revision).unwrap();
    assert_eq!(revision, "0\n");

    // A 2011 formula keeps its revision in metadata.yaml; the archive's file says it.
    let memo = support::repo().join("examples/ensemble/formulas/memo");
    let out =
        formula().current_dir(tmp.path()).args(["pack", "--force", "-o", "memo.charm"]).arg(&memo).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let mut zip = zip::ZipArchive::new(std::fs::File::open(tmp.path().join("memo.charm")).unwrap()).unwrap();
    let mut revision = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("revision").unwrap(), &mut revision).unwrap();
    assert_eq!(revision, "3\n");
}

#[test]
fn lint_errors_stop_the_pack_unless_forced() {
    let tmp = tempfile::tempdir().unwrap();
    sample(tmp.path());
    std::fs::set_permissions(tmp.path().join("demo/hooks/start"), std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = run(tmp.path(), &["pack", "demo", "-o", "x.charm"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("F503") && text(&out).contains("--force"), "{}", text(&out));
    assert!(!tmp.path().join("x.charm").exists());
    let out = run(tmp.path(), &["pack", "demo", "-o", "x.charm", "--force"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(tmp.path().join("x.charm").exists());
}

/// Builds an archive entry by entry: (name, unix mode, contents).
fn hostile(path: &Path, entries: &[(&str, u32, &[u8])]) {
    let mut zip = ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, mode, data) in entries {
        let options = SimpleFileOptions::default().unix_permissions(*mode);
        if mode & 0o170000 == 0o120000 {
            zip.add_symlink(*name, String::from_utf8_lossy(data), options).unwrap();
        } else {
            zip.start_file(*name, options).unwrap();
            zip.write_all(data).unwrap();
        }
    }
    zip.finish().unwrap();
}

/// Unpacks `archive` into `dest` and expects a refusal that says `why`, with nothing written.
fn refused(dir: &Path, archive: &str, why: &str) {
    let before: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().map(|e| e.file_name()).collect();
    let out = run(dir, &["unpack", archive, "dest"]);
    assert_eq!(out.status.code(), Some(2), "{archive}: {}", text(&out));
    assert!(text(&out).contains(why), "{archive}: expected {why:?} in {}", text(&out));
    assert!(text(&out).contains("nothing written"), "{}", text(&out));
    let after: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(before, after, "{archive}: something was written");
    assert!(!Path::new("/tmp/formula-evil").exists());
}

#[test]
fn hostile_archives_are_refused_and_write_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let ok: &[u8] = b"name: x\n";
    hostile(&dir.join("escape.zip"), &[("metadata.yaml", 0o644, ok), ("../../formula-evil", 0o644, b"x")]);
    refused(dir, "escape.zip", "climbs out");
    hostile(&dir.join("absolute.zip"), &[("metadata.yaml", 0o644, ok), ("/tmp/formula-evil", 0o644, b"x")]);
    refused(dir, "absolute.zip", "absolute");
    hostile(
        &dir.join("link-out.zip"),
        &[("metadata.yaml", 0o644, ok), ("hooks/install", 0o120777, b"../../../etc/passwd")],
    );
    refused(dir, "link-out.zip", "leads out");
    hostile(&dir.join("link-abs.zip"), &[("hooks/install", 0o120777, b"/etc/passwd")]);
    refused(dir, "link-abs.zip", "leads out");
    hostile(&dir.join("through.zip"), &[("lib", 0o120777, b"."), ("lib/x", 0o644, b"x")]);
    refused(dir, "through.zip", "under a symlink");
    // The same name twice: written as two names, then one patched into the other.
    hostile(&dir.join("twice.zip"), &[("dup1", 0o644, b"1"), ("dup2", 0o644, b"2")]);
    let mut bytes = std::fs::read(dir.join("twice.zip")).unwrap();
    for i in 0..bytes.len() - 4 {
        if &bytes[i..i + 4] == b"dup2" {
            bytes[i + 3] = b'1';
        }
    }
    std::fs::write(dir.join("twice.zip"), bytes).unwrap();
    refused(dir, "twice.zip", "twice");

    // A fifo: the mode bits are patched into the central directory by hand.
    hostile(&dir.join("fifo.zip"), &[("pipe", 0o644, b"")]);
    let mut bytes = std::fs::read(dir.join("fifo.zip")).unwrap();
    let central = bytes.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
    bytes[central + 38..central + 42].copy_from_slice(&((0o010644u32) << 16).to_le_bytes());
    std::fs::write(dir.join("fifo.zip"), bytes).unwrap();
    refused(dir, "fifo.zip", "device, fifo or socket");

    // A zip bomb: 64 MiB of zeros deflate to ~64 KiB; the header is patched to declare 1 KiB,
    // so only the count of inflated bytes can catch it.
    let zeros = vec![0u8; 64 << 20];
    {
        let mut zip = ZipWriter::new(std::fs::File::create(dir.join("bomb.zip")).unwrap());
        zip.start_file("metadata.yaml", SimpleFileOptions::default()).unwrap();
        zip.write_all(&zeros).unwrap();
        zip.finish().unwrap();
    }
    let mut bytes = std::fs::read(dir.join("bomb.zip")).unwrap();
    assert!(bytes.len() < 1 << 20, "the bomb is small: {} bytes", bytes.len());
    let local = 0;
    bytes[local + 22..local + 26].copy_from_slice(&1024u32.to_le_bytes());
    let central = bytes.windows(4).rposition(|w| w == b"PK\x01\x02").unwrap();
    bytes[central + 24..central + 28].copy_from_slice(&1024u32.to_le_bytes());
    std::fs::write(dir.join("bomb.zip"), bytes).unwrap();
    refused(dir, "bomb.zip", "more than its header declares");

    // Declared sizes beyond the limit are refused before anything is inflated.
    let mut many = Vec::new();
    for i in 0..20 {
        many.push((format!("f{i}"), 0o644u32));
    }
    {
        let mut zip = ZipWriter::new(std::fs::File::create(dir.join("huge.zip")).unwrap());
        let chunk = vec![0u8; 64 << 20];
        for (name, mode) in &many {
            zip.start_file(name.as_str(), SimpleFileOptions::default().unix_permissions(*mode).large_file(true))
                .unwrap();
            zip.write_all(&chunk).unwrap();
        }
        zip.finish().unwrap();
    }
    refused(dir, "huge.zip", "inflates to more than");

    std::fs::write(dir.join("garbage.zip"), b"not a zip at all").unwrap();
    refused(dir, "garbage.zip", "not a readable zip archive");
}

#[test]
fn unpack_refuses_an_existing_directory() {
    let tmp = tempfile::tempdir().unwrap();
    sample(tmp.path());
    assert!(run(tmp.path(), &["pack", "demo", "-o", "d.charm"]).status.success());
    std::fs::create_dir(tmp.path().join("dest")).unwrap();
    let out = run(tmp.path(), &["unpack", "d.charm", "dest"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("already exists"), "{}", text(&out));
}

/// A formula written in Rust is built before it is packed, and the archive holds what Juju
/// runs (`dispatch`, the hooks that run it, `dispatch.wasm`), not the sources; packing it
/// again builds nothing and gives the same bytes.
#[test]
fn a_rust_formula_is_built_then_packed_without_its_sources() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(tmp.path(), &["new", "oxide", "--template", "rust", "--requires", "db:mysql"]);
    assert!(out.status.success(), "{}", text(&out));
    let pack = |archive: &str| {
        formula()
            .current_dir(tmp.path())
            .args(["pack", "oxide", "-o", archive])
            .env("CARGO_TARGET_DIR", support::formula_builds_target())
            .stdin(Stdio::null())
            .output()
            .expect("run formula pack")
    };
    let out = pack("one.charm");
    assert!(out.status.success(), "{}", text(&out));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("building the Rust formula oxide (`dispatch` is missing)"), "{said}");
    let entries = names(&tmp.path().join("one.charm"));
    let mode = |name: &str| entries.iter().find(|(n, _)| n == name).map(|(_, m)| m & 0o777);
    assert_eq!(mode("dispatch"), Some(0o755), "{entries:?}");
    assert_eq!(mode("hooks/install"), Some(0o755), "{entries:?}");
    assert_eq!(mode("hooks/db-relation-changed"), Some(0o755), "{entries:?}");
    assert!(mode("dispatch.wasm").is_some(), "{entries:?}");
    for source in ["Cargo.toml", "src/", "formula-hook/", ".gitignore", "rustfmt.toml", "target/"] {
        assert!(!entries.iter().any(|(n, _)| n.starts_with(source)), "{source} packed: {entries:?}");
    }
    let out = pack("two.charm");
    assert!(out.status.success(), "{}", text(&out));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("building"), "{}", text(&out));
    let one = std::fs::read(tmp.path().join("one.charm")).unwrap();
    assert_eq!(one, std::fs::read(tmp.path().join("two.charm")).unwrap());
}
