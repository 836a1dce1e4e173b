//! What a unit and a hook cost on each backend: create a unit, run `/bin/true` in it, remove
//! it. Run with `cargo bench -p formula-cli --bench ns_costs` (as root).

use std::path::PathBuf;
use std::time::Instant;

fn main() {
    use simulator::backend::{host::HostBackend, ns::NsBackend, ns::NsOptions, Backend, ProcessSpec};
    if !nix::unistd::geteuid().is_root() {
        eprintln!("the ns backend needs root");
        std::process::exit(1);
    }
    let (units, hooks) = (10u32, 200u32);
    for kind in ["host", "ns"] {
        let dir = tempfile::Builder::new().prefix("formula-sim-").tempdir().expect("temp dir");
        let root = dir.path().canonicalize().unwrap();
        let tool = PathBuf::from(env!("CARGO_BIN_EXE_formula"));
        let options = NsOptions { rootfs: None, pids_max: Some(4096), memory_max: Some(4096 << 20) };
        let mut backend: Box<dyn Backend> = match kind {
            "ns" => Box::new(NsBackend::new(&root, &tool, options).expect("ns backend")),
            _ => Box::new(HostBackend::new(&root)),
        };
        let started = Instant::now();
        for i in 0..units {
            backend.create_unit(&format!("app/{i}"), i, false).expect("create unit");
        }
        let create = started.elapsed() / units;
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
            backend.spawn(&format!("app/{}", i % units), &spec).expect("spawn").wait().expect("wait");
        }
        let hook = started.elapsed() / hooks;
        let started = Instant::now();
        for i in 0..units {
            backend.destroy_unit(&format!("app/{i}"));
        }
        backend.cleanup();
        let destroy = started.elapsed() / units;
        eprintln!("{kind:>4}: create a unit {create:?}, run /bin/true in it {hook:?}, remove it {destroy:?}");
    }
}
