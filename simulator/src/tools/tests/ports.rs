use super::{call, fails, ok};
use crate::model::{PortRange, Protocol};
use crate::tools::memory::{MemoryContext, PortChange};

fn range(protocol: Protocol, from: i64, to: i64) -> PortRange {
    PortRange { protocol, from, to }
}

#[test]
fn open_and_close_are_buffered() {
    let mut ctx = MemoryContext::new("web/0");
    ok(call(&mut ctx, "open-port", &["80"]));
    ok(call(&mut ctx, "open-port", &["8000-8080/UDP", "--endpoints", "dmz, monitoring"]));
    ok(call(&mut ctx, "close-port", &["icmp"]));
    assert_eq!(
        ctx.pending_ports,
        vec![
            PortChange { open: true, endpoint: None, range: range(Protocol::Tcp, 80, 80) },
            PortChange { open: true, endpoint: Some("dmz".into()), range: range(Protocol::Udp, 8000, 8080) },
            PortChange { open: true, endpoint: Some("monitoring".into()), range: range(Protocol::Udp, 8000, 8080) },
            PortChange { open: false, endpoint: None, range: range(Protocol::Icmp, -1, -1) },
        ]
    );
    // Not visible before the hook commits.
    assert_eq!(ok(call(&mut ctx, "opened-ports", &[])), "");
}

#[test]
fn port_errors() {
    let mut ctx = MemoryContext::new("web/0");
    let cases: &[(&[&str], &str)] = &[
        (&[], "no port or range specified"),
        (&["http"], "invalid port \"http\": strconv.Atoi: parsing \"http\": invalid syntax"),
        (&["1-2-3"], "invalid port range \"1-2-3\""),
        (&["80/sctp"], "invalid protocol \"sctp\", expected \"tcp\", \"udp\", or \"icmp\""),
        (&["90-80"], "invalid port range 90-80/tcp"),
        (&["0-70000"], "port range bounds must be between 0 and 65535, got 0-70000"),
        (&["80/icmp"], "protocol \"icmp\" doesn't support any ports; got \"80\""),
        (&["80", "81"], "unrecognized args: [\"81\"]"),
    ];
    for (args, message) in cases {
        fails(call(&mut ctx, "open-port", args), 2, message);
        fails(call(&mut ctx, "close-port", args), 2, message);
    }
    assert!(ctx.pending_ports.is_empty());
}

#[test]
fn deprecated_format() {
    let out = call(&mut MemoryContext::new("web/0"), "open-port", &["--format", "yaml", "80"]);
    assert_eq!(
        (out.code, String::from_utf8_lossy(&out.stderr).to_string()),
        (0, "--format flag deprecated for command \"open-port\"".to_string())
    );
}

fn opened() -> MemoryContext {
    MemoryContext::new("web/0")
        .opened_port(Some("dmz"), range(Protocol::Udp, 8000, 8080))
        .opened_port(None, range(Protocol::Tcp, 80, 80))
        .opened_port(Some("public"), range(Protocol::Tcp, 443, 443))
        .opened_port(Some("dmz"), range(Protocol::Tcp, 443, 443))
        .opened_port(None, range(Protocol::Icmp, -1, -1))
}

#[test]
fn opened_ports_sorted_and_unique() {
    assert_eq!(ok(call(&mut opened(), "opened-ports", &[])), "icmp\n80/tcp\n443/tcp\n8000-8080/udp\n");
    assert_eq!(
        ok(call(&mut opened(), "opened-ports", &["--format", "json"])),
        "[\"icmp\",\"80/tcp\",\"443/tcp\",\"8000-8080/udp\"]\n"
    );
    assert_eq!(
        ok(call(&mut opened(), "opened-ports", &["--endpoints"])),
        "icmp (*)\n80/tcp (*)\n443/tcp (dmz, public)\n8000-8080/udp (dmz)\n"
    );
    fails(call(&mut opened(), "opened-ports", &["x"]), 2, "unrecognized args: [\"x\"]");
}
