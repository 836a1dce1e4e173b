//! Secrets as the controller keeps them (Juju 3.x): owned by an application (managed by its
//! leader) or by one unit, with numbered revisions of their content, labels, grants made in a
//! relation, and for each consuming unit the revision it tracks.
//!
//! The hook tools change a copy of [`Secrets`] that the hook's context holds; it replaces the
//! model's when the hook succeeds, as Juju applies secret changes when the hook context is
//! flushed (docs/juju-contract.md §4.3, secrets).

use super::Settings;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Who owns a secret.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SecretOwner {
    /// The application (its leader manages the secret).
    Application(String),
    /// One unit.
    Unit(String),
    /// The model: a user's secret (`juju add-secret`), which units read once it is granted
    /// to their application (`juju grant-secret`).
    Model,
}

impl SecretOwner {
    /// `application` or `unit`, as `secret-info-get` shows it.
    pub fn kind(&self) -> &'static str {
        match self {
            SecretOwner::Application(_) => "application",
            SecretOwner::Unit(_) => "unit",
            SecretOwner::Model => "model",
        }
    }

    /// Whether `unit` owns the secret itself or through its application.
    pub fn includes(&self, unit: &str) -> bool {
        match self {
            SecretOwner::Application(app) => super::unit_app(unit) == app,
            SecretOwner::Unit(owner) => owner == unit,
            SecretOwner::Model => false,
        }
    }
}

/// Access granted to an application's units, or to one unit, within a relation.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct SecretGrant {
    /// The relation the grant lives and dies with.
    pub relation: i64,
    /// The relation's key (`a:x b:y`), for the scope Juju shows.
    pub relation_key: String,
    /// An application name, or a unit name (`app/N`).
    pub target: String,
}

impl SecretGrant {
    /// The target as a Juju tag (`application-x`, `unit-x-0`).
    pub fn target_tag(&self) -> String {
        if self.target.contains('/') {
            format!("unit-{}", self.target.replace('/', "-"))
        } else {
            format!("application-{}", self.target)
        }
    }

    /// The scope as a Juju relation tag (`relation-a.x#b.y`).
    pub fn scope_tag(&self) -> String {
        format!("relation-{}", self.relation_key.replace(':', ".").replace(' ', "#"))
    }

    /// Whether the grant lets `unit` read.
    pub fn allows(&self, unit: &str) -> bool {
        self.target == unit || self.target == super::unit_app(unit)
    }
}

/// What a consuming unit remembers of a secret.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SecretConsumer {
    /// Its own label for the secret.
    pub label: Option<String>,
    /// The revision `secret-get` returns to it.
    pub revision: u32,
}

/// One secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Secret {
    /// The 20 base32hex characters after `secret:`.
    pub id: String,
    /// Its owner.
    pub owner: SecretOwner,
    /// The owner's label.
    pub label: Option<String>,
    /// `--description`.
    pub description: Option<String>,
    /// `--rotate` policy (recorded; rotation is not simulated).
    pub rotate: Option<String>,
    /// `--expire` as given (recorded; expiry is not simulated).
    pub expire: Option<String>,
    /// Content by revision number.
    pub revisions: BTreeMap<u32, Settings>,
    /// The latest revision.
    pub latest: u32,
    /// Grants.
    pub grants: Vec<SecretGrant>,
    /// Consuming units by name.
    pub consumers: BTreeMap<String, SecretConsumer>,
    /// Applications a user's secret is granted to (`juju grant-secret`), model-wide.
    pub granted_apps: std::collections::BTreeSet<String>,
}

impl Secret {
    /// `secret:<id>`.
    pub fn uri(&self) -> String {
        format!("secret:{}", self.id)
    }

    /// Whether `unit` may read the content.
    pub fn readable_by(&self, unit: &str) -> bool {
        self.owner.includes(unit)
            || self.grants.iter().any(|g| g.allows(unit))
            || self.granted_apps.contains(super::unit_app(unit))
    }
}

/// Every secret of the model.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Secrets {
    /// Secrets by id.
    pub by_id: BTreeMap<String, Secret>,
    /// How many ids were made: the next id is derived from it and the salt.
    pub made: u64,
    /// What ids are derived from besides the count (the run's seed and the model's uuid).
    pub salt: String,
}

