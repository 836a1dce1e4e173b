//! `formula lint` against `charm proof` on the same 120 generated formulas.
//!
//! ```text
//! cargo bench -p formula-cli --bench lint_vs_proof
//! ```
//!
//! Times, in one run: `formula lint` (the release binary) once over the whole directory (with
//! its default parallelism, and on one thread), `formula lint` once per formula, and
//! `charm proof` once per formula; prints the time per formula of each and the ratios.
//! `CHARM_PROOF` overrides the proof command (default /opt/charm-tools/bin/charm-proof);
//! `BENCH_FORMULAS` the number of formulas (120).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const DEFAULT_PROOF: &str = "/opt/charm-tools/bin/charm-proof";
const INTERFACES: &[&str] = &["http", "mysql", "pgsql", "memcache", "mongodb", "rabbitmq", "juju-info", "nrpe"];
const OPTION_TYPES: &[(&str, &str)] = &[("string", "'wiki'"), ("int", "80"), ("float", "0.5"), ("boolean", "true")];

/// Deterministic variety: a tiny LCG, so that every run benchmarks the same formulas.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

fn write(path: &Path, text: &str, executable: bool) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
    if executable {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

/// Writes formula number `i`: 0–5 endpoints over provides/requires/peers, 0–11 options of
/// every type, the standard hooks and the relation hooks of most endpoints, sometimes
/// actions, a README, an icon, a revision file, and some deliberate mistakes.
fn generate(dir: &Path, i: usize, rng: &mut Lcg) {
    let name = format!("app{i:03}");
    let mut meta = format!("name: {name}\nsummary: generated formula number {i}");
    if rng.below(6) == 0 {
        meta.push_str(", with a summary that goes on for far longer than seventy-two characters");
    }
    meta.push_str(&format!(
        "\ndescription: |\n  Formula {i}, generated for the benchmark.\n  It has several lines of text.\nmaintainer: Jo Doe <jo{i}@example.com>\ntags: [misc]\n"
    ));
    let subordinate = rng.below(10) == 0;
    if subordinate {
        meta.push_str("subordinate: true\n");
    }
    let mut endpoints = Vec::new();
    for section in ["provides", "requires", "peers"] {
        let count = rng.below(3);
        if count == 0 && !(subordinate && section == "requires") {
            continue;
        }
        meta.push_str(&format!("{section}:\n"));
        if subordinate && section == "requires" {
            meta.push_str("  host:\n    interface: juju-info\n    scope: container\n");
            endpoints.push("host".to_string());
        }
        for n in 0..count {
            let endpoint = format!("{}{n}", &section[..3]);
            let interface = INTERFACES[rng.below(INTERFACES.len() as u64) as usize];
            if rng.below(4) == 0 {
                meta.push_str(&format!("  {endpoint}: {interface}\n"));
            } else {
                meta.push_str(&format!("  {endpoint}:\n    interface: {interface}\n"));
                if rng.below(3) == 0 {
                    meta.push_str("    limit: 1\n");
                }
            }
            endpoints.push(endpoint);
        }
    }
    write(&dir.join("metadata.yaml"), &meta, false);

    let options = rng.below(12);
    if options > 0 {
        let mut config = String::from("options:\n");
        for n in 0..options {
            let (kind, default) = OPTION_TYPES[rng.below(4) as usize];
            config.push_str(&format!(
                "  opt-{n}:\n    type: {kind}\n    default: {default}\n    description: option {n} of {name}\n"
            ));
        }
        write(&dir.join("config.yaml"), &config, false);
    }
    let hook =
        "#!/bin/bash\nset -eu\nstatus-set maintenance \"working\"\njuju-log \"hook $0 ran\"\nstatus-set active\n";
    for standard in ["install", "start", "stop", "config-changed", "upgrade-charm"] {
        if rng.below(12) != 0 {
            write(&dir.join("hooks").join(standard), hook, rng.below(20) != 0);
        }
    }
    for endpoint in &endpoints {
        if rng.below(5) != 0 {
            for kind in ["joined", "changed", "departed", "broken"] {
                let text = format!("#!/bin/sh\nrelation-set host=$(unit-get private-address)\nrelation-get - $JUJU_REMOTE_UNIT # {kind}\n");
                write(&dir.join("hooks").join(format!("{endpoint}-relation-{kind}")), &text, true);
            }
        }
    }
    if rng.below(3) == 0 {
        write(
            &dir.join("actions.yaml"),
            "backup:\n  description: back up\n  params:\n    target: {type: string}\n",
            false,
        );
        write(&dir.join("actions/backup"), hook, true);
    }
    if rng.below(4) != 0 {
        write(&dir.join("README.md"), &format!("# {name}\n\nDeploy with `juju deploy ./{name}`.\n"), false);
    }
    if rng.below(4) != 0 {
        write(&dir.join("copyright"), "Copyright 2011 Jo Doe\n", false);
    }
    write(&dir.join("icon.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n", false);
    write(&dir.join("revision"), &format!("{}\n", 1 + rng.below(40)), false);
}

fn run(program: &Path, args: &[&str], dir: &Path, env: &[(&str, &str)]) -> Duration {
    let start = Instant::now();
    let status = Command::new(program)
        .args(args)
        .arg(dir)
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
    let elapsed = start.elapsed();
    assert!(
        status.code().is_some_and(|c| matches!(c, 0 | 100 | 200)),
        "{} failed on {}: {status}",
        program.display(),
        dir.display()
    );
    elapsed
}

/// CPU time (user + system) of the children waited for so far, from /proc/self/stat
/// (`cutime` + `cstime`, in clock ticks of 10 ms): unlike wall time, it does not grow when
/// other work shares the machine.
fn children_cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the `(comm)` one; cutime and cstime are fields 16 and 17 of the whole line.
    let rest = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<u64> = rest.split_whitespace().skip(1).map(|f| f.parse().unwrap_or(0)).collect();
    let ticks = fields.get(12).copied().unwrap_or(0) + fields.get(13).copied().unwrap_or(0);
    Duration::from_millis(ticks * 10)
}

/// Runs `f`, returning its result and the CPU time its children used.
fn with_cpu<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let before = children_cpu();
    let value = f();
    (value, children_cpu().saturating_sub(before))
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

/// One measured way of checking the formulas.
struct Measure {
    what: &'static str,
    /// Wall time for all formulas (median of the rounds).
    wall: Duration,
    /// CPU time of the child processes for all formulas (per round).
    cpu: Duration,
}

/// Runs `round` `rounds` times; the wall time is the median round, the CPU time the mean.
fn measure(what: &'static str, rounds: u32, mut round: impl FnMut() -> Duration) -> Measure {
    let (mut walls, cpu) = with_cpu(|| (0..rounds).map(|_| round()).collect::<Vec<_>>());
    walls.sort();
    Measure { what, wall: walls[walls.len() / 2], cpu: cpu / rounds }
}

fn main() {
    let count: usize = std::env::var("BENCH_FORMULAS").ok().and_then(|n| n.parse().ok()).unwrap_or(120);
    let lint = PathBuf::from(env!("CARGO_BIN_EXE_formula"));
    let proof = PathBuf::from(std::env::var("CHARM_PROOF").unwrap_or_else(|_| DEFAULT_PROOF.to_string()));
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("formulas");
    let mut rng = Lcg(2011);
    let dirs: Vec<PathBuf> = (0..count)
        .map(|i| {
            let dir = root.join(format!("app{i:03}"));
            generate(&dir, i, &mut rng);
            dir
        })
        .collect();
    let lint_args = ["lint", "--format", "json"];
    let one_thread = [("RAYON_NUM_THREADS", "1")];
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());

    // Warm the page cache and the binaries.
    run(&lint, &lint_args, &root, &[]);
    let mut measures = vec![
        measure("formula lint DIR (one process, all formulas)", 15, || run(&lint, &lint_args, &root, &[])),
        measure("formula lint DIR, RAYON_NUM_THREADS=1", 15, || run(&lint, &lint_args, &root, &one_thread)),
        measure("formula lint FORMULA (one process per formula)", 5, || {
            dirs.iter().map(|d| run(&lint, &lint_args, d, &one_thread)).sum()
        }),
    ];
    if proof.is_file() {
        let proof_args: &[&str] = if proof.file_name().is_some_and(|n| n == "charm") { &["proof"] } else { &[] };
        run(&proof, proof_args, &dirs[0], &[]);
        measures.push(measure("charm proof FORMULA (one process per formula)", 1, || {
            dirs.iter().map(|d| run(&proof, proof_args, d, &[])).sum()
        }));
    } else {
        eprintln!("charm proof is not installed at {} (set CHARM_PROOF); .ci/run installs it", proof.display());
    }

    let per = |d: Duration| d / count as u32;
    let mut report = String::new();
    let _ = writeln!(report, "{count} generated formulas, {threads} CPUs; times per formula");
    let _ = writeln!(report, "{:<48} {:>12} {:>12}", "", "wall", "CPU");
    for m in &measures {
        let _ = writeln!(report, "{:<48} {:>12} {:>12}", m.what, ms(per(m.wall)), ms(per(m.cpu)));
    }
    if let Some(proof) = measures.iter().find(|m| m.what.starts_with("charm proof")) {
        let _ = writeln!(report, "\ncharm proof time / formula lint time, per formula:");
        for m in measures.iter().filter(|m| m.what.starts_with("formula lint")) {
            let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64().max(1e-9);
            let _ = writeln!(
                report,
                "{:<48} {:>11.0}x {:>11.0}x",
                m.what,
                ratio(proof.wall, m.wall),
                ratio(proof.cpu, m.cpu)
            );
        }
    }
    print!("{report}");
}
