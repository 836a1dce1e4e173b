//! Subordinates (spec §6.6): applications whose units live on the machines of other
//! applications' units, made and unmade by container-scoped relations.
//!
//! A subordinate application is deployed without units. When a principal unit enters the
//! scope of a container-scoped relation with it, Juju adds one subordinate unit beside that
//! principal (numbered as any unit, numbers never reused). In a container-scoped relation a
//! unit sees only the units in its own container: its principal, or its subordinates, or the
//! other subordinates of its principal.

use super::{Life, Model, NewUnit, Relation, RelationEnd};
use crate::error::{err, SimError};
use formula_sdk::format::{Role, Scope};

/// The name (and interface) of the endpoint every formula provides without declaring it.
pub const JUJU_INFO: &str = "juju-info";

/// The implicit `juju-info` endpoint of `app` (charm `meta.go`, `ImplicitRelations`).
pub fn juju_info(app: &str) -> RelationEnd {
    RelationEnd {
        app: app.to_string(),
        endpoint: JUJU_INFO.to_string(),
        role: Role::Provider,
        interface: JUJU_INFO.to_string(),
        scope: Scope::Global,
    }
}

/// Whether the formula in `dir` says `subordinate: true` (false when it cannot be read: its
/// deployment then says why).
pub fn is_subordinate_dir(dir: &std::path::Path) -> bool {
    super::load_deployable(dir).is_ok_and(|f| f.metadata.subordinate)
}

/// A subordinate unit the model needs and has not got: of `app`, beside `principal`, because
/// the principal is in the scope of container-scoped relation `relation`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Needed {
    /// The subordinate application.
    pub app: String,
    /// The principal unit.
    pub principal: String,
    /// The relation that asks for it.
    pub relation: i64,
}

impl Relation {
    /// Whether `end` is one of the relation's ends (its scope aside: a container-scoped
    /// relation makes both of its ends container-scoped).
    pub fn has_end(&self, end: &RelationEnd) -> bool {
        self.ends.iter().any(|e| e.app == end.app && e.endpoint == end.endpoint)
    }

    /// Whether the relation is container-scoped (Juju makes both ends so when one is).
    pub fn is_container(&self) -> bool {
        self.ends.iter().any(|e| e.scope == Scope::Container)
    }
}

impl Model {
    /// Whether `app` is a subordinate application.
    pub fn is_subordinate_app(&self, app: &str) -> bool {
        self.apps.get(app).is_some_and(|a| a.subordinate)
    }

    /// The container `unit` lives in, named by its principal (a principal is its own).
    pub fn container_of<'a>(&'a self, unit: &'a str) -> &'a str {
        self.units.get(unit).and_then(|u| u.principal.as_deref()).unwrap_or(unit)
    }

    /// The subordinate units of `principal`, sorted.
    pub fn subordinates_of(&self, principal: &str) -> Vec<String> {
        let mut subs: Vec<String> =
            self.units.values().filter(|u| u.principal.as_deref() == Some(principal)).map(|u| u.name.clone()).collect();
        super::sort_units(&mut subs);
        subs
    }

    /// Whether `unit` may be in the scope of `relation`: in a container-scoped relation a
    /// subordinate takes part only where the other end is a subordinate too or its own
    /// principal's application (state/relationunit.go `Valid`).
    pub fn may_join(&self, relation: &Relation, unit: &str) -> bool {
        let Some(u) = self.units.get(unit) else {
            return false;
        };
        let Some(principal) = u.principal.as_deref().filter(|_| relation.is_container()) else {
            return true;
        };
        let other = relation.remote_app(&u.app);
        self.is_subordinate_app(&other) || super::unit_app(principal) == other
    }

    /// Whether units `a` and `b` see each other in `relation`: always in a global one, only in
    /// the same container in a container-scoped one.
    /// A unit already gone from the model is not judged (its data stays readable, as a
    /// departed unit's does).
    pub fn sees(&self, relation: &Relation, a: &str, b: &str) -> bool {
        let gone = !self.units.contains_key(a) || !self.units.contains_key(b);
        gone || !relation.is_container() || self.container_of(a) == self.container_of(b)
    }

