//! What an editor shows for the files `formula new` writes: yaml-language-server (the checker
//! behind VS Code's YAML extension, Neovim's `yamlls` and Helix), started and driven over LSP
//! as an editor drives it. It finds the schemas through the `# yaml-language-server: $schema=`
//! lines alone, completes scenario keys and steps with their descriptions, and underlines the
//! typos docs/editors.md promises, where they are.
//!
//! The server comes from the npm registry; `dev/setup.sh` installs it into
//! /opt/yaml-language-server. `YAML_LS` names another `yaml-language-server` executable.

use crate::support::formula;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

const DEFAULT_SERVER: &str = "/opt/yaml-language-server/node_modules/.bin/yaml-language-server";

/// How long one answer of the server may take: node starting and reading a schema is well
/// under a second, but CI machines can be loaded.
const ANSWER_WITHIN: Duration = Duration::from_secs(90);

/// The settings an editor sends: validation and completion on, YAML 1.1 as Juju reads it
/// (docs/editors.md), and no schemas from the network's schema store.
fn settings() -> Value {
    json!({"validate": true, "completion": true, "hover": true, "yamlVersion": "1.1",
           "schemaStore": {"enable": false}})
}

/// One yaml-language-server, spoken to over its standard input and output.
struct LanguageServer {
    child: Child,
    input: ChildStdin,
    messages: Receiver<Value>,
    next_id: u64,
}

impl LanguageServer {
    fn start(root: &Path) -> LanguageServer {
        let server = std::env::var("YAML_LS").unwrap_or_else(|_| DEFAULT_SERVER.to_string());
        let mut child = Command::new(&server)
            .arg("--stdio")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {server}: {e}; `bash dev/setup.sh` installs it (or set YAML_LS)"));
        let input = child.stdin.take().expect("piped stdin");
        let output = child.stdout.take().expect("piped stdout");
        let (sender, messages) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(output);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        let mut server = LanguageServer { child, input, messages, next_id: 1 };
        let capabilities = json!({"textDocument": {
            "completion": {"completionItem": {"snippetSupport": true, "documentationFormat": ["markdown", "plaintext"]}},
            "publishDiagnostics": {}},
            "workspace": {"configuration": true}});
        server.request("initialize", json!({"processId": null, "rootUri": uri(root), "capabilities": capabilities}));
        server.notify("initialized", json!({}));
        server.notify("workspace/didChangeConfiguration", json!({"settings": {"yaml": settings()}}));
        server
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.input, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write to the server");
        self.input.flush().expect("flush to the server");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The next message that is not a request of the server's own, which are answered here
    /// as an editor answers them.
    fn next(&mut self) -> Value {
        loop {
            let message = self
                .messages
                .recv_timeout(ANSWER_WITHIN)
                .unwrap_or_else(|e| panic!("yaml-language-server said nothing for {ANSWER_WITHIN:?}: {e}"));
            let (Some(id), Some(method)) = (message.get("id"), message.get("method").and_then(Value::as_str)) else {
                return message;
            };
            let result = if method == "workspace/configuration" {
                // One answer per section asked for: `yaml` gets the settings, the others
                // (http, editor, …) nothing.
                let items = message["params"]["items"].as_array().cloned().unwrap_or_default();
                Value::Array(
                    items.iter().map(|item| if item["section"] == "yaml" { settings() } else { Value::Null }).collect(),
                )
            } else {
                Value::Null
            };
            let id = id.clone();
            self.send(json!({"jsonrpc": "2.0", "id": id, "result": result}));
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let message = self.next();
            if message["id"] == id {
                assert!(message.get("error").is_none(), "{method} failed: {message}");
                return message["result"].clone();
            }
        }
    }

    /// Opens `text` as the document at `path` (which need not exist: the schema line is
    /// resolved against the path) and returns the diagnostics the server publishes for it.
    fn open(&mut self, path: &Path, text: &str) -> Vec<Diagnostic> {
        let uri = uri(path);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
        );
        loop {
            let message = self.next();
            if message["method"] == "textDocument/publishDiagnostics" && message["params"]["uri"] == uri {
                let found = message["params"]["diagnostics"].as_array().cloned().unwrap_or_default();
                return found.iter().map(Diagnostic::from_lsp).collect();
            }
        }
    }

    /// The labels and documentation of the completions offered at `line`:`column` (0-based).
    fn complete(&mut self, path: &Path, line: usize, column: usize) -> Vec<(String, String)> {
        let result = self.request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri(path)}, "position": {"line": line, "character": column}}),
        );
        let items = result["items"].as_array().or_else(|| result.as_array()).cloned().unwrap_or_default();
        items
            .iter()
            .map(|item| {
                let documentation = match &item["documentation"] {
                    Value::String(text) => text.clone(),
                    other => other["value"].as_str().unwrap_or_default().to_string(),
                };
                (item["label"].as_str().unwrap_or_default().to_string(), documentation)
            })
            .collect()
    }
}

impl Drop for LanguageServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One underline: where (0-based line and column) and what it says.
#[derive(Debug)]
struct Diagnostic {
    line: u64,
    column: u64,
    message: String,
}

