//! The life of one tool call, as `juju/cmd`'s `Main` runs a command:
//! parse flags (usage errors exit 2), `init` to check the arguments (exit 2),
//! `run` against the context (errors exit 1), `--help` prints the help and
//! exits 0. Also the pieces several tools share: the output flags, the
//! relation-id flag, the deprecated `--format` of tools that print nothing.

use super::context::{HookContext, RelationInfo};
use super::flags::{self, FlagError, FlagSpec, FlagValue};
use super::format::Format;
use crate::model::Value;
use formula_sdk::go::strconv::{atoi, quote_list};

/// What `--help` says about a tool.
pub(crate) struct Info {
    /// The name the tool was called by.
    pub name: String,
    /// The positional arguments, as the usage line shows them.
    pub args: String,
    /// One line.
    pub purpose: &'static str,
    /// Longer text (may be empty).
    pub doc: String,
}

/// What a running tool can reach: the context, stdin, its outputs.
pub(crate) struct Env<'a> {
    pub ctx: &'a mut dyn HookContext,
    /// `None` when the client did not send stdin (Juju then asks for it).
    pub stdin: Option<&'a [u8]>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// Set when a tool needed stdin that was not sent.
    pub needs_stdin: bool,
}

/// The message Juju's server answers when a tool needs stdin it was not sent.
pub(crate) const NO_STDIN: &str = "hook tool requires stdin, none supplied";

impl Env<'_> {
    /// The hook's stdin, or the "requires stdin" error.
    pub fn read_stdin(&mut self) -> Result<Vec<u8>, String> {
        match self.stdin {
            Some(bytes) => Ok(bytes.to_vec()),
            None => {
                self.needs_stdin = true;
                Err(NO_STDIN.to_string())
            }
        }
    }
}

/// One hook tool. Errors are the text after `ERROR `.
pub(crate) trait Command {
    /// The help text parts; may depend on the context (default relation).
    fn info(&self, name: &str, ctx: &dyn HookContext) -> Info;
    /// Where `--format` and `-o` go, for a tool that prints through an [`Output`]: [`main`]
    /// then offers those flags before the tool's own and stores them there.
    fn output(&mut self) -> Option<&mut Output> {
        None
    }
    /// The flags it accepts besides its [`Output`]'s.
    fn flags(&self) -> Vec<FlagSpec> {
        Vec::new()
    }
    /// Stores one parsed flag; `Err` is the reason the value is invalid.
    fn set_flag(
        &mut self,
        _ctx: &mut dyn HookContext,
        _key: &'static str,
        _value: FlagValue<'_>,
    ) -> Result<(), String> {
        Ok(())
    }
    /// Checks the positional arguments (an error exits 2).
    fn init(&mut self, ctx: &mut dyn HookContext, args: Vec<String>) -> Result<(), String>;
    /// Does the work (an error exits 1).
    fn run(&mut self, env: &mut Env<'_>) -> Result<(), String>;
}

/// Runs `command` as `cmd.Main` does; returns the exit code.
pub(crate) fn main(command: &mut dyn Command, name: &str, args: &[String], env: &mut Env<'_>) -> i32 {
    let mut specs = command.output().map(|out| out.specs()).unwrap_or_default();
    specs.extend(command.flags());
    let parsed = {
        let ctx = &mut *env.ctx;
        flags::parse(&specs, args, &mut |spec, value| match command.output().and_then(|out| out.set(spec.key(), value))
        {
            Some(stored) => stored,
            None => command.set_flag(ctx, spec.key(), value),
        })
    };
    let positional = match parsed {
        Ok(positional) => positional,
        Err(FlagError::Help) => {
            let help = help_text(&command.info(name, &*env.ctx), &specs);
            env.stdout.extend_from_slice(help.as_bytes());
            return 0;
        }
        Err(FlagError::Usage(message)) => {
            write_error(&mut env.stderr, &message);
            return 2;
        }
    };
    if let Err(message) = command.init(env.ctx, positional) {
        write_error(&mut env.stderr, &message);
        return 2;
    }
    match command.run(env) {
        Ok(()) => 0,
        Err(message) => {
            write_error(&mut env.stderr, &message);
            1
        }
    }
}

/// `ERROR <message>` and a newline, as `cmd.WriteError` prints it.
pub(crate) fn write_error(stderr: &mut Vec<u8>, message: &str) {
    stderr.extend_from_slice(format!("ERROR {message}\n").as_bytes());
}

/// The `--help` text, laid out as `cmd.Info.Help`.
fn help_text(info: &Info, specs: &[FlagSpec]) -> String {
    let mut out = format!("Usage: {}", info.name);
    if !specs.is_empty() {
        out.push_str(" [options]");
    }
    if !info.args.is_empty() {
        out.push(' ');
        out.push_str(&info.args);
    }
    out.push('\n');
    out.push_str(&format!("\nSummary:\n{}\n", info.purpose));
    if !specs.is_empty() {
        out.push_str("\nOptions:\n");
        out.push_str(&flags::defaults_help(specs));
    }
    let doc = info.doc.trim();
    if !doc.is_empty() {
        out.push_str(&format!("\nDetails:\n{doc}\n"));
    }
    out
}

/// `cmd.CheckEmpty`: extra arguments are an error.
pub(crate) fn check_empty(args: &[String]) -> Result<(), String> {
    if args.is_empty() {
        Ok(())
    } else {
        Err(format!("unrecognized args: {}", quote_list(args)))
    }
}

/// `--format` and `-o`/`--output`, shared by every tool that prints.
#[derive(Default)]
pub(crate) struct Output {
    pub format: Format,
    path: String,
    /// `--format` knows no `smart` (the secret tools, which print YAML by default).
    yaml_or_json: bool,
}

impl Output {
    /// The output of the tools that print YAML by default and know no `smart`.
    pub fn yaml_or_json() -> Output {
        Output { format: Format::Yaml, path: String::new(), yaml_or_json: true }
    }

