//! The secret tools of Juju 3.x: `secret-add`, `secret-get`, `secret-set`, `secret-remove`,
//! `secret-grant`, `secret-revoke`, `secret-ids` and `secret-info-get`.
//!
//! Content is kept as Juju keeps it, each value base64-encoded; `secret-get` decodes it
//! (`key#base64` asks for the encoded form). An application's secret is managed by its leader,
//! a unit's by that unit; other units read a secret once it is granted to them in a relation,
//! and then see the revision they track until they `--refresh` (spec §4.3, secrets).

use std::collections::BTreeMap;

use super::command::{check_empty, io_error, Command, Env, Info, Output, RelationFlag};
use super::context::{HookContext, ToolError};
use super::flags::{FlagSpec, FlagValue};
use crate::model::{Secret, SecretConsumer, SecretGrant, SecretOwner, Secrets, Settings, Value};
use formula_sdk::go::strconv::quote;

/// Juju's `ErrIsNotLeader`.
const NOT_LEADER: &str = "this unit is not the leader";

/// The rotation policies Juju accepts.
const ROTATE_POLICIES: [&str; 7] = ["never", "hourly", "daily", "weekly", "monthly", "quarterly", "yearly"];

/// A secret key as Juju allows it: a lower-case letter, then at least two more lower-case
/// letters or digits, single dashes between them.
fn valid_key(key: &str) -> bool {
    let bytes = key.as_bytes();
    if bytes.len() < 3 || !bytes[0].is_ascii_lowercase() || bytes[bytes.len() - 1] == b'-' {
        return false;
    }
    bytes.windows(2).all(|w| !(w[0] == b'-' && w[1] == b'-'))
        && bytes.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
}

/// Parses `key=value`, `key#base64=value` and `key#file=path` arguments into base64-encoded
/// values, as Juju's `secrets.CreateSecretData` does.
fn secret_data(ctx: &dyn HookContext, args: &[String]) -> Result<Settings, String> {
    let mut data = Settings::new();
    for arg in args {
        // base64 padding is not the separator.
        let stripped = arg.trim_end_matches('=');
        let index = match stripped.find('=') {
            Some(i) if i > 0 => i,
            _ => return Err(format!("key value {} not valid", quote(arg))),
        };
        let key = &stripped[..index];
        if let Some(key) = key.strip_suffix("#base64") {
            if !valid_key(key) {
                return Err(format!("key {} not valid", quote(key)));
            }
            data.insert(key.to_string(), arg[index + 1..].to_string());
            continue;
        }
        if let Some(key) = key.strip_suffix("#file") {
            if !valid_key(key) {
                return Err(format!("key {} not valid", quote(key)));
            }
            let path = &stripped[index + 1..];
            let bytes =
                ctx.read_file(path).map_err(|e| io_error("open", &ctx.resolve_path(path).display().to_string(), &e))?;
            data.insert(key.to_string(), base64_encode(&bytes));
            continue;
        }
        if !valid_key(key) {
            return Err(format!("key {} not valid", quote(key)));
        }
        data.insert(key.to_string(), base64_encode(&arg.as_bytes()[index + 1..]));
    }
    Ok(data)
}

/// The secret an argument names, or Juju's message for a bad one.
fn parse_id(text: &str) -> Result<String, String> {
    Secrets::parse_uri(text).ok_or_else(|| format!("secret URI {} not valid", quote(text)))
}

fn not_found(id: &str) -> String {
    ToolError::NotFound(format!("secret {}", quote(id))).to_string()
}

/// Runs `change` on the secret with `id` if this unit may manage it.
fn with_managed<T>(
    ctx: &mut dyn HookContext,
    id: &str,
    change: impl FnOnce(&mut Secret) -> Result<T, String>,
) -> Result<T, String> {
    let unit = ctx.unit_name().to_string();
    let application_owned = {
        let secrets = ctx.secrets().map_err(|e| e.to_string())?;
        match secrets.by_id.get(id) {
            Some(s) if s.owner.includes(&unit) => matches!(s.owner, SecretOwner::Application(_)),
            Some(_) => return Err(ToolError::PermissionDenied.to_string()),
            None => return Err(not_found(id)),
        }
    };
    if application_owned && !ctx.is_leader().map_err(|e| format!("cannot determine leadership: {e}"))? {
        return Err(NOT_LEADER.to_string());
    }
    let secrets = ctx.secrets().map_err(|e| e.to_string())?;
    let secret = secrets.by_id.get_mut(id).ok_or_else(|| not_found(id))?;
    change(secret)
}

