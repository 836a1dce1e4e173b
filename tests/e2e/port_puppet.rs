//! `formula port-puppet` end to end: four Puppet modules written here (tests/puppet/) in the
//! style of Wikimedia's operations/puppet are ported; each formula lints without error, and
//! a scenario deploys it (install, config-changed, start), changes an option, and checks the
//! rendered file and that the service restarted exactly once.
//!
//! The ported hooks write where the module says (/etc/memcached.conf, …), so the scenarios
//! run with `--backend ns`: each unit has its own overlay root, and nothing lands on this
//! machine. That needs root, as tests/e2e/sim_ns.rs does; CI runs as root.

use crate::support::*;
use std::path::{Path, PathBuf};

fn port(module: &str, out: &Path) -> PathBuf {
    let dest = out.join(module.replace('_', "-"));
    let output = formula()
        .arg("port-puppet")
        .arg(repo().join("tests/puppet").join(module))
        .arg("-o")
        .arg(&dest)
        .output()
        .expect("run formula port-puppet");
    assert!(output.status.success(), "port-puppet {module}: {}", String::from_utf8_lossy(&output.stderr));
    dest
}

fn assert_lints_without_error(dir: &Path) {
    let output = formula().arg("lint").arg(dir).arg("--format").arg("concise").output().expect("run formula lint");
    let code = output.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 100,
        "lint of {} exits {code}:\n{}",
        dir.display(),
        String::from_utf8_lossy(&output.stdout)
    );
}

fn require_root() {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let root = status.lines().any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(2) == Some("0"));
    assert!(root, "the port-puppet scenarios run units in namespaces and need root (CI runs as root)");
}

/// Stub calls of `command` whose arguments are exactly `args`.
fn stub_calls(run: &SimRun, command: &str, args: &[&str]) -> usize {
    run.stubs().iter().filter(|e| e.command == command).filter(|e| e.args.iter().eq(args.iter().copied())).count()
}

/// Ports `module`, lints it, and runs `steps` against it with the common stubs (plus `extra`).
fn deploy(module: &str, extra_stubs: &str, steps: &str) -> SimRun {
    require_root();
    let dir = tempfile::tempdir().expect("temp dir");
    let formula_dir = port(module, dir.path());
    assert_lints_without_error(&formula_dir);
    // The formula (and application) name is the module's with hyphens.
    let app = module.replace('_', "-");
    let text = format!(
        "formulas: {{{app}: ./{app}}}\napplications:\n  {app}: {{formula: {app}, units: 1}}\nstubs:\n  \"*\": {{apt-get: \"exit 0\", service: \"exit 0\", systemctl: \"exit 0\"{extra_stubs}}}\nsteps:\n{steps}"
    );
    let scenario = dir.path().join("scenario.yaml");
    std::fs::write(&scenario, text).expect("write scenario");
    let run = sim(&scenario, &["--backend", "ns", "-q"]);
    assert_eq!(run.code, 0, "{module}: {}", run.stderr);
    let hooks = run.unit_hook_names(&format!("{app}/0"));
    for hook in ["install", "config-changed", "start"] {
        assert!(hooks.iter().any(|h| h == hook), "{module}: {hook} did not run: {hooks:?}");
    }
    run
}

#[test]
fn memcached_renders_its_config_and_restarts_once_when_it_changes() {
    let run = deploy(
        "memcached",
        "",
        r#"  - settle
  - expect:
      files:
        memcached/0:
          /etc/memcached.conf: {contains: "-m 2000\n"}
          /etc/default/memcached: {contains: "ENABLE_MEMCACHED=yes"}
      ports: {memcached/0: [11211/tcp]}
  - config: {application: memcached, values: {size: 512, port: 11311, extra_options: '{"modern": "yes", "lru_crawler": "1"}'}}
  - settle
  - expect:
      files: {memcached/0: {/etc/memcached.conf: {contains: "-m 512\n"}}}
      ports: {memcached/0: [11311/tcp]}
      run: {unit: memcached/0, command: "grep -c '^-o ' /etc/memcached.conf", exit: 0, stdout-contains: "2"}
  - config: {application: memcached, values: {ip: 0.0.0.0}}
  - settle
"#,
    );
    assert_eq!(stub_calls(&run, "apt-get", &["install", "-y", "-q", "--no-install-recommends", "memcached"]), 1);
    assert_eq!(stub_calls(&run, "service", &["memcached", "start"]), 1);
    // The first config-changed ran before start (no restart); the size change restarts once;
    // setting an option to the value it had changes no file and restarts nothing.
    assert_eq!(stub_calls(&run, "service", &["memcached", "restart"]), 1, "{}", run.stderr);
}

