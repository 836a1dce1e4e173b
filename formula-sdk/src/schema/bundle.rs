//! A Juju bundle (`bundle.yaml`) as written: Juju's `BundleData`. Lint rule F701 takes the keys
//! it knows from here; Juju refuses any other key unless deployed with `--force`.

// The types describe a file for its schema: nothing builds them.
#![allow(dead_code)]

use super::juju::Scalar;
use crate::format::names::APPLICATION_NAME_PATTERN;
use schemars::JsonSchema;
use std::collections::BTreeMap;

/// Several formulas deployed and related at once (`juju deploy ./bundle.yaml`).
#[derive(JsonSchema)]
#[schemars(title = "bundle.yaml", deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(extend("anyOf" = [{ "required": ["applications"] }, { "required": ["services"] }]))]
pub struct BundleFile {
    /// The applications to deploy, by name.
    pub(crate) applications: Option<Applications>,
    /// The older name of `applications`.
    pub(crate) services: Option<Applications>,
    /// The relations to make, each a pair of endpoints: `[wiki:db, db:db]`, or `[wiki, db]`
    /// when the endpoints are unambiguous.
    pub(crate) relations: Option<Vec<Relation>>,
    /// The machines applications are placed on (`to: ["0"]`), by number.
    pub(crate) machines: Option<BTreeMap<String, Option<Machine>>>,
    /// Offers of other models that relations may name, by name.
    pub(crate) saas: Option<BTreeMap<String, Option<Saas>>>,
    /// The default series of the applications (`jammy`).
    pub(crate) series: Option<String>,
    /// The default base of the applications (`ubuntu@22.04`).
    pub(crate) default_base: Option<String>,
    /// `kubernetes` for a Kubernetes bundle.
    pub(crate) bundle: Option<BundleType>,
    /// Keywords for the store.
    pub(crate) tags: Option<Vec<String>>,
    /// What the bundle deploys.
    pub(crate) description: Option<String>,
}

/// Applications by name (lowercase letters and digits in hyphen-separated words).
#[derive(JsonSchema)]
#[schemars(extend("propertyNames" = { "pattern": APPLICATION_NAME_PATTERN }))]
pub(crate) struct Applications(BTreeMap<String, Application>);

/// The kind of a bundle.
#[derive(JsonSchema)]
#[schemars(rename_all = "lowercase")]
pub(crate) enum BundleType {
    /// Applications deployed on Kubernetes.
    Kubernetes,
}

/// An application (Juju's `ApplicationSpec`).
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct Application {
    /// The formula: a local directory (`./wiki`, relative to the bundle) or a store name.
    charm: String,
    /// The store channel (`stable`, `2.0/edge`).
    channel: Option<Scalar>,
    /// The store revision.
    revision: Option<i64>,
    /// The Ubuntu series its units run (`jammy`).
    series: Option<Scalar>,
    /// The base its units run (`ubuntu@22.04`).
    base: Option<Scalar>,
    /// Resources by name: a revision or a local file.
    resources: Option<BTreeMap<String, serde_json::Value>>,
    /// How many units (none for a subordinate).
    #[schemars(rename = "num_units", range(min = 0))]
    num_units: Option<i64>,
    /// How many units, on Kubernetes.
    #[schemars(range(min = 0))]
    scale: Option<i64>,
    /// Where the units go: machine numbers, `lxd:0`, `new`, …
    to: Option<Vec<Scalar>>,
    /// Where the units go, on Kubernetes.
    placement: Option<Scalar>,
    /// Whether the application is reachable from outside the model.
    expose: Option<bool>,
    /// Endpoints exposed, with the spaces and CIDRs they are exposed to.
    exposed_endpoints: Option<BTreeMap<String, serde_json::Value>>,
    /// Config values, by option name.
    options: Option<BTreeMap<String, serde_json::Value>>,
    /// Annotations, by name.
    annotations: Option<BTreeMap<String, serde_json::Value>>,
    /// Constraints of its machines (`mem=4G cores=2`).
    constraints: Option<Scalar>,
    /// Storage directives, by storage name.
    storage: Option<BTreeMap<String, serde_json::Value>>,
    /// Device directives, by device name.
    devices: Option<BTreeMap<String, serde_json::Value>>,
    /// Endpoint bindings to spaces.
    bindings: Option<BTreeMap<String, serde_json::Value>>,
    /// Offers of this application to other models.
    offers: Option<BTreeMap<String, serde_json::Value>>,
    /// A store plan.
    plan: Option<Scalar>,
    /// Whether the application may use the model's credentials.
    trust: Option<bool>,
}

/// A relation: two endpoints.
#[derive(JsonSchema)]
#[schemars(extend("minItems" = 2, "maxItems" = 2))]
pub(crate) struct Relation(Vec<EndpointRef>);

/// `application:endpoint`, or `application` alone.
#[derive(JsonSchema)]
#[schemars(extend("pattern" = "^[a-z][a-z0-9]*(-[a-z0-9]*[a-z][a-z0-9]*)*(:[a-z][a-z0-9]*([_-][a-z0-9]+)*)?$"))]
pub(crate) struct EndpointRef(String);

/// A machine.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct Machine {
    /// Its constraints (`mem=4G`).
    constraints: Option<Scalar>,
    /// Annotations, by name.
    annotations: Option<BTreeMap<String, serde_json::Value>>,
    /// Its series.
    series: Option<Scalar>,
    /// Its base.
    base: Option<Scalar>,
}

/// An offer of another model.
#[derive(JsonSchema)]
pub(crate) struct Saas {
    /// The offer's URL (`controller:admin/model.app`).
    url: Option<String>,
}