    /// The two flag specs.
    pub fn specs(&self) -> Vec<FlagSpec> {
        let format = if self.yaml_or_json {
            FlagSpec::var(&["format"], "yaml", "output format: yaml or json")
        } else {
            FlagSpec::var(&["format"], "smart", "output format: smart, yaml or json")
        };
        vec![format, FlagSpec::string(&["o", "output"], "", "write the output to this file")]
    }

    /// Stores `--format`/`-o` if `key` is one of them; `None` otherwise.
    pub fn set(&mut self, key: &str, value: FlagValue<'_>) -> Option<Result<(), String>> {
        match (key, value) {
            ("format", FlagValue::Str(name)) if self.yaml_or_json && name == "smart" => {
                Some(Err(format!("unknown format {}", formula_sdk::go::strconv::quote(name))))
            }
            ("format", FlagValue::Str(name)) => Some(Format::parse(name).map(|f| self.format = f)),
            ("o", FlagValue::Str(path)) => {
                self.path = path.to_string();
                Some(Ok(()))
            }
            _ => None,
        }
    }

    /// Formats `value` to stdout, or to the `-o` file (created even when
    /// the output is empty, as Juju does).
    pub fn write(&self, env: &mut Env<'_>, value: &Value) -> Result<(), String> {
        if self.path.is_empty() {
            let text = self.format.render(value)?;
            env.stdout.extend_from_slice(text.as_bytes());
            return Ok(());
        }
        let rendered = self.format.render(value);
        let text = rendered.as_deref().unwrap_or("");
        env.ctx
            .write_file(&self.path, text.as_bytes())
            .map_err(|e| io_error("open", &env.ctx.resolve_path(&self.path).display().to_string(), &e))?;
        rendered.map(|_| ())
    }
}

/// A Go-style I/O error: `open /path: no such file or directory`.
pub(crate) fn io_error(op: &str, path: &str, e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    let reason = match e.kind() {
        ErrorKind::NotFound => "no such file or directory".to_string(),
        ErrorKind::PermissionDenied => "permission denied".to_string(),
        ErrorKind::IsADirectory => "is a directory".to_string(),
        ErrorKind::NotADirectory => "not a directory".to_string(),
        _ => e.to_string(),
    };
    format!("{op} {path}: {reason}")
}

/// The `-r`/`--relation` flag: defaults to the hook's relation, accepts
/// `name:ID` or `ID` (only the number after the last `:` counts).
pub(crate) struct RelationFlag {
    /// The chosen relation id; `None` when unset and not in a relation hook.
    pub id: Option<i64>,
    shown: String,
}

impl RelationFlag {
    /// Starts at the hook's relation, if any.
    pub fn new(ctx: &dyn HookContext) -> RelationFlag {
        match ctx.hook_relation() {
            Some(r) => RelationFlag { id: Some(r.id), shown: r.fake_id() },
            None => RelationFlag { id: None, shown: String::new() },
        }
    }

    /// The flag spec, showing the current default.
    pub fn spec(&self) -> FlagSpec {
        FlagSpec::var(&["r", "relation"], &self.shown, "the relation, as name:id or id")
    }

    /// Parses and checks a value (spec §4.2).
    pub fn set(&mut self, ctx: &dyn HookContext, value: &str) -> Result<(), String> {
        let number = value.rsplit(':').next().unwrap_or(value);
        let id = atoi(number).map_err(|_| "invalid relation id".to_string())?;
        ctx.relation(id).map_err(|e| e.to_string())?;
        self.id = Some(id);
        self.shown = value.to_string();
        Ok(())
    }

    /// The chosen relation, or Juju's `no relation id specified`.
    pub fn require(&self) -> Result<i64, String> {
        self.id.ok_or_else(|| "no relation id specified".to_string())
    }
}

/// The relation named by a checked id.
pub(crate) fn relation(ctx: &dyn HookContext, id: i64) -> Result<RelationInfo, String> {
    ctx.relation(id).map_err(|e| e.to_string())
}

/// The deprecated `--format` of tools that print nothing.
#[derive(Default)]
pub(crate) struct DeprecatedFormat {
    given: String,
}

impl DeprecatedFormat {
    pub fn spec() -> FlagSpec {
        FlagSpec::string(&["format"], "", "deprecated; ignored")
    }

    pub fn set(&mut self, key: &str, value: FlagValue<'_>) -> bool {
        match (key, value) {
            ("format", FlagValue::Str(v)) => {
                self.given = v.to_string();
                true
            }
            _ => false,
        }
    }

    /// Juju's warning, written without a trailing newline as Juju does.
    pub fn warn(&self, env: &mut Env<'_>, name: &str) {
        if !self.given.is_empty() {
            let warning = format!("--format flag deprecated for command {}", formula_sdk::go::strconv::quote(name));
            env.stderr.extend_from_slice(warning.as_bytes());
        }
    }
}
