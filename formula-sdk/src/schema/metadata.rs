//! `metadata.yaml` as written: every top-level field that Juju or `charm proof` reads (spec
//! §1.2), and nothing else. Lint rule F101 takes its list of known fields from here, F207 the
//! keys of an endpoint.

// The types describe a file for its schema: nothing builds them.
#![allow(dead_code)]

use super::juju::{GoBool, GoInt, Scalar};
use crate::format::names::{APPLICATION_NAME_PATTERN, ENDPOINT_NAME_PATTERN};
use schemars::JsonSchema;
use std::collections::BTreeMap;

/// The metadata of a classic Juju formula (charm): its name, what it is, and the relations
/// it takes part in.

#[derive(JsonSchema)]
#[schemars(title = "metadata.yaml", deny_unknown_fields, rename_all = "kebab-case")]
pub struct MetadataFile {
    /// The formula's name, which Juju deploys it under: lowercase letters and digits in
    /// hyphen-separated words, starting with a letter. The directory should have the same name.
    #[schemars(regex(pattern = APPLICATION_NAME_PATTERN))]
    name: String,
    /// The name shown to people (`charm proof` asks for it).
    display_name: Option<String>,
    /// One line on what the formula deploys (`charm proof` warns above 72 characters).
    summary: String,
    /// What the formula deploys and how to use it.
    description: String,
    /// The maintainer, as `Name <email>`; for several people use `maintainers`.
    maintainer: Option<String>,
    /// The maintainers, each as `Name <email>`.
    maintainers: Option<Vec<String>>,
    /// A URL of the formula's documentation.
    docs: Option<String>,
    /// Keywords for the store: `misc`, `databases`, `monitoring`, … (`charm proof` asks for them).
    tags: Option<Vec<String>>,
    /// The older spelling of `tags`, deprecated.
    categories: Option<Vec<String>>,
    /// A subordinate is deployed beside the units of a principal, through a `requires`
    /// endpoint with `scope: container`.
    subordinate: Option<GoBool>,
    /// Endpoints this formula provides, by name: `name: interface`, or a map.
    provides: Option<Endpoints>,
    /// Endpoints this formula requires, by name: `name: interface`, or a map.
    requires: Option<Endpoints>,
    /// Endpoints the units of this formula relate to each other through.
    peers: Option<Endpoints>,
    /// Network bindings other than the relations', each a name with no value (`public:`).
    #[schemars(length(min = 1))]
    extra_bindings: Option<BTreeMap<String, ()>>,
    /// The Ubuntu series the formula runs on (`trusty`, `jammy`, …); the first is the default.
    series: Option<Vec<String>>,
    /// The lowest Juju version the formula works with, as `2.9.0`.
    min_juju_version: Option<String>,
    /// Storage the formula asks for, by name.
    storage: Option<BTreeMap<String, Storage>>,
    /// Devices (GPUs) the formula asks for, by name.
    devices: Option<BTreeMap<String, Device>>,
    /// Payload classes the formula tracks, by name.
    payloads: Option<BTreeMap<String, Payload>>,
    /// Resources (files, images) the formula uses, by name.
    resources: Option<BTreeMap<String, Resource>>,
    /// How a Kubernetes formula is deployed (needs `series: [kubernetes]`).
    deployment: Option<Deployment>,
    /// Terms a user must accept before deploying.
    terms: Option<Vec<String>>,
    /// Obsolete; Juju reads and ignores it.
    format: Option<GoInt>,
    /// Obsolete: the revision belongs in the `revision` file; Juju ignores this one.
    revision: Option<GoInt>,
    /// The 2011 Ensemble marker, `ensemble: formula`; Juju ignores it.
    ensemble: Option<Ensemble>,
    /// What the model must offer, as `juju >= 3.1` or `k8s-api`, or `any-of:`/`all-of:`
    /// lists of them. A v2 charm's key (one with a manifest.yaml): Juju refuses it in a
    /// classic formula (lint F131).
    assumes: Option<Vec<Assumption>>,
    /// Sidecar workload containers by name (v2 charms only, lint F131).
    containers: Option<BTreeMap<String, Container>>,
    /// The user the charm's hooks run as (v2 charms only, lint F131).
    charm_user: Option<CharmUser>,
    /// Where to report issues: a URL, or several (written by charmcraft; Juju ignores it).
    issues: Option<OneOrMany>,
    /// The source code's URL, or several (written by charmcraft; Juju ignores it).
    source: Option<OneOrMany>,
    /// The project's website, or several (written by charmcraft; Juju ignores it).
    website: Option<OneOrMany>,
}

/// One URL or a list of them.

#[derive(JsonSchema)]
#[schemars(untagged)]
enum OneOrMany {
    /// One.
    One(String),
    /// Several.
    Many(Vec<String>),
}

/// A requirement of `assumes`: a feature, or a group of them.

#[derive(JsonSchema)]
#[schemars(untagged)]
enum Assumption {
    /// A feature: `juju`, `juju >= 3.1`, `k8s-api`.
    Feature(String),
    /// A group of requirements.
    Group(AssumptionGroup),
}

