//! A user's secrets (Juju 3.3 and later): `add-secret`, `secrets`, `show-secret`,
//! `update-secret`, `remove-secret`, `grant-secret` and `revoke-secret`.
//!
//! They are owned by the model (`<model>` in Juju's listings) and named by the user; the units
//! of an application they are granted to read them with `secret-get`, and a new revision gives
//! those that read one `secret-changed`, as for a charm's own secrets. The model keeps no wall
//! clock, so the controller notes when each revision was made.

use super::apps::change;
use super::args::{switch, value, Parsed};
use super::output::{self, Format};
use super::{parse, Call};
use crate::controller::model::Handle;
use crate::controller::since;
use crate::controller::wire::Reply;
use serde_json::{json, Map, Value as Json};
use simulator::model::secrets::{base64_decode_text, base64_encode};
use simulator::model::{Secret, SecretOwner, Secrets};
use std::collections::BTreeMap;
use std::time::SystemTime;

const FORMATS: &[Format] = &[Format::Plain, Format::Json, Format::Yaml];

/// The content a command gives: `key=value` arguments and `--file` (a YAML map), each value
/// base64-encoded as the model keeps secrets' values.
fn content(call: &Call, parsed: &Parsed, pairs: &[String]) -> Result<BTreeMap<String, String>, Reply> {
    let mut data = BTreeMap::new();
    if let Some(file) = parsed.value("file") {
        let path = call.path(file);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Reply::error(format!("open {}: {}", path.display(), e.to_string().to_lowercase())))?;
        let node = formula_sdk::yaml::parse(&text).map_err(|e| Reply::error(format!("{}: {e}", path.display())))?;
        let Json::Object(map) = node.to_json() else {
            return Err(Reply::error(format!("{}: secret content must be a map of keys to values", path.display())));
        };
        for (key, value) in map {
            let text = match value {
                Json::String(s) => s,
                Json::Number(n) => n.to_string(),
                Json::Bool(b) => b.to_string(),
                _ => return Err(Reply::error(format!("secret value for key {key:?} must be a string"))),
            };
            data.insert(key, text);
        }
    }
    for pair in pairs {
        let (key, text) = pair
            .split_once('=')
            .ok_or_else(|| Reply::error(format!("key value {pair:?} not valid, expected key=value")))?;
        data.insert(key.to_string(), text.to_string());
    }
    Ok(data.into_iter().map(|(k, v)| (k, base64_encode(v.as_bytes()))).collect())
}

/// The user's secret `given` names (its name, `secret:ID` or its id) among `secrets`.
fn find<'a>(secrets: &'a Secrets, given: &str) -> Result<&'a Secret, String> {
    let id = Secrets::parse_uri(given);
    secrets
        .by_id
        .values()
        .filter(|s| s.owner == SecretOwner::Model)
        .find(|s| Some(&s.id) == id.as_ref() || s.label.as_deref() == Some(given))
        .ok_or_else(|| format!("secret {given:?} not found"))
}

/// `juju add-secret NAME [key=value…] [--file F] [--info TEXT]`: prints the new secret's URI.
pub fn add_secret(call: &Call, argv: &[String]) -> Result<Reply, Reply> {
    let flags = [value(&["file"]), value(&["info"])];
    let parsed = parse("add-secret", argv, &flags)?;
    let Some((name, pairs)) = parsed.args.split_first() else {
        return Err(Reply::usage("missing secret name"));
    };
    let data = content(call, &parsed, pairs)?;
    if data.is_empty() {
        return Err(Reply::error("missing secret value or filename"));
    }
    let (name, info) = (name.clone(), parsed.value("info").map(str::to_string));
    let uri = change(&*call.model(&parsed)?, move |state| {
        let secrets = &mut state.sim.model.secrets;
        if secrets.by_id.values().any(|s| s.owner == SecretOwner::Model && s.label.as_deref() == Some(&name)) {
            return Err(format!("secret with name {name:?} already exists"));
        }
        let id = secrets.next_id();
        let secret = Secret {
            id: id.clone(),
            owner: SecretOwner::Model,
            label: Some(name),
            description: info,
            rotate: None,
            expire: None,
            revisions: BTreeMap::from([(1, data)]),
            latest: 1,
            grants: Vec::new(),
            consumers: BTreeMap::new(),
            granted_apps: Default::default(),
        };
        let uri = secret.uri();
        secrets.by_id.insert(id.clone(), secret);
        state.keeper.secret_times.entry(id).or_default().insert(1, SystemTime::now());
        Ok(uri)
    })?;
    Ok(Reply::out(format!("{uri}\n")))
}

