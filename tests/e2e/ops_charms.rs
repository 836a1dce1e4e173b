//! Charms written with ops (`tests/charms/`): `formula pack` builds them as charmcraft does
//! (dependencies from PyPI in `venv/`, `dispatch`, the files charmcraft.yaml stands for), the
//! same bytes twice; `formula sim` runs the archive and the project directory, ops and all.

use crate::support::{formula, repo};
use std::io::Read;
use std::path::Path;
use std::process::{Output, Stdio};

fn run(cwd: &Path, args: &[&str]) -> Output {
    formula().current_dir(cwd).args(args).stdin(Stdio::null()).output().expect("run formula")
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn member(archive: &Path, name: &str) -> Option<(String, u32)> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(archive).unwrap()).unwrap();
    let mut file = zip.by_name(name).ok()?;
    let mut text = String::new();
    file.read_to_string(&mut text).unwrap();
    Some((text, file.unix_mode().unwrap_or(0)))
}

#[test]
fn an_ops_charm_packs_as_charmcraft_lays_it_out_the_same_bytes_twice() {
    let tmp = tempfile::tempdir().unwrap();
    let kv = repo().join("tests/charms/kv");
    for name in ["one.charm", "two.charm"] {
        let out = run(tmp.path(), &["pack", kv.to_str().unwrap(), "-o", name]);
        assert!(out.status.success(), "{}", text(&out));
    }
    let one = std::fs::read(tmp.path().join("one.charm")).unwrap();
    assert_eq!(one, std::fs::read(tmp.path().join("two.charm")).unwrap(), "two packs differ");
    let archive = tmp.path().join("one.charm");
    let (metadata, _) = member(&archive, "metadata.yaml").expect("metadata.yaml");
    assert!(metadata.starts_with("name: kv\n"), "{metadata}");
    assert!(metadata.contains("provides:\n  kv:\n    interface: kv\n"), "{metadata}");
    assert!(!metadata.contains("options"), "config stays out of metadata.yaml: {metadata}");
    let (config, _) = member(&archive, "config.yaml").expect("config.yaml");
    assert!(config.starts_with("options:\n  greeting:\n"), "{config}");
    let (actions, _) = member(&archive, "actions.yaml").expect("actions.yaml");
    assert!(actions.contains("forget:\n"), "{actions}");
    let (dispatch, mode) = member(&archive, "dispatch").expect("dispatch");
    assert_eq!(mode & 0o777, 0o755);
    assert!(dispatch.contains("PYTHONPATH=lib:venv") && dispatch.contains("./src/charm.py"), "{dispatch}");
    let (manifest, _) = member(&archive, "manifest.yaml").expect("manifest.yaml");
    assert!(manifest.contains("channel: \"22.04\""), "{manifest}");
    assert!(member(&archive, "venv/ops/__init__.py").is_some(), "ops is installed into venv/");
    assert!(member(&archive, "charmcraft.yaml").is_none(), "charmcraft.yaml is written out, not packed");
}

#[test]
fn a_broken_charmcraft_yaml_is_named_at_its_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("bad");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("src/charm.py"), "").unwrap();
    std::fs::write(dir.join("charmcraft.yaml"), "name: bad\ntype: bundle\n").unwrap();
    let out = run(tmp.path(), &["pack", "bad"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("bad/charmcraft.yaml:2:7: `type: bundle` cannot be packed"), "{}", text(&out));
}

#[test]
fn sim_runs_an_ops_charm_from_its_archive_and_from_its_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let kv = repo().join("tests/charms/kv");
    let out = run(tmp.path(), &["pack", kv.to_str().unwrap(), "-o", "kv.charm"]);
    assert!(out.status.success(), "{}", text(&out));
    for given in [tmp.path().join("kv.charm"), repo().join("tests/charms/kv-client")] {
        let out = run(tmp.path(), &["sim", given.to_str().unwrap(), "--backend", "host", "--keep", "never"]);
        assert!(out.status.success(), "{}", text(&out));
        let said = text(&out);
        if given.ends_with("kv.charm") {
            // config-changed ran ops' handler: ports opened, status set, the version set.
            assert!(said.contains("serving on 7070"), "{said}");
            assert!(said.contains("7070/tcp"), "{said}");
        } else {
            assert!(said.contains("waiting for the store's greeting"), "{said}");
        }
    }
}

#[test]
fn lint_reads_a_charmcraft_project_and_a_charm_as_juju_would_get_them() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("typo");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("src/charm.py"), "").unwrap();
    std::fs::write(
        dir.join("charmcraft.yaml"),
        "name: typo\ntype: charm\nsummary: s\ndescription: d\nlinks: {contact: Me <me@example.com>}\n\
         config:\n  options:\n    port: {type: integer, default: 1, description: d}\n",
    )
    .unwrap();
    let out = run(tmp.path(), &["lint", "typo", "--format", "concise"]);
    assert_eq!(out.status.code(), Some(200), "{}", text(&out));
    // Findings name the files charmcraft.yaml is written out as.
    assert!(text(&out).contains("typo/config.yaml:3:11: error[F310]"), "{}", text(&out));
    assert!(!text(&out).contains("F104"), "the charm's directory is named as the charm: {}", text(&out));
    let packed = run(tmp.path(), &["pack", "typo", "--force", "-o", "typo.charm"]);
    assert!(packed.status.success(), "{}", text(&packed));
    let out = run(tmp.path(), &["lint", "typo.charm", "--format", "concise"]);
    assert_eq!(out.status.code(), Some(200), "{}", text(&out));
    assert!(text(&out).contains("typo.charm/config.yaml:3:11: error[F310]"), "{}", text(&out));
}

#[test]
fn a_charmcraft_project_without_a_contact_is_not_asked_for_a_maintainer() {
    // charmcraft.yaml has no maintainer key and charmcraft does not require `links.contact`:
    // a charm written for charmcraft packs as it stands.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("plain");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("src/charm.py"), "").unwrap();
    std::fs::write(dir.join("charmcraft.yaml"), "name: plain\ntype: charm\nsummary: s\ndescription: d\n").unwrap();
    let out = run(tmp.path(), &["lint", "plain", "--format", "concise"]);
    assert!(!text(&out).contains("F109"), "{}", text(&out));
    assert_ne!(out.status.code(), Some(200), "{}", text(&out));
    // A classic formula still is.
    let classic = tmp.path().join("classic");
    std::fs::create_dir_all(classic.join("hooks")).unwrap();
    std::fs::write(classic.join("metadata.yaml"), "name: classic\nsummary: s\ndescription: d\n").unwrap();
    let out = run(tmp.path(), &["lint", "classic", "--format", "concise"]);
    assert!(text(&out).contains("error[F109]"), "{}", text(&out));
}
