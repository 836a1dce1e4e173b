//! Stubs: commands replaced in a unit by the scenario (`stubs:`), first on the hooks' `PATH`.
//! Each call is logged in the unit's directory, and the engine traces the calls after each
//! hook (a `stub` event each).

use crate::backend::UnitPlaces;
use crate::error::SimError;
use crate::model::unit_app;
use std::collections::BTreeMap;

/// Writes the stubs of `unit` (those for every application, `*`, then its application's)
/// into its `stubs` directory.
pub fn write(
    stubs: &BTreeMap<String, BTreeMap<String, String>>,
    unit: &str,
    places: &UnitPlaces,
) -> Result<(), SimError> {
    let app = unit_app(unit);
    let mut commands: BTreeMap<&String, &String> = BTreeMap::new();
    for owner in ["*", app] {
        if let Some(list) = stubs.get(owner) {
            commands.extend(list.iter());
        }
    }
    let dir = places.dir.join("stubs");
    std::fs::create_dir_all(&dir).map_err(|e| SimError(format!("cannot create stubs for {unit}: {e}")))?;
    let log = places.dir.join("stub-calls.log");
    for (name, body) in commands {
        let script = format!(
            "#!/bin/sh\n{{ printf '%s' '{name}'; for a in \"$@\"; do printf '\\037%s' \"$a\"; done; printf '\\n'; }} >> '{}'\n{body}\n",
            log.display()
        );
        let path = dir.join(name);
        std::fs::write(&path, script).map_err(|e| SimError(format!("cannot write stub {name}: {e}")))?;
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755));
    }
    Ok(())
}

/// The stub calls a unit made since the last time, in order: (command, arguments). The log
/// is emptied.
pub fn take_calls(places: &UnitPlaces) -> Vec<(String, Vec<String>)> {
    let log = places.dir.join("stub-calls.log");
    let Ok(text) = std::fs::read_to_string(&log) else {
        return Vec::new();
    };
    let _ = std::fs::remove_file(&log);
    text.lines()
        .map(|line| {
            let mut parts = line.split('\u{1f}');
            let command = parts.next().unwrap_or("").to_string();
            (command, parts.map(str::to_string).collect())
        })
        .collect()
}