/// `juju update-secret NAME|URI [key=value…] [--file F] [--info TEXT] [--name NEW]`: a new
/// revision when the content is given.
pub fn update_secret(call: &Call, argv: &[String]) -> Result<Reply, Reply> {
    let flags = [value(&["file"]), value(&["info"]), value(&["name"]), switch(&["auto-prune"])];
    let parsed = parse("update-secret", argv, &flags)?;
    let Some((given, pairs)) = parsed.args.split_first() else {
        return Err(Reply::usage("missing secret URI"));
    };
    let data = content(call, &parsed, pairs)?;
    let (given, info) = (given.clone(), parsed.value("info").map(str::to_string));
    let rename = parsed.value("name").map(str::to_string);
    change(&*call.model(&parsed)?, move |state| {
        let id = find(&state.sim.model.secrets, &given)?.id.clone();
        let secret = state.sim.model.secrets.by_id.get_mut(&id).ok_or("the secret vanished")?;
        if let Some(info) = info {
            secret.description = Some(info);
        }
        if let Some(name) = rename {
            secret.label = Some(name);
        }
        if !data.is_empty() && secret.revisions.get(&secret.latest) != Some(&data) {
            secret.latest += 1;
            secret.revisions.insert(secret.latest, data);
            state.keeper.secret_times.entry(id).or_default().insert(secret.latest, SystemTime::now());
        }
        Ok(())
    })?;
    Ok(Reply::default())
}

/// `juju remove-secret NAME|URI [--revision N]`.
pub fn remove_secret(call: &Call, argv: &[String]) -> Result<Reply, Reply> {
    let parsed = parse("remove-secret", argv, &[value(&["revision"])])?;
    let [given] = parsed.args.as_slice() else {
        return Err(Reply::usage("missing secret URI"));
    };
    let revision = match parsed.value("revision") {
        Some(text) => Some(text.parse::<u32>().map_err(|_| Reply::usage(format!("invalid revision {text:?}")))?),
        None => None,
    };
    let given = given.clone();
    change(&*call.model(&parsed)?, move |state| {
        let id = find(&state.sim.model.secrets, &given)?.id.clone();
        let secrets = &mut state.sim.model.secrets;
        match revision {
            Some(revision) => {
                let secret = secrets.by_id.get_mut(&id).ok_or("the secret vanished")?;
                if secret.revisions.remove(&revision).is_none() {
                    return Err(format!("secret revision {revision} for {given:?} not found"));
                }
                if secret.revisions.is_empty() {
                    secrets.by_id.remove(&id);
                }
            }
            None => {
                secrets.by_id.remove(&id);
                state.keeper.secret_times.remove(&id);
            }
        }
        Ok(())
    })?;
    Ok(Reply::default())
}

/// `juju grant-secret NAME|URI APP[,APP…]` (and `revoke-secret`, with `grant` false).
pub fn grant_secret(call: &Call, argv: &[String], grant: bool) -> Result<Reply, Reply> {
    let command = if grant { "grant-secret" } else { "revoke-secret" };
    let parsed = parse(command, argv, &[])?;
    let [given, apps] = parsed.args.as_slice() else {
        return Err(Reply::usage("missing secret URI or application names"));
    };
    let (given, apps): (String, Vec<String>) = (given.clone(), apps.split(',').map(str::to_string).collect());
    change(&*call.model(&parsed)?, move |state| {
        for app in &apps {
            if !state.sim.model.apps.contains_key(app) {
                return Err(super::apps::app_not_found(app));
            }
        }
        let id = find(&state.sim.model.secrets, &given)?.id.clone();
        let secret = state.sim.model.secrets.by_id.get_mut(&id).ok_or("the secret vanished")?;
        for app in apps {
            if grant {
                secret.granted_apps.insert(app);
            } else {
                secret.granted_apps.remove(&app);
                secret.consumers.retain(|unit, _| simulator::model::unit_app(unit) != app);
            }
        }
        Ok(())
    })?;
    Ok(Reply::default())
}

/// `juju secrets [--format json|yaml] [--owner OWNER]`.
pub fn secrets(call: &Call, argv: &[String]) -> Result<Reply, Reply> {
    let flags = [value(&["format"]), value(&["output", "o"]), value(&["owner"]), switch(&["reveal"])];
    let parsed = parse("secrets", argv, &flags)?;
    let format = output::format(&parsed, FORMATS, Format::Plain)?;
    let owner = parsed.value("owner").map(str::to_string);
    let (all, times) = read(&*call.model(&parsed)?)?;
    let mut listed = Map::new();
    let mut rows = vec![["ID", "Name", "Owner", "Rotation", "Revision", "Last updated"].map(String::from).to_vec()];
    for secret in all.by_id.values() {
        let shown_owner = owner_of(secret);
        if owner.as_ref().is_some_and(|o| *o != shown_owner) {
            continue;
        }
        let report = describe(secret, times.get(&secret.id), None, false);
        let updated = times.get(&secret.id).and_then(|t| t.get(&secret.latest)).copied();
        rows.push(vec![
            secret.id.clone(),
            secret.label.clone().unwrap_or_else(|| "-".into()),
            shown_owner,
            secret.rotate.clone().unwrap_or_else(|| "never".into()),
            secret.latest.to_string(),
            updated.map(since::format).unwrap_or_else(|| "-".into()),
        ]);
        listed.insert(secret.id.clone(), report);
    }
    Ok(Reply::out(match format {
        Format::Plain => {
            let mut out = String::new();
            simulator::status::table(&mut out, &rows);
            out
        }
        other => output::structured(&Json::Object(listed), other),
    }))
}