    /// The subordinate units to add now: for each alive container-scoped relation between a
    /// principal and a subordinate application, each alive principal unit in its scope that
    /// has no unit of the subordinate yet (state/relationunit.go `subordinateOps`). In order
    /// of relation, then unit.
    pub fn subordinates_needed(&self) -> Vec<Needed> {
        let mut needed: Vec<Needed> = Vec::new();
        for relation in self.relations.values().filter(|r| r.life == Life::Alive && r.is_container()) {
            for end in &relation.ends {
                let sub = relation.remote_app(&end.app);
                let alive_sub = self.apps.get(&sub).is_some_and(|a| a.subordinate && a.life == Life::Alive);
                if self.is_subordinate_app(&end.app) || !alive_sub {
                    continue;
                }
                for unit in relation.scope.iter().filter(|u| super::unit_app(u) == end.app) {
                    let alive = self.units.get(unit).is_some_and(|u| u.life == Life::Alive);
                    let has = self.units.values().any(|u| u.app == sub && u.principal.as_deref() == Some(unit));
                    let want = Needed { app: sub.clone(), principal: unit.clone(), relation: relation.id };
                    if alive && !has && !needed.iter().any(|n| n.app == want.app && n.principal == want.principal) {
                        needed.push(want);
                    }
                }
            }
        }
        needed
    }

    /// Names the subordinate unit `needed` asks for.
    pub fn new_subordinate(&mut self, needed: &Needed) -> Result<NewUnit, SimError> {
        if !self.is_subordinate_app(&needed.app) {
            return err(format!("application `{}` is not a subordinate", needed.app));
        }
        self.next_unit_of(&needed.app, Some(&needed.principal))
    }

    /// Refuses a container-scoped relation with no subordinate end, and makes both ends
    /// container-scoped when one is (state/state.go `AddRelation`).
    pub(super) fn container_scoped(
        &self,
        mut l: RelationEnd,
        mut r: RelationEnd,
        key: &str,
    ) -> Result<(RelationEnd, RelationEnd), SimError> {
        if l.scope != Scope::Container && r.scope != Scope::Container {
            return Ok((l, r));
        }
        if !self.is_subordinate_app(&l.app) && !self.is_subordinate_app(&r.app) {
            return err(format!(
                "cannot add relation \"{key}\": container scoped relation requires at least one subordinate application"
            ));
        }
        l.scope = Scope::Container;
        r.scope = Scope::Container;
        Ok((l, r))
    }

    /// Whether two endpoints may relate as far as scope goes, for endpoint inference: a
    /// container-scoped pair needs a subordinate (state/state.go `containerScopeOk`).
    pub(super) fn container_scope_ok(&self, l: &RelationEnd, r: &RelationEnd) -> bool {
        (l.scope != Scope::Container && r.scope != Scope::Container)
            || self.is_subordinate_app(&l.app)
            || self.is_subordinate_app(&r.app)
    }

