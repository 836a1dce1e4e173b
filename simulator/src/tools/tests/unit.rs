use super::{call, fails, ok};
use crate::tools::context::{InterfaceAddress, InterfaceInfo, NetworkInfo};
use crate::tools::memory::MemoryContext;

fn network() -> NetworkInfo {
    NetworkInfo {
        bind_addresses: vec![InterfaceInfo {
            mac_address: "00:16:3e:aa:bb:cc".to_string(),
            interface_name: "eth0".to_string(),
            addresses: vec![InterfaceAddress {
                hostname: String::new(),
                value: "10.0.0.5".to_string(),
                cidr: "10.0.0.0/24".to_string(),
            }],
        }],
        egress_subnets: vec!["10.0.0.5/32".to_string()],
        ingress_addresses: vec!["10.0.0.5".to_string()],
    }
}

fn world() -> MemoryContext {
    MemoryContext::new("wordpress/0")
        .private_address("192.168.0.5")
        .public_address("203.0.113.5")
        .network("db", network())
        .relation(3, "db", "mysql")
}

#[test]
fn unit_get_addresses() {
    assert_eq!(ok(call(&mut world(), "unit-get", &["public-address"])), "203.0.113.5\n");
    assert_eq!(ok(call(&mut world(), "unit-get", &["private-address"])), "192.168.0.5\n");
    assert_eq!(ok(call(&mut world(), "unit-get", &["public-address", "--format", "json"])), "\"203.0.113.5\"\n");
}

#[test]
fn unit_get_prefers_the_default_binding() {
    let mut ctx = world().network("", network());
    assert_eq!(ok(call(&mut ctx, "unit-get", &["private-address"])), "10.0.0.5\n");
    let mut named = network();
    named.bind_addresses[0].addresses[0].hostname = "wp-0.lxd".to_string();
    let mut ctx = world().network("", named);
    assert_eq!(ok(call(&mut ctx, "unit-get", &["private-address"])), "wp-0.lxd\n");
}

#[test]
fn unit_get_errors() {
    fails(call(&mut world(), "unit-get", &[]), 2, "no setting specified");
    fails(call(&mut world(), "unit-get", &["address"]), 2, "unknown setting \"address\"");
    fails(call(&mut world(), "unit-get", &["public-address", "x"]), 2, "unrecognized args: [\"x\"]");
    fails(call(&mut MemoryContext::new("u/0"), "unit-get", &["public-address"]), 1, "public address not found");
}

#[test]
fn network_get_everything() {
    assert_eq!(
        ok(call(&mut world(), "network-get", &["db"])),
        "bind-addresses:\n\
         - mac-address: 00:16:3e:aa:bb:cc\n  interface-name: eth0\n  addresses:\n\
         \x20 - hostname: \"\"\n    value: 10.0.0.5\n    cidr: 10.0.0.0/24\n    address: 10.0.0.5\n\
         \x20 macaddress: 00:16:3e:aa:bb:cc\n  interfacename: eth0\n\
         egress-subnets:\n- 10.0.0.5/32\ningress-addresses:\n- 10.0.0.5\n"
    );
    assert_eq!(
        ok(call(&mut world(), "network-get", &["db", "--format", "json"])),
        "{\"bind-addresses\":[{\"mac-address\":\"00:16:3e:aa:bb:cc\",\"interface-name\":\"eth0\",\
         \"addresses\":[{\"hostname\":\"\",\"value\":\"10.0.0.5\",\"cidr\":\"10.0.0.0/24\"}]}],\
         \"egress-subnets\":[\"10.0.0.5/32\"],\"ingress-addresses\":[\"10.0.0.5\"]}\n"
    );
}

#[test]
fn network_get_single_values() {
    assert_eq!(ok(call(&mut world(), "network-get", &["db", "--ingress-address"])), "10.0.0.5\n");
    assert_eq!(ok(call(&mut world(), "network-get", &["db", "--bind-address"])), "10.0.0.5\n");
    assert_eq!(ok(call(&mut world(), "network-get", &["db", "--egress-subnets"])), "10.0.0.5/32\n");
    assert_eq!(ok(call(&mut world(), "network-get", &["--primary-address", "db"])), "10.0.0.5\n");
    assert_eq!(
        ok(call(&mut world(), "network-get", &["db", "--bind-address", "--ingress-address"])),
        "bind-address: 10.0.0.5\ningress-address: 10.0.0.5\n"
    );
    assert_eq!(ok(call(&mut world(), "network-get", &["db", "-r", "db:3", "--ingress-address"])), "10.0.0.5\n");
}

#[test]
fn network_get_errors() {
    fails(call(&mut world(), "network-get", &[]), 2, "no arguments specified");
    fails(call(&mut world(), "network-get", &[""]), 2, "no binding name specified");
    fails(call(&mut world(), "network-get", &["db", "x"]), 2, "unrecognized args: [\"x\"]");
    fails(call(&mut world(), "network-get", &["website"]), 1, "no network config found for binding \"website\"");
    fails(
        call(&mut world(), "network-get", &["db", "--primary-address", "--bind-address"]),
        1,
        "--primary-address must be the only flag specified",
    );
    fails(
        call(&mut world(), "network-get", &["db", "-r", "9"]),
        2,
        "invalid value \"9\" for flag -r: relation not found",
    );
}
