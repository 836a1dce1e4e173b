//! `open-port`, `close-port` and `opened-ports`, with Juju's port range
//! syntax and errors (`core/network/portrange.go`, spec §4.3).

use std::collections::BTreeMap;

use super::command::{check_empty, Command, DeprecatedFormat, Env, Info, Output};
use super::context::HookContext;
use super::flags::{FlagSpec, FlagValue};
use crate::model::{PortRange, Protocol, Value};
use formula_sdk::go::strconv::{atoi, quote};

/// Parses `80`, `80/udp`, `8000-8080/tcp` or `icmp` (already lowercased),
/// as `network.ParsePortRange` does, validation included.
pub fn parse_port_range(text: &str) -> Result<PortRange, String> {
    let (ports, protocol) = match text.split_once('/') {
        Some((ports, protocol)) => (ports, protocol),
        None => (text, "tcp"),
    };
    let parts: Vec<&str> = ports.split('-').collect();
    let (from, to) = match parts.as_slice() {
        ["icmp"] => (-1, -1),
        [port] => {
            let port = atoi(port).map_err(|e| format!("invalid port {}: {e}", quote(ports)))?;
            (port, port)
        }
        [from, to] => (
            atoi(from).map_err(|e| format!("invalid port {}: {e}", quote(from)))?,
            atoi(to).map_err(|e| format!("invalid port {}: {e}", quote(to)))?,
        ),
        _ => return Err(format!("invalid port range {}", quote(ports))),
    };
    let protocol = if from == -1 && parts == ["icmp"] { "icmp" } else { protocol };
    let protocol = match protocol {
        "tcp" => Protocol::Tcp,
        "udp" => Protocol::Udp,
        "icmp" => Protocol::Icmp,
        other => {
            return Err(format!("invalid protocol {}, expected \"tcp\", \"udp\", or \"icmp\"", quote(other)));
        }
    };
    let range = PortRange { protocol, from, to };
    if protocol == Protocol::Icmp {
        if from == -1 && to == -1 {
            return Ok(range);
        }
        return Err(format!("protocol \"icmp\" doesn't support any ports; got \"{from}\""));
    }
    if from > to {
        return Err(format!("invalid port range {range}"));
    }
    if !(0..=65535).contains(&from) || !(0..=65535).contains(&to) {
        return Err(format!("port range bounds must be between 0 and 65535, got {from}-{to}"));
    }
    Ok(range)
}

/// `open-port` or `close-port`.
pub(crate) struct PortCommand {
    open: bool,
    range: Option<PortRange>,
    endpoints: String,
    format: DeprecatedFormat,
}

impl PortCommand {
    pub fn new(open: bool) -> PortCommand {
        PortCommand { open, range: None, endpoints: String::new(), format: DeprecatedFormat::default() }
    }
}

impl Command for PortCommand {
    fn info(&self, name: &str, _ctx: &dyn HookContext) -> Info {
        let (purpose, doc) = if self.open {
            (
                "ask for a port or port range to be opened",
                "Opens the port or range (protocol tcp unless given) when the hook succeeds, \
                 for every endpoint or those listed with --endpoints. Machine charms' ports are \
                 only reachable while the application is exposed.",
            )
        } else {
            (
                "ask for a port or port range to be closed",
                "Closes the port or range when the hook succeeds, for every endpoint or those \
                 listed with --endpoints. Closing a port that is not open does nothing.",
            )
        };
        Info {
            name: name.to_string(),
            args: "<port>[/<protocol>] or <from>-<to>[/<protocol>] or icmp".to_string(),
            purpose,
            doc: doc.to_string(),
        }
    }

    fn flags(&self) -> Vec<FlagSpec> {
        vec![
            DeprecatedFormat::spec(),
            FlagSpec::string(&["endpoints"], "", "comma-separated endpoints to apply this to"),
        ]
    }

    fn set_flag(&mut self, _ctx: &mut dyn HookContext, key: &'static str, value: FlagValue<'_>) -> Result<(), String> {
        if self.format.set(key, value) {
            return Ok(());
        }
        if let ("endpoints", FlagValue::Str(v)) = (key, value) {
            self.endpoints = v.to_string();
        }
        Ok(())
    }

    fn init(&mut self, _ctx: &mut dyn HookContext, args: Vec<String>) -> Result<(), String> {
        let Some(arg) = args.first() else {
            return Err("no port or range specified".to_string());
        };
        self.range = Some(parse_port_range(&arg.to_lowercase())?);
        check_empty(&args[1..])
    }

