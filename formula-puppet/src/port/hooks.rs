//! The hooks of a ported formula, as bash: install (users, groups, packages), config-changed
//! (files, directories, links and execs in dependency order; restarts of the services a
//! changed file notifies), start and stop (services), and the shell library they share.

use super::eval::{Piece, Res, Val, Walked};
use super::Todo;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The shell functions every hook sources from `lib/port-puppet.sh`.
pub const SHELL_LIBRARY: &str = r#"# Shell functions of hooks written by `formula port-puppet`.
# shellcheck shell=bash

PORT_STATE="${CHARM_DIR:-.}/.port-puppet"
mkdir -p "$PORT_STATE"

# port_install TMP DEST OWNER GROUP MODE: puts the rendered TMP at DEST when its content
# differs, sets owner, group and mode, and sets PORT_CHANGED to 1 when the content changed
# (sha256 before and after), else 0.
port_install() {
    local tmp="$1" dest="$2" owner="$3" group="$4" mode="$5" before after
    if [ -z "$dest" ]; then
        # A path from an option left empty: nothing to write.
        juju-log -l WARNING "a file's path is empty (an option without a value): not written"
        rm -f "$tmp"
        PORT_CHANGED=0
        return 0
    fi
    before="$(sha256sum "$dest" 2>/dev/null | cut -d' ' -f1 || true)"
    after="$(sha256sum "$tmp" | cut -d' ' -f1)"
    mkdir -p "$(dirname "$dest")"
    if [ "$before" != "$after" ]; then
        cat "$tmp" > "$dest.port-puppet-new"
        mv -f "$dest.port-puppet-new" "$dest"
        PORT_CHANGED=1
    else
        PORT_CHANGED=0
    fi
    rm -f "$tmp"
    port_attrs "$dest" "$owner" "$group" "$mode"
}

# port_attrs PATH OWNER GROUP MODE: empty values are left as they are. An owner or group
# that does not exist yet (its package is not installed) is logged, not fatal.
port_attrs() {
    local path="$1" owner="$2" group="$3" mode="$4"
    if [ -n "$mode" ]; then chmod "$mode" "$path"; fi
    if [ -n "$owner" ]; then
        if id -u "$owner" >/dev/null 2>&1; then chown "$owner" "$path"; else juju-log -l WARNING "user $owner does not exist; $path keeps its owner"; fi
    fi
    if [ -n "$group" ]; then
        if getent group "$group" >/dev/null 2>&1; then chgrp "$group" "$path"; else juju-log -l WARNING "group $group does not exist; $path keeps its group"; fi
    fi
}

# port_tree_attrs DIR OWNER GROUP MODE: owner, group and mode for a directory tree (`recurse`);
# directories get the search bit wherever the mode lets read, as Puppet gives them.
port_tree_attrs() {
    local path="$1" owner="$2" group="$3" mode="$4"
    if [[ "$mode" =~ ^[0-7]+$ ]]; then
        find "$path" -type f -exec chmod "$mode" {} +
        find "$path" -type d -exec chmod "$(printf '%o' $(( 8#$mode | ((8#$mode & 0444) >> 2) )))" {} +
    fi
    if [ -n "$owner" ] && id -u "$owner" >/dev/null 2>&1; then chown -R "$owner" "$path"; fi
    if [ -n "$group" ] && getent group "$group" >/dev/null 2>&1; then chgrp -R "$group" "$path"; fi
}

# port_tree_sum DIR: a digest of the files under DIR (empty input when there is none).
port_tree_sum() {
    find "$1" -type f -print0 2>/dev/null | sort -z | xargs -0 -r sha256sum | sha256sum
}

# port_open_port NAME PORT: opens PORT/tcp and closes the one opened before under NAME.
port_open_port() {
    local name="$1" port="$2" old=""
    old="$(cat "$PORT_STATE/port-$name" 2>/dev/null || true)"
    if [ -n "$old" ] && [ "$old" != "$port" ]; then close-port "$old/tcp"; fi
    if [ -n "$port" ]; then open-port "$port/tcp"; fi
    printf '%s' "$port" > "$PORT_STATE/port-$name"
}

