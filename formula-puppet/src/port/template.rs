//! ERB templates as python3 scripts: each template becomes a script that reads the formula's
//! config with `config-get --format=json`, binds the template's variables (given as JSON on
//! the command line: literals, options, or text made of both) and prints the rendered file.
//! Only python3's standard library is used, so a stock Ubuntu unit renders it as is.

use crate::erb::{ErbNode, RbExpr};
use crate::Pos;
use std::collections::BTreeSet;

/// The runtime shared by every rendered template: Ruby's truthiness and `to_s`, and the few
/// methods templates call.
const PRELUDE: &str = r#"import json
import re
import subprocess
import sys


def _config():
    out = subprocess.run(["config-get", "--format=json"], check=True, capture_output=True, text=True).stdout
    return json.loads(out or "{}") or {}


CONFIG = _config()


def _bind(b):
    if "option" in b:
        value = CONFIG.get(b["option"])
        if b.get("undef") and value == "":
            return None
        if b.get("json") and isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value
    if "concat" in b:
        return "".join(_s(_bind(x)) for x in b["concat"])
    if "list" in b:
        return [_bind(x) for x in b["list"]]
    if "hash" in b:
        return {k: _bind(v) for k, v in b["hash"]}
    return b.get("value")


def _t(v):
    """Ruby truthiness: only nil and false are false."""
    return v is not None and v is not False


def _s(v):
    """Ruby's to_s."""
    if v is None:
        return ""
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, list):
        return "".join(_s(x) for x in v)
    return str(v)


def _items(v):
    if isinstance(v, dict):
        return sorted(v.items())
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


def _idx(v, i):
    try:
        return v[i]
    except (KeyError, IndexError, TypeError):
        return None


def _m(v, name, *args):
    if name in ("to_s", "strip", "chomp"):
        return _s(v).strip() if name != "to_s" else _s(v)
    if name == "to_i":
        try:
            return int(_s(v) or 0)
        except ValueError:
            return 0
    if name == "upcase":
        return _s(v).upper()
    if name == "downcase":
        return _s(v).lower()
    if name in ("empty?",):
        return v is None or len(v) == 0
    if name == "nil?":
        return v is None
    if name in ("size", "length", "count"):
        return len(v or [])
    if name == "join":
        return (_s(args[0]) if args else "").join(_s(x) for x in _items(v))
    if name == "sort":
        return sorted(v.items()) if isinstance(v, dict) else sorted(v or [])
    if name == "keys":
        return sorted((v or {}).keys())
    if name == "values":
        return [x for _, x in sorted((v or {}).items())]
    if name in ("include?", "key?", "has_key?"):
        return args[0] in (v or [])
    if name == "split":
        return _s(v).split(_s(args[0]) if args else None)
    if name == "first":
        return _idx(v, 0)
    if name == "last":
        return _idx(v, -1)
    if name == "uniq":
        return list(dict.fromkeys(v or []))
    raise SystemExit("template calls the Ruby method %s, which the port does not know" % name)


VARS = {k: _bind(v) for k, v in json.loads(sys.argv[1] if len(sys.argv) > 1 else "{}").items()}
out = []
"#;

/// The Ruby methods `_m` of the prelude knows.
const KNOWN_METHODS: &[&str] = &[
    "to_s", "strip", "chomp", "to_i", "upcase", "downcase", "empty?", "nil?", "size", "length", "count", "join",
    "sort", "keys", "values", "include?", "key?", "has_key?", "split", "first", "last", "uniq",
];

/// A problem left for a person: line and column in the template, and what.
pub type Gap = (Pos, String);

/// The python3 script for a parsed template; the gaps are Ruby the port could not translate.
pub fn render_script(source_name: &str, nodes: &[ErbNode]) -> Rendered {
    let mut g =
        Gen { code: String::new(), gaps: Vec::new(), locals: Vec::new(), used: BTreeSet::new(), pending: Vec::new() };
    g.nodes(nodes, 0);
    let mut script = format!(
        "#!/usr/bin/env python3\n\"\"\"Renders {source_name} (an ERB template of the Puppet module) with the formula's config.\n\nWritten by `formula port-puppet`. Usage: python3 THIS_FILE 'VARIABLES_AS_JSON' > FILE\n\"\"\"\n{PRELUDE}"
    );
    script.push_str(&g.code);
    script.push_str("sys.stdout.write(\"\".join(out))\n");
    Rendered { script, gaps: g.gaps, variables: g.used.into_iter().collect() }
}

/// A template as a python3 script.
pub struct Rendered {
    /// The script.
    pub script: String,
    /// Ruby it could not translate.
    pub gaps: Vec<Gap>,
    /// The Puppet variables the template reads (the hook binds only these).
    pub variables: Vec<String>,
}

struct Gen {
    used: BTreeSet<String>,
    pending: Vec<String>,
    code: String,
    gaps: Vec<Gap>,
    locals: Vec<String>,
}

fn py_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

impl Gen {
    fn line(&mut self, depth: usize, text: &str) {
        // Comments about the line's untranslated Ruby go above it.
        for comment in std::mem::take(&mut self.pending) {
            for _ in 0..depth {
                self.code.push_str("    ");
            }
            self.code.push_str(&comment);
            self.code.push('\n');
        }
        for _ in 0..depth {
            self.code.push_str("    ");
        }
        self.code.push_str(text);
        self.code.push('\n');
    }

