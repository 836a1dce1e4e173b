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

#[test]
fn an_ops_charm_keeps_storage_from_before_install_and_follows_its_secret_through_secret_changed() {
    let tmp = tempfile::tempdir().unwrap();
    // Scenarios take formula directories: the charm as packed, unpacked.
    let packed = run(tmp.path(), &["pack", repo().join("tests/charms/keeper").to_str().unwrap(), "-o", "keeper.charm"]);
    assert!(packed.status.success(), "{}", text(&packed));
    let keeper = tmp.path().join("keeper");
    unzip(&tmp.path().join("keeper.charm"), &keeper);
    let scenario = tmp.path().join("scenario.yaml");
    std::fs::write(tmp.path().join("motd.txt"), "v7\n").unwrap();
    std::fs::write(
        &scenario,
        format!(
            "formulas: {{keeper: {}}}\n\
             applications:\n  keeper: {{formula: keeper, units: 2, trust: true, resources: {{motd: motd.txt}}}}\n\
             steps:\n\
             \x20 - settle\n\
             \x20 - expect: {{status: {{keeper/0: {{status: active, message: keeps first on localhost}}, keeper/1: {{status: active, message: reads first}}}}}}\n\
             \x20 - config: {{application: keeper, values: {{token: second}}}}\n\
             \x20 - settle\n\
             \x20 - expect: {{status: {{keeper/0: {{status: active, message: keeps second on localhost}}, keeper/1: {{status: active, message: reads second}}}}}}\n\
             \x20 - remove-unit: keeper/1\n\
             \x20 - settle\n",
            keeper.display()
        ),
    )
    .unwrap();
    let out = run(tmp.path(), &["sim", scenario.to_str().unwrap(), "--backend", "host", "--keep", "never", "-v"]);
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    // The resource's file names the version; the leader read the cloud's name (credential-get).
    assert!(
        said.lines().any(|l| l.split_whitespace().collect::<Vec<_>>()[..].starts_with(&["keeper", "v7"])),
        "{said}"
    );
    // Each unit's journal storage was attached before its install, and the follower was told of
    // the second revision by secret-changed.
    // The hook lines of `-v`: `[   1] keeper/1   journal-storage-attached   ok`.
    let line_of = |unit: &str, hook: &str| {
        said.lines().position(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            words.contains(&unit) && words.contains(&hook)
        })
    };
    for unit in ["keeper/0", "keeper/1"] {
        let attached = line_of(unit, "journal-storage-attached").expect("storage-attached ran");
        let install = line_of(unit, "install").expect("install ran");
        assert!(attached < install, "{unit}: storage-attached before install:\n{said}");
    }
    assert!(line_of("keeper/1", "secret-changed").is_some(), "{said}");
    let detaching = line_of("keeper/1", "journal-storage-detaching").expect("storage-detaching ran");
    assert!(detaching < line_of("keeper/1", "stop").expect("stop ran"), "detaching before stop:\n{said}");
    assert!(line_of("keeper/0", "secret-changed").is_none(), "the owner is not told of its own change:\n{said}");
}

/// Extracts `archive` into `into`, modes kept.
fn unzip(archive: &Path, into: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(archive).unwrap()).unwrap();
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).unwrap();
        let path = into.join(file.enclosed_name().unwrap());
        if file.is_dir() {
            std::fs::create_dir_all(&path).unwrap();
            continue;
        }
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).unwrap();
        std::fs::write(&path, bytes).unwrap();
        if let Some(mode) = file.unix_mode() {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode & 0o7777)).unwrap();
        }
    }
}

/// A charm project with `charmcraft.yaml` (plugin `plugin`), `src/charm.py` and `files`.
fn python_project(root: &Path, name: &str, plugin: &str, files: &[(&str, &str)]) -> std::path::PathBuf {
    let dir = root.join(name);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("src/charm.py"), "import ops\n").unwrap();
    std::fs::write(
        dir.join("charmcraft.yaml"),
        format!(
            "name: {name}\ntype: charm\nsummary: s\ndescription: d\nlinks: {{contact: Me <me@example.com>}}\n\
             parts:\n  charm:\n    plugin: {plugin}\n"
        ),
    )
    .unwrap();
    for (path, text) in files {
        std::fs::write(dir.join(path), text).unwrap();
    }
    dir
}

const PYPROJECT: &str = "[project]\nname = \"locked\"\nversion = \"0.1\"\ndependencies = [\"ops>=2\"]\n\n\
                         [dependency-groups]\ndev = [\"pytest\"]\n";