# port_package_spec NAME ENSURE: NAME, or NAME=VERSION when ENSURE is a version.
port_package_spec() {
    case "$2" in
        ""|present|installed|latest) printf '%s' "$1" ;;
        *) printf '%s=%s' "$1" "$2" ;;
    esac
}

# port_started SERVICE: whether the start hook has started SERVICE (restarts wait for it).
port_started() {
    [ -e "$PORT_STATE/started-$1" ]
}
"#;

/// Quotes text for bash.
pub fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The shell variable holding option `name`.
pub fn option_var(name: &str) -> String {
    let clean: String = name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    format!("cfg_{clean}")
}

/// A bash word for a value made of pieces; `None` when the value is not text.
pub fn word(v: &Val) -> Option<String> {
    let pieces = v.pieces()?;
    if pieces.is_empty() {
        return Some("''".into());
    }
    Some(
        pieces
            .iter()
            .map(|p| match p {
                Piece::Text(t) => quote(t),
                Piece::Option(o) => format!("\"${{{}}}\"", option_var(o)),
                Piece::Shell(s) => format!("\"{s}\""),
            })
            .collect(),
    )
}

fn attr_word(r: &Res, name: &str) -> String {
    r.attrs.get(name).and_then(word).unwrap_or_else(|| "''".into())
}

fn attr_text(r: &Res, name: &str) -> Option<String> {
    r.attrs.get(name).and_then(Val::text)
}

/// What the hooks need besides the resources.
pub struct HookInput<'a> {
    /// The walk.
    pub walked: &'a Walked,
    /// Where the class comes from, for the hooks' header (`the Puppet module `memcached``).
    pub origin: &'a str,
    /// Template path (as `template()` names it) → script path in the formula, and the
    /// variables the template reads.
    pub templates: &'a BTreeMap<String, (String, Vec<String>)>,
    /// Files the modules ship (`m/x` as `puppet:///modules/m/x` names it) → their path in the
    /// formula, and whether it is a directory.
    pub module_files: &'a BTreeMap<String, (String, bool)>,
    /// Ports written literally in templates.
    pub template_ports: &'a [u16],
}

const OPTIONS_PLACE: &str = "@@options@@\n";

fn header(name: &str, what: &str, input: &HookInput) -> String {
    format!(
        "#!/bin/bash\n# {name}: {what}\n# Written by `formula port-puppet` from {}; see PORTING.md.\nset -eu\n. \"$CHARM_DIR/lib/port-puppet.sh\"\n{OPTIONS_PLACE}\n",
        input.origin
    )
}

/// Puts the reads of the options the hook uses where the header left room for them.
fn finish(s: String, input: &HookInput) -> String {
    let mut reads = String::new();
    for o in &input.walked.options {
        let var = option_var(&o.name);
        if s.contains(&format!("${{{var}}}")) || s.contains(&format!("\"${var}\"")) {
            let _ = writeln!(reads, "{var}=\"$(config-get {})\"", quote(&o.name));
        }
    }
    if !reads.is_empty() {
        reads.insert(0, '\n');
    }
    s.replacen(OPTIONS_PLACE, &reads, 1)
}

fn todo_line(t: &Todo) -> String {
    format!("# TODO(port-puppet): {} ({}): {}\n", t.what, t.at, t.action)
}

/// Resources in an order that honours `require`/`before`/chains, else manifest order.
pub fn ordered(walked: &Walked) -> Vec<usize> {
    let n = walked.resources.len();
    let res = &walked.resources;
    let mut after: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (from, to, _) in &walked.edges {
        for (i, target) in res.iter().enumerate() {
            if target.answers_to(to) {
                for (j, source) in res.iter().enumerate() {
                    if source.answers_to(from) && i != j && !after[i].contains(&j) {
                        after[i].push(j);
                    }
                }
            }
        }
    }
    let mut done = vec![false; n];
    let mut out = Vec::new();
    while out.len() < n {
        let next =
            (0..n).find(|&i| !done[i] && after[i].iter().all(|&j| done[j])).or_else(|| (0..n).find(|&i| !done[i]));
        let Some(i) = next else { break };
        done[i] = true;
        out.push(i);
    }
    out
}

