//! Runs of many schedules in long-lived `formula sim` processes: a [`Pool`] of workers, each
//! a `formula sim-worker` that runs one `formula sim` command line after another.
//!
//! Each run of an exploration used to be a process of its own: 2 ms of starting the binary
//! alone, a fixed cost of every seed. A worker starts once per job and runs each request as
//! `formula sim ARGS` would run in a process of its own: the same arguments, its stdout
//! thrown away, its stderr kept aside (a memfd per run, on fd 2) for the last line that says
//! why a run did not finish, and its exit code answered. Runs stay apart as they did:
//! - a host run goes into namespaces of its own (`--isolate`), forked from the worker, which
//!   only waits; the run's process exits when the run ends instead of going back to the loop;
//! - a container run keeps everything in its backend, which removes it all when dropped.
//!
//! A worker that dies mid-run (a crash, a signal) fails that run as a dead child process
//! did, and the next run gets a new worker. A run that panics is answered with exit code 101
//! and ends its worker: what the panic interrupted may have left state behind.
//!
//! The protocol is a JSON line each way: [`Job`] on the worker's stdin, [`Answer`] on
//! its stdout.

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use simulator::explore::SchedulesBefore;
use simulator::schedules_run::{Avoid, DrawKey, SchedulesRun};
use std::io::{BufRead, BufReader, Read, Seek, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Mutex;

/// One run asked of a worker.
#[derive(Debug, Serialize, Deserialize)]
pub struct Job {
    /// `formula`'s arguments, from `sim` on.
    pub args: Vec<String>,
    /// Variables set for the run (and kept for the next ones, unless set again).
    pub env: Vec<(String, String)>,
    /// A seed that keeps out of the schedules run before it: those its worker has not had
    /// yet ([`Pool::run`] fills it in).
    #[serde(default)]
    pub schedules: Option<NewSchedules>,
}

/// Schedules for a worker's tree of the schedules run ([`simulator::schedules_run`]).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct NewSchedules {
    /// The tree starts again from nothing first (another exploration's, or a worker's first).
    pub fresh: bool,
    /// Each schedule: its draws, as (outcomes, the one taken).
    pub add: Vec<Vec<(usize, usize)>>,
}

/// How a run ended.
#[derive(Debug, Serialize, Deserialize)]
pub struct Answer {
    /// Its exit code, as `formula sim` would have exited.
    pub code: i32,
    /// The last line the run wrote to stderr, if any.
    pub last_line: Option<String>,
    /// Descriptors the worker holds open after the run (a test's check that runs leak none).
    pub open_fds: usize,
}

/// `formula sim-worker`: answers requests on stdin until it closes.
pub fn serve() -> Result<u8> {
    // The protocol keeps descriptors of its own; the runs get /dev/null on stdin and stdout
    // (where `formula sim` prints its status table) and a capture on stderr.
    let requests = private_copy(0)?;
    let answers = private_copy(1)?;
    let null = std::fs::OpenOptions::new().read(true).write(true).open("/dev/null")?;
    redirect(&null, 0)?;
    redirect(&null, 1)?;
    drop(null);
    let own_stderr = private_copy(2)?;
    let mut answers = std::fs::File::from(answers);
    // Without root, an ns run copies the machine's writable trees into a layer of its own:
    // the same for every run here, so made once.
    simulator::backend::ns::keep_base_layers();
    let served = serve_requests(requests, &mut answers, &own_stderr);
    simulator::backend::ns::release_kept_layer();
    served
}

