use super::{call, fails, ok};
use crate::tools::memory::MemoryContext;

/// The leader of `kv` related to `client` on relation 4.
fn owner() -> MemoryContext {
    MemoryContext::new("kv/0").leader(true).relation(4, "kv", "client")
}

fn add(ctx: &mut MemoryContext, args: &[&str]) -> String {
    ok(call(ctx, "secret-add", args)).trim_end().to_string()
}

/// A context for `unit` over the same model secrets as `from`.
fn sharing(from: &MemoryContext, unit: &str) -> MemoryContext {
    let mut ctx = MemoryContext::new(unit).relation(4, "kv", "kv");
    ctx.secrets = from.secrets.clone();
    ctx
}

#[test]
fn add_prints_a_juju_shaped_uri_and_get_reads_the_content() {
    let mut ctx = owner();
    let uri = add(&mut ctx, &["password=s3cret", "user#base64=YWRtaW4=", "--label", "db"]);
    let id = uri.strip_prefix("secret:").expect("secret: prefix");
    assert_eq!(id.len(), 20);
    assert!(id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'v').contains(&b)), "{id}");
    assert_eq!(ok(call(&mut ctx, "secret-get", &[&uri])), "password: s3cret\nuser: admin\n");
    assert_eq!(
        ok(call(&mut ctx, "secret-get", &[&uri, "--format", "json"])),
        "{\"password\":\"s3cret\",\"user\":\"admin\"}\n"
    );
    assert_eq!(ok(call(&mut ctx, "secret-get", &["--label", "db"])), "password: s3cret\nuser: admin\n");
    // The first argument is always the ID, as in Juju.
    fails(call(&mut ctx, "secret-get", &["--label", "db", "user"]), 2, "secret URI \"user\" not valid");
    assert_eq!(ok(call(&mut ctx, "secret-get", &[&uri, "user#base64"])), "YWRtaW4=\n");
    fails(call(&mut ctx, "secret-get", &[&uri, "nope"]), 1, "secret key \"nope\" not found");
    fails(
        call(&mut ctx, "secret-get", &[&uri, "--format", "smart"]),
        2,
        "invalid value \"smart\" for flag --format: unknown format \"smart\"",
    );
    assert_eq!(ok(call(&mut ctx, "secret-ids", &[])), format!("{id}\n"));
    // The same seed gives the same ids.
    assert_eq!(add(&mut owner(), &["password=s3cret"]), uri);
}

#[test]
fn add_checks_its_arguments_and_leadership() {
    let mut ctx = owner();
    fails(call(&mut ctx, "secret-add", &[]), 2, "missing secret value or filename");
    fails(call(&mut ctx, "secret-add", &["pw=x"]), 2, "key \"pw\" not valid");
    fails(call(&mut ctx, "secret-add", &["novalue"]), 2, "key value \"novalue\" not valid");
    fails(call(&mut ctx, "secret-add", &["--owner", "model", "token=x"]), 2, "secret owner \"model\" not valid");
    fails(call(&mut ctx, "secret-add", &["--rotate", "often", "token=x"]), 2, "rotate policy \"often\" not valid");
    fails(
        call(&mut ctx, "secret-add", &["--expire", "soon", "token=x"]),
        2,
        "expire time or duration \"soon\" not valid",
    );
    add(&mut ctx, &["--label", "one", "token=x"]);
    fails(call(&mut ctx, "secret-add", &["--label", "one", "token=y"]), 1, "secret with label \"one\" already exists");
    let mut follower = MemoryContext::new("kv/1");
    fails(call(&mut follower, "secret-add", &["token=x"]), 1, "this unit is not the leader");
    let uri = add(&mut follower, &["--owner", "unit", "token=x"]);
    let info = ok(call(&mut follower, "secret-info-get", &[&uri, "--format", "json"]));
    assert!(info.contains("\"owner\":\"unit\""), "{info}");
}

#[test]
fn add_reads_file_values_as_ops_passes_them() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pw"), "multi\nline").unwrap();
    let mut ctx = owner().cwd(dir.path());
    let uri = add(&mut ctx, &["password#file=pw"]);
    assert_eq!(ok(call(&mut ctx, "secret-get", &[&uri, "password"])), "|-\n  multi\n  line\n");
    assert_eq!(ok(call(&mut ctx, "secret-get", &[&uri, "password", "--format=json"])), "\"multi\\nline\"\n");
    fails(
        call(&mut ctx, "secret-add", &["password#file=missing"]),
        2,
        &format!("open {}/missing: no such file or directory", dir.path().display()),
    );
}

