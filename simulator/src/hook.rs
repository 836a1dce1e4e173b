//! Hooks: what a unit agent decides to run next.

use serde::Serialize;

/// What kind of hook.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HookKind {
    /// install
    Install,
    /// leader-elected
    LeaderElected,
    /// leader-settings-changed
    LeaderSettingsChanged,
    /// config-changed
    ConfigChanged,
    /// start
    Start,
    /// upgrade-charm
    UpgradeCharm,
    /// update-status
    UpdateStatus,
    /// stop
    Stop,
    /// remove
    Remove,
    /// `<endpoint>-relation-created`
    RelationCreated,
    /// `<endpoint>-relation-joined`
    RelationJoined,
    /// `<endpoint>-relation-changed`
    RelationChanged,
    /// `<endpoint>-relation-departed`
    RelationDeparted,
    /// `<endpoint>-relation-broken`
    RelationBroken,
    /// `secret-changed`: a secret this unit reads has a new revision.
    SecretChanged,
    /// `<name>-storage-attached`.
    StorageAttached,
    /// `<name>-storage-detaching`.
    StorageDetaching,
    /// An action (not a hook, but run the same way).
    Action,
    /// Commands run in the unit as `juju exec` runs them: a hook context of no hook (used
    /// by `formula shell`).
    Exec,
}

/// A hook (or action) a unit is about to run, with its relation context.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Hook {
    /// The kind.
    pub kind: HookKind,
    /// The relation id, for relation hooks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relation: Option<i64>,
    /// The local endpoint, for relation hooks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// `JUJU_REMOTE_UNIT`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote_unit: Option<String>,
    /// `JUJU_REMOTE_APP`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote_app: Option<String>,
    /// `JUJU_DEPARTING_UNIT`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub departing_unit: Option<String>,
    /// The action's id and name, for actions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<(u64, String)>,
    /// The command a `juju exec` runs (`bash -c`); none for a person's shell.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    /// The secret of `secret-changed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<HookSecret>,
    /// The storage instance of a storage hook (`data/0`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage: Option<String>,
}

/// The secret a `secret-changed` hook is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HookSecret {
    /// `secret:<id>` (`JUJU_SECRET_ID`).
    pub uri: String,
    /// The unit's label for it (`JUJU_SECRET_LABEL`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The revision the hook tells of.
    pub revision: u32,
}

impl Hook {
    /// A hook without relation context.
    pub fn unit(kind: HookKind) -> Hook {
        Hook {
            kind,
            relation: None,
            endpoint: None,
            remote_unit: None,
            remote_app: None,
            departing_unit: None,
            action: None,
            command: None,
            secret: None,
            storage: None,
        }
    }

    /// A relation hook.
    pub fn relation(kind: HookKind, id: i64, endpoint: &str, remote_app: &str, remote_unit: Option<&str>) -> Hook {
        Hook {
            kind,
            relation: Some(id),
            endpoint: Some(endpoint.to_string()),
            remote_unit: remote_unit.map(str::to_string),
            remote_app: Some(remote_app.to_string()),
            departing_unit: None,
            action: None,
            command: None,
            secret: None,
            storage: None,
        }
    }

    /// The hook's name as Juju names it (`db-relation-changed`), or the action's name.
    pub fn name(&self) -> String {
        let endpoint = self.endpoint.as_deref().unwrap_or("");
        match self.kind {
            HookKind::Install => "install".into(),
            HookKind::LeaderElected => "leader-elected".into(),
            HookKind::LeaderSettingsChanged => "leader-settings-changed".into(),
            HookKind::ConfigChanged => "config-changed".into(),
            HookKind::Start => "start".into(),
            HookKind::UpgradeCharm => "upgrade-charm".into(),
            HookKind::UpdateStatus => "update-status".into(),
            HookKind::Stop => "stop".into(),
            HookKind::Remove => "remove".into(),
            HookKind::RelationCreated => format!("{endpoint}-relation-created"),
            HookKind::RelationJoined => format!("{endpoint}-relation-joined"),
            HookKind::RelationChanged => format!("{endpoint}-relation-changed"),
            HookKind::RelationDeparted => format!("{endpoint}-relation-departed"),
            HookKind::RelationBroken => format!("{endpoint}-relation-broken"),
            HookKind::Action => self.action.as_ref().map(|(_, n)| n.clone()).unwrap_or_default(),
            HookKind::Exec => "juju-exec".into(),
            HookKind::SecretChanged => "secret-changed".into(),
            HookKind::StorageAttached => format!("{}-storage-attached", storage_name(self.storage.as_deref())),
            HookKind::StorageDetaching => format!("{}-storage-detaching", storage_name(self.storage.as_deref())),
        }
    }

    /// `hooks/<name>` or `actions/<name>`, as `JUJU_DISPATCH_PATH` says.
    pub fn dispatch_path(&self) -> String {
        match self.kind {
            HookKind::Action => format!("actions/{}", self.name()),
            _ => format!("hooks/{}", self.name()),
        }
    }

    /// `secret-changed` for the secret `uri`, now at `revision`.
    pub fn secret_changed(uri: &str, label: Option<String>, revision: u32) -> Hook {
        Hook {
            secret: Some(HookSecret { uri: uri.to_string(), label, revision }),
            ..Hook::unit(HookKind::SecretChanged)
        }
    }

    /// A storage hook of storage instance `id` (`data/0`).
    pub fn storage(kind: HookKind, id: &str) -> Hook {
        Hook { storage: Some(id.to_string()), ..Hook::unit(kind) }
    }

    /// Whether this is an action.
    pub fn is_action(&self) -> bool {
        self.kind == HookKind::Action
    }
}

/// The storage name of an instance id (`data` of `data/0`).
fn storage_name(id: Option<&str>) -> &str {
    let id = id.unwrap_or("");
    id.split('/').next().unwrap_or(id)
}