/// Answers each request on `requests` until it closes.
fn serve_requests(requests: OwnedFd, answers: &mut std::fs::File, own_stderr: &OwnedFd) -> Result<u8> {
    let me = std::process::id();
    // The schedules this exploration ran, as this worker was told them.
    let mut tree = SchedulesRun::default();
    for line in BufReader::new(std::fs::File::from(requests)).lines() {
        let line = line.context("cannot read a request")?;
        let request: Job = serde_json::from_str(&line).context("not a request")?;
        for (name, value) in &request.env {
            // The worker has one thread between runs (a host run forks from it).
            if std::env::var_os(name).is_none_or(|v| v != value.as_str()) {
                std::env::set_var(name, value);
            }
        }
        let capture = nix::sys::memfd::memfd_create("formula-sim-run-stderr", nix::sys::memfd::MFdFlags::MFD_CLOEXEC)
            .context("cannot make a memfd for a run's stderr")?;
        redirect(&capture, 2)?;
        let avoiding = request.schedules.as_ref().map(|new| {
            if new.fresh {
                tree = SchedulesRun::default();
            }
            for schedule in &new.add {
                let keys: Vec<DrawKey> =
                    schedule.iter().map(|&(outcomes, taken)| DrawKey { outcomes, taken }).collect();
                tree.add(&keys);
            }
            Avoid::over(&tree)
        });
        let outcome = std::panic::catch_unwind(|| run(&request.args, avoiding));
        let code = match &outcome {
            Ok(code) => i32::from(*code),
            Err(_) => 101,
        };
        if std::process::id() != me {
            // The isolated run's own process (pid 1 of its namespace): its run has ended.
            let _ = std::io::stderr().flush();
            std::process::exit(code);
        }
        redirect(own_stderr, 2)?;
        let answer = Answer { code, last_line: last_line(capture), open_fds: open_fds() };
        serde_json::to_writer(&mut *answers, &answer)?;
        answers.write_all(b"\n")?;
        answers.flush()?;
        if outcome.is_err() {
            return Ok(101);
        }
    }
    Ok(0)
}

/// Runs `formula ARGS` (from `sim` on) as the binary's `main` would, keeping out of the
/// schedules in `avoiding`; its exit code.
fn run(args: &[String], avoiding: Option<Avoid>) -> u8 {
    #[derive(clap::Parser)]
    struct Sim {
        #[command(flatten)]
        args: super::SimArgs,
    }
    let parsed = <Sim as clap::Parser>::try_parse_from(args);
    let result = match parsed {
        Ok(mut sim) => {
            sim.args.avoiding = avoiding;
            super::run(sim.args)
        }
        Err(e) => {
            // Its first line says what is wrong; the rest is help for a person at a terminal.
            let text = e.to_string();
            eprintln!("{}", text.lines().next().unwrap_or("error: the arguments do not parse"));
            return 2;
        }
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            2
        }
    }
}

/// A copy of descriptor `fd`, closed on exec (hooks and tools never get it).
fn private_copy(fd: i32) -> Result<OwnedFd> {
    // SAFETY: fcntl on a descriptor this process has; the result is a new descriptor it owns.
    let copy = unsafe { nix::libc::fcntl(fd, nix::libc::F_DUPFD_CLOEXEC, 3) };
    if copy < 0 {
        return Err(std::io::Error::last_os_error()).context(format!("cannot copy descriptor {fd}"));
    }
    // SAFETY: `copy` was just made and nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(copy) })
}

/// Puts `file` on descriptor `fd`.
fn redirect(file: &impl AsRawFd, fd: i32) -> Result<()> {
    // SAFETY: dup2 onto one of the standard descriptors, which this process owns.
    if unsafe { nix::libc::dup2(file.as_raw_fd(), fd) } < 0 {
        return Err(std::io::Error::last_os_error()).context(format!("cannot redirect descriptor {fd}"));
    }
    Ok(())
}

/// The last non-empty line of a run's stderr.
fn last_line(capture: OwnedFd) -> Option<String> {
    let mut file = std::fs::File::from(capture);
    // A run that wrote a lot: its end is what matters.
    let length = file.metadata().ok()?.len();
    file.seek(std::io::SeekFrom::Start(length.saturating_sub(64 * 1024))).ok()?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).ok()?;
    String::from_utf8_lossy(&bytes).lines().rfind(|l| !l.trim().is_empty()).map(str::to_string)
}

/// The descriptors this process has open (less the one reading the list).
fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map(|d| d.count().saturating_sub(1)).unwrap_or(0)
}

/// A running worker, as its pool sees it.
struct Worker {
    child: Child,
    /// Runs it has answered.
    runs: usize,
    /// The schedules its tree holds: the exploration's log, and how many of it.
    schedules: Option<(u64, usize)>,
    /// Closed (taken) to end the worker.
    requests: Option<ChildStdin>,
    answers: BufReader<ChildStdout>,
    /// The last line of its own stderr, once that closes: read all along by a thread, so
    /// that a worker that writes there cannot fill the pipe and stop.
    last_words: std::sync::mpsc::Receiver<String>,
}