#[test]
fn a_daemon_with_typed_parameters_gets_its_unit_file_and_one_restart() {
    let run = deploy(
        "statsd_proxy",
        "",
        r#"  - settle
  - expect:
      files:
        statsd-proxy/0:
          /etc/statsd-proxy/proxy.conf: {contains: "threads = 4\n"}
          /lib/systemd/system/statsd-proxy.service: {contains: "--threads 4"}
      run: {unit: statsd-proxy/0, command: "stat -c '%a %U' /etc/statsd-proxy/proxy.conf", exit: 0, stdout-contains: "440 statsd-proxy"}
  - config: {application: statsd-proxy, values: {log_level: debug, prefix: eqiad, backends: '["statsd1003:8125"]'}}
  - settle
  - expect:
      files:
        statsd-proxy/0:
          /etc/statsd-proxy/proxy.conf: {contains: "log_level = \"debug\"\nflush_interval = 1.5\n"}
      run: {unit: statsd-proxy/0, command: "cat /etc/statsd-proxy/proxy.conf", exit: 0, stdout-contains: "prefix = \"eqiad.\""}
"#,
    );
    assert_eq!(
        stub_calls(
            &run,
            "apt-get",
            &["install", "-y", "-q", "--no-install-recommends", "socat", "statsd-proxy=2.1.0-1"]
        ),
        1
    );
    assert_eq!(stub_calls(&run, "systemctl", &["enable", "statsd-proxy"]), 1);
    assert_eq!(stub_calls(&run, "systemctl", &["start", "statsd-proxy"]), 1);
    assert_eq!(stub_calls(&run, "systemctl", &["restart", "statsd-proxy"]), 1, "{}", run.stderr);
    // The unit file counts the backends: it changed on the first config-changed and with them.
    assert_eq!(stub_calls(&run, "systemctl", &["daemon-reload"]), 2);
}

#[test]
fn each_instance_of_a_define_is_written_and_one_change_restarts_once() {
    let run = deploy(
        "rsync_server",
        "",
        r#"  - settle
  - expect:
      files:
        rsync-server/0:
          /etc/rsyncd.d/mirror.conf: {contains: "[mirror]\n    path = /srv/public/mirror\n    comment = Debian and Ubuntu mirror\n    read only = yes\n"}
          /etc/rsyncd.d/dumps.conf: {contains: "hosts deny = 10.0.0.0/8"}
          /etc/rsyncd.d/private.conf: {contains: "    read only = no\n    hosts allow = 127.0.0.1 ::1\n    auth users = backup\n"}
          /etc/rsyncd.conf: {contains: "port = 873\nmax connections = 10\n"}
  - config: {application: rsync-server, values: {max_connections: 25}}
  - settle
  - expect:
      files:
        rsync-server/0:
          /etc/rsyncd.conf: {contains: "max connections = 25"}
          /etc/rsyncd.d/dumps.conf: {contains: "max connections = 25"}
"#,
    );
    // Four files that notify the service changed in that config-changed: still one restart.
    assert_eq!(stub_calls(&run, "service", &["rsync", "restart"]), 1, "{}", run.stderr);
}

#[test]
fn execs_run_as_their_guards_say() {
    let run = deploy(
        "pg_database",
        ", createuser: \"exit 0\", createdb: \"exit 0\", psql: \"exit 0\", vacuumdb: \"exit 0\", pg_ctlcluster: \"exit 0\"",
        r#"  - settle
  - expect:
      files:
        pg-database/0:
          /etc/postgresql/14/main/conf.d/tuning.conf: {contains: "max_connections = 100\nshared_buffers = '128MB'\nwork_mem = '8MB'\n"}
          /var/lib/pg_database/databases: {equals: "wiki\n"}
  - config: {application: pg-database, values: {max_connections: 300}}
  - settle
  - expect:
      files:
        pg-database/0:
          /etc/postgresql/14/main/conf.d/tuning.conf: {contains: "max_connections = 300\nshared_buffers = '128MB'\n# many connections"}
  - config: {application: pg-database, values: {db_name: commons}}
  - settle
  - expect:
      files:
        pg-database/0:
          /var/lib/pg_database/databases: {equals: "wiki\ncommons\n"}
"#,
    );
    // `unless`: the role exists after the first run, so createuser runs once; the database is
    // created again only for the new name.
    assert_eq!(stub_calls(&run, "createuser", &["--no-superuser", "wikiuser"]), 1);
    assert_eq!(stub_calls(&run, "createdb", &["-O", "wikiuser", "wiki"]), 1);
    assert_eq!(stub_calls(&run, "createdb", &["-O", "wikiuser", "commons"]), 1);
    // `creates`: the schema is loaded once; `refreshonly` + `onlyif`: analyze follows it once.
    assert_eq!(run.stubs().iter().filter(|e| e.command == "psql").count(), 1);
    assert_eq!(run.stubs().iter().filter(|e| e.command == "vacuumdb").count(), 1);
    // pg_hba.conf names the database: it changed on the first and the last config-changed.
    assert_eq!(stub_calls(&run, "pg_ctlcluster", &["14", "main", "reload"]), 2);
    // tuning.conf changed once after start (max_connections), and names the database too.
    assert_eq!(stub_calls(&run, "service", &["postgresql", "restart"]), 2, "{}", run.stderr);
}

