use super::{call, fails, ok};
use crate::tools::memory::MemoryContext;

fn unit() -> MemoryContext {
    MemoryContext::new("kv/0")
        .storage_instance("data/0", "filesystem", "/var/lib/juju/storage/data/0")
        .storage_instance("logs/2", "filesystem", "/var/lib/juju/storage/logs/2")
        .storage_instance("data/10", "block", "/dev/loop10")
}

#[test]
fn list_filters_by_name_and_prints_as_juju() {
    assert_eq!(ok(call(&mut unit(), "storage-list", &[])), "data/0\ndata/10\nlogs/2\n");
    assert_eq!(ok(call(&mut unit(), "storage-list", &["data", "--format", "json"])), "[\"data/0\",\"data/10\"]\n");
    assert_eq!(ok(call(&mut unit(), "storage-list", &["none"])), "");
    fails(call(&mut unit(), "storage-list", &["a", "b"]), 2, "unrecognized args: [\"b\"]");
}

#[test]
fn get_defaults_to_the_hooks_storage_and_help_shows_it_for_ops() {
    let mut ctx = unit().storage_hook("data/0");
    assert_eq!(ok(call(&mut ctx, "storage-get", &["location"])), "/var/lib/juju/storage/data/0\n");
    assert_eq!(
        ok(call(&mut ctx, "storage-get", &["--format", "json"])),
        "{\"kind\":\"filesystem\",\"location\":\"/var/lib/juju/storage/data/0\"}\n"
    );
    assert_eq!(ok(call(&mut ctx, "storage-get", &["-s", "data/10", "kind", "--format=json"])), "\"block\"\n");
    // ops finds the hook's instance in the help text with `^-s\s+\(=\s+(.*?)\)`.
    let help = ok(call(&mut ctx, "storage-get", &["--help"]));
    assert!(help.lines().any(|l| l == "-s  (= data/0)"), "{help}");
    fails(call(&mut ctx, "storage-get", &["size"]), 1, "invalid storage attribute \"size\"");
    fails(call(&mut unit(), "storage-get", &["location"]), 2, "no storage instance specified");
    fails(
        call(&mut unit(), "storage-get", &["-s", "data"]),
        2,
        "invalid value \"data\" for flag -s: invalid storage ID \"data\"",
    );
    fails(
        call(&mut unit(), "storage-get", &["-s", "data/7"]),
        2,
        "invalid value \"data/7\" for flag -s: storage attachment \"data/7\" on \"kv/0\" not found",
    );
}

#[test]
fn add_is_buffered_with_counts() {
    let mut ctx = unit();
    ok(call(&mut ctx, "storage-add", &["data=2", "logs"]));
    assert_eq!(ctx.pending_storage, vec![("data".to_string(), 2), ("logs".to_string(), 1)]);
    fails(call(&mut ctx, "storage-add", &[]), 2, "storage add requires a storage directive");
    fails(call(&mut ctx, "storage-add", &["data=ebs,10G"]), 2, "only count can be specified for \"data\"");
    fails(call(&mut ctx, "storage-add", &["data=0"]), 2, "count must be greater than zero, got \"0\"");
    fails(call(&mut ctx, "storage-add", &["cache=1"]), 1, "charm storage \"cache\" not found");
}