/// The flags `secret-add` and `secret-set` share, with what they were given.
#[derive(Default)]
struct Upsert {
    expire: String,
    rotate: String,
    description: Option<String>,
    label: Option<String>,
    file: String,
    owner: String,
    data: Settings,
}

impl Upsert {
    fn specs(with_owner: bool) -> Vec<FlagSpec> {
        let mut specs = vec![
            FlagSpec::string(&["expire"], "", "either a duration or time when the secret should expire"),
            FlagSpec::string(&["rotate"], "", "the secret rotation policy"),
            FlagSpec::string(&["description"], "", "the secret description"),
            FlagSpec::string(&["label"], "", "a label used to identify the secret in hooks"),
            FlagSpec::string(&["file"], "", "a YAML file containing secret key values"),
        ];
        if with_owner {
            specs.push(FlagSpec::string(
                &["owner"],
                "application",
                "the owner of the secret, either the application or unit",
            ));
        }
        specs
    }

    fn set(&mut self, key: &str, value: FlagValue<'_>) {
        let FlagValue::Str(v) = value else { return };
        match key {
            "expire" => self.expire = v.to_string(),
            "rotate" => self.rotate = v.to_string(),
            "description" => self.description = Some(v.to_string()),
            "label" => self.label = Some(v.to_string()),
            "file" => self.file = v.to_string(),
            "owner" => self.owner = v.to_string(),
            _ => {}
        }
    }

    /// Juju's `secretUpsertCommand.Init`.
    fn init(&mut self, ctx: &mut dyn HookContext, args: &[String]) -> Result<(), String> {
        if !self.expire.is_empty() && !valid_expiry(&self.expire) {
            return Err(format!("expire time or duration {} not valid", quote(&self.expire)));
        }
        if !self.rotate.is_empty() && !ROTATE_POLICIES.contains(&self.rotate.as_str()) {
            return Err(format!("rotate policy {} not valid", quote(&self.rotate)));
        }
        if self.owner != "application" && self.owner != "unit" {
            return Err(format!("secret owner {} not valid", quote(&self.owner)));
        }
        self.data = secret_data(ctx, args)?;
        if !self.file.is_empty() {
            let bytes = ctx
                .read_file(&self.file)
                .map_err(|e| io_error("open", &ctx.resolve_path(&self.file).display().to_string(), &e))?;
            let from_file = super::keyvalues::parse_settings_file(&bytes)?;
            let args: Vec<String> = from_file.iter().map(|(k, v)| format!("{k}={v}")).collect();
            self.data.extend(secret_data(ctx, &args)?);
        }
        Ok(())
    }

    fn apply_metadata(&self, secret: &mut Secret) {
        if let Some(label) = &self.label {
            secret.label = Some(label.clone());
        }
        if let Some(description) = &self.description {
            secret.description = Some(description.clone());
        }
        if !self.rotate.is_empty() {
            secret.rotate = Some(self.rotate.clone());
        }
        if !self.expire.is_empty() {
            secret.expire = Some(self.expire.clone());
        }
    }
}

/// An RFC 3339 time (with or without a zone) or a positive Go duration (`24h`, `90m`).
fn valid_expiry(text: &str) -> bool {
    let looks_like_time = text.len() >= 19 && text.as_bytes()[4] == b'-' && text.as_bytes()[10] == b'T';
    if looks_like_time {
        return true;
    }
    let mut rest = text;
    let mut any = false;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        if digits == 0 {
            return false;
        }
        rest = &rest[digits..];
        let unit = rest.find(|c: char| c.is_ascii_digit()).unwrap_or(rest.len());
        if !["ns", "us", "µs", "ms", "s", "m", "h"].contains(&&rest[..unit]) {
            return false;
        }
        rest = &rest[unit..];
        any = true;
    }
    any
}

/// `secret-add [options] [key[#base64|#file]=value...]`.
pub(crate) struct SecretAdd {
    upsert: Upsert,
}

impl Default for SecretAdd {
    fn default() -> Self {
        SecretAdd { upsert: Upsert { owner: "application".into(), ..Upsert::default() } }
    }
}