/// The files of the ported memcached formula, as reviewed snapshots.
#[test]
fn the_ported_memcached_formula_is_a_snapshot() {
    let dir = tempfile::tempdir().expect("temp dir");
    let formula_dir = port("memcached", dir.path());
    for file in [
        "metadata.yaml",
        "config.yaml",
        "PORTING.md",
        "hooks/install",
        "hooks/config-changed",
        "hooks/start",
        "hooks/stop",
        "templates/memcached.conf.py",
    ] {
        let text = std::fs::read_to_string(formula_dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let name = format!("port_puppet_memcached_{}", file.replace(['/', '.', '-'], "_"));
        insta::with_settings!({snapshot_path => "snapshots", prepend_module_to_snapshot => false, omit_expression => true}, {
            insta::assert_snapshot!(name, text);
        });
    }
}

/// A module whose manifest has a syntax error: the port names file, line and column.
#[test]
fn a_syntax_error_names_file_line_and_column() {
    let dir = tempfile::tempdir().expect("temp dir");
    let manifests = dir.path().join("broken/manifests");
    std::fs::create_dir_all(&manifests).expect("mkdir");
    std::fs::write(manifests.join("init.pp"), "class broken {\n  package { 'x'\n    ensure => present,\n  }\n}\n")
        .expect("write");
    let output = formula()
        .arg("port-puppet")
        .arg(dir.path().join("broken"))
        .arg("-o")
        .arg(dir.path().join("out"))
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("broken/manifests/init.pp:3:5: expected `:`, found `ensure`"), "{stderr}");
}

/// tests/puppet/control-repo copied to a temporary directory, with Debian's modules (the
/// `puppet-module-*` packages, /usr/share/puppet/modules) linked in as its vendor_modules.
fn control_repo(dir: &Path) -> PathBuf {
    let copy = dir.join("control-repo");
    let status = std::process::Command::new("cp")
        .arg("-R")
        .arg(repo().join("tests/puppet/control-repo"))
        .arg(&copy)
        .status()
        .expect("run cp");
    assert!(status.success());
    let vendor = Path::new("/usr/share/puppet/modules");
    assert!(vendor.join("memcached/manifests").is_dir(), "dev/setup.sh installs Debian's puppet modules");
    std::os::unix::fs::symlink(vendor, copy.join("vendor_modules")).expect("link vendor_modules");
    copy
}