/// Services (indexes) each resource notifies, directly or by subscription.
fn notified(walked: &Walked, from: usize) -> Vec<usize> {
    let source = &walked.resources[from];
    let mut out = Vec::new();
    for (f, to, notify) in &walked.edges {
        if *notify && source.answers_to(f) {
            for (i, r) in walked.resources.iter().enumerate() {
                if r.answers_to(to) && i != from && !out.contains(&i) {
                    out.push(i);
                }
            }
        }
    }
    out
}

fn service_name(r: &Res) -> String {
    r.attrs.get("name").and_then(word).or_else(|| word(&r.title)).unwrap_or_default()
}

fn uses_systemctl(r: &Res, walked: &Walked) -> bool {
    let name = r.title.text().unwrap_or_default();
    attr_text(r, "provider").is_some_and(|p| p == "systemd")
        || walked.resources.iter().any(|f| {
            f.kind == "file" && {
                let path = attr_text(f, "path").or_else(|| f.title.text()).unwrap_or_default();
                path.contains("/systemd/system/") && path.ends_with(&format!("/{name}.service"))
            }
        })
}

fn service_running(r: &Res) -> bool {
    !matches!(attr_text(r, "ensure").as_deref(), Some("stopped" | "false"))
}

/// The install hook: groups, users and packages.
pub fn install(input: &HookInput) -> String {
    let w = input.walked;
    let mut s = header("install", "users, groups and packages of the module", input);
    let mut install = Vec::new();
    let mut remove = Vec::new();
    // Groups first: a user's group is there before the user (Puppet's autorequire).
    let mut order = ordered(w);
    order.sort_by_key(|&i| w.resources[i].kind != "group");
    for &i in &order {
        let r = &w.resources[i];
        let name = r.attrs.get("name").and_then(word).or_else(|| word(&r.title)).unwrap_or_default();
        match r.kind.as_str() {
            "group" => {
                let _ =
                    writeln!(s, "# {} ({})\ngetent group {name} >/dev/null || groupadd --system {name}", key(r), r.at);
            }
            "user" => {
                let mut args = String::from("--system");
                for (attr, flag) in
                    [("gid", "--gid"), ("home", "--home-dir"), ("shell", "--shell"), ("comment", "--comment")]
                {
                    if r.attrs.contains_key(attr) {
                        let _ = write!(args, " {flag} {}", attr_word(r, attr));
                    }
                }
                let _ = writeln!(s, "# {} ({})", key(r), r.at);
                if r.attrs.contains_key("gid") {
                    let _ = writeln!(s, "id -u {name} >/dev/null 2>&1 || useradd {args} {name}");
                } else {
                    // useradd refuses to make a group of the user's name that exists already.
                    let _ = writeln!(
                        s,
                        "if ! id -u {name} >/dev/null 2>&1; then\n    if getent group {name} >/dev/null; then useradd {args} --gid {name} {name}; else useradd {args} {name}; fi\nfi"
                    );
                }
            }
            "package" => {
                if let Some(p) = attr_text(r, "provider").filter(|p| p != "apt" && p != "dpkg") {
                    let _ = writeln!(
                        s,
                        "# TODO(port-puppet): package {} uses provider `{p}` ({}): install it by hand",
                        key(r),
                        r.at
                    );
                    continue;
                }
                if let Some(Val::Dyn(_)) = r.attrs.get("ensure") {
                    let ensure = attr_word(r, "ensure");
                    install.push(format!("\"$(port_package_spec {name} {ensure})\""));
                    continue;
                }
                match attr_text(r, "ensure").as_deref() {
                    Some("absent" | "purged") => remove.push(name),
                    None | Some("present" | "installed" | "latest") => install.push(name),
                    Some(version) => install.push(format!("{name}={}", quote(version))),
                }
            }
            _ => {}
        }
    }
    if !install.is_empty() || !remove.is_empty() {
        s.push_str("apt-get update -q\n");
    }
    if !install.is_empty() {
        let _ = writeln!(s, "apt-get install -y -q --no-install-recommends {}", install.join(" "));
    }
    if !remove.is_empty() {
        let _ = writeln!(s, "apt-get remove -y -q {}", remove.join(" "));
    }
    finish(s, input)
}