    /// What makes alive subordinate units go, as their principals' agents and their own do:
    /// a dying principal destroys its subordinates (`DestroyAllSubordinates`), and a
    /// subordinate with no alive container-scoped relation left to its principal's application
    /// destroys itself (worker/uniter/relation/statetracker.go `SynchronizeScopes`). Returns the
    /// units made dying, each with why.
    pub fn subordinates_to_destroy(&self) -> Vec<(String, &'static str)> {
        let mut out = Vec::new();
        for u in self.units.values().filter(|u| u.life == Life::Alive) {
            let Some(principal) = u.principal.as_deref() else {
                continue;
            };
            let principal_dying = self.units.get(principal).is_none_or(|p| p.life == Life::Dying);
            let principal_app = super::unit_app(principal);
            let related = self
                .relations
                .values()
                .any(|r| r.life == Life::Alive && r.is_container() && r.involves(&u.app) && r.involves(principal_app));
            if principal_dying {
                out.push((u.name.clone(), "principal-dying"));
            } else if !related {
                out.push((u.name.clone(), "no-container-relation"));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Application, StatusInfo, Unit};
    use std::collections::BTreeMap;
    use std::sync::Arc;

    fn app(model: &mut Model, name: &str, subordinate: bool) {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/wiki/formulas/db");
        let Ok(formula) = crate::model::load_deployable(&dir) else {
            panic!("the example formula db loads");
        };
        model.apps.insert(
            name.into(),
            Application {
                name: name.into(),
                formula: Arc::new(formula),
                formula_dir: Default::default(),
                charm_version: 1,
                config_set: BTreeMap::new(),
                config_version: 1,
                leader: None,
                leader_settings: BTreeMap::new(),
                leader_settings_version: 0,
                next_unit: 0,
                life: Life::Alive,
                status: StatusInfo::default(),
                host_network: false,
                release: Default::default(),
                subordinate,
                trusted: false,
                resources: BTreeMap::new(),
            },
        );
    }

    fn unit(model: &mut Model, name: &str, principal: Option<&str>) {
        model.units.insert(
            name.into(),
            Unit {
                name: name.into(),
                app: crate::model::unit_app(name).into(),
                life: Life::Alive,
                status: StatusInfo::default(),
                status_set: false,
                address: String::new(),
                ports: Default::default(),
                state: BTreeMap::new(),
                actions: Vec::new(),
                action_results: Vec::new(),
                log: Vec::new(),
                principal: principal.map(str::to_string),
                workload_version: Default::default(),
                resources: BTreeMap::new(),
            },
        );
    }

    fn end(app: &str, endpoint: &str, role: Role, scope: Scope) -> RelationEnd {
        RelationEnd { app: app.into(), endpoint: endpoint.into(), role, interface: "juju-info".into(), scope }
    }

    /// wiki (2 units) and db (1) are principals; agent is a subordinate of both.
    fn model() -> (Model, i64, i64) {
        let mut m = Model::new("t");
        app(&mut m, "wiki", false);
        app(&mut m, "db", false);
        app(&mut m, "agent", true);
        for u in ["wiki/0", "wiki/1", "db/0"] {
            unit(&mut m, u, None);
        }
        let mut events = Vec::new();
        let host = || end("agent", "host", Role::Requirer, Scope::Container);
        let wiki = m.add_relation(vec![host(), juju_info("wiki")], &mut events);
        let db = m.add_relation(vec![host(), juju_info("db")], &mut events);
        (m, wiki, db)
    }

    #[test]
    fn each_principal_in_scope_needs_one_subordinate_and_only_once() {
        let (mut m, wiki, db) = model();
        assert!(m.subordinates_needed().is_empty(), "nobody is in scope yet");
        for (id, u) in [(wiki, "wiki/1"), (wiki, "wiki/0"), (db, "db/0")] {
            if let Some(r) = m.relations.get_mut(&id) {
                r.scope.insert(u.into());
            }
        }
        let needed: Vec<(String, String)> = m.subordinates_needed().into_iter().map(|n| (n.app, n.principal)).collect();
        let want = [("agent", "wiki/0"), ("agent", "wiki/1"), ("agent", "db/0")];
        assert_eq!(needed, want.map(|(a, p)| (a.to_string(), p.to_string())));
        unit(&mut m, "agent/0", Some("wiki/0"));
        let left: Vec<String> = m.subordinates_needed().into_iter().map(|n| n.principal).collect();
        assert_eq!(left, ["wiki/1", "db/0"]);
    }

    #[test]
    fn a_subordinate_sees_only_its_own_container_and_joins_only_its_principals_relation() {
        let (mut m, wiki, db) = model();
        unit(&mut m, "agent/0", Some("wiki/0"));
        let (rw, rd) = (&m.relations[&wiki], &m.relations[&db]);
        assert!(m.sees(rw, "agent/0", "wiki/0"));
        assert!(!m.sees(rw, "agent/0", "wiki/1"));
        assert!(m.may_join(rw, "agent/0"));
        assert!(!m.may_join(rd, "agent/0"), "agent/0 lives on wiki/0, not on a db unit");
        assert!(m.may_join(rd, "db/0"));
        assert_eq!(m.container_of("agent/0"), "wiki/0");
        assert_eq!(m.container_of("wiki/1"), "wiki/1");
    }

    #[test]
    fn a_subordinate_goes_with_its_principal_or_its_last_container_relation() {
        let (mut m, wiki, _) = model();
        unit(&mut m, "agent/0", Some("wiki/0"));
        unit(&mut m, "agent/1", Some("wiki/1"));
        assert!(m.subordinates_to_destroy().is_empty());
        if let Some(u) = m.units.get_mut("wiki/1") {
            u.life = Life::Dying;
        }
        assert_eq!(m.subordinates_to_destroy(), [("agent/1".to_string(), "principal-dying")]);
        if let Some(r) = m.relations.get_mut(&wiki) {
            r.life = Life::Dying;
        }
        let why: Vec<&str> = m.subordinates_to_destroy().into_iter().map(|(_, w)| w).collect();
        assert_eq!(why, ["no-container-relation", "principal-dying"]);
    }

    fn deployed(apps: &[(&str, &str)]) -> Model {
        let mut m = Model::new("t");
        let formulas = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/formulas");
        for (name, formula) in apps {
            let placement = crate::model::Placement::default();
            let deployed = m.deploy(name, &formulas.join(formula), 0, BTreeMap::new(), placement, &mut Vec::new());
            assert!(deployed.is_ok(), "{deployed:?}");
        }
        m
    }

    fn relate(m: &mut Model, a: &str, b: &str) -> Result<String, String> {
        let parse = |t: &str| {
            let (app, endpoint) = t.split_once(':').map_or((t, None), |(a, e)| (a, Some(e.to_string())));
            crate::scenario::EndpointRef { app: app.into(), endpoint, span: Default::default() }
        };
        let id = m.relate(&parse(a), &parse(b), &mut Vec::new()).map_err(|e| e.0)?;
        Ok(m.relations[&id].key())
    }

    #[test]
    fn endpoints_are_inferred_as_juju_infers_them() {
        let mut m = deployed(&[("web", "sub-web"), ("agent", "sub-agent"), ("logs", "sub-logs")]);
        // The principal's implicit juju-info is the only pair.
        assert_eq!(relate(&mut m, "agent", "web").as_deref(), Ok("agent:host web:juju-info"));
        // Two pairs (agent-logs, and the agent's own implicit juju-info): the implicit one is left out.
        assert_eq!(relate(&mut m, "logs", "agent").as_deref(), Ok("agent:logs logs:agent"));
        let both = m.relations.values().all(|r| r.ends.iter().all(|e| e.scope == Scope::Container));
        assert!(both, "both ends of a container-scoped relation are container-scoped");
        let e = m.new_unit("agent").map(|u| u.name).unwrap_err();
        assert_eq!(e.0, "cannot add unit to application \"agent\": application is a subordinate");
        let e = m.deploy(
            "more",
            &m.apps["agent"].formula_dir.clone(),
            1,
            BTreeMap::new(),
            Default::default(),
            &mut Vec::new(),
        );
        assert!(e.is_err_and(|e| e.0.contains("deployed without units")));
    }

    #[test]
    fn a_container_scoped_relation_needs_a_subordinate() {
        let (m, _, _) = model();
        let l = end("wiki", "x", Role::Requirer, Scope::Container);
        let r = juju_info("db");
        let e = m.container_scoped(l.clone(), r.clone(), "db:juju-info wiki:x").unwrap_err();
        assert!(e.0.contains("container scoped relation requires at least one subordinate application"), "{e}");
        assert!(!m.container_scope_ok(&l, &r));
        let (l, r) = m.container_scoped(end("agent", "host", Role::Requirer, Scope::Container), r, "k").unwrap();
        assert_eq!((l.scope, r.scope), (Scope::Container, Scope::Container));
    }
}
