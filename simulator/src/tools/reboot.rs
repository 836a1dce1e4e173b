//! `juju-reboot [--now]`.

use super::command::{check_empty, Command, Env, Info};
use super::context::HookContext;
use super::flags::{FlagSpec, FlagValue};

#[derive(Default)]
pub(crate) struct JujuReboot {
    now: bool,
}

impl Command for JujuReboot {
    fn info(&self, name: &str, _ctx: &dyn HookContext) -> Info {
        Info {
            name: name.to_string(),
            args: String::new(),
            purpose: "reboot the machine",
            doc: "Reboots the machine once the hook succeeds; with --now, at once, and the \
                hook runs again afterwards. Not allowed in actions."
                .to_string(),
        }
    }

    fn flags(&self) -> Vec<FlagSpec> {
        vec![FlagSpec::bool(&["now"], "reboot at once instead of after the hook")]
    }

    fn set_flag(&mut self, _ctx: &mut dyn HookContext, key: &'static str, value: FlagValue<'_>) -> Result<(), String> {
        if let ("now", FlagValue::Bool(b)) = (key, value) {
            self.now = b;
        }
        Ok(())
    }

    fn init(&mut self, _ctx: &mut dyn HookContext, args: Vec<String>) -> Result<(), String> {
        check_empty(&args)
    }

    fn run(&mut self, env: &mut Env<'_>) -> Result<(), String> {
        if env.ctx.action_params().is_ok() {
            return Err("juju-reboot is not supported when running an action.".to_string());
        }
        env.ctx.request_reboot(self.now).map_err(|e| e.to_string())
    }
}
