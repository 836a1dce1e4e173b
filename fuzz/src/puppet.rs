//! The entry points of formula-puppet that the fuzz targets `puppet` and `erb` (and
//! `formula-puppet/tests/puppet_random.rs`, which includes this file as a module) drive with
//! arbitrary bytes.
//!
//! Each function panics only when formula-puppet breaks a promise: it must never panic on any
//! input, and every position it reports must lie inside the text it points into.

use std::path::Path;

/// Parses `data` (lossily decoded) as a Puppet manifest; when it parses, ports it as the
/// module `m` in `dir` (class: its first class). Errors must point inside the text.
pub fn puppet(dir: &Path, data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    match formula_puppet::parse(&text) {
        Ok(_) => {
            let manifests = dir.join("manifests");
            std::fs::create_dir_all(&manifests).expect("create scratch module");
            std::fs::write(manifests.join("init.pp"), text.as_bytes()).expect("write scratch manifest");
            if let Ok(module) = formula_puppet::port::load_module(dir) {
                if let Some(class) = module.classes.keys().next() {
                    if let Ok(ported) = formula_puppet::port::port_module(dir, Some(class)) {
                        assert!(ported.translated <= ported.total, "more translated than seen");
                        assert!(ported.files.contains_key("PORTING.md"));
                    }
                }
            }
        }
        Err(e) => check_parse_error(&e, &text),
    }
}

/// Parses `data` as an ERB template and, when it parses, writes its python3 renderer.
pub fn erb(data: &[u8]) {
    use formula_puppet::{erb, port::template};
    let text = String::from_utf8_lossy(data);
    match erb::parse(&text) {
        Ok(nodes) => {
            let rendered = template::render_script("templates/t.erb", &nodes);
            assert!(rendered.script.ends_with("sys.stdout.write(\"\".join(out))\n"));
            for (pos, _) in rendered.gaps {
                assert!(pos.line >= 1 && pos.column >= 1, "gap at {pos:?}");
            }
        }
        Err(e) => check_parse_error(&e, &text),
    }
}

/// Parses `data` as an EPP template and, when it parses, writes its python3 renderer.
pub fn epp(data: &[u8]) {
    use formula_puppet::{epp, port::template};
    let text = String::from_utf8_lossy(data);
    match epp::parse(&text) {
        Ok(nodes) => {
            let rendered = template::render_script("templates/t.epp", &nodes);
            assert!(rendered.script.ends_with("sys.stdout.write(\"\".join(out))\n"));
            for (pos, _) in rendered.gaps {
                assert!(pos.line >= 1 && pos.column >= 1, "gap at {pos:?}");
            }
        }
        Err(e) => check_parse_error(&e, &text),
    }
}

/// Splits `data` at NUL bytes into `hiera.yaml`, `data/common.yaml` and `data/role/web.yaml`
/// (an empty first part: no `hiera.yaml`, and the two data files under `hieradata/`, as
/// `hieradata/common.yaml` and `hieradata/role/common/web.yaml`), writes them under `dir` and
/// reads the hierarchy for `role::web`, then looks keys up.
pub fn hiera(dir: &Path, data: &[u8]) {
    let mut parts = data.split(|b| *b == 0);
    let config = parts.next().unwrap_or_default();
    let common = parts.next().unwrap_or_default();
    let role = parts.next().unwrap_or_default();
    let _ = std::fs::remove_dir_all(dir);
    let files: Vec<(&str, &[u8])> = if config.is_empty() {
        vec![("hieradata/common.yaml", common), ("hieradata/role/common/web.yaml", role)]
    } else {
        vec![("hiera.yaml", config), ("data/common.yaml", common), ("data/role/web.yaml", role)]
    };
    for (path, bytes) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().expect("a parent")).expect("create scratch repository");
        std::fs::write(p, bytes).expect("write scratch file");
    }
    if let Some(h) = formula_puppet::port::hiera::Hiera::load(dir, "role::web") {
        for key in ["a", "profile::web::port", "x::y", ""] {
            if let Some(found) = h.lookup(key) {
                assert!(h.files().contains(&found.file.as_str()), "{} is not a level", found.file);
            }
        }
    }
}

fn check_parse_error(e: &formula_puppet::ParseError, text: &str) {
    assert!(e.pos.offset <= text.len(), "error offset {} is past the end ({})", e.pos.offset, text.len());
    assert!(e.pos.line >= 1 && e.pos.column >= 1, "error at {:?}", e.pos);
    assert!(e.pos.line <= text.lines().count() + 1, "error line {} past the text", e.pos.line);
    let _ = e.to_string();
}
