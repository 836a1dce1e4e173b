use super::{call, fails, ok};
use crate::tools::memory::MemoryContext;

#[test]
fn credential_get_answers_trusted_applications_only() {
    let mut untrusted = MemoryContext::new("app/0");
    fails(call(&mut untrusted, "credential-get", &[]), 1, "cannot access cloud credentials: permission denied");
    let mut trusted = MemoryContext::new("app/0");
    trusted.trusted = true;
    let json = ok(call(&mut trusted, "credential-get", &["--format", "json"]));
    assert_eq!(
        json,
        "{\"type\":\"lxd\",\"name\":\"localhost\",\"region\":\"localhost\",\"endpoint\":\"https://127.0.0.1:8443\",\
         \"credential\":{\"auth-type\":\"certificate\",\"attrs\":{\"client-cert\":\"simulated\",\"client-key\":\"simulated\",\
         \"server-cert\":\"simulated\"}},\"is-controller-cloud\":true}\n"
    );
    fails(call(&mut trusted, "credential-get", &["extra"]), 2, "unrecognized args: [\"extra\"]");
}

#[test]
fn resource_get_prints_the_units_copy() {
    let mut ctx = MemoryContext::new("app/0");
    ctx.resources.insert("image".into(), "/var/lib/juju/agents/unit-app-0/resources/image/image.tar".into());
    assert_eq!(
        ok(call(&mut ctx, "resource-get", &["image"])),
        "/var/lib/juju/agents/unit-app-0/resources/image/image.tar\n"
    );
    fails(call(&mut ctx, "resource-get", &[]), 2, "missing required resource name");
    fails(call(&mut ctx, "resource-get", &["other"]), 1, "resource \"other\" not found");
}
