//! `unit-get` and `network-get` (spec §4.3).

use super::command::{check_empty, Command, Env, Info, Output, RelationFlag};
use super::context::{HookContext, NetworkInfo};
use super::flags::{FlagSpec, FlagValue};
use crate::model::Value;
use formula_sdk::go::strconv::quote;

/// `unit-get private-address|public-address`.
#[derive(Default)]
pub(crate) struct UnitGet {
    key: String,
    out: Output,
}

impl Command for UnitGet {
    fn info(&self, name: &str, _ctx: &dyn HookContext) -> Info {
        Info {
            name: name.to_string(),
            args: "<setting>".to_string(),
            purpose: "print the unit's public-address or private-address",
            doc: String::new(),
        }
    }

    fn output(&mut self) -> Option<&mut Output> {
        Some(&mut self.out)
    }

    fn init(&mut self, _ctx: &mut dyn HookContext, args: Vec<String>) -> Result<(), String> {
        let Some(key) = args.first() else {
            return Err("no setting specified".to_string());
        };
        if key != "private-address" && key != "public-address" {
            return Err(format!("unknown setting {}", quote(key)));
        }
        self.key = key.clone();
        check_empty(&args[1..])
    }

    fn run(&mut self, env: &mut Env<'_>) -> Result<(), String> {
        let address = if self.key == "private-address" {
            // The default binding's first address (its host name if it was
            // resolved from one), else the legacy private address.
            let from_binding = env.ctx.network_info("", None).ok().flatten().and_then(|ni| {
                let addr = ni.bind_addresses.first()?.addresses.first()?.clone();
                Some(if addr.hostname.is_empty() { addr.value } else { addr.hostname })
            });
            match from_binding {
                Some(address) => address,
                None => env.ctx.private_address().map_err(|e| e.to_string())?,
            }
        } else {
            env.ctx.public_address().map_err(|e| e.to_string())?
        };
        self.out.write(env, &Value::Str(address))
    }
}

/// `network-get <binding> [--ingress-address] [--bind-address] [--egress-subnets] [-r id]`.
pub(crate) struct NetworkGet {
    relation: RelationFlag,
    binding: String,
    primary: bool,
    bind: bool,
    ingress: bool,
    egress: bool,
    out: Output,
}

impl NetworkGet {
    pub fn new(ctx: &dyn HookContext) -> NetworkGet {
        NetworkGet {
            relation: RelationFlag::new(ctx),
            binding: String::new(),
            primary: false,
            bind: false,
            ingress: false,
            egress: false,
            out: Output::default(),
        }
    }

    fn no_addresses(&self) -> String {
        format!("no addresses attached to space for binding {}", quote(&self.binding))
    }
}

/// The full `network-get` answer, shaped as Juju's display structs (field
/// order kept; the legacy `macaddress`/`interfacename`/`address` copies
/// appear in YAML only).
fn display(ni: &NetworkInfo, yaml: bool) -> Value {
    let mut fields = Vec::new();
    if !ni.bind_addresses.is_empty() {
        let infos = ni
            .bind_addresses
            .iter()
            .map(|info| {
                let addresses = info
                    .addresses
                    .iter()
                    .map(|a| {
                        let mut f = vec![
                            ("hostname".to_string(), Value::Str(a.hostname.clone())),
                            ("value".to_string(), Value::Str(a.value.clone())),
                            ("cidr".to_string(), Value::Str(a.cidr.clone())),
                        ];
                        if yaml {
                            f.push(("address".to_string(), Value::Str(a.value.clone())));
                        }
                        Value::Struct(f)
                    })
                    .collect();
                let mut f = vec![
                    ("mac-address".to_string(), Value::Str(info.mac_address.clone())),
                    ("interface-name".to_string(), Value::Str(info.interface_name.clone())),
                    ("addresses".to_string(), Value::List(addresses)),
                ];
                if yaml {
                    f.push(("macaddress".to_string(), Value::Str(info.mac_address.clone())));
                    f.push(("interfacename".to_string(), Value::Str(info.interface_name.clone())));
                }
                Value::Struct(f)
            })
            .collect();
        fields.push(("bind-addresses".to_string(), Value::List(infos)));
    }
    if !ni.egress_subnets.is_empty() {
        fields.push(("egress-subnets".to_string(), Value::Lines(ni.egress_subnets.clone())));
    }
    if !ni.ingress_addresses.is_empty() {
        fields.push(("ingress-addresses".to_string(), Value::Lines(ni.ingress_addresses.clone())));
    }
    Value::Struct(fields)
}

