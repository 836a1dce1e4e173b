//! What a unit and a hook cost on each backend: create units, run `/bin/true` in them, remove
//! them. Run with `cargo bench -p formula-cli --bench ns_costs` (as root, with LXD ready:
//! `sudo bash dev/lxd-setup.sh`; `-- host ns` leaves lxd out). The ns backend is measured
//! twice: on the unit base (as `formula sim` runs it) and, as the baseline, on this machine's
//! `/` (`--rootfs /`, as units were made before the base); the ratio is base over `/`.

use simulator::backend::{Kind, Machine, Options, ProcessSpec};
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn main() {
    if !nix::unistd::geteuid().is_root() {
        eprintln!("the ns and lxd backends need root");
        std::process::exit(1);
    }
    let asked: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let mut ns_create = Vec::new();
    let runs = [(Kind::Host, None), (Kind::Ns, Some("/")), (Kind::Ns, None), (Kind::Lxd, None)];
    for (kind, rootfs) in runs {
        if !asked.is_empty() && !asked.iter().any(|a| a == kind.name()) {
            continue;
        }
        let label = match (kind, rootfs) {
            (Kind::Ns, Some(_)) => "ns on /".to_string(),
            (Kind::Ns, None) => "ns on the base".to_string(),
            _ => kind.name().to_string(),
        };
        // An LXD container takes seconds to start: fewer of them.
        let (units, hooks) = if kind == Kind::Lxd { (3u32, 60u32) } else { (10, 200) };
        let dir = tempfile::Builder::new().prefix("formula-sim-").tempdir().expect("temp dir");
        let root = dir.path().canonicalize().unwrap();
        let tool = PathBuf::from(env!("CARGO_BIN_EXE_formula"));
        // As `formula sim` makes them (its default limits apply to ns only, as they did).
        let options = match kind {
            Kind::Ns => {
                Options { rootfs: rootfs.map(PathBuf::from), pids_max: Some(4096), memory_max: Some(4096 << 20) }
            }
            _ => Options::default(),
        };
        let mut backend = kind.make(&root, &tool, &options).expect("backend");
        let names: Vec<String> = (0..units).map(|i| format!("app/{i}")).collect();
        let started = Instant::now();
        for (i, name) in names.iter().enumerate() {
            backend.create_unit(name, &machine(i)).expect("create unit");
        }
        let create = started.elapsed() / units;
        if kind == Kind::Ns {
            ns_create.push(create);
        }
        let env = [("PATH".to_string(), "/usr/bin:/bin".to_string())].into_iter().collect();
        let spec = ProcessSpec {
            program: "/bin/true".into(),
            args: Vec::new(),
            env,
            cwd: "/".into(),
            stdout: simulator::backend::Capture::new("stdout").expect("capture"),
            stderr: simulator::backend::Capture::new("stderr").expect("capture"),
        };
        let started = Instant::now();
        for i in 0..hooks {
            let unit = &names[(i % units) as usize];
            let status = backend.spawn(unit, &spec).expect("spawn").wait().expect("wait");
            assert!(status.success(), "/bin/true failed in {unit} on {kind}");
            backend.hook_ended(unit, false);
        }
        let hook = started.elapsed() / hooks;
        let started = Instant::now();
        for name in &names {
            backend.destroy_unit(name);
        }
        backend.cleanup();
        let destroy = started.elapsed() / units;
        // Units started all at once, as a scenario's deploys start them.
        let at_once = if kind == Kind::Lxd {
            let names: Vec<String> = (0..units).map(|i| format!("par/{i}")).collect();
            let dir = tempfile::Builder::new().prefix("formula-sim-").tempdir().expect("temp dir");
            let mut backend =
                kind.make(&dir.path().canonicalize().unwrap(), &tool, &Options::default()).expect("lxd backend");
            let started = Instant::now();
            backend.expect_units(&names);
            for (i, name) in names.iter().enumerate() {
                backend.create_unit(name, &machine(i)).expect("create unit");
            }
            let took = started.elapsed();
            backend.cleanup();
            format!(", {units} started at once {}", ms(took))
        } else {
            String::new()
        };
        eprintln!(
            "{label:>14}: create a unit {}, run /bin/true in it {}, remove it {} ({units} units, {hooks} runs{at_once})",
            ms(create),
            ms(hook),
            ms(destroy)
        );
    }
    if let [on_machine, on_base] = ns_create[..] {
        eprintln!(
            "creating an ns unit on the base costs {:.2}x what it costs on this machine's /",
            on_base.as_secs_f64() / on_machine.as_secs_f64()
        );
    }
}

/// The machine of the `i`th unit, as the engine asks for it (Juju's default series).
fn machine(i: usize) -> Machine {
    Machine { index: i as u32, host_network: false, release: Default::default(), host_unit: None }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}
