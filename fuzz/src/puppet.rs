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

fn check_parse_error(e: &formula_puppet::ParseError, text: &str) {
    assert!(e.pos.offset <= text.len(), "error offset {} is past the end ({})", e.pos.offset, text.len());
    assert!(e.pos.line >= 1 && e.pos.column >= 1, "error at {:?}", e.pos);
    assert!(e.pos.line <= text.lines().count() + 1, "error line {} past the text", e.pos.line);
    let _ = e.to_string();
}