fn key(r: &Res) -> String {
    format!("{}['{}']", r.kind, r.key().split_once('[').map(|(_, t)| t.trim_end_matches(']')).unwrap_or(""))
}

/// The config-changed hook: files, execs, ports and the restarts they call for.
pub fn config_changed(input: &HookInput, todos: &[Todo]) -> String {
    let w = input.walked;
    let mut s =
        header("config-changed", "files and execs of the module, and restarts when a notifying file changed", input);
    let order = ordered(w);
    for &i in &order {
        if matches!(w.resources[i].kind.as_str(), "file" | "exec") {
            let _ = writeln!(s, "changed_{i}=0");
        }
    }
    let services: Vec<usize> = (0..w.resources.len()).filter(|&i| w.resources[i].kind == "service").collect();
    for &i in &services {
        let _ = writeln!(s, "restart_{i}=0");
    }
    s.push('\n');
    let mut placed = vec![false; todos.len()];
    for &i in &order {
        for (t, todo) in todos.iter().enumerate() {
            if !placed[t] && todo.before <= i {
                placed[t] = true;
                s.push_str(&todo_line(todo));
            }
        }
        let r = &w.resources[i];
        let before = s.len();
        match r.kind.as_str() {
            "file" => file(&mut s, i, r, input),
            "exec" => exec(&mut s, i, r, w),
            _ => continue,
        }
        if s.len() == before {
            continue;
        }
        for target in notified(w, i) {
            let kind = w.resources[target].kind.as_str();
            if kind == "service" || kind == "exec" {
                let flag = if kind == "service" { format!("restart_{target}") } else { format!("refresh_{target}") };
                let _ = writeln!(s, "if [ \"$changed_{i}\" = 1 ]; then {flag}=1; fi");
            }
        }
        s.push('\n');
    }
    for (t, todo) in todos.iter().enumerate() {
        if !placed[t] {
            s.push_str(&todo_line(todo));
        }
    }
    let mut ports = Vec::new();
    for o in &w.options {
        if o.kind == "int" && (o.name == "port" || o.name.ends_with("_port") || o.name.starts_with("port_")) {
            ports.push(format!("port_open_port {} \"${}\"", quote(&o.name), option_var(&o.name)));
        }
    }
    for p in input.template_ports {
        ports.push(format!("open-port {p}/tcp"));
    }
    if !ports.is_empty() {
        s.push_str("\n# Ports from the class parameters and the templates.\n");
        for p in ports {
            s.push_str(&p);
            s.push('\n');
        }
    }
    for &i in &services {
        let r = &w.resources[i];
        if !service_running(r) {
            continue;
        }
        let name = service_name(r);
        let restart = match r.attrs.get("restart").and_then(word) {
            Some(cmd) => format!("sh -c {cmd}"),
            None if uses_systemctl(r, w) => format!("systemctl restart {name}"),
            None => format!("service {name} restart"),
        };
        let _ = writeln!(
            s,
            "\n# {} ({}): restarted only when a file that notifies it changed, once started.\nif [ \"$restart_{i}\" = 1 ] && port_started {name}; then\n    {restart}\nfi",
            key(r),
            r.at
        );
    }
    finish(s, input)
}

fn file(s: &mut String, i: usize, r: &Res, input: &HookInput) {
    let path = r.attrs.get("path").unwrap_or(&r.title);
    match (path, word(path)) {
        // An option gives the path: nothing to do while it is empty.
        (Val::Dyn(_), Some(p)) => {
            let _ = writeln!(s, "if [ -n {p} ]; then :");
            file_at(s, i, r, input);
            s.push_str("fi\n");
        }
        _ => file_at(s, i, r, input),
    }
}