impl Command for NetworkGet {
    fn info(&self, name: &str, _ctx: &dyn HookContext) -> Info {
        Info {
            name: name.to_string(),
            args: "<binding-name> [--ingress-address] [--bind-address] [--egress-subnets]".to_string(),
            purpose: "print the network configuration of a binding",
            doc: "Without flags, prints the binding's interfaces and addresses, its ingress \
                addresses and egress subnets. With one of --bind-address, --ingress-address or \
                --egress-subnets, prints just that value; with several, a map of them."
                .to_string(),
        }
    }

    fn output(&mut self) -> Option<&mut Output> {
        Some(&mut self.out)
    }

    fn flags(&self) -> Vec<FlagSpec> {
        vec![
            FlagSpec::bool(&["primary-address"], "(deprecated) print the binding's primary address"),
            FlagSpec::bool(&["bind-address"], "print the address to listen on"),
            FlagSpec::bool(&["ingress-address"], "print the address to advertise"),
            FlagSpec::bool(&["egress-subnets"], "print the subnets traffic comes from"),
            self.relation.spec(),
        ]
    }

    fn set_flag(&mut self, ctx: &mut dyn HookContext, key: &'static str, value: FlagValue<'_>) -> Result<(), String> {
        match (key, value) {
            ("r", FlagValue::Str(v)) => return self.relation.set(ctx, v),
            ("primary-address", FlagValue::Bool(b)) => self.primary = b,
            ("bind-address", FlagValue::Bool(b)) => self.bind = b,
            ("ingress-address", FlagValue::Bool(b)) => self.ingress = b,
            ("egress-subnets", FlagValue::Bool(b)) => self.egress = b,
            _ => {}
        }
        Ok(())
    }

    fn init(&mut self, _ctx: &mut dyn HookContext, args: Vec<String>) -> Result<(), String> {
        let Some(binding) = args.first() else {
            return Err("no arguments specified".to_string());
        };
        if binding.is_empty() {
            return Err("no binding name specified".to_string());
        }
        self.binding = binding.clone();
        check_empty(&args[1..])
    }

    fn run(&mut self, env: &mut Env<'_>) -> Result<(), String> {
        let ni = env
            .ctx
            .network_info(&self.binding, self.relation.id)
            .map_err(|e| e.to_string())?
            .filter(|ni| !ni.bind_addresses.is_empty())
            .ok_or_else(|| format!("no network config found for binding {}", quote(&self.binding)))?;
        let keys = [self.bind, self.ingress, self.egress];
        if !self.primary && !keys.contains(&true) {
            let yaml = self.out.format != super::format::Format::Json;
            return self.out.write(env, &display(&ni, yaml));
        }
        let first_address = ni.bind_addresses[0].addresses.first().map(|a| a.value.clone());
        if self.primary {
            if keys.contains(&true) {
                return Err("--primary-address must be the only flag specified".to_string());
            }
            let address = first_address.ok_or_else(|| self.no_addresses())?;
            return self.out.write(env, &Value::Str(address));
        }
        let mut values = std::collections::BTreeMap::new();
        if self.egress {
            // An empty list arrives from Juju's API as a nil slice.
            let subnets =
                if ni.egress_subnets.is_empty() { Value::Null } else { Value::Lines(ni.egress_subnets.clone()) };
            values.insert("egress-subnets".to_string(), subnets);
        }
        if self.ingress {
            let address = match ni.ingress_addresses.first() {
                Some(address) => address.clone(),
                None => first_address.clone().ok_or_else(|| self.no_addresses())?,
            };
            values.insert("ingress-address".to_string(), Value::Str(address));
        }
        if self.bind {
            let address = first_address.ok_or_else(|| self.no_addresses())?;
            values.insert("bind-address".to_string(), Value::Str(address));
        }
        if values.len() == 1 {
            let (_, only) = values.into_iter().next().unwrap_or((String::new(), Value::Null));
            return self.out.write(env, &only);
        }
        self.out.write(env, &Value::Map(values))
    }
}
