//! `credential-get` and `resource-get`: what the controller hands a unit from outside the
//! model: the cloud's credential (to trusted applications) and the files attached as the
//! application's resources.
//!
//! The simulated cloud is a local one, named as Juju names a local LXD cloud, with a credential
//! whose attributes say they are simulated: a formula can read its shape, not use it.

use super::command::{check_empty, Command, Env, Info, Output};
use super::context::HookContext;
use crate::model::Value;
use std::collections::BTreeMap;

/// `credential-get`.
#[derive(Default)]
pub(crate) struct CredentialGet {
    out: Output,
}

/// The cloud spec of the simulated local cloud, in the fields of Juju's `params.CloudSpec`.
fn cloud_spec() -> Value {
    let attrs = ["client-cert", "client-key", "server-cert"]
        .iter()
        .map(|k| (k.to_string(), Value::Str("simulated".to_string())))
        .collect::<BTreeMap<_, _>>();
    Value::Struct(vec![
        ("type".into(), Value::Str("lxd".into())),
        ("name".into(), Value::Str("localhost".into())),
        ("region".into(), Value::Str("localhost".into())),
        ("endpoint".into(), Value::Str("https://127.0.0.1:8443".into())),
        (
            "credential".into(),
            Value::Struct(vec![
                ("auth-type".into(), Value::Str("certificate".into())),
                ("attrs".into(), Value::Map(attrs)),
            ]),
        ),
        ("is-controller-cloud".into(), Value::Bool(true)),
    ])
}

impl Command for CredentialGet {
    fn info(&self, name: &str, _ctx: &dyn HookContext) -> Info {
        Info {
            name: name.to_string(),
            args: String::new(),
            purpose: "access cloud credentials",
            doc: "credential-get returns the cloud specification used by the unit's model.".to_string(),
        }
    }

    fn output(&mut self) -> Option<&mut Output> {
        Some(&mut self.out)
    }

    fn init(&mut self, _ctx: &mut dyn HookContext, args: Vec<String>) -> Result<(), String> {
        check_empty(&args)
    }

    fn run(&mut self, env: &mut Env<'_>) -> Result<(), String> {
        let trusted = env.ctx.trusted().map_err(|e| format!("cannot access cloud credentials: {e}"))?;
        if !trusted {
            // The controller refuses an application that is not trusted.
            return Err("cannot access cloud credentials: permission denied".to_string());
        }
        self.out.write(env, &cloud_spec())
    }
}

/// `resource-get <resource name>`.
#[derive(Default)]
pub(crate) struct ResourceGet {
    name: String,
}

impl Command for ResourceGet {
    fn info(&self, name: &str, _ctx: &dyn HookContext) -> Info {
        Info {
            name: name.to_string(),
            args: "<resource name>".to_string(),
            purpose: "get the path to the locally cached resource file",
            doc: "Prints the path of the file attached as the named resource, copied into the unit.".to_string(),
        }
    }

    fn init(&mut self, _ctx: &mut dyn HookContext, args: Vec<String>) -> Result<(), String> {
        let Some(name) = args.first() else {
            return Err("missing required resource name".to_string());
        };
        self.name = name.clone();
        check_empty(&args[1..])
    }

    fn run(&mut self, env: &mut Env<'_>) -> Result<(), String> {
        let path = env.ctx.resource_path(&self.name).map_err(|e| e.to_string())?;
        env.stdout.extend_from_slice(format!("{path}\n").as_bytes());
        Ok(())
    }
}