impl Command for SecretAdd {
    fn info(&self, name: &str, _ctx: &dyn HookContext) -> Info {
        Info {
            name: name.to_string(),
            args: "[key[#base64|#file]=value...]".to_string(),
            purpose: "Add a new secret.",
            doc: "Adds a secret with the given keys and values and prints its URI. Values are \
                  base64-encoded unless the key ends in #base64; a key ending in #file takes \
                  its value from that file. The application owns the secret (only its leader \
                  manages it) unless --owner unit is given."
                .to_string(),
        }
    }

    fn flags(&self) -> Vec<FlagSpec> {
        Upsert::specs(true)
    }

    fn set_flag(&mut self, _ctx: &mut dyn HookContext, key: &'static str, value: FlagValue<'_>) -> Result<(), String> {
        self.upsert.set(key, value);
        Ok(())
    }

    fn init(&mut self, ctx: &mut dyn HookContext, args: Vec<String>) -> Result<(), String> {
        if args.is_empty() && self.upsert.file.is_empty() {
            return Err("missing secret value or filename".to_string());
        }
        self.upsert.init(ctx, &args)
    }

    fn run(&mut self, env: &mut Env<'_>) -> Result<(), String> {
        let unit = env.ctx.unit_name().to_string();
        let owner = if self.upsert.owner == "unit" {
            SecretOwner::Unit(unit.clone())
        } else {
            SecretOwner::Application(super::relation::app_of(&unit).to_string())
        };
        if matches!(owner, SecretOwner::Application(_))
            && !env.ctx.is_leader().map_err(|e| format!("cannot determine leadership: {e}"))?
        {
            return Err(NOT_LEADER.to_string());
        }
        if self.upsert.data.is_empty() {
            return Err("empty secret value not valid".to_string());
        }
        let secrets = env.ctx.secrets().map_err(|e| e.to_string())?;
        if let Some(label) = &self.upsert.label {
            if secrets.by_id.values().any(|s| s.owner == owner && s.label.as_ref() == Some(label)) {
                return Err(format!("secret with label {} already exists", quote(label)));
            }
        }
        let id = secrets.next_id();
        let mut secret = Secret {
            id: id.clone(),
            owner,
            label: None,
            description: None,
            rotate: None,
            expire: None,
            revisions: BTreeMap::from([(1, std::mem::take(&mut self.upsert.data))]),
            latest: 1,
            grants: Vec::new(),
            consumers: BTreeMap::new(),
            granted_apps: Default::default(),
        };
        self.upsert.apply_metadata(&mut secret);
        let uri = secret.uri();
        secrets.by_id.insert(id, secret);
        env.stdout.extend_from_slice(format!("{uri}\n").as_bytes());
        Ok(())
    }
}

/// `secret-set [options] <ID> [key[#base64|#file]=value...]`.
pub(crate) struct SecretSet {
    upsert: Upsert,
    id: String,
}

impl Default for SecretSet {
    fn default() -> Self {
        SecretSet { upsert: Upsert { owner: "application".into(), ..Upsert::default() }, id: String::new() }
    }
}

impl Command for SecretSet {
    fn info(&self, name: &str, _ctx: &dyn HookContext) -> Info {
        Info {
            name: name.to_string(),
            args: "<ID> [key[#base64|#file]=value...]".to_string(),
            purpose: "Update an existing secret.",
            doc: "Sets new content (a new revision, when it differs from the latest) or new \
                  metadata of a secret this unit manages."
                .to_string(),
        }
    }

    fn flags(&self) -> Vec<FlagSpec> {
        Upsert::specs(true)
    }

    fn set_flag(&mut self, _ctx: &mut dyn HookContext, key: &'static str, value: FlagValue<'_>) -> Result<(), String> {
        self.upsert.set(key, value);
        Ok(())
    }

    fn init(&mut self, ctx: &mut dyn HookContext, args: Vec<String>) -> Result<(), String> {
        let Some(first) = args.first() else {
            return Err("missing secret URI".to_string());
        };
        self.id = parse_id(first)?;
        self.upsert.init(ctx, &args[1..])
    }