/// The base32hex alphabet in lower case, as Juju's xid-based secret ids use it.
const BASE32HEX: &[u8; 32] = b"0123456789abcdefghijklmnopqrstuv";

impl Secrets {
    /// A fresh id: the count and 8 bytes of a digest of the salt and the count, in base32hex
    /// (20 characters), the shape of Juju's ids.
    pub fn next_id(&mut self) -> String {
        loop {
            self.made += 1;
            // As Juju's xids, later ids sort after earlier ones (their first bytes count up):
            // listings keyed by id come in the order the secrets were made.
            let digest = Sha256::digest(format!("{}/{}", self.salt, self.made).as_bytes());
            let mut bytes = [0u8; 12];
            bytes[..4].copy_from_slice(&(self.made as u32).to_be_bytes());
            bytes[4..].copy_from_slice(&digest[..8]);
            let id = base32hex(&bytes);
            if !self.by_id.contains_key(&id) {
                return id;
            }
        }
    }

    /// The id a `secret:<id>` URI (or a bare id, or a model-qualified
    /// `secret://<model>/<id>`) names; `None` when it is not one.
    pub fn parse_uri(text: &str) -> Option<String> {
        let rest = text.strip_prefix("secret:").unwrap_or(text);
        let rest = rest.strip_prefix("//").map(|r| r.rsplit('/').next().unwrap_or(r)).unwrap_or(rest);
        (rest.len() == 20 && rest.bytes().all(|b| BASE32HEX.contains(&b))).then(|| rest.to_string())
    }

    /// The secrets `unit` owns, itself or through its application, by id.
    pub fn owned_by<'a>(&'a self, unit: &'a str) -> impl Iterator<Item = &'a Secret> + 'a {
        self.by_id.values().filter(move |s| s.owner.includes(unit))
    }

    /// Drops the grants made in `relation` (it is gone).
    pub fn drop_relation_grants(&mut self, relation: i64) {
        for secret in self.by_id.values_mut() {
            secret.grants.retain(|g| g.relation != relation);
        }
    }

    /// The secrets `unit` consumes whose latest revision is newer than the one it tracks:
    /// id, latest revision and the unit's label, for `secret-changed`.
    pub fn changed_for(&self, unit: &str) -> BTreeMap<String, (u32, Option<String>)> {
        self.by_id
            .values()
            .filter(|s| !s.owner.includes(unit))
            .filter_map(|s| {
                let consumer = s.consumers.get(unit)?;
                (consumer.revision < s.latest).then(|| (s.id.clone(), (s.latest, consumer.label.clone())))
            })
            .collect()
    }
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding, as Go's `base64.StdEncoding`: how a secret's values are kept.
pub fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(BASE64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes standard base64; text that is not base64 is returned as it is (a value given with
/// `#base64` that was not).
pub fn base64_decode_text(text: &str) -> String {
    let mut bytes = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.trim_end_matches('=').bytes() {
        let Some(value) = BASE64.iter().position(|b| *b == c) else {
            return text.to_string();
        };
        buffer = (buffer << 6) | value as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            bytes.push((buffer >> bits) as u8);
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn base32hex(bytes: &[u8]) -> String {
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for b in bytes {
        buffer = (buffer << 8) | u32::from(*b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(BASE32HEX[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(BASE32HEX[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_look_like_jujus_and_follow_the_salt() {
        let mut a = Secrets { salt: "seed-1".into(), ..Secrets::default() };
        let mut b = Secrets { salt: "seed-1".into(), ..Secrets::default() };
        let first = a.next_id();
        assert_eq!(first.len(), 20);
        assert!(first.bytes().all(|c| BASE32HEX.contains(&c)), "{first}");
        assert_eq!(first, b.next_id(), "the same salt makes the same ids");
        let second = a.next_id();
        assert_ne!(first, second);
        assert!(first < second, "ids sort in the order they were made");
        let mut c = Secrets { salt: "seed-2".into(), ..Secrets::default() };
        assert_ne!(first, c.next_id());
        assert_eq!(Secrets::parse_uri(&format!("secret:{first}")), Some(first.clone()));
        assert_eq!(Secrets::parse_uri(&format!("secret://model-uuid/{first}")), Some(first.clone()));
        assert_eq!(Secrets::parse_uri("secret:nope"), None);
    }
}