/// `any-of:` or `all-of:` a list of requirements.

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, rename_all = "kebab-case")]
struct AssumptionGroup {
    /// At least one of these holds.
    any_of: Option<Vec<Assumption>>,
    /// All of these hold.
    all_of: Option<Vec<Assumption>>,
}

/// A sidecar container.

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Container {
    /// The `oci-image` resource it runs.
    resource: Option<String>,
    /// The bases its image is built on, when it has no resource.
    bases: Option<Vec<serde_json::Value>>,
    /// Storage mounted into it.
    mounts: Option<Vec<Mount>>,
    /// The user id its processes run as.
    uid: Option<GoInt>,
    /// The group id its processes run as.
    gid: Option<GoInt>,
}

/// A storage mount of a container.

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Mount {
    /// The name of a `storage` entry.
    storage: String,
    /// Where it is mounted in the container.
    location: Option<String>,
}

/// The user a v2 charm's hooks run as.

#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case")]
enum CharmUser {
    /// root.
    Root,
    /// A user that may use sudo.
    Sudoer,
    /// A user without privileges.
    NonRoot,
}

/// The marker of a 2011 Ensemble formula.

#[derive(JsonSchema)]
#[schemars(rename_all = "lowercase")]
enum Ensemble {
    /// This is a formula.
    Formula,
}

/// Endpoints by name.

#[derive(JsonSchema)]
#[schemars(extend("propertyNames" = { "pattern": ENDPOINT_NAME_PATTERN }))]
struct Endpoints(BTreeMap<String, EndpointDecl>);

/// An endpoint: its interface alone (`db: mysql`), or a map.

#[derive(JsonSchema)]
#[schemars(untagged)]
enum EndpointDecl {
    /// The interface; the shorthand for `{interface: …}`.
    Interface(String),
    /// The endpoint in full.
    Full(Endpoint),
}

/// An endpoint written in full.

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Endpoint {
    /// The interface: the protocol both ends speak (`mysql`, `http`); only endpoints of one
    /// interface relate.
    interface: String,
    /// `container` relates a subordinate to its principal's units only; `global` (the default)
    /// relates every unit to every unit.
    scope: Option<Scope>,
    /// The most relations this endpoint takes part in; none means no limit.
    limit: Option<GoInt>,
    /// Whether the formula works without this relation (informational: Juju does not act on it).
    optional: Option<GoBool>,
}

/// A relation's scope.

#[derive(JsonSchema)]
#[schemars(rename_all = "lowercase")]
enum Scope {
    /// Every unit of one side sees every unit of the other.
    Global,
    /// Only a subordinate and the principal unit it is deployed beside see each other.
    Container,
}

/// A storage request.

#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case")]
struct Storage {
    /// `block` or `filesystem`.
    #[schemars(rename = "type")]
    kind: StorageType,
    /// What it is for.
    description: Option<String>,
    /// Shared by every unit of the application.
    shared: Option<GoBool>,
    /// Mounted read-only where possible.
    read_only: Option<GoBool>,
    /// The smallest size that works, with a unit (`1G`).
    minimum_size: Option<Scalar>,
    /// Where a filesystem is mounted.
    location: Option<String>,
    /// How many instances: `range: 1-3`, `2`, `2+` or `2-`.
    multiple: Option<Multiple>,
    /// `[transient]` when non-persistent storage will do.
    properties: Option<Vec<String>>,
}

/// A storage type.

#[derive(JsonSchema)]
#[schemars(rename_all = "lowercase")]
enum StorageType {
    /// A block device.
    Block,
    /// A mounted filesystem.
    Filesystem,
}

/// How many instances of a storage.

#[derive(JsonSchema)]
struct Multiple {
    /// `m`, `m-n`, `m+` or `m-`.
    range: Option<Scalar>,
}

/// A device request.

#[derive(JsonSchema)]
struct Device {
    /// The kind of device (`gpu`, `nvidia.com/gpu`, …).
    #[schemars(rename = "type")]
    kind: String,
    /// What it is for.
    description: Option<String>,
    /// The fewest devices the formula needs.
    countmin: Option<GoInt>,
    /// The most devices the formula uses.
    countmax: Option<GoInt>,
}

/// A payload class.

#[derive(JsonSchema)]
struct Payload {
    /// `kvm` or `docker`.
    #[schemars(rename = "type")]
    kind: String,
}

/// A resource.

#[derive(JsonSchema)]
struct Resource {
    /// `file` or `oci-image`.
    #[schemars(rename = "type")]
    kind: String,
    /// The file's name (for `file` resources), without `/`.
    filename: Option<String>,
    /// What it is for.
    description: Option<String>,
}

/// How a Kubernetes formula is deployed.

#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case")]
struct Deployment {
    /// `stateless`, `stateful` or `daemon`.
    #[schemars(rename = "type")]
    kind: Option<String>,
    /// `loadbalancer`, `cluster` or `omit`.
    service: Option<String>,
    /// The lowest Kubernetes version.
    min_version: Option<String>,
}