    fn nodes(&mut self, nodes: &[ErbNode], depth: usize) {
        let before = self.code.len();
        for n in nodes {
            self.node(n, depth);
        }
        // A block of comments only (Ruby left untranslated) still needs a statement.
        if self.code[before..].lines().all(|l| l.trim().is_empty() || l.trim_start().starts_with('#')) {
            self.line(depth, "pass");
        }
    }

    fn node(&mut self, n: &ErbNode, depth: usize) {
        match n {
            ErbNode::Text(t) => self.line(depth, &format!("out.append({})", py_str(t))),
            ErbNode::Output(e, pos) => {
                let x = self.expr(e, *pos);
                self.line(depth, &format!("out.append(_s({x}))"));
            }
            ErbNode::If { cond, negated, then, otherwise, pos } => {
                let c = self.expr(cond, *pos);
                let c = if *negated { format!("not _t({c})") } else { format!("_t({c})") };
                self.line(depth, &format!("if {c}:"));
                self.nodes(then, depth + 1);
                if !otherwise.is_empty() {
                    self.line(depth, "else:");
                    self.nodes(otherwise, depth + 1);
                }
            }
            ErbNode::Each { collection, vars, body, pos } => {
                let c = self.expr(collection, *pos);
                let names: Vec<String> = vars.iter().map(|v| format!("l_{v}")).collect();
                let target = if names.len() == 1 { names[0].clone() } else { format!("({})", names.join(", ")) };
                self.line(depth, &format!("for {target} in _items({c}):"));
                let saved = self.locals.len();
                self.locals.extend(vars.iter().cloned());
                self.nodes(body, depth + 1);
                self.locals.truncate(saved);
            }
            ErbNode::Assign(name, e, pos) => {
                let x = self.expr(e, *pos);
                self.locals.push(name.clone());
                self.line(depth, &format!("l_{name} = {x}"));
            }
            ErbNode::Opaque(code, pos) => {
                self.gaps.push((*pos, format!("Ruby code `{code}`")));
                self.line(
                    depth,
                    &format!("# TODO(port-puppet): Ruby code not translated: {}", code.replace('\n', " ")),
                );
            }
        }
    }

    fn expr(&mut self, e: &RbExpr, pos: Pos) -> String {
        match e {
            RbExpr::Str(s) => py_str(s),
            RbExpr::Concat(parts) => {
                let ps: Vec<String> = parts.iter().map(|p| format!("_s({})", self.expr(p, pos))).collect();
                format!("({})", ps.join(" + "))
            }
            RbExpr::Int(i) => i.to_string(),
            RbExpr::Bool(b) => if *b { "True" } else { "False" }.into(),
            RbExpr::Nil => "None".into(),
            RbExpr::Var(name) => {
                if let Some(fact) = name.strip_prefix("::") {
                    self.gaps.push((pos, format!("fact or top-scope variable `{fact}`")));
                    self.used.insert(name.clone());
                    return format!("VARS.get({})", py_str(name));
                }
                self.used.insert(name.clone());
                format!("VARS.get({})", py_str(name))
            }
            RbExpr::Local(name) => {
                if self.locals.contains(name) {
                    format!("l_{name}")
                } else {
                    self.gaps.push((pos, format!("Ruby name `{name}` (old-style variable?)")));
                    self.used.insert(name.clone());
                    format!("VARS.get({})", py_str(name))
                }
            }
            RbExpr::Array(items) => {
                let xs: Vec<String> = items.iter().map(|i| self.expr(i, pos)).collect();
                format!("[{}]", xs.join(", "))
            }
            RbExpr::Index(v, i) => format!("_idx({}, {})", self.expr(v, pos), self.expr(i, pos)),
            RbExpr::Method(_, name, _) if !KNOWN_METHODS.contains(&name.as_str()) => {
                // Known at port time: listed, and rendered as nothing rather than failing the hook.
                self.gaps.push((pos, format!("Ruby method `{name}`")));
                self.pending.push(format!(
                    "# TODO(port-puppet): the Ruby method `{name}` is not translated (line {}), rendered as nothing",
                    pos.line
                ));
                "None".into()
            }
            RbExpr::Method(v, name, args) => {
                let mut xs = vec![self.expr(v, pos), py_str(name)];
                xs.extend(args.iter().map(|a| self.expr(a, pos)));
                format!("_m({})", xs.join(", "))
            }
            RbExpr::Binary(op, a, b) => {
                let (x, y) = (self.expr(a, pos), self.expr(b, pos));
                match *op {
                    "&&" => format!("({y} if _t({x}) else {x})"),
                    "||" => format!("({x} if _t({x}) else {y})"),
                    "=~" => format!("(re.search({y}, _s({x})) is not None)"),
                    "+" => format!("({x} + {y})"),
                    other => format!("({x} {other} {y})"),
                }
            }
            RbExpr::Not(x) => format!("(not _t({}))", self.expr(x, pos)),
            RbExpr::Ternary(c, a, b) => {
                format!("({} if _t({}) else {})", self.expr(a, pos), self.expr(c, pos), self.expr(b, pos))
            }
            RbExpr::Opaque(code) => {
                self.gaps.push((pos, format!("Ruby expression `{code}`")));
                self.pending.push(format!(
                    "# TODO(port-puppet): Ruby expression not translated (line {}), rendered as nothing: {}",
                    pos.line,
                    code.replace('\n', " ")
                ));
                "None".into()
            }
        }
    }
}