fn file_at(s: &mut String, i: usize, r: &Res, input: &HookInput) {
    let path = r.attrs.get("path").and_then(word).or_else(|| word(&r.title));
    let Some(path) = path else {
        let _ = writeln!(s, "# TODO(port-puppet): file {} has a path the port cannot follow ({})", key(r), r.at);
        return;
    };
    let (owner, group, mode) = (attr_word(r, "owner"), attr_word(r, "group"), attr_word(r, "mode"));
    let ensure = attr_text(r, "ensure").unwrap_or_else(|| "file".into());
    let _ = writeln!(s, "# {} ({})", key(r), r.at);
    match ensure.as_str() {
        "absent" => {
            let _ = writeln!(s, "if [ -e {path} ]; then rm -rf {path}; changed_{i}=1; fi");
        }
        _ if module_file(r.attrs.get("source"), input).is_some_and(|(_, dir)| dir) => {
            // A directory of the module's files/, copied whole (`recurse`).
            let (rel, _) = module_file(r.attrs.get("source"), input).unwrap_or_default();
            let _ = writeln!(
                s,
                "before=\"$(port_tree_sum {path})\"\nmkdir -p {path}\ncp -R \"$CHARM_DIR/{rel}/.\" {path}/\nport_tree_attrs {path} {owner} {group} {mode}\nif [ \"$before\" != \"$(port_tree_sum {path})\" ]; then changed_{i}=1; fi"
            );
        }
        "directory" => {
            if r.attrs.contains_key("source") {
                let _ = writeln!(
                    s,
                    "# TODO(port-puppet): directory {} has a `source` ({}): copy its tree by hand",
                    key(r),
                    r.at
                );
            }
            let _ = writeln!(s, "mkdir -p {path}\nport_attrs {path} {owner} {group} {mode}");
        }
        "link" => {
            let target = attr_word(r, "target");
            let _ = writeln!(
                s,
                "if [ \"$(readlink {path} || true)\" != {target} ]; then ln -sfn {target} {path}; changed_{i}=1; fi"
            );
        }
        _ if r.attrs.contains_key("target") => {
            let target = attr_word(r, "target");
            let _ = writeln!(
                s,
                "if [ \"$(readlink {path} || true)\" != {target} ]; then ln -sfn {target} {path}; changed_{i}=1; fi"
            );
        }
        _ => {
            let content = r.attrs.get("content").or_else(|| r.attrs.get("source"));
            let render = match content {
                // A template that was not translated: the file is left as it is.
                Some(Val::Template(paths)) if paths.iter().any(|p| !input.templates.contains_key(p)) => None,
                Some(Val::Template(paths)) => {
                    let mut lines = Vec::new();
                    for p in paths {
                        let (script, used) = input.templates.get(p).cloned().unwrap_or_default();
                        let bindings = bindings(r, input.walked, &used);
                        lines.push(format!("python3 \"$CHARM_DIR/{script}\" {} >> \"$tmp\"", quote(&bindings)));
                    }
                    Some(lines.join("\n"))
                }
                Some(Val::ModuleFile(_)) | Some(Val::Array(_)) if module_file(content, input).is_some() => {
                    let (rel, _) = module_file(content, input).unwrap_or_default();
                    Some(format!("cat \"$CHARM_DIR/{rel}\" > \"$tmp\""))
                }
                Some(v) => word(v).map(|w| format!("printf '%s' {w} > \"$tmp\"")),
                None => Some(": > \"$tmp\"".into()),
            };
            match render {
                Some(render) => {
                    if attr_text(r, "replace").is_some_and(|v| v == "false" || v == "no") {
                        let _ = writeln!(s, "if [ ! -e {path} ]; then");
                    }
                    let _ = writeln!(
                        s,
                        "tmp=\"$(mktemp)\"\n{render}\nport_install \"$tmp\" {path} {owner} {group} {mode}\nchanged_{i}=$PORT_CHANGED"
                    );
                    if attr_text(r, "replace").is_some_and(|v| v == "false" || v == "no") {
                        s.push_str("fi\n");
                    }
                    if path.contains("/systemd/system/") {
                        let _ = writeln!(s, "if [ \"$changed_{i}\" = 1 ]; then systemctl daemon-reload; fi");
                    }
                }
                None => {
                    let _ = writeln!(
                        s,
                        "# TODO(port-puppet): the content of {} is not known to the port ({}): write it by hand",
                        key(r),
                        r.at
                    );
                }
            }
        }
    }
}