impl Diagnostic {
    fn from_lsp(value: &Value) -> Diagnostic {
        Diagnostic {
            line: value["range"]["start"]["line"].as_u64().unwrap_or(u64::MAX),
            column: value["range"]["start"]["character"].as_u64().unwrap_or(u64::MAX),
            message: value["message"].as_str().unwrap_or_default().to_string(),
        }
    }
}

/// One LSP message: `Content-Length` headers, a blank line, a JSON body; `None` at the end.
fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).ok()? == 0 {
            return None;
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some(value) = header.strip_prefix("Content-Length:") {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// A formula as `formula new` writes it, with its `.schema/` and schema lines.
fn new_formula(dir: &Path) -> PathBuf {
    let root = dir.join("f");
    let out =
        formula().args(["new", "f", "--requires", "db:mysql", "-o"]).arg(&root).output().expect("run formula new");
    assert!(out.status.success(), "formula new: {}", String::from_utf8_lossy(&out.stderr));
    root
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The 0-based line of the first line of `text` that contains `needle`.
fn line_of(text: &str, needle: &str) -> u64 {
    text.lines().position(|line| line.contains(needle)).unwrap_or_else(|| panic!("no {needle:?} in:\n{text}")) as u64
}

/// `text` with `from` replaced once (the file must have it).
fn with_typo(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "no {from:?} in:\n{text}");
    text.replacen(from, to, 1)
}

#[test]
fn yaml_language_server_accepts_a_new_formula_and_underlines_its_typos() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = new_formula(tmp.path());
    let mut server = LanguageServer::start(&root);

    // Each file as written: nothing underlined. Then one typo: one underline, at the key.
    let cases = [
        ("tests/basic.yaml", "{formula: f, units: 1}", "{formula: f, unit: 1}", "unit", "Property unit is not allowed"),
        ("tests/basic.yaml", "  - settle\n", "  - settel\n", "settel", "Value must be \"settle\""),
        ("metadata.yaml", "requires:", "requries:", "requries", "Property requries is not allowed"),
        ("config.yaml", "default:", "defualt:", "defualt", "Property defualt is not allowed"),
        ("config.yaml", "type: string", "type: integer", "integer", "Value must be \"string\" | \"int\""),
    ];
    for (case, (file, from, to, at, says)) in cases.into_iter().enumerate() {
        let path = root.join(file);
        let text = read(&path);
        let clean = server.open(&path, &text);
        assert!(clean.is_empty(), "{file} as `formula new` wrote it is underlined: {clean:?}");

        // A document the server has not seen, beside the real one (the schema line is
        // relative to it), so that each typo is checked on its own.
        let typo_path = path.with_file_name(format!("typo-{case}.yaml"));
        let typo = with_typo(&text, from, to);
        let found = server.open(&typo_path, &typo);
        let line = line_of(&typo, to.trim());
        assert!(
            found.iter().any(|d| d.line == line && d.message.contains(says)),
            "{file} with {to:?}: expected an underline on line {} saying {says:?}, got {found:?}",
            line + 1
        );
        let column = typo.lines().nth(line as usize).and_then(|l| l.find(at)).unwrap_or(usize::MAX) as u64;
        assert!(
            found.iter().any(|d| d.line == line && d.column == column),
            "{file} with {to:?}: the underline should start at column {}: {found:?}",
            column + 1
        );
    }
}

#[test]
fn yaml_language_server_completes_scenario_keys_and_steps_with_their_descriptions() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = new_formula(tmp.path());
    let mut server = LanguageServer::start(&root);

    // A scenario being written: the cursor inside an application, then at a new step.
    let path = root.join("tests/typing.yaml");
    let text = "# yaml-language-server: $schema=../.schema/scenario.json\n\
                formulas:\n  f: ..\n\
                applications:\n  f:\n    formula: f\n    \n\
                steps:\n  - \n";
    let found = server.open(&path, text);
    assert!(found.iter().all(|d| !d.message.contains("not allowed")), "{found:?}");

    let application_keys = server.complete(&path, 6, 4);
    let labels: Vec<&str> = application_keys.iter().map(|(label, _)| label.as_str()).collect();
    for key in ["units", "config", "expose"] {
        assert!(labels.contains(&key), "no {key:?} offered inside an application: {labels:?}");
    }
    assert!(!labels.contains(&"formula"), "a key already there is offered again: {labels:?}");
    let units = application_keys.iter().find(|(label, _)| label == "units").map(|(_, doc)| doc.as_str());
    assert!(units.is_some_and(|doc| !doc.is_empty()), "`units` comes without its description: {units:?}");

    let steps = server.complete(&path, 8, 4);
    let labels: Vec<&str> = steps.iter().map(|(label, _)| label.as_str()).collect();
    for step in ["settle", "relate", "config", "add-unit", "expect"] {
        assert!(labels.contains(&step), "no step {step:?} offered: {labels:?}");
    }
    let settle = steps.iter().find(|(label, _)| label == "settle").map(|(_, doc)| doc.as_str());
    assert_eq!(settle, Some("Run hooks until no unit has work."), "settle's description");
}
