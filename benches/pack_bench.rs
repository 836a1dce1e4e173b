//! Time to pack each example formula, against `zip -r -X` of the same directory measured in
//! the same run.
//!
//! ```text
//! cargo bench -p formula-cli --bench pack_bench
//! ```
//!
//! For every formula under examples/wiki/formulas and examples/ensemble/formulas, prints the
//! median of `RUNS` runs of: the library's pack (read, sort, deflate into memory), the whole
//! `formula pack` command (lint gate, pack, write, sha256; a process of the release
//! binary), and the baseline `zip -r -X -q` (a process too), with the ratios.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 15;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn time(mut f: impl FnMut()) -> Duration {
    f(); // warm the page cache
    median(
        (0..RUNS)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed()
            })
            .collect(),
    )
}

fn formulas(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for group in ["examples/wiki/formulas", "examples/ensemble/formulas"] {
        let mut dirs: Vec<PathBuf> =
            std::fs::read_dir(root.join(group)).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
        dirs.sort();
        found.extend(dirs.into_iter().filter(|d| d.join("metadata.yaml").is_file()));
    }
    found
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_formula"));
    let scratch = tempfile::tempdir().expect("scratch directory");
    println!(
        "{:<28} {:>8} {:>10} {:>14} {:>14} {:>8} {:>8}",
        "formula", "bytes", "pack (lib)", "formula pack", "zip -r -X", "lib/zip", "cli/zip"
    );
    for dir in formulas(&root) {
        let name = dir.strip_prefix(&root).unwrap_or(&dir).display().to_string();
        let mut size = 0;
        let lib = time(|| size = formula_sdk::pack::pack(&dir).expect("pack").len());
        let out = scratch.path().join("out.charm");
        let cli = time(|| {
            let status = Command::new(&binary)
                .args(["pack", "--force", "-o"])
                .arg(&out)
                .arg(&dir)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("run formula pack");
            assert!(status.success());
        });
        let zipped = scratch.path().join("out.zip");
        let zip = time(|| {
            let _ = std::fs::remove_file(&zipped);
            let status = Command::new("zip")
                .args(["-r", "-X", "-q"])
                .arg(&zipped)
                .arg(".")
                .current_dir(&dir)
                .status()
                .expect("run zip (apt-get install zip)");
            assert!(status.success());
        });
        println!(
            "{name:<28} {size:>8} {:>10} {:>14} {:>14} {:>8.2} {:>8.2}",
            ms(lib),
            ms(cli),
            ms(zip),
            lib.as_secs_f64() / zip.as_secs_f64(),
            cli.as_secs_f64() / zip.as_secs_f64()
        );
    }
}