/// `puppet:///modules/M/x` or `file('M/x')` the port copied → its path in the formula
/// (`files/x`) and whether it is a directory.
fn module_file(v: Option<&Val>, input: &HookInput) -> Option<(String, bool)> {
    match v? {
        Val::ModuleFile(p) => input.module_files.get(p).cloned(),
        Val::Array(items) => items.iter().find_map(|i| module_file(Some(i), input)),
        _ => None,
    }
}

/// The JSON the template script gets: each variable visible to the resource, as a literal,
/// an option, or text made of both.
fn bindings(r: &Res, walked: &Walked, used: &[String]) -> String {
    let json_options: Vec<&str> = walked.options.iter().filter(|o| o.json).map(|o| o.name.as_str()).collect();
    let undef_options: Vec<&str> =
        walked.options.iter().filter(|o| o.empty_is_undef).map(|o| o.name.as_str()).collect();
    fn bind(v: &Val, json_options: &[&str], undef_options: &[&str]) -> serde_json::Value {
        use serde_json::json;
        match v {
            Val::Str(s) => json!({ "value": s }),
            Val::Num(n) => match n.parse::<i64>() {
                Ok(i) => json!({ "value": i }),
                Err(_) => n.parse::<f64>().map(|f| json!({ "value": f })).unwrap_or(json!({ "value": n })),
            },
            Val::Bool(b) => json!({ "value": b }),
            Val::Dyn(pieces) if pieces.len() == 1 && matches!(pieces[0], Piece::Option(_)) => match &pieces[0] {
                Piece::Option(o) if json_options.contains(&o.as_str()) => json!({ "option": o, "json": true }),
                Piece::Option(o) if undef_options.contains(&o.as_str()) => json!({ "option": o, "undef": true }),
                Piece::Option(o) => json!({ "option": o }),
                _ => json!({}),
            },
            Val::Dyn(pieces) => json!({ "concat": pieces.iter().map(|p| match p {
                Piece::Text(t) => json!({ "value": t }),
                Piece::Option(o) => json!({ "option": o }),
                Piece::Shell(_) => json!({ "value": "" }),
            }).collect::<Vec<_>>() }),
            Val::Array(items) => {
                json!({ "list": items.iter().map(|i| bind(i, json_options, undef_options)).collect::<Vec<_>>() })
            }
            Val::Hash(pairs) => {
                json!({ "hash": pairs.iter().map(|(k, v)| json!([k, bind(v, json_options, undef_options)])).collect::<Vec<_>>() })
            }
            _ => json!({ "value": null }),
        }
    }
    let mut map = serde_json::Map::new();
    for name in used {
        let v = r.vars.get(name).cloned().unwrap_or(Val::Undef);
        map.insert(name.clone(), bind(&v, &json_options, &undef_options));
    }
    serde_json::Value::Object(map).to_string()
}

