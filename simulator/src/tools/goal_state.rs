//! `goal-state` (spec §4.3): the units this unit's application should have and, by endpoint,
//! the applications and units related to it, each with its status and since when, in the
//! JSON ops reads (`{"units": {U: {"status", "since"}}, "relations": {EP: {APP|U: …}}}`).

use super::command::{check_empty, Command, Env, Info, Output};
use super::context::HookContext;
use crate::model::Value;
use std::collections::BTreeMap;

/// `goal-state`.
#[derive(Default)]
pub(crate) struct GoalState {
    out: Output,
}

impl Command for GoalState {
    fn info(&self, name: &str, _ctx: &dyn HookContext) -> Info {
        Info {
            name: name.to_string(),
            args: String::new(),
            purpose: "print the status of the charm's peers and related units",
            doc: "Lists this application's units and, by endpoint, the applications and units \
                related on it, with their status and since when."
                .to_string(),
        }
    }

    fn output(&mut self) -> Option<&mut Output> {
        Some(&mut self.out)
    }

    fn init(&mut self, _ctx: &mut dyn HookContext, args: Vec<String>) -> Result<(), String> {
        check_empty(&args)
    }

    fn run(&mut self, env: &mut Env<'_>) -> Result<(), String> {
        let goal = env.ctx.goal_state().map_err(|e| e.to_string())?;
        let since = rfc3339(goal.since_ms);
        let entry = |status: &String| {
            Value::Map(BTreeMap::from([
                ("since".to_string(), Value::Str(since.clone())),
                ("status".to_string(), Value::Str(status.clone())),
            ]))
        };
        let units = goal.units.iter().map(|(u, s)| (u.clone(), entry(s))).collect();
        let relations = goal
            .relations
            .iter()
            .map(|(ep, members)| (ep.clone(), Value::Map(members.iter().map(|(m, s)| (m.clone(), entry(s))).collect())))
            .collect();
        let value = Value::Map(BTreeMap::from([
            ("relations".to_string(), Value::Map(relations)),
            ("units".to_string(), Value::Map(units)),
        ]));
        self.out.write(env, &value)
    }
}

/// Model time (milliseconds since the model began) as an RFC 3339 time counted from
/// 1970-01-01: the simulator keeps no wall clock, and ops needs a time it can parse.
pub(crate) fn rfc3339(ms: u64) -> String {
    let secs = ms / 1000;
    let (mut days, rest) = (secs / 86_400, secs % 86_400);
    let mut year = 1970;
    loop {
        let length = if is_leap(year) { 366 } else { 365 };
        if days < length {
            break;
        }
        days -= length;
        year += 1;
    }
    let lengths = [31, if is_leap(year) { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let mut month = 0;
    while days >= lengths[month] {
        days -= lengths[month];
        month += 1;
    }
    format!("{year:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", month + 1, days + 1, rest / 3600, rest % 3600 / 60, rest % 60)
}

fn is_leap(year: u64) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

#[cfg(test)]
mod tests {
    use super::rfc3339;

    #[test]
    fn model_times_read_as_rfc3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(65_500), "1970-01-01T00:01:05Z");
        assert_eq!(rfc3339(59 * 86_400_000), "1970-03-01T00:00:00Z");
        assert_eq!(rfc3339(365 * 86_400_000), "1971-01-01T00:00:00Z");
    }
}