#[test]
fn a_role_of_a_control_repository_is_ported_with_its_hiera_defaults_and_renders_them() {
    require_root();
    let dir = tempfile::tempdir().expect("temp dir");
    let repo = control_repo(dir.path());
    let formula_dir = dir.path().join("etherpad");
    let output = formula()
        .arg("port-puppet")
        .arg(&repo)
        .arg("--class")
        .arg("role::etherpad")
        .arg("-o")
        .arg(&formula_dir)
        .output()
        .expect("run formula port-puppet");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("9 of 9 resources translated"), "{stderr}");
    assert_lints_without_error(&formula_dir);

    // Hiera's values are the options' defaults, the role's level first; the clash of the two
    // `listen_ip` keys gives the second its class's name; the private module's password is an
    // option without a default, and the missing module path directory and class are listed.
    let config = std::fs::read_to_string(formula_dir.join("config.yaml")).expect("config.yaml");
    for needle in [
        "  listen_ip:\n    type: string\n    default: \"127.0.0.1\"\n",
        "  memcached_listen_ip:\n    type: string\n    default: \"127.0.0.1\"\n",
        "  max_memory:\n    type: int\n    default: 256\n",
        "  listen_port:\n    type: int\n    default: 9001\n",
        "  db_host:\n    type: string\n    default: \"db1001.example.org\"\n",
        "  etherpad_db_pass:\n    type: string\n    description:",
    ] {
        assert!(config.contains(needle), "{needle}\nnot in\n{config}");
    }
    let porting = std::fs::read_to_string(formula_dir.join("PORTING.md")).expect("PORTING.md");
    assert!(
        porting.contains("| environment.conf | module path directory `private_modules` is not there |"),
        "{porting}"
    );
    assert!(
        porting.contains("| modules/profile/manifests/etherpad.pp:11 | class `passwords::etherpad` is not on the module path (a private module?) |"),
        "{porting}"
    );
    // memcached's template calls a Ruby function of its module: listed, rendered as nothing.
    assert!(
        porting.contains("| templates/memcached/memcached.conf.erb:20 | Ruby method `call_function` |"),
        "{porting}"
    );
    let install = std::fs::read_to_string(formula_dir.join("hooks/install")).expect("install hook");
    assert!(install.contains("'curl' 'htop' 'etherpad-lite' 'memcached'"), "{install}");

    let scenario = dir.path().join("scenario.yaml");
    std::fs::write(
        &scenario,
        r#"formulas: {etherpad: ./etherpad}
applications:
  etherpad: {formula: etherpad, units: 1}
stubs:
  "*": {apt-get: "exit 0", service: "exit 0", systemctl: "exit 0"}
steps:
  - settle
  - expect:
      files:
        etherpad/0:
          /etc/etherpad-lite/settings.json: {contains: "\"ip\": \"127.0.0.1\",\n  \"port\": 9001,\n"}
          /etc/memcached.conf: {contains: "-l 127.0.0.1\n"}
          /usr/share/etherpad-lite/src/static/skins/colibris/index.css: {contains: "font-family: sans-serif"}
          /usr/share/etherpad-lite/src/static/skins/colibris/fonts/README: {contains: "Fonts"}
      ports: {etherpad/0: [9001/tcp]}
      run: {unit: etherpad/0, command: "grep -c 'host.*db1001.example.org' /etc/etherpad-lite/settings.json", exit: 0, stdout-contains: "1"}
  - config: {application: etherpad, values: {listen_ip: 0.0.0.0, listen_port: 9002, etherpad_db_pass: s3cret, memcached_listen_ip: 10.0.0.1}}
  - settle
  - expect:
      files:
        etherpad/0:
          /etc/etherpad-lite/settings.json: {contains: "\"ip\": \"0.0.0.0\",\n  \"port\": 9002,\n"}
          /etc/memcached.conf: {contains: "-l 10.0.0.1\n"}
      ports: {etherpad/0: [9002/tcp]}
      run: {unit: etherpad/0, command: "grep -c '\"password\": \"s3cret\"' /etc/etherpad-lite/settings.json", exit: 0, stdout-contains: "1"}
"#,
    )
    .expect("write scenario");
    let run = sim(&scenario, &["--backend", "ns", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The settings changed once after start: etherpad restarts once, and memcached once.
    assert_eq!(stub_calls(&run, "service", &["etherpad-lite", "restart"]), 1, "{}", run.stderr);
    assert_eq!(stub_calls(&run, "service", &["memcached", "restart"]), 1, "{}", run.stderr);
}

#[test]
fn verify_compares_the_port_with_puppet_apply_file_by_file() {
    require_root();
    let dir = tempfile::tempdir().expect("temp dir");
    // tests/puppet/memcached: Puppet and the port leave the same two files.
    let output = formula()
        .arg("port-puppet")
        .arg(repo().join("tests/puppet/memcached"))
        .arg("-o")
        .arg(dir.path().join("memcached"))
        .arg("--verify")
        .output()
        .expect("run formula port-puppet --verify");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}\n{}", String::from_utf8_lossy(&output.stdout));
    assert!(stderr.contains("verify: 2 of 2 files as Puppet leaves them"), "{stderr}");

    // The control repository: Puppet gets the hiera data and a stand-in for the private module
    // (its password the value the port's option is given); one file differs, memcached's,
    // whose template calls a Ruby function of its module that the port renders as nothing.
    let repo_copy = control_repo(dir.path());
    let output = formula()
        .arg("port-puppet")
        .arg(&repo_copy)
        .arg("--class")
        .arg("role::etherpad")
        .arg("-o")
        .arg(dir.path().join("etherpad"))
        .arg("--verify")
        .output()
        .expect("run formula port-puppet --verify");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stderr}\n{stdout}");
    assert!(stderr.contains("verify: 6 of 7 files as Puppet leaves them"), "{stderr}\n{stdout}");
    let differences: Vec<&str> = stdout.lines().filter(|l| !l.starts_with("puppet apply: ")).collect();
    assert_eq!(differences, ["/etc/memcached.conf: content differs at line 13: `-m ` (Puppet: `-m 256`)"], "{stdout}");
}