fn exec(s: &mut String, i: usize, r: &Res, w: &Walked) {
    let Some(command) = r.attrs.get("command").or(Some(&r.title)).and_then(word) else {
        let _ = writeln!(s, "# TODO(port-puppet): exec {} has a command the port cannot follow ({})", key(r), r.at);
        return;
    };
    let _ = writeln!(s, "# {} ({})", key(r), r.at);
    let run = |cmd: &str| -> String {
        let mut prefix = String::new();
        if let Some(cwd) = r.attrs.get("cwd").and_then(word) {
            let _ = write!(prefix, "cd {cwd} && ");
        }
        let mut env = String::new();
        if let Some(path) = r.attrs.get("path") {
            let dirs: Vec<String> = match path {
                Val::Array(items) => items.iter().filter_map(Val::text).collect(),
                other => other.text().map(|t| t.split(':').map(str::to_string).collect()).unwrap_or_default(),
            };
            // The hook's PATH stays first, so that stubs and hook tools keep working.
            let _ = write!(env, "PATH=\"$PATH:{}\" ", dirs.join(":").replace('"', ""));
        }
        let vars: Vec<Val> = match r.attrs.get("environment") {
            Some(Val::Array(items)) => items.clone(),
            Some(v) => vec![v.clone()],
            None => Vec::new(),
        };
        for v in vars {
            if let Some((k, val)) =
                v.text().and_then(|t| t.split_once('=').map(|(a, b)| (a.to_string(), b.to_string())))
            {
                let _ = write!(env, "{k}={} ", quote(&val));
            }
        }
        let user = r.attrs.get("user").and_then(word).map(|u| format!("runuser -u {u} -- ")).unwrap_or_default();
        format!("({prefix}{env}{user}sh -c {cmd})")
    };
    let mut guards = Vec::new();
    if let Some(creates) = r.attrs.get("creates").and_then(word) {
        guards.push(format!("[ ! -e {creates} ]"));
    }
    if let Some(unless) = r.attrs.get("unless").and_then(word) {
        guards.push(format!("! {}", run(&unless)));
    }
    if let Some(onlyif) = r.attrs.get("onlyif").and_then(word) {
        guards.push(run(&onlyif));
    }
    if attr_text(r, "refreshonly").is_some_and(|v| v == "true") {
        guards.insert(0, format!("[ \"${{refresh_{i}:-0}}\" = 1 ]"));
        let notifiers = w.edges.iter().filter(|(_, to, n)| *n && r.answers_to(to)).count();
        if notifiers == 0 {
            let _ =
                writeln!(s, "# TODO(port-puppet): exec {} is refreshonly but nothing translated notifies it", key(r));
        }
    }
    let body = format!("{}\nchanged_{i}=1", run(&command));
    if guards.is_empty() {
        let _ = writeln!(s, "{body}");
    } else {
        let _ = writeln!(s, "if {}; then\n    {}\nfi", guards.join(" && "), body.replace('\n', "\n    "));
    }
}

/// The start hook: enable and start the services, then mark them started.
pub fn start(input: &HookInput) -> String {
    let w = input.walked;
    let mut s = header("start", "services of the module", input);
    for r in w.resources.iter().filter(|r| r.kind == "service") {
        let name = service_name(r);
        let _ = writeln!(s, "# {} ({})", key(r), r.at);
        let systemctl = uses_systemctl(r, w);
        if !service_running(r) {
            let stop = if systemctl { format!("systemctl stop {name}") } else { format!("service {name} stop") };
            let _ = writeln!(s, "{stop}");
            continue;
        }
        if systemctl && attr_text(r, "enable").is_some_and(|e| e == "true") {
            let _ = writeln!(s, "systemctl enable {name}");
        }
        let start = match r.attrs.get("start").and_then(word) {
            Some(cmd) => format!("sh -c {cmd}"),
            None if systemctl => format!("systemctl start {name}"),
            None => format!("service {name} start"),
        };
        let _ = writeln!(s, "{start}\ntouch \"$PORT_STATE/started-\"{name}");
    }
    s.push_str("status-set active ''\n");
    finish(s, input)
}

/// The stop hook: stop the services.
pub fn stop(input: &HookInput) -> String {
    let w = input.walked;
    let mut s = header("stop", "services of the module", input);
    for r in w.resources.iter().filter(|r| r.kind == "service") {
        let name = service_name(r);
        let stop = match r.attrs.get("stop").and_then(word) {
            Some(cmd) => format!("sh -c {cmd}"),
            None if uses_systemctl(r, w) => format!("systemctl stop {name}"),
            None => format!("service {name} stop"),
        };
        let _ = writeln!(s, "# {} ({})\n{stop}\nrm -f \"$PORT_STATE/started-\"{name}", key(r), r.at);
    }
    finish(s, input)
}
