//! The port on small modules written in each test: what lands in which hook, what is listed
//! in PORTING.md. (tests/e2e/port_puppet.rs deploys whole modules through the simulator.)

use formula_puppet::port::{port_module, port_module_with, Ported};

fn port(files: &[(&str, &str)]) -> Ported {
    let dir = tempfile::tempdir().expect("temp dir");
    let module = dir.path().join("demo");
    for (path, text) in files {
        let p = module.join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    port_module(&module, None).unwrap_or_else(|e| panic!("{e}"))
}

fn file(p: &Ported, name: &str) -> String {
    String::from_utf8_lossy(&p.files.get(name).unwrap_or_else(|| panic!("no {name}")).0).into_owned()
}

#[test]
fn class_references_order_and_notify_every_resource_of_the_class() {
    let p = port(&[(
        "manifests/init.pp",
        "class demo {\n  include demo::config\n  include demo::service\n  Class['demo::config'] ~> Class['demo::service']\n}\n\
         class demo::config {\n  file { '/etc/demo.conf': content => \"x\\n\" }\n}\n\
         class demo::service {\n  service { 'demo': ensure => running }\n}\n",
    )]);
    let hook = file(&p, "hooks/config-changed");
    assert!(hook.contains("if [ \"$changed_0\" = 1 ]; then restart_1=1; fi"), "{hook}");
    assert_eq!((p.translated, p.total), (2, 2));
}

#[test]
fn selectors_cases_and_facts_are_decided_at_port_time_and_listed() {
    let p = port(&[(
        "manifests/init.pp",
        "class demo($flavour = 'big') {\n\
           $size = $flavour ? { 'big' => 1024, default => 64 }\n\
           case $facts['os']['family'] {\n\
             'RedHat': { package { 'demo-el': } }\n\
             'Debian': { package { 'demo-deb': } }\n\
             default: { fail('unsupported') }\n\
           }\n\
           file { '/etc/demo': content => \"size=${size}\\n\" }\n\
         }\n",
    )]);
    assert!(file(&p, "hooks/install").contains("'demo-deb'"));
    assert!(!file(&p, "hooks/install").contains("demo-el"));
    assert!(file(&p, "hooks/config-changed").contains("printf '%s' 'size=1024\n'"));
    let porting = file(&p, "PORTING.md");
    assert!(
        porting.contains("| manifests/init.pp:2 | decided at port time with option `flavour`'s default |"),
        "{porting}"
    );
    assert!(porting.contains("| manifests/init.pp:3 | fact `os.family` |"), "{porting}");
}

#[test]
fn untranslated_constructs_are_listed_with_file_and_line_and_marked_in_the_hook() {
    let p = port(&[(
        "manifests/init.pp",
        "class demo {\n\
           $secret = hiera('demo::secret')\n\
           $port = lookup('demo::port', Integer, 'first', 80)\n\
           include apache\n\
           User <| groups == 'ops' |>\n\
           @user { 'bob': }\n\
           cron { 'tidy': command => 'tidy' }\n\
           File['/etc/x'] { mode => '0600' }\n\
           file { '/etc/x': content => $secret, recurse => true }\n\
         }\n",
    )]);
    let porting = file(&p, "PORTING.md");
    assert!(porting.contains("Coverage: 1 of 3 resources translated"), "{porting}");
    for needle in [
        "| manifests/init.pp:2 | `hiera('demo::secret')` |",
        "| manifests/init.pp:3 | `lookup('demo::port')` |",
        "| manifests/init.pp:4 | class `apache` from another module |",
        "| manifests/init.pp:5 | collector `User <| |>` |",
        "| manifests/init.pp:6 | virtual resource `user` |",
        "| manifests/init.pp:7 | resource `cron` `tidy` is not translated |",
        "| manifests/init.pp:8 | resource override |",
        "| manifests/init.pp:9 | attribute `content` of file `/etc/x` is not known at port time",
        "| manifests/init.pp:9 | attribute `recurse` of file `/etc/x` |",
    ] {
        assert!(porting.contains(&needle.replace("<| |>", "<\\| \\|>")), "missing {needle}:\n{porting}");
    }
    let hook = file(&p, "hooks/config-changed");
    assert!(hook.contains("# TODO(port-puppet): `hiera('demo::secret')` (manifests/init.pp:2)"), "{hook}");
    assert!(hook.contains("# TODO(port-puppet): the content of file['/etc/x'] is not known to the port"), "{hook}");
}

#[test]
fn each_over_a_literal_hash_declares_one_resource_per_entry() {
    let p = port(&[(
        "manifests/init.pp",
        "class demo {\n  $sites = { 'a' => 8080, 'b' => 8081 }\n  $sites.each |$name, $port| {\n    file { \"/etc/demo/${name}.conf\": content => \"port=${port}\\n\" }\n  }\n}\n",
    )]);
    let hook = file(&p, "hooks/config-changed");
    assert!(hook.contains("'/etc/demo/a.conf'") && hook.contains("'port=8081\n'"), "{hook}");
    assert_eq!(p.translated, 2);
}

#[test]
fn parameter_types_and_doc_comments_make_the_options() {
    let p = port(&[(
        "manifests/init.pp",
        "# Demo.\n#\n# @param port\n#   The port,\n#   on two lines.\n# @param ratio A ratio.\nclass demo(\n  Stdlib::Port $port = 80,\n  Float $ratio = 0.5,\n  Boolean $debug = false,\n  Optional[Integer] $limit = undef,\n  $name_ = 'x',\n  Array[String] $hosts = ['a'],\n) {}\n",
    )]);
    let config = file(&p, "config.yaml");
    assert!(
        config.contains("  port:\n    type: int\n    default: 80\n    description: \"The port, on two lines.\"\n"),
        "{config}"
    );
    assert!(
        config.contains("  ratio:\n    type: float\n    default: 0.5\n    description: \"A ratio.\"\n"),
        "{config}"
    );
    assert!(config.contains("  debug:\n    type: boolean\n    default: false\n"), "{config}");
    assert!(config.contains("  limit:\n    type: int\n    description:"), "{config}");
    assert!(config.contains("  hosts:\n    type: string\n    default: \"[\\\"a\\\"]\"\n"), "{config}");
    assert!(file(&p, "hooks/config-changed").contains("port_open_port 'port' \"$cfg_port\""));
}

#[test]
fn a_missing_class_is_an_error_naming_the_classes_there_are() {
    let dir = tempfile::tempdir().expect("temp dir");
    let module = dir.path().join("demo");
    std::fs::create_dir_all(module.join("manifests")).expect("mkdir");
    std::fs::write(module.join("manifests/init.pp"), "class other {}\nclass other::x {}\n").expect("write");
    let err = port_module(&module, None).unwrap_err().to_string();
    assert_eq!(err, "class `demo` is not in the module; its classes: other, other::x");
}

/// Runs a ported template script with `config` as `config-get --format=json` answers and the
/// variables the hook gives it (the JSON argument of its call in config-changed).
fn render(p: &Ported, script: &str, config: &str) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("script.py");
    std::fs::write(&path, &p.files.get(script).unwrap_or_else(|| panic!("no {script}")).0).expect("write script");
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).expect("mkdir");
    let config_get = bin.join("config-get");
    std::fs::write(&config_get, format!("#!/bin/sh\ncat <<'END'\n{config}\nEND\n")).expect("write config-get");
    std::process::Command::new("chmod").arg("+x").arg(&config_get).status().expect("chmod");
    let hook = file(p, "hooks/config-changed");
    let call = format!("python3 \"$CHARM_DIR/{script}\" '");
    let at = hook.find(&call).unwrap_or_else(|| panic!("no call of {script} in:\n{hook}")) + call.len();
    let bindings = &hook[at..at + hook[at..].find('\'').expect("closing quote")];
    let output = std::process::Command::new("python3")
        .arg(&path)
        .arg(bindings)
        .env("PATH", format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default()))
        .output()
        .expect("run python3");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn epp_templates_render_with_their_parameters_and_defaults() {
    let p = port(&[
        (
            "manifests/init.pp",
            "class demo(Integer $port = 8080, Array[String] $hosts = ['a', 'b']) {\n\
               file { '/etc/demo.conf': content => epp('demo/demo.conf.epp', { port => $port, hosts => $hosts }) }\n\
             }\n",
        ),
        (
            "templates/demo.conf.epp",
            "<%- | Integer $port, String $bind = '127.0.0.1', Array $hosts = [] | -%>\n\
             <%# a comment -%>\n\
             listen <%= $bind %>:<%= $port %>\n\
             <% if $port > 1024 { -%>\n\
             unprivileged\n\
             <% } else { -%>\n\
             privileged\n\
             <% } -%>\n\
             <% $hosts.each |$h| { -%>\n\
             host <%= $h %>\n\
             <% } -%>\n\
             all: <%= $hosts.join(',') %>\n",
        ),
    ]);
    let script = file(&p, "templates/demo.conf.py");
    assert!(script.contains("(an EPP template"), "{script}");
    assert_eq!(
        render(&p, "templates/demo.conf.py", r#"{"port": 8080, "hosts": "[\"a\", \"b\"]"}"#),
        "listen 127.0.0.1:8080\nunprivileged\nhost a\nhost b\nall: a,b\n"
    );
    assert_eq!(
        render(&p, "templates/demo.conf.py", r#"{"port": 80, "hosts": "[\"c\"]"}"#),
        "listen 127.0.0.1:80\nprivileged\nhost c\nall: c\n"
    );
}

#[test]
fn a_directory_of_files_is_copied_whole() {
    let p = port(&[
        (
            "manifests/init.pp",
            "class demo {\n\
               file { '/etc/demo.d': ensure => directory, source => 'puppet:///modules/demo/conf.d', recurse => true, mode => '0640' }\n\
             }\n",
        ),
        ("files/conf.d/a.conf", "a=1\n"),
        ("files/conf.d/sub/b.conf", "b=2\n"),
    ]);
    assert_eq!(file(&p, "files/conf.d/a.conf"), "a=1\n");
    assert_eq!(file(&p, "files/conf.d/sub/b.conf"), "b=2\n");
    let hook = file(&p, "hooks/config-changed");
    assert!(hook.contains("cp -R \"$CHARM_DIR/files/conf.d/.\" '/etc/demo.d'/"), "{hook}");
    assert!(hook.contains("port_tree_attrs '/etc/demo.d' '' '' '0640'"), "{hook}");
    assert!(!file(&p, "PORTING.md").contains("recurse"), "{}", file(&p, "PORTING.md"));
}

#[test]
fn a_manifest_the_class_does_not_use_does_not_stop_the_port() {
    let broken = ("manifests/broken.pp", "class demo::broken {\n  file { '/a' ensure => file }\n}\n");
    let p = port(&[("manifests/init.pp", "class demo {\n  package { 'demo': }\n}\n"), broken]);
    assert_eq!((p.translated, p.total), (1, 1));
    let dir = tempfile::tempdir().expect("temp dir");
    let module = dir.path().join("demo");
    std::fs::create_dir_all(module.join("manifests")).expect("mkdir");
    std::fs::write(module.join("manifests/init.pp"), "class demo {\n  include demo::broken\n}\n").expect("write");
    std::fs::write(module.join(broken.0), broken.1).expect("write");
    let err = port_module(&module, None).expect_err("the class needs the broken manifest").to_string();
    assert!(err.ends_with("demo/manifests/broken.pp:2:15: expected `:`, found `ensure`"), "{err}");
}

#[test]
fn a_control_repository_with_hiera_5_answers_lookups_and_class_parameters() {
    let dir = tempfile::tempdir().expect("temp dir");
    let files = [
        ("environment.conf", "modulepath = site:missing\n"),
        (
            "hiera.yaml",
            "version: 5\ndefaults:\n  datadir: data\n  data_hash: yaml_data\nhierarchy:\n\
             \x20 - name: role\n    path: \"role/%{::role}.yaml\"\n\
             \x20 - name: per node\n    path: \"nodes/%{trusted.certname}.yaml\"\n\
             \x20 - name: common\n    paths: [common.yaml]\n",
        ),
        ("data/role/web.yaml", "profile::web::port: 8080\n"),
        (
            "data/common.yaml",
            "profile::web::port: 80\nprofile::web::motd: hello\nprofile::db::port: 5432\nhiera_name: site\n",
        ),
        ("site/role/manifests/web.pp", "class role::web {\n  include profile::web\n  include profile::db\n}\n"),
        (
            "site/profile/manifests/web.pp",
            "class profile::web(String $motd) {\n\
               $port = lookup('profile::web::port')\n\
               $name = hiera('hiera_name', 'x')\n\
               file { '/etc/motd': content => \"${motd} from ${name} on ${port}\\n\" }\n\
             }\n",
        ),
        ("site/profile/manifests/db.pp", "class profile::db(Integer $port) {\n  package { 'db': }\n}\n"),
    ];
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    let p = port_module(dir.path(), Some("role::web")).unwrap_or_else(|e| panic!("{e}"));
    let config = file(&p, "config.yaml");
    for needle in [
        // Automatic parameter lookup, then lookup() and hiera(); the role's level first.
        "  motd:\n    type: string\n    default: \"hello\"\n",
        "  port:\n    type: int\n    default: 8080\n",
        "  hiera_name:\n    type: string\n    default: \"site\"\n",
        // The second `port` takes its class's name.
        "  db_port:\n    type: int\n    default: 5432\n",
    ] {
        assert!(config.contains(needle), "{needle}\nnot in\n{config}");
    }
    assert_eq!(p.name, "web");
    let porting = file(&p, "PORTING.md");
    for needle in [
        "| environment.conf | module path directory `missing` is not there |",
        "| hiera.yaml | hiera level `per node` (`nodes/%{trusted.certname}.yaml`) depends on `%{trusted.certname}`: skipped |",
    ] {
        assert!(porting.contains(needle), "{needle}\nnot in\n{porting}");
    }
    let hook = file(&p, "hooks/config-changed");
    assert!(hook.contains("cfg_motd=\"$(config-get 'motd')\""), "{hook}");
    let err = port_module(dir.path(), None).expect_err("no class given").to_string();
    assert_eq!(err, "a control repository needs `--class`; its roles: role::web");
}

#[test]
fn groups_are_made_before_the_users_in_them() {
    let p = port(&[("manifests/init.pp", "class demo {\n  user { 'demo': gid => 'demo' }\n  group { 'demo': }\n}\n")]);
    let hook = file(&p, "hooks/install");
    let (group, user) = (hook.find("groupadd").expect("groupadd"), hook.find("useradd").expect("useradd"));
    assert!(group < user, "{hook}");
}

#[test]
fn a_branch_holding_only_untranslated_ruby_still_renders() {
    let p = port(&[
        (
            "manifests/init.pp",
            "class demo($x = true, $y = ['a']) {\n  file { '/etc/demo': content => template('demo/demo.erb') }\n}\n",
        ),
        (
            "templates/demo.erb",
            "<% if @x -%>\n<% @y.each_with_index do |a, i| -%>\n<%= a %>\n<% end -%>\n<% end -%>\ndone\n",
        ),
    ]);
    assert_eq!(render(&p, "templates/demo.py", r#"{"x": true, "y": "[\"a\"]"}"#), "done\n");
}

#[test]
fn a_file_whose_path_is_an_option_is_left_alone_while_the_option_is_empty() {
    let p = port(&[(
        "manifests/init.pp",
        "class demo(Optional[String] $conf = undef) {\n  file { $conf: content => \"x\\n\" }\n}\n",
    )]);
    let hook = file(&p, "hooks/config-changed");
    assert!(hook.contains("if [ -n \"${cfg_conf}\" ]; then :\n# file["), "{hook}");
}

#[test]
fn an_undef_string_option_decides_conditions_as_undef() {
    let p = port(&[(
        "manifests/init.pp",
        "class demo(Optional[String] $epp = undef, $erb = undef) {\n\
           if $epp and $erb { fail('not both') }\n\
           if $epp { package { 'with-epp': } } else { package { 'without-epp': } }\n\
         }\n",
    )]);
    let install = file(&p, "hooks/install");
    assert!(install.contains("'without-epp'") && !install.contains("'with-epp'"), "{install}");
    assert!(!file(&p, "PORTING.md").contains("`fail` reached"), "{}", file(&p, "PORTING.md"));
}

#[test]
fn a_title_on_several_lines_is_one_line_in_porting_md_and_the_hook() {
    let p = port(&[("manifests/init.pp", "class demo {\n  notify { \"first line\n    second line\": }\n}\n")]);
    assert!(file(&p, "PORTING.md").contains("resource `notify` `first line second line` is not translated"));
    let hook = file(&p, "hooks/config-changed");
    assert!(!hook.lines().any(|l| l.trim_start().starts_with("second line")), "{hook}");
}

#[test]
fn a_module_reached_through_a_link_is_named_after_the_link() {
    let dir = tempfile::tempdir().expect("temp dir");
    let real = dir.path().join("puppet-module-demo");
    std::fs::create_dir_all(real.join("manifests")).expect("mkdir");
    std::fs::create_dir_all(real.join("templates")).expect("mkdir");
    std::fs::write(
        real.join("manifests/init.pp"),
        "class demo {\n  file { '/etc/demo': content => template('demo/demo.erb') }\n}\n",
    )
    .expect("write");
    std::fs::write(real.join("templates/demo.erb"), "demo\n").expect("write");
    std::os::unix::fs::symlink(&real, dir.path().join("demo")).expect("link");
    let p = port_module(&dir.path().join("demo"), None).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(p.name, "demo");
    assert!(p.files.contains_key("templates/demo.py"));
}

#[test]
fn basemodulepath_stands_for_the_directories_given() {
    // A control repository laid out as many are: its own modules two levels down, reached
    // through puppet.conf's basemodulepath, which is not in the repository.
    let dir = tempfile::tempdir().expect("tempdir");
    let files = [
        ("environment.conf", "modulepath = ./modules:$basemodulepath\n"),
        ("modules/site/roles/manifests/web.pp", "class roles::web {\n  include profiles::web\n}\n"),
        ("modules/site/profiles/manifests/web.pp", "class profiles::web {\n  package { 'nginx': }\n}\n"),
    ];
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    let err = port_module(dir.path(), Some("roles::web")).expect_err("without the base module path").to_string();
    assert!(err.contains("--basemodulepath"), "{err}");
    let base = [std::path::PathBuf::from("modules/site")];
    let p = port_module_with(dir.path(), Some("roles::web"), &base).unwrap_or_else(|e| panic!("{e}"));
    assert!(file(&p, "hooks/install").contains("nginx"), "{}", file(&p, "hooks/install"));
    assert!(!file(&p, "PORTING.md").contains("$basemodulepath"), "{}", file(&p, "PORTING.md"));
}