    fn run(&mut self, env: &mut Env<'_>) -> Result<(), String> {
        let upsert = &self.upsert;
        with_managed(env.ctx, &self.id, |secret| {
            upsert.apply_metadata(secret);
            let latest = secret.revisions.get(&secret.latest);
            if !upsert.data.is_empty() && latest != Some(&upsert.data) {
                secret.latest += 1;
                secret.revisions.insert(secret.latest, upsert.data.clone());
            }
            Ok(())
        })
    }
}

/// `secret-remove <ID> [--revision N]`.
#[derive(Default)]
pub(crate) struct SecretRemove {
    id: String,
    revision: Option<u32>,
}

impl Command for SecretRemove {
    fn info(&self, name: &str, _ctx: &dyn HookContext) -> Info {
        Info {
            name: name.to_string(),
            args: "<ID>".to_string(),
            purpose: "Remove an existing secret.",
            doc: "Removes the secret, or one of its revisions with --revision.".to_string(),
        }
    }

    fn flags(&self) -> Vec<FlagSpec> {
        vec![FlagSpec::var(&["revision"], "0", "remove the specified revision")]
    }

    fn set_flag(&mut self, _ctx: &mut dyn HookContext, key: &'static str, value: FlagValue<'_>) -> Result<(), String> {
        if let ("revision", FlagValue::Str(v)) = (key, value) {
            let revision: u32 = v.parse().map_err(|_| "invalid revision".to_string())?;
            self.revision = Some(revision);
        }
        Ok(())
    }

    fn init(&mut self, _ctx: &mut dyn HookContext, args: Vec<String>) -> Result<(), String> {
        let Some(first) = args.first() else {
            return Err("missing secret URI".to_string());
        };
        self.id = parse_id(first)?;
        check_empty(&args[1..])
    }

    fn run(&mut self, env: &mut Env<'_>) -> Result<(), String> {
        let revision = self.revision;
        let gone = with_managed(env.ctx, &self.id, |secret| {
            let Some(revision) = revision else { return Ok(true) };
            if secret.revisions.remove(&revision).is_none() {
                return Err(format!("secret revision {} not found", quote(&format!("{}/{revision}", secret.id))));
            }
            Ok(secret.revisions.is_empty())
        })?;
        if gone {
            env.ctx.secrets().map_err(|e| e.to_string())?.by_id.remove(&self.id);
        }
        Ok(())
    }
}

/// `secret-grant` and `secret-revoke`: `<ID> -r <relation> [--unit <unit>]`.
pub(crate) struct SecretAccess {
    grant: bool,
    relation: RelationFlag,
    unit: String,
    id: String,
    target: String,
    relation_id: i64,
    relation_key: String,
}

impl SecretAccess {
    pub fn new(ctx: &dyn HookContext, grant: bool) -> SecretAccess {
        SecretAccess {
            grant,
            relation: RelationFlag::new(ctx),
            unit: String::new(),
            id: String::new(),
            target: String::new(),
            relation_id: 0,
            relation_key: String::new(),
        }
    }
}

impl Command for SecretAccess {
    fn info(&self, name: &str, _ctx: &dyn HookContext) -> Info {
        let (purpose, doc) = if self.grant {
            (
                "Grant access to a secret.",
                "Grants the units of the application at the other end of the relation, or the \
                 one unit given with --unit, access to the secret's content; the grant ends \
                 with the relation.",
            )
        } else {
            ("Revoke access to a secret.", "Revokes access given with secret-grant.")
        };
        Info { name: name.to_string(), args: "<ID>".to_string(), purpose, doc: doc.to_string() }
    }

    fn flags(&self) -> Vec<FlagSpec> {
        let mut relation = self.relation.spec();
        relation.usage = "the relation with which to associate the grant";
        let unit_usage = if self.grant { "the unit to grant access" } else { "the unit to revoke access" };
        vec![FlagSpec::string(&["unit"], "", unit_usage), relation]
    }