    fn run(&mut self, env: &mut Env<'_>) -> Result<(), String> {
        self.format.warn(env, if self.open { "open-port" } else { "close-port" });
        let Some(range) = self.range else {
            return Err("no port or range specified".to_string());
        };
        let endpoints: Vec<Option<String>> = if self.endpoints.is_empty() {
            vec![None]
        } else {
            self.endpoints.split(',').map(|e| e.trim()).map(|e| (!e.is_empty()).then(|| e.to_string())).collect()
        };
        for endpoint in endpoints {
            let result = if self.open {
                env.ctx.open_port(endpoint.as_deref(), range)
            } else {
                env.ctx.close_port(endpoint.as_deref(), range)
            };
            result.map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}

/// `opened-ports [--endpoints]`.
#[derive(Default)]
pub(crate) struct OpenedPorts {
    endpoints: bool,
    out: Output,
}

impl Command for OpenedPorts {
    fn info(&self, name: &str, _ctx: &dyn HookContext) -> Info {
        Info {
            name: name.to_string(),
            args: String::new(),
            purpose: "list the ports this unit has opened",
            doc: "Lists the ports and ranges opened when earlier hooks succeeded (not those \
                asked for in this hook), as 80/tcp or 8000-8080/udp. With --endpoints each \
                entry names its endpoints, or (*) for all of them."
                .to_string(),
        }
    }

    fn output(&mut self) -> Option<&mut Output> {
        Some(&mut self.out)
    }

    fn flags(&self) -> Vec<FlagSpec> {
        vec![FlagSpec::bool(&["endpoints"], "show the endpoints of each range")]
    }

    fn set_flag(&mut self, _ctx: &mut dyn HookContext, key: &'static str, value: FlagValue<'_>) -> Result<(), String> {
        if let ("endpoints", FlagValue::Bool(b)) = (key, value) {
            self.endpoints = b;
        }
        Ok(())
    }

    fn init(&mut self, _ctx: &mut dyn HookContext, args: Vec<String>) -> Result<(), String> {
        check_empty(&args)
    }

    fn run(&mut self, env: &mut Env<'_>) -> Result<(), String> {
        let opened = env.ctx.opened_ports().map_err(|e| e.to_string())?;
        // Sorted by protocol, then ports; each range once.
        let mut by_range: BTreeMap<PortRange, Vec<Option<String>>> = BTreeMap::new();
        for port in opened {
            by_range.entry(port.range).or_default().push(port.endpoint);
        }
        let lines = by_range
            .into_iter()
            .map(|(range, mut endpoints)| {
                if !self.endpoints {
                    return range.to_string();
                }
                let shown = if endpoints.contains(&None) {
                    "*".to_string()
                } else {
                    endpoints.sort();
                    endpoints.dedup();
                    endpoints.into_iter().flatten().collect::<Vec<_>>().join(", ")
                };
                format!("{range} ({shown})")
            })
            .collect();
        self.out.write(env, &Value::Lines(lines))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_ranges() {
        assert_eq!(parse_port_range("80").unwrap().to_string(), "80/tcp");
        assert_eq!(parse_port_range("80/udp").unwrap().to_string(), "80/udp");
        assert_eq!(parse_port_range("8000-8080/tcp").unwrap().to_string(), "8000-8080/tcp");
        assert_eq!(parse_port_range("icmp").unwrap().to_string(), "icmp");
        assert_eq!(parse_port_range("icmp/tcp").unwrap().to_string(), "icmp");
        assert_eq!(parse_port_range("0").unwrap().to_string(), "0/tcp");
    }

    #[test]
    fn invalid_ranges() {
        let cases = [
            ("x", r#"invalid port "x": strconv.Atoi: parsing "x": invalid syntax"#),
            ("x/udp", r#"invalid port "x": strconv.Atoi: parsing "x": invalid syntax"#),
            ("1-x", r#"invalid port "x": strconv.Atoi: parsing "x": invalid syntax"#),
            ("-5", r#"invalid port "": strconv.Atoi: parsing "": invalid syntax"#),
            ("1-2-3", r#"invalid port range "1-2-3""#),
            ("80/sctp", r#"invalid protocol "sctp", expected "tcp", "udp", or "icmp""#),
            ("80/", r#"invalid protocol "", expected "tcp", "udp", or "icmp""#),
            ("90-80", "invalid port range 90-80/tcp"),
            ("70000", "port range bounds must be between 0 and 65535, got 70000-70000"),
            ("80/icmp", r#"protocol "icmp" doesn't support any ports; got "80""#),
        ];
        for (input, message) in cases {
            assert_eq!(parse_port_range(input).unwrap_err(), message, "{input}");
        }
    }
}
