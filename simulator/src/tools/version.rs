//! `application-version-set <version>`.

use super::command::{check_empty, Command, Env, Info};
use super::context::HookContext;

#[derive(Default)]
pub(crate) struct ApplicationVersionSet {
    version: String,
}

impl Command for ApplicationVersionSet {
    fn info(&self, name: &str, _ctx: &dyn HookContext) -> Info {
        Info {
            name: name.to_string(),
            args: "<new-version>".to_string(),
            purpose: "set the version of the deployed workload",
            doc: "Records which version of the workload software runs (a package version, a \
                commit hash); `juju status` shows it. Not the charm's revision."
                .to_string(),
        }
    }

    fn init(&mut self, _ctx: &mut dyn HookContext, args: Vec<String>) -> Result<(), String> {
        let Some(version) = args.first() else {
            return Err("no version specified".to_string());
        };
        self.version = version.clone();
        check_empty(&args[1..])
    }

    fn run(&mut self, env: &mut Env<'_>) -> Result<(), String> {
        env.ctx.set_workload_version(&self.version).map_err(|e| e.to_string())
    }
}