    fn set_flag(&mut self, ctx: &mut dyn HookContext, key: &'static str, value: FlagValue<'_>) -> Result<(), String> {
        match (key, value) {
            ("r", FlagValue::Str(v)) => self.relation.set(ctx, v),
            ("unit", FlagValue::Str(v)) => {
                self.unit = v.to_string();
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn init(&mut self, ctx: &mut dyn HookContext, args: Vec<String>) -> Result<(), String> {
        let Some(first) = args.first() else {
            return Err("missing secret URI".to_string());
        };
        self.id = parse_id(first)?;
        self.relation_id = self.relation.require()?;
        let info = ctx.relation(self.relation_id).map_err(|e| e.to_string())?;
        self.relation_key = ctx.relation_key(self.relation_id).unwrap_or_else(|| info.fake_id());
        self.target = info.remote_app.clone();
        if !self.unit.is_empty() {
            if formula_sdk::format::names::unit_application(&self.unit).is_none() {
                return Err(format!("unit {} not valid", quote(&self.unit)));
            }
            if super::relation::app_of(&self.unit) != info.remote_app {
                return Err(format!(
                    "cannot specify unit {} in relation to application {}",
                    quote(&self.unit),
                    quote(&info.remote_app)
                ));
            }
            self.target = self.unit.clone();
        }
        check_empty(&args[1..])
    }

    fn run(&mut self, env: &mut Env<'_>) -> Result<(), String> {
        let grant = SecretGrant {
            relation: self.relation_id,
            relation_key: self.relation_key.clone(),
            target: self.target.clone(),
        };
        let granting = self.grant;
        with_managed(env.ctx, &self.id, |secret| {
            if !granting {
                secret.grants.retain(|g| g != &grant);
                return Ok(());
            }
            let mut scoped = secret.grants.iter().filter(|g| g.relation == grant.relation);
            if scoped.any(|g| g.target == grant.target || !g.target.contains('/')) {
                return Ok(()); // already granted, to the unit or its whole application
            }
            if !grant.target.contains('/') && secret.grants.iter().any(|g| g.relation == grant.relation) {
                return Err("any unit level grants need to be revoked before granting access to the \
                            corresponding application not valid"
                    .to_string());
            }
            secret.grants.push(grant);
            Ok(())
        })
    }
}

/// `secret-get <ID> [key[#base64]]` or `secret-get --label <label> ...`.
pub(crate) struct SecretGet {
    out: Output,
    id: Option<String>,
    label: String,
    key: String,
    peek: bool,
    refresh: bool,
}

impl Default for SecretGet {
    fn default() -> Self {
        SecretGet {
            out: Output::yaml_or_json(),
            id: None,
            label: String::new(),
            key: String::new(),
            peek: false,
            refresh: false,
        }
    }
}

impl Command for SecretGet {
    fn info(&self, name: &str, _ctx: &dyn HookContext) -> Info {
        Info {
            name: name.to_string(),
            args: "<ID> [key[#base64]]".to_string(),
            purpose: "Get the content of a secret.",
            doc: "Prints the content of a secret given by its ID or label. The first read \
                  returns the latest revision and later reads the same one, unless --peek \
                  (the latest, this time) or --refresh (the latest, from now on) is given."
                .to_string(),
        }
    }

    fn output(&mut self) -> Option<&mut Output> {
        Some(&mut self.out)
    }

    fn flags(&self) -> Vec<FlagSpec> {
        vec![
            FlagSpec::string(&["label"], "", "a label used to identify the secret in hooks"),
            FlagSpec::bool(&["peek"], "get the latest revision just this time"),
            FlagSpec::bool(
                &["refresh"],
                "get the latest revision and also get this same revision for subsequent calls",
            ),
        ]
    }

    fn set_flag(&mut self, _ctx: &mut dyn HookContext, key: &'static str, value: FlagValue<'_>) -> Result<(), String> {
        match (key, value) {
            ("label", FlagValue::Str(v)) => self.label = v.to_string(),
            ("peek", FlagValue::Bool(b)) => self.peek = b,
            ("refresh", FlagValue::Bool(b)) => self.refresh = b,
            _ => {}
        }
        Ok(())
    }

    fn init(&mut self, _ctx: &mut dyn HookContext, args: Vec<String>) -> Result<(), String> {
        let mut rest = &args[..];
        if let Some(first) = rest.first() {
            self.id = Some(Secrets::parse_uri(first).ok_or_else(|| format!("secret URI {} not valid", quote(first)))?);
            rest = &rest[1..];
        }
        if self.id.is_none() && self.label.is_empty() {
            return Err("require either a secret URI or label".to_string());
        }
        if self.peek && self.refresh {
            return Err("specify one of --peek or --refresh but not both".to_string());
        }
        if let Some(key) = rest.first() {
            self.key = key.clone();
            rest = &rest[1..];
        }
        check_empty(rest)
    }

    fn run(&mut self, env: &mut Env<'_>) -> Result<(), String> {
        let unit = env.ctx.unit_name().to_string();
        let label = (!self.label.is_empty()).then(|| self.label.clone());
        let secrets = env.ctx.secrets().map_err(|e| e.to_string())?;
        let content = read_content(secrets, &unit, self.id.as_deref(), label, self.refresh, self.peek)?;
        if self.key.is_empty() {
            let decoded: BTreeMap<String, Value> =
                content.iter().map(|(k, v)| (k.clone(), Value::Str(base64_decode_text(v)))).collect();
            return self.out.write(env, &Value::Map(decoded));
        }
        let (key, encoded) = match self.key.strip_suffix("#base64") {
            Some(key) => (key, true),
            None => (self.key.as_str(), false),
        };
        let value = content.get(key).ok_or_else(|| format!("secret key {} not found", quote(key)))?;
        let value = if encoded { value.clone() } else { base64_decode_text(value) };
        self.out.write(env, &Value::Str(value))
    }
}

/// The content `unit` reads, as Juju's `GetContent` decides it: an owner reads the latest
/// revision (and a label with an ID names the secret for the owner); another unit needs a
/// grant, tracks the revision it first read, and moves on with `--refresh` (`--peek` reads the
/// latest once); a label with an ID becomes its label for the secret.
fn read_content(
    secrets: &mut Secrets,
    unit: &str,
    id: Option<&str>,
    label: Option<String>,
    refresh: bool,
    peek: bool,
) -> Result<Settings, String> {
    let id = match id {
        Some(id) => id.to_string(),
        None => {
            let label = label.clone().unwrap_or_default();
            let owned = secrets.owned_by(unit).find(|s| s.label.as_ref() == Some(&label)).map(|s| s.id.clone());
            let consumed = || {
                secrets
                    .by_id
                    .values()
                    .find(|s| s.consumers.get(unit).is_some_and(|c| c.label.as_ref() == Some(&label)))
                    .map(|s| s.id.clone())
            };
            match owned.or_else(consumed) {
                Some(id) => id,
                None => return Err(ToolError::NotFound(format!("consumer label {}", quote(&label))).to_string()),
            }
        }
    };
    let secret = secrets.by_id.get_mut(&id).ok_or_else(|| not_found(&id))?;
    if secret.owner.includes(unit) {
        if let Some(label) = label {
            secret.label = Some(label);
        }
        return Ok(secret.revisions.get(&secret.latest).cloned().unwrap_or_default());
    }
    if !secret.readable_by(unit) {
        return Err(ToolError::PermissionDenied.to_string());
    }
    let latest = secret.latest;
    let consumer = secret.consumers.entry(unit.to_string()).or_insert(SecretConsumer { label: None, revision: latest });
    if label.is_some() {
        consumer.label = label;
    }
    let revision = if peek {
        latest
    } else {
        if refresh {
            consumer.revision = latest;
        }
        consumer.revision
    };
    secret.revisions.get(&revision).cloned().ok_or_else(|| not_found(&format!("{id}/{revision}")))
}

/// `secret-ids`.
#[derive(Default)]
pub(crate) struct SecretIds {
    out: Output,
}

impl Command for SecretIds {
    fn info(&self, name: &str, _ctx: &dyn HookContext) -> Info {
        Info {
            name: name.to_string(),
            args: String::new(),
            purpose: "Print secret IDs.",
            doc: "Prints the IDs of the secrets this unit and its application own.".to_string(),
        }
    }

    fn output(&mut self) -> Option<&mut Output> {
        Some(&mut self.out)
    }

    fn init(&mut self, _ctx: &mut dyn HookContext, args: Vec<String>) -> Result<(), String> {
        check_empty(&args)
    }

    fn run(&mut self, env: &mut Env<'_>) -> Result<(), String> {
        let unit = env.ctx.unit_name().to_string();
        let secrets = env.ctx.secrets().map_err(|e| e.to_string())?;
        let ids: Vec<String> = secrets.owned_by(&unit).map(|s| s.id.clone()).collect();
        self.out.write(env, &Value::Lines(ids))
    }
}

/// `secret-info-get <ID>` or `secret-info-get --label <label>`.
pub(crate) struct SecretInfoGet {
    out: Output,
    id: Option<String>,
    label: String,
}

impl Default for SecretInfoGet {
    fn default() -> Self {
        SecretInfoGet { out: Output::yaml_or_json(), id: None, label: String::new() }
    }
}

impl Command for SecretInfoGet {
    fn info(&self, name: &str, _ctx: &dyn HookContext) -> Info {
        Info {
            name: name.to_string(),
            args: "<ID>".to_string(),
            purpose: "Get a secret's metadata info.",
            doc: "Prints the metadata of a secret this unit or its application owns, given by \
                  its ID or label."
                .to_string(),
        }
    }

    fn output(&mut self) -> Option<&mut Output> {
        Some(&mut self.out)
    }

    fn flags(&self) -> Vec<FlagSpec> {
        vec![FlagSpec::string(&["label"], "", "a label used to identify the secret")]
    }

    fn set_flag(&mut self, _ctx: &mut dyn HookContext, key: &'static str, value: FlagValue<'_>) -> Result<(), String> {
        if let ("label", FlagValue::Str(v)) = (key, value) {
            self.label = v.to_string();
        }
        Ok(())
    }

    fn init(&mut self, _ctx: &mut dyn HookContext, args: Vec<String>) -> Result<(), String> {
        let mut rest = &args[..];
        if let Some(first) = rest.first() {
            self.id = Some(Secrets::parse_uri(first).ok_or_else(|| format!("secret URI {} not valid", quote(first)))?);
            rest = &rest[1..];
        }
        if self.id.is_none() && self.label.is_empty() {
            return Err("require either a secret URI or label".to_string());
        }
        if self.id.is_some() && !self.label.is_empty() {
            return Err("specify either a secret URI or label but not both".to_string());
        }
        check_empty(rest)
    }

    fn run(&mut self, env: &mut Env<'_>) -> Result<(), String> {
        let unit = env.ctx.unit_name().to_string();
        let secrets = env.ctx.secrets().map_err(|e| e.to_string())?;
        let found = match &self.id {
            Some(id) => secrets.owned_by(&unit).find(|s| &s.id == id),
            None => secrets.owned_by(&unit).find(|s| s.label.as_deref() == Some(self.label.as_str())),
        };
        let Some(secret) = found else {
            let wanted = self.id.clone().unwrap_or_else(|| self.label.clone());
            return Err(not_found(&wanted));
        };
        let mut fields = vec![
            ("revision".to_string(), Value::Int(i64::from(secret.latest))),
            ("label".to_string(), Value::Str(secret.label.clone().unwrap_or_default())),
            ("owner".to_string(), Value::Str(secret.owner.kind().to_string())),
        ];
        if let Some(description) = &secret.description {
            fields.push(("description".to_string(), Value::Str(description.clone())));
        }
        if let Some(rotate) = &secret.rotate {
            fields.push(("rotation".to_string(), Value::Str(rotate.clone())));
        }
        if !secret.grants.is_empty() {
            let access = secret
                .grants
                .iter()
                .map(|g| {
                    Value::Struct(vec![
                        ("target".to_string(), Value::Str(g.target_tag())),
                        ("scope".to_string(), Value::Str(g.scope_tag())),
                        ("role".to_string(), Value::Str("view".to_string())),
                    ])
                })
                .collect();
            fields.push(("access".to_string(), Value::List(access)));
        }
        let shown = Value::Map(BTreeMap::from([(secret.id.clone(), Value::Struct(fields))]));
        self.out.write(env, &shown)
    }
}

use crate::model::secrets::{base64_decode_text, base64_encode};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips_and_keys_follow_jujus_rule() {
        for text in ["", "a", "ab", "abc", "s3cret!", "päss"] {
            assert_eq!(base64_decode_text(&base64_encode(text.as_bytes())), text);
        }
        assert_eq!(base64_encode(b"hello"), "aGVsbG8=");
        assert!(valid_key("password") && valid_key("db-pass2"));
        assert!(!valid_key("pw") && !valid_key("Pass") && !valid_key("a--b") && !valid_key("abc-"));
        assert!(valid_expiry("24h") && valid_expiry("1h30m") && valid_expiry("2025-01-01T06:06:06"));
        assert!(!valid_expiry("tomorrow") && !valid_expiry(""));
    }
}