/// `juju show-secret NAME|URI [--reveal] [--revisions] [--format json|yaml]`.
pub fn show_secret(call: &Call, argv: &[String]) -> Result<Reply, Reply> {
    let flags = [
        value(&["format"]),
        value(&["output", "o"]),
        switch(&["reveal"]),
        switch(&["revisions"]),
        value(&["revision"]),
    ];
    let parsed = parse("show-secret", argv, &flags)?;
    let format = output::format(&parsed, FORMATS, Format::Yaml)?;
    let [given] = parsed.args.as_slice() else {
        return Err(Reply::usage("missing secret URI"));
    };
    let (all, times) = read(&*call.model(&parsed)?)?;
    // Charms' secrets are shown too, by id; a user's also by name.
    let id = Secrets::parse_uri(given);
    let secret = all
        .by_id
        .values()
        .find(|s| Some(&s.id) == id.as_ref() || (s.owner == SecretOwner::Model && s.label.as_deref() == Some(given)))
        .ok_or_else(|| Reply::error(format!("secret {given:?} not found")))?;
    let revision = match parsed.value("revision") {
        Some(text) => Some(text.parse::<u32>().map_err(|_| Reply::usage(format!("invalid revision {text:?}")))?),
        None => None,
    };
    if let Some(r) = revision.filter(|r| !secret.revisions.contains_key(r)) {
        return Err(Reply::error(format!("secret revision {r} for {given:?} not found")));
    }
    let reveal = parsed.switch("reveal").then(|| revision.unwrap_or(secret.latest));
    let report = describe(secret, times.get(&secret.id), reveal, parsed.switch("revisions"));
    let shown = Json::Object(Map::from_iter([(secret.id.clone(), report)]));
    Ok(Reply::out(output::structured(&shown, if format == Format::Plain { Format::Yaml } else { format })))
}

type Times = BTreeMap<String, BTreeMap<u32, SystemTime>>;

/// The model's secrets and the times of their revisions.
fn read(handle: &Handle) -> Result<(Secrets, Times), Reply> {
    change(handle, |state| Ok((state.sim.model.secrets.clone(), state.keeper.secret_times.clone())))
}

/// Who owns a secret, as Juju's listings name it.
fn owner_of(secret: &Secret) -> String {
    match &secret.owner {
        SecretOwner::Model => "<model>".into(),
        SecretOwner::Application(app) => app.clone(),
        SecretOwner::Unit(unit) => unit.clone(),
    }
}

/// One secret as `show-secret` and `secrets` give it (Go writes the keys sorted), with the
/// content of revision `reveal`.
fn describe(secret: &Secret, times: Option<&BTreeMap<u32, SystemTime>>, reveal: Option<u32>, revisions: bool) -> Json {
    let at = |revision: u32| times.and_then(|t| t.get(&revision)).copied().unwrap_or(SystemTime::UNIX_EPOCH);
    let first = secret.revisions.keys().next().copied().unwrap_or(secret.latest);
    let mut out = Map::new();
    if !secret.granted_apps.is_empty() {
        let access: Vec<Json> = secret
            .granted_apps
            .iter()
            .map(|app| json!({"role": "view", "scope": "model", "target": format!("application-{app}")}))
            .collect();
        out.insert("access".into(), json!(access));
    }
    if let Some(revision) = reveal {
        let data: Map<String, Json> = secret
            .revisions
            .get(&revision)
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.clone(), json!(base64_decode_text(v))))
            .collect();
        out.insert("content".into(), json!({ "Data": data }));
    }
    out.insert("created".into(), json!(since::rfc3339(at(first))));
    if let Some(description) = &secret.description {
        out.insert("description".into(), json!(description));
    }
    if let Some(label) = &secret.label {
        let key = if secret.owner == SecretOwner::Model { "name" } else { "label" };
        out.insert(key.into(), json!(label));
    }
    out.insert("owner".into(), json!(owner_of(secret)));
    out.insert("revision".into(), json!(secret.latest));
    if revisions {
        let list: Vec<Json> = secret
            .revisions
            .keys()
            .map(|r| json!({"created": since::rfc3339(at(*r)), "revision": r, "updated": since::rfc3339(at(*r))}))
            .collect();
        out.insert("revisions".into(), json!(list));
    }
    out.insert("rotation".into(), json!(secret.rotate.clone().unwrap_or_else(|| "never".into())));
    out.insert("updated".into(), json!(since::rfc3339(at(secret.latest))));
    Json::Object(out)
}