impl Worker {
    fn start(binary: &Path) -> Result<Worker, String> {
        let mut child = Command::new(binary)
            .arg("sim-worker")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
        let (Some(requests), Some(answers), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            return Err("cannot talk to a worker".into());
        };
        let (tell, last_words) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut last = String::new();
            for line in BufReader::new(stderr).lines() {
                match line {
                    Ok(line) if !line.trim().is_empty() => last = line,
                    Ok(_) => {}
                    Err(_) => break,
                }
            }
            let _ = tell.send(last);
        });
        let answers = BufReader::new(answers);
        Ok(Worker { child, runs: 0, schedules: None, requests: Some(requests), answers, last_words })
    }

    fn ask(&mut self, request: &Job) -> std::io::Result<Option<Answer>> {
        let mut line = serde_json::to_string(request)?;
        line.push('\n');
        let requests = self.requests.as_mut().ok_or_else(|| std::io::Error::other("the worker has ended"))?;
        requests.write_all(line.as_bytes())?;
        requests.flush()?;
        let mut answer = String::new();
        if self.answers.read_line(&mut answer)? == 0 {
            return Ok(None);
        }
        Ok(serde_json::from_str(&answer).ok())
    }

    /// How many of `before`'s schedules its tree holds, where it can grow into theirs (a tree
    /// only grows; `None`: it must start again).
    fn schedules_known(&self, before: &SchedulesBefore) -> Option<usize> {
        self.schedules.filter(|&(log, known)| log == before.log_id() && known <= before.count()).map(|(_, known)| known)
    }

    /// Why a worker that stopped answering ended: its status and the last line it wrote.
    fn death(mut self) -> String {
        self.requests = None;
        let _ = self.child.kill();
        let status = self.child.wait().map(|s| s.to_string()).unwrap_or_else(|e| e.to_string());
        // A process the worker left (a hook) may hold its stderr open a while longer.
        let last = self.last_words.recv_timeout(std::time::Duration::from_secs(2)).unwrap_or_default();
        let last = if last.is_empty() { "no output" } else { &last };
        format!("the run did not finish ({status}): {last}")
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // Closing its requests ends it; waiting for it keeps its runs from outliving it.
        self.requests = None;
        let _ = self.child.wait();
    }
}

/// Set to a number N, a worker ends after N runs and the next run gets a new one: 1 is a
/// process per run, as exploring was before workers (a benchmark's baseline).
pub const RUNS_PER_WORKER_ENV: &str = "FORMULA_SIM_RUNS_PER_WORKER";

/// Workers for the runs of one exploration, started as runs need them and kept between runs.
pub struct Pool {
    binary: PathBuf,
    idle: Mutex<Vec<Worker>>,
    /// [`RUNS_PER_WORKER_ENV`].
    runs_per_worker: Option<usize>,
}

impl Pool {
    /// No workers yet; each is `binary sim-worker`.
    pub fn new(binary: PathBuf) -> Pool {
        let runs_per_worker = std::env::var(RUNS_PER_WORKER_ENV).ok().and_then(|n| n.parse().ok()).filter(|&n| n > 0);
        Pool { binary, idle: Mutex::new(Vec::new()), runs_per_worker }
    }

    /// Runs `request` in an idle worker (or a new one), keeping out of the schedules in
    /// `before`; its answer, or why there is none.
    pub fn run(&self, mut request: Job, before: Option<&SchedulesBefore>) -> Result<Answer, String> {
        let idle = self.idle.lock().ok().and_then(|mut list| {
            // The worker whose tree needs the fewest schedules added.
            let best = (0..list.len()).max_by_key(|&i| before.and_then(|b| list[i].schedules_known(b)))?;
            Some(list.swap_remove(best))
        });
        let mut worker = match idle {
            Some(worker) => worker,
            None => Worker::start(&self.binary)?,
        };
        if let Some(before) = before {
            let known = worker.schedules_known(before);
            let add = before.since(known.unwrap_or(0));
            let add = add.iter().map(|keys| keys.iter().map(|k| (k.outcomes, k.taken)).collect()).collect();
            request.schedules = Some(NewSchedules { fresh: known.is_none(), add });
        }
        match worker.ask(&request) {
            Ok(Some(answer)) => {
                worker.runs += 1;
                if let Some(before) = before {
                    worker.schedules = Some((before.log_id(), before.count()));
                }
                // A worker whose run panicked has ended: it is not kept.
                if answer.code != 101 && self.runs_per_worker.is_none_or(|most| worker.runs < most) {
                    if let Ok(mut list) = self.idle.lock() {
                        list.push(worker);
                    }
                }
                Ok(answer)
            }
            Ok(None) | Err(_) => Err(worker.death()),
        }
    }
}
