//! Hiera data of a control repository, as `lookup()`, `hiera()` and automatic class-parameter
//! lookup read it for one role.
//!
//! With a `hiera.yaml` (version 5) at the repository's root, its hierarchy is read in order:
//! each level's `path`, `paths` or `glob` under its `datadir` (else `defaults.datadir`, else
//! `data`). A path may interpolate the role (`%{::role}`, `%{role}`, `%{::_role}`,
//! `%{facts.role}`: `etherpad` for `role::etherpad`, `foo/bar` for `role::foo::bar`); a level
//! that interpolates anything else (a fact, the node's name) is skipped and listed. Without a
//! `hiera.yaml`, a `hieradata/` directory is read as `hieradata/role/common/ROLE.yaml`, then
//! `hieradata/common.yaml` (the layout of Wikimedia's operations/puppet). The first level that
//! has a key answers (Puppet's `first` merge).

use super::eval::Val;
use formula_sdk::yaml::{self, Node, NodeKind};
use std::path::Path;

/// One level of the hierarchy that exists.
#[derive(Debug)]
struct Level {
    /// The data file, relative to the repository (`hieradata/common.yaml`).
    file: String,
    /// Its top-level mapping.
    data: Node,
}

/// The hierarchy for one role, and what could not be read.
#[derive(Debug, Default)]
pub struct Hiera {
    levels: Vec<Level>,
    /// What was skipped and why (listed in PORTING.md).
    pub notes: Vec<String>,
}

/// A value found in the data.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    /// The value.
    pub value: Val,
    /// The data file that holds it.
    pub file: String,
}

impl Hiera {
    /// The hierarchy of the repository at `root` for `class` (a role, `role::NAME`, or any
    /// class: then the role's levels are skipped). `None` when the repository has no hiera
    /// data at all.
    pub fn load(root: &Path, class: &str) -> Option<Hiera> {
        let role = class.trim_start_matches("::").strip_prefix("role::").map(|r| r.replace("::", "/"));
        let config = root.join("hiera.yaml");
        let mut hiera = Hiera::default();
        let mut paths: Vec<String> = Vec::new();
        if let Ok(text) = std::fs::read_to_string(&config) {
            match yaml::parse(&text) {
                Ok(doc) => hiera.v5_paths(&doc, role.as_deref(), &mut paths),
                Err(e) => hiera.notes.push(format!("hiera.yaml: {e}: the hierarchy is not read")),
            }
        } else if root.join("hieradata").is_dir() {
            match &role {
                Some(r) => paths.push(format!("hieradata/role/common/{r}.yaml")),
                None => hiera.notes.push(format!("`{class}` is not a role: hieradata/role/ is not read")),
            }
            paths.push("hieradata/common.yaml".into());
        } else {
            return None;
        }
        for file in paths {
            let Ok(text) = std::fs::read_to_string(root.join(&file)) else { continue };
            match yaml::parse(&text) {
                Ok(data) if matches!(data.kind, NodeKind::Map(_)) => hiera.levels.push(Level { file, data }),
                Ok(_) => {}
                Err(e) => hiera.notes.push(format!("{file}: {e}: not read")),
            }
        }
        Some(hiera)
    }

    fn v5_paths(&mut self, doc: &Node, role: Option<&str>, out: &mut Vec<String>) {
        let version = doc.get("version").map(|v| &v.kind);
        if !matches!(version, Some(NodeKind::Int(5))) {
            self.notes.push("hiera.yaml is not version 5: the hierarchy is not read".into());
            return;
        }
        let text = |n: Option<&Node>| match n.map(|n| &n.kind) {
            Some(NodeKind::Str(s)) => Some(s.clone()),
            _ => None,
        };
        let default_dir = text(doc.get("defaults").and_then(|d| d.get("datadir"))).unwrap_or_else(|| "data".into());
        let Some(NodeKind::Seq(levels)) = doc.get("hierarchy").map(|h| &h.kind) else { return };
        for level in levels {
            let name = text(level.get("name")).unwrap_or_else(|| "(unnamed)".into());
            let dir = text(level.get("datadir")).unwrap_or_else(|| default_dir.clone());
            let mut files: Vec<String> = Vec::new();
            for key in ["path", "glob"] {
                files.extend(text(level.get(key)));
            }
            for key in ["paths", "globs"] {
                if let Some(NodeKind::Seq(items)) = level.get(key).map(|n| &n.kind) {
                    files.extend(items.iter().filter_map(|i| text(Some(i))));
                }
            }
            if level.get("data_hash").is_some_and(|d| text(Some(d)).as_deref() != Some("yaml_data"))
                || level.get("lookup_key").is_some()
            {
                self.notes.push(format!("hiera level `{name}`: a backend other than YAML files, not read"));
                continue;
            }
            for f in files {
                match interpolate(&f, role) {
                    Ok(path) => out.push(format!("{dir}/{path}")),
                    Err(what) => self.notes.push(format!("hiera level `{name}` (`{f}`) depends on {what}: skipped")),
                }
            }
        }
    }

    /// The value of `key`, from the first level that has it.
    pub fn lookup(&self, key: &str) -> Option<Found> {
        let key = key.trim_start_matches("::");
        self.levels.iter().find_map(|l| l.data.get(key).map(|v| Found { value: to_val(v), file: l.file.clone() }))
    }

    /// The data files read, in order.
    pub fn files(&self) -> Vec<&str> {
        self.levels.iter().map(|l| l.file.as_str()).collect()
    }
}

/// `%{…}` in a hierarchy path: the role, or what else it names (`Err`).
fn interpolate(path: &str, role: Option<&str>) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = path;
    while let Some(at) = rest.find("%{") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let Some(end) = after.find('}') else { return Err("an unclosed `%{`".into()) };
        let var = after[..end].trim().trim_start_matches("::");
        match (var, role) {
            ("role" | "_role" | "facts.role" | "trusted.extensions.pp_role", Some(r)) => out.push_str(r),
            ("role" | "_role" | "facts.role" | "trusted.extensions.pp_role", None) => {
                return Err("the role, and the class is not a role".into())
            }
            (other, _) => return Err(format!("`%{{{other}}}`")),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// A YAML value as the walk's value.
pub fn to_val(n: &Node) -> Val {
    match &n.kind {
        NodeKind::Null => Val::Undef,
        NodeKind::Bool(b) => Val::Bool(*b),
        NodeKind::Int(i) => Val::Num(i.to_string()),
        NodeKind::Float(f) => Val::Num(yaml::format_float(*f)),
        NodeKind::Str(s) => Val::Str(s.clone()),
        NodeKind::Seq(items) => Val::Array(items.iter().map(to_val).collect()),
        NodeKind::Map(pairs) => Val::Hash(
            pairs
                .iter()
                .map(|(k, v)| {
                    let key = match &k.kind {
                        NodeKind::Str(s) => s.clone(),
                        other => to_val(&Node { kind: other.clone(), span: k.span }).text().unwrap_or_default(),
                    };
                    (key, to_val(v))
                })
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_role_is_interpolated_and_other_variables_skip_the_level() {
        assert_eq!(interpolate("role/%{::role}.yaml", Some("etherpad")), Ok("role/etherpad.yaml".into()));
        assert_eq!(interpolate("common.yaml", None), Ok("common.yaml".into()));
        assert_eq!(interpolate("hosts/%{trusted.certname}.yaml", Some("x")), Err("`%{trusted.certname}`".into()));
        assert!(interpolate("role/%{role}.yaml", None).is_err());
    }
}