#[test]
fn a_consumer_needs_a_grant_and_tracks_its_revision_until_it_refreshes() {
    let mut kv = owner();
    let uri = add(&mut kv, &["token=one"]);
    let mut client = sharing(&kv, "client/0");
    fails(call(&mut client, "secret-get", &[&uri]), 1, "permission denied");
    ok(call(&mut kv, "secret-grant", &[&uri, "-r", "4"]));
    client.secrets = kv.secrets.clone();
    assert_eq!(ok(call(&mut client, "secret-get", &[&uri, "--label", "upstream"])), "token: one\n");
    kv.secrets = client.secrets.clone();
    ok(call(&mut kv, "secret-set", &[&uri, "token=two"]));
    client.secrets = kv.secrets.clone();
    let id = uri.trim_start_matches("secret:");
    assert_eq!(client.secrets.changed_for("client/0").get(id), Some(&(2, Some("upstream".to_string()))));
    assert_eq!(ok(call(&mut client, "secret-get", &["--label", "upstream"])), "token: one\n");
    assert_eq!(ok(call(&mut client, "secret-get", &[&uri, "--peek"])), "token: two\n");
    assert_eq!(ok(call(&mut client, "secret-get", &[&uri])), "token: one\n");
    assert_eq!(ok(call(&mut client, "secret-get", &[&uri, "--refresh"])), "token: two\n");
    assert_eq!(ok(call(&mut client, "secret-get", &[&uri])), "token: two\n");
    assert!(client.secrets.changed_for("client/0").is_empty());
    fails(
        call(&mut client, "secret-get", &[&uri, "--peek", "--refresh"]),
        2,
        "specify one of --peek or --refresh but not both",
    );
    fails(call(&mut client, "secret-get", &[]), 2, "require either a secret URI or label");
    fails(call(&mut client, "secret-set", &[&uri, "token=three"]), 1, "permission denied");
    fails(call(&mut client, "secret-get", &["--label", "other"]), 1, "consumer label \"other\" not found");
    // Setting the same content makes no new revision.
    ok(call(&mut kv, "secret-set", &[&uri, "token=two"]));
    assert_eq!(kv.secrets.by_id[id].latest, 2);
}

#[test]
fn grants_are_scoped_to_a_relation_and_a_unit_of_its_remote_application() {
    let mut kv = owner();
    let uri = add(&mut kv, &["token=one"]);
    fails(call(&mut kv, "secret-grant", &[&uri]), 2, "no relation id specified");
    fails(call(&mut kv, "secret-grant", &[&uri, "-r", "9"]), 2, "invalid value \"9\" for flag -r: relation not found");
    fails(
        call(&mut kv, "secret-grant", &[&uri, "-r", "4", "--unit", "other/0"]),
        2,
        "cannot specify unit \"other/0\" in relation to application \"client\"",
    );
    ok(call(&mut kv, "secret-grant", &[&uri, "-r", "4", "--unit", "client/1"]));
    let mut one = sharing(&kv, "client/0");
    fails(call(&mut one, "secret-get", &[&uri]), 1, "permission denied");
    let mut two = sharing(&kv, "client/1");
    assert_eq!(ok(call(&mut two, "secret-get", &[&uri, "token"])), "one\n");
    let info = ok(call(&mut kv, "secret-info-get", &[&uri]));
    let id = uri.trim_start_matches("secret:");
    assert_eq!(
        info,
        format!("{id}:\n  revision: 1\n  label: \"\"\n  owner: application\n  access:\n  - target: unit-client-1\n    scope: relation-kv.kv#client\n    role: view\n")
    );
    ok(call(&mut kv, "secret-revoke", &[&uri, "-r", "4", "--unit", "client/1"]));
    let mut two = sharing(&kv, "client/1");
    fails(call(&mut two, "secret-get", &[&uri]), 1, "permission denied");
    let mut follower = sharing(&kv, "kv/1");
    fails(call(&mut follower, "secret-grant", &[&uri, "-r", "4"]), 1, "this unit is not the leader");
    fails(call(&mut follower, "secret-set", &[&uri, "token=x"]), 1, "this unit is not the leader");
    // A follower of the owning application reads the content all the same.
    assert_eq!(ok(call(&mut follower, "secret-get", &[&uri, "token"])), "one\n");
}

#[test]
fn info_get_and_remove() {
    let mut kv = owner();
    let uri = add(&mut kv, &["--label", "db", "--description", "the db", "--rotate", "daily", "token=one"]);
    ok(call(&mut kv, "secret-set", &[&uri, "token=two"]));
    let id = uri.trim_start_matches("secret:");
    assert_eq!(
        ok(call(&mut kv, "secret-info-get", &["--label", "db", "--format", "json"])),
        format!("{{\"{id}\":{{\"revision\":2,\"label\":\"db\",\"owner\":\"application\",\"description\":\"the db\",\"rotation\":\"daily\"}}}}\n")
    );
    fails(
        call(&mut kv, "secret-info-get", &[&uri, "--label", "db"]),
        2,
        "specify either a secret URI or label but not both",
    );
    fails(call(&mut kv, "secret-info-get", &["--label", "nope"]), 1, "secret \"nope\" not found");
    fails(call(&mut kv, "secret-get", &["secret:bad"]), 2, "secret URI \"secret:bad\" not valid");
    ok(call(&mut kv, "secret-remove", &[&uri, "--revision", "1"]));
    assert_eq!(kv.secrets.by_id[id].revisions.keys().copied().collect::<Vec<_>>(), vec![2]);
    fails(
        call(&mut kv, "secret-remove", &[&uri, "--revision", "1"]),
        1,
        &format!("secret revision \"{id}/1\" not found"),
    );
    ok(call(&mut kv, "secret-remove", &[&uri]));
    assert!(kv.secrets.by_id.is_empty());
    fails(call(&mut kv, "secret-get", &[&uri]), 1, &format!("secret \"{id}\" not found"));
    assert_eq!(ok(call(&mut kv, "secret-ids", &[])), "");
}