/// uv.lock as uv 0.5 writes it: ops and what it needs, pinned below the newest, and a dev
/// group that stays out of the charm.
const UV_LOCK: &str = r#"version = 1
requires-python = ">=3.10"

[[package]]
name = "locked"
version = "0.1"
source = { virtual = "." }
dependencies = [
    { name = "ops" },
]

[package.dev-dependencies]
dev = [
    { name = "pytest" },
]

[[package]]
name = "ops"
version = "2.17.0"
source = { registry = "https://pypi.org/simple" }
dependencies = [
    { name = "pyyaml" },
    { name = "websocket-client" },
]

[[package]]
name = "pytest"
version = "8.3.3"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "pyyaml"
version = "6.0.2"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "websocket-client"
version = "1.8.0"
source = { registry = "https://pypi.org/simple" }
"#;

/// poetry.lock as poetry 2 writes it.
const POETRY_LOCK: &str = r#"[[package]]
name = "ops"
version = "2.16.1"
description = "The Python library behind great charms"
optional = false
python-versions = ">=3.8"
groups = ["main"]
files = []

[[package]]
name = "pytest"
version = "8.3.3"
description = "pytest"
optional = false
python-versions = ">=3.8"
groups = ["dev"]
files = []

[[package]]
name = "pyyaml"
version = "6.0.2"
description = "YAML parser and emitter for Python"
optional = false
python-versions = ">=3.8"
groups = ["main"]
files = []

[[package]]
name = "websocket-client"
version = "1.8.0"
description = "WebSocket client for Python"
optional = false
python-versions = ">=3.8"
groups = ["main"]
files = []

[metadata]
lock-version = "2.1"
python-versions = ">=3.10"
content-hash = "0"
"#;

fn venv_names(archive: &Path) -> Vec<String> {
    let zip = zip::ZipArchive::new(std::fs::File::open(archive).unwrap()).unwrap();
    let mut names: Vec<String> = zip
        .file_names()
        .filter_map(|n| n.strip_prefix("venv/"))
        .filter_map(|n| n.split('/').next())
        .filter(|n| n.ends_with(".dist-info"))
        .map(str::to_string)
        .collect();
    names.sort();
    names.dedup();
    names
}

#[test]
fn pack_installs_the_locked_versions_of_uv_and_poetry_projects_and_pyproject_dependencies() {
    let tmp = tempfile::tempdir().unwrap();
    let cases = [
        ("uvlocked", "uv", vec![("pyproject.toml", PYPROJECT), ("uv.lock", UV_LOCK)], "ops-2.17.0.dist-info"),
        (
            "poetrylocked",
            "poetry",
            vec![("pyproject.toml", PYPROJECT), ("poetry.lock", POETRY_LOCK)],
            "ops-2.16.1.dist-info",
        ),
    ];
    for (name, plugin, files, ops) in cases {
        let dir = python_project(tmp.path(), name, plugin, &files);
        for out in ["one.charm", "two.charm"] {
            let packed = run(tmp.path(), &["pack", dir.to_str().unwrap(), "-o", &format!("{name}-{out}")]);
            assert!(packed.status.success(), "{}", text(&packed));
        }
        let one = tmp.path().join(format!("{name}-one.charm"));
        let two = std::fs::read(tmp.path().join(format!("{name}-two.charm"))).unwrap();
        assert_eq!(std::fs::read(&one).unwrap(), two, "{name}: two packs differ");
        // Exactly the locked set: no newer ops, no dev group.
        assert_eq!(
            venv_names(&one),
            vec!["PyYAML-6.0.2.dist-info".to_string(), ops.into(), "websocket_client-1.8.0.dist-info".into()],
            "{name}"
        );
    }
    // Without a lock, `[project] dependencies` are resolved by pip.
    let dir = python_project(tmp.path(), "plain", "charm", &[("pyproject.toml", PYPROJECT)]);
    let packed = run(tmp.path(), &["pack", dir.to_str().unwrap(), "-o", "plain.charm"]);
    assert!(packed.status.success(), "{}", text(&packed));
    let names = venv_names(&tmp.path().join("plain.charm"));
    assert!(names.iter().any(|n| n.starts_with("ops-")), "{names:?}");
    assert!(!names.iter().any(|n| n.starts_with("pytest")), "{names:?}");
    // A uv project without its lock is refused at the plugin.
    let dir = python_project(tmp.path(), "nolock", "uv", &[("pyproject.toml", PYPROJECT)]);
    let out = run(tmp.path(), &["pack", dir.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("nolock/charmcraft.yaml:8:13: the uv plugin needs `uv.lock` in the project"),
        "{}",
        text(&out)
    );
}
