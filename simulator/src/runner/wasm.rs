//! WebAssembly hooks: a formula's `dispatch.wasm` (or `hooks/<name>.wasm`) run by wasmtime
//! inside the engine, with no process.
//!
//! The module is a WASI preview 1 command (`_start`). It sees the same environment and
//! arguments as a process hook, a virtual clock and a random source seeded from the run, no
//! files and no network. It reaches the hook tools through two functions it imports from
//! the module `formula`, which call the very tool implementations that answer process
//! hooks (so the semantics are the same):
//!
//! - `tool_call(request_ptr: i32, request_len: i32) -> i32` takes the JSON request
//!   `{"tool": "relation-get", "args": ["--format", "json", "-"]}` from the guest's memory,
//!   runs the tool and returns the byte length of the JSON response
//!   `{"code": 0, "stdout": "…", "stderr": "…"}`;
//! - `tool_response(ptr: i32)` copies that response into the guest's memory at `ptr`.
//!
//! Every hook gets a fuel budget (instructions, deterministic: the same count on every run),
//! a wall-clock deadline enforced by epoch interruption from a watchdog thread, its unit's
//! memory limit, and [`OUTPUT_LIMIT`] on what it writes (of which the trace keeps
//! [`MAX_OUTPUT`]): each stops it, and its outcome says which. Compiled
//! modules are kept for the run, keyed by the file's content, and linked once
//! ([`InstancePre`]); instances come from a small pool whose memories stay mapped from hook
//! to hook, so a hook costs no `mmap`/`munmap`.

use super::{HookRun, Outcome, Ran, ToolCall, MAX_OUTPUT, OUTPUT_LIMIT};
use crate::backend::{Backend, UnitPlaces};
use crate::hook_context::SimContext;
use crate::wire::Response;
use serde::Deserialize;
use serde_json::json;
use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant, SystemTime};
use wasmtime::{
    Caller, Config, Engine, InstanceAllocationStrategy, InstancePre, Linker, Module, PoolingAllocationConfig, Store,
    Trap,
};
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{FsPerms, HostMonotonicClock, HostWallClock, I32Exit, WasiCtxBuilder};

/// The name of the module whose functions a guest imports to call hook tools.
pub const IMPORT_MODULE: &str = "formula";

/// What one WebAssembly hook is given.
pub struct WasmHook<'a> {
    /// The module file, on this machine.
    pub module: &'a Path,
    /// `argv`, program name first.
    pub args: Vec<String>,
    /// The environment, as for a process hook.
    pub env: &'a BTreeMap<String, String>,
    /// Seeds the random source and places the virtual clock; derived from the run's seed.
    pub seed: u64,
    /// Instructions the hook may execute.
    pub fuel: u64,
    /// Wall-clock time the hook may take.
    pub deadline: Duration,
    /// The most memory (bytes) it may grow to.
    pub memory: u64,
    /// The most bytes of stdout and of stderr kept.
    pub max_output: usize,
    /// The unit's agent directory (the charm directory's parent), as (its path on this
    /// machine, its path in the unit): the module's one preopened directory, so that a hook
    /// reads and writes its unit's files as a process hook does. `None`: no filesystem.
    pub unit_dir: Option<(PathBuf, String)>,
}

/// How a WebAssembly hook ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WasmExit {
    /// `_start` returned (0) or the guest called `proc_exit`.
    Code(i32),
    /// The fuel budget ran out.
    OutOfFuel,
    /// The wall-clock deadline passed.
    Deadline,
    /// The guest trapped (or broke the tool protocol); the message says how.
    Trap(String),
    /// Its memory would have grown over this many bytes.
    OverMemory(u64),
    /// It wrote more than [`OUTPUT_LIMIT`] to stdout or stderr.
    OverOutput,
    /// The module could not be read, compiled or instantiated.
    Load(String),
}

/// What a WebAssembly hook left.
pub struct WasmRun {
    /// How it ended.
    pub exit: WasmExit,
    /// Its stdout.
    pub stdout: Vec<u8>,
    /// Its stderr.
    pub stderr: Vec<u8>,
    /// Fuel it consumed.
    pub fuel_used: u64,
    /// Its tool calls, in order.
    pub calls: Vec<ToolCall>,
    /// The hook's context, with its buffered writes.
    pub ctx: SimContext,
}

/// The store's state for one hook.
struct HostState {
    wasi: WasiP1Ctx,
    ctx: SimContext,
    response: Vec<u8>,
    calls: Vec<ToolCall>,
    memory_limit: u64,
}

/// The error that stops a guest whose memory would grow over its limit (bytes).
#[derive(Debug)]
struct OverMemory(u64);

impl std::fmt::Display for OverMemory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "memory over the limit of {} MiB", self.0 >> 20)
    }
}

impl std::error::Error for OverMemory {}

impl wasmtime::ResourceLimiter for HostState {
    /// Growing over the limit stops the guest (rather than failing `memory.grow`, which a
    /// guest may ignore and try again).
    fn memory_growing(&mut self, _current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        if desired as u64 > self.memory_limit {
            return Err(wasmtime::Error::new(OverMemory(self.memory_limit)));
        }
        Ok(true)
    }

    /// Tables are bounded by the instance pool.
    fn table_growing(&mut self, _current: usize, _desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        Ok(true)
    }
}

/// A compiled module, ready to instantiate.
struct Compiled {
    pre: InstancePre<HostState>,
}

/// Where a module file was last seen, to skip rereading it.
struct Seen {
    len: u64,
    modified: Option<SystemTime>,
    content: u64,
}

/// Runs WebAssembly hooks for one simulation: the engine, the compiled modules and the
/// watchdog.
pub struct WasmRunner {
    engine: Engine,
    linker: Linker<HostState>,
    compiled: BTreeMap<u64, Compiled>,
    seen: BTreeMap<PathBuf, Seen>,
    watchdog: Watchdog,
    /// Where compiled modules are kept for other runs ([`COMPILED_CACHE_ENV`]).
    compiled_cache: Option<PathBuf>,
}

/// A directory where runs keep the modules they compiled, for the next run to load instead
/// of compiling again: an exploration's runs are in processes of their own, and compiling a
/// module of some hundred KiB with Cranelift costs a fifth of a second each time. The
/// explorer sets it to a directory of its own for its runs.
pub const COMPILED_CACHE_ENV: &str = "FORMULA_WASM_COMPILED_CACHE";

impl WasmRunner {
    /// A runner with its own engine and watchdog thread.
    pub fn new() -> Result<WasmRunner, String> {
        let mut config = Config::new();
        config.consume_fuel(true).epoch_interruption(true);
        config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool()));
        let engine = Engine::new(&config).map_err(|e| format!("cannot start wasmtime: {e}"))?;
        let mut linker: Linker<HostState> = Linker::new(&engine);
        wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |s| &mut s.wasi)
            .map_err(|e| format!("cannot link WASI: {e}"))?;
        linker
            .func_wrap(IMPORT_MODULE, "tool_call", tool_call)
            .and_then(|l| l.func_wrap(IMPORT_MODULE, "tool_response", tool_response))
            .map_err(|e| format!("cannot link the hook tools: {e}"))?;
        let watchdog = Watchdog::start(engine.clone())?;
        let compiled_cache = std::env::var_os(COMPILED_CACHE_ENV).filter(|d| !d.is_empty()).map(PathBuf::from);
        Ok(WasmRunner { engine, linker, compiled: BTreeMap::new(), seen: BTreeMap::new(), watchdog, compiled_cache })
    }

    /// Runs the module `module` (on this machine) for `run` against `ctx`, in the unit's
    /// directory where `backend` lets this machine see it; the context comes back whatever
    /// happens.
    pub fn run_hook(&mut self, run: &HookRun, module: &Path, backend: &dyn Backend, ctx: SimContext) -> Ran {
        let places = run.places;
        let relative = module.strip_prefix(&places.charm_dir_host).unwrap_or(module);
        let hook = WasmHook {
            module,
            args: vec![places.charm_dir.join(relative).to_string_lossy().into_owned()],
            env: &run.env,
            seed: seed_of(&run.context_id),
            fuel: run.fuel,
            deadline: run.timeout,
            memory: run.memory,
            max_output: MAX_OUTPUT,
            unit_dir: unit_dir(backend, run.unit, places),
        };
        let ran = self.run(&hook, ctx);
        let outcome = match ran.exit {
            WasmExit::Code(code) => Outcome::Exit(code),
            WasmExit::OutOfFuel => Outcome::OutOfFuel(run.fuel),
            WasmExit::Deadline => Outcome::Timeout(run.timeout),
            WasmExit::Trap(message) => Outcome::Trap(message),
            WasmExit::OverMemory(limit) => Outcome::OverMemory(limit),
            WasmExit::OverOutput => Outcome::OverOutput,
            WasmExit::Load(message) => Outcome::SpawnFailed(message),
        };
        let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
        Ran {
            outcome,
            stdout: text(&ran.stdout),
            stderr: text(&ran.stderr),
            fuel: Some(ran.fuel_used),
            calls: ran.calls,
            malformed: Vec::new(),
            ctx: Some(ran.ctx),
            shell: false,
        }
    }

    /// Runs one hook against `ctx`; the context comes back in the result whatever happens.
    pub fn run(&mut self, hook: &WasmHook, ctx: SimContext) -> WasmRun {
        let pre = match self.load(hook.module) {
            Ok(pre) => pre,
            Err(e) => return WasmRun::unrun(WasmExit::Load(e), ctx),
        };
        // A byte past the limit is kept, and no more (a write fails): the hook is then failed
        // for it, whatever it did next.
        let stdout = MemoryOutputPipe::new(OUTPUT_LIMIT as usize + 1);
        let stderr = MemoryOutputPipe::new(OUTPUT_LIMIT as usize + 1);
        let env: Vec<(&String, &String)> = hook.env.iter().collect();
        let mut builder = WasiCtxBuilder::new();
        if let Some((host, guest)) = &hook.unit_dir {
            if let Err(e) = builder.preopened_dir(host, guest, FsPerms::ReadWrite) {
                return WasmRun::unrun(
                    WasmExit::Load(format!("cannot open {} for the hook: {e}", host.display())),
                    ctx,
                );
            }
        }
        let wasi = builder
            .args(&hook.args)
            .envs(&env)
            .stdout(stdout.clone())
            .stderr(stderr.clone())
            .wall_clock(VirtualClock::new(hook.seed))
            .monotonic_clock(VirtualClock::new(hook.seed))
            .secure_random(SeededRandom::new(hook.seed))
            .insecure_random(SeededRandom::new(hook.seed ^ 0x5851_f42d_4c95_7f2d))
            .insecure_random_seed(u128::from(hook.seed))
            .build_p1();
        let state = HostState { wasi, ctx, response: Vec::new(), calls: Vec::new(), memory_limit: hook.memory };
        let mut store = Store::new(&self.engine, state);
        store.limiter(|state| state as &mut dyn wasmtime::ResourceLimiter);
        // Fuel is only off when the engine was built without it, which `new` never does.
        let _ = store.set_fuel(hook.fuel);
        store.set_epoch_deadline(1);
        store.epoch_deadline_trap();
        self.watchdog.arm(Instant::now() + hook.deadline);
        let result = pre.instantiate(&mut store).and_then(|instance| {
            let start = instance.get_typed_func::<(), ()>(&mut store, "_start")?;
            start.call(&mut store, ())
        });
        self.watchdog.disarm();
        let fuel_used = hook.fuel.saturating_sub(store.get_fuel().unwrap_or(0));
        let (stdout, stderr) = (stdout.contents(), stderr.contents());
        let exit = match result {
            _ if stdout.len().max(stderr.len()) as u64 > OUTPUT_LIMIT => WasmExit::OverOutput,
            Ok(()) => WasmExit::Code(0),
            Err(e) => exit_of(&e),
        };
        let state = store.into_data();
        let kept = |bytes: &[u8]| bytes[..bytes.len().min(hook.max_output)].to_vec();
        WasmRun { exit, stdout: kept(&stdout), stderr: kept(&stderr), fuel_used, calls: state.calls, ctx: state.ctx }
    }

    /// The compiled module in `path`, compiling it on first use of its content.
    fn load(&mut self, path: &Path) -> Result<InstancePre<HostState>, String> {
        let meta = std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let (len, modified) = (meta.len(), meta.modified().ok());
        let known = self.seen.get(path).filter(|s| s.len == len && s.modified == modified && modified.is_some());
        let content = match known {
            Some(seen) => seen.content,
            None => {
                let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                let content = content_key(&bytes);
                if !self.compiled.contains_key(&content) {
                    let module = match &self.compiled_cache {
                        Some(dir) => compile_cached(&self.engine, dir, content, &bytes),
                        None => Module::new(&self.engine, &bytes),
                    }
                    .map_err(|e| format!("cannot compile {}: {e:#}", path.display()))?;
                    let pre = self
                        .linker
                        .instantiate_pre(&module)
                        .map_err(|e| format!("cannot link {}: {e:#}", path.display()))?;
                    self.compiled.insert(content, Compiled { pre });
                }
                self.seen.insert(path.to_path_buf(), Seen { len, modified, content });
                content
            }
        };
        self.compiled.get(&content).map(|c| c.pre.clone()).ok_or_else(|| format!("{} vanished", path.display()))
    }
}

/// The directory a WebAssembly hook of `unit` may use: the unit's agent directory, where
/// this machine sees the unit's files as they are (host and ns; an LXD container's files
/// are not on this machine).
fn unit_dir(backend: &dyn Backend, unit: &str, places: &UnitPlaces) -> Option<(PathBuf, String)> {
    if !backend.shares_files() {
        return None;
    }
    let guest = places.charm_dir.parent()?;
    Some((backend.host_path(unit, guest), guest.to_string_lossy().into_owned()))
}

/// The seed of a WebAssembly hook's clock and random source: from its context id, which
/// holds a token drawn from the run's seed. FNV-1a, written here, so that no toolchain
/// upgrade changes what a seed gives.
fn seed_of(context_id: &str) -> u64 {
    context_id.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3))
}

/// The instance pool. Hooks of one run go one at a time, so a few slots are plenty. Each
/// holds one memory of up to 4 GiB (as without the pool) and one table of up to 65,536
/// entries; the hooks of a module needing more fail, with wasmtime's reason. The first
/// 64 KiB of a memory are zeroed in place between hooks rather than given back to the
/// kernel, which is cheaper for small modules.
fn pool() -> PoolingAllocationConfig {
    const SLOTS: u32 = 4;
    let mut pool = PoolingAllocationConfig::new();
    pool.total_core_instances(SLOTS)
        .total_memories(SLOTS)
        .total_tables(SLOTS)
        .table_elements(1 << 16)
        .linear_memory_keep_resident(64 << 10)
        .table_keep_resident(64 << 10);
    pool
}

impl WasmRun {
    fn unrun(exit: WasmExit, ctx: SimContext) -> WasmRun {
        WasmRun { exit, stdout: Vec::new(), stderr: Vec::new(), fuel_used: 0, calls: Vec::new(), ctx }
    }
}

/// A module's identity by content: a hash with fixed keys (the same on every run), plus the
/// length to make a collision even less likely.
/// The module of `bytes` (whose [`content_key`] is `content`), loaded from `dir` when a run
/// compiled it there with an engine like this one, else compiled and left there.
fn compile_cached(engine: &Engine, dir: &Path, content: u64, bytes: &[u8]) -> wasmtime::Result<Module> {
    let mut hasher = DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut hasher);
    let file = dir.join(format!("{content:016x}-{:016x}.cwasm", hasher.finish()));
    if file.is_file() {
        // SAFETY: the file is one this function wrote (renamed into place whole, below) with
        // an engine of the same compatibility hash, in a directory the explorer made for its
        // own runs; wasmtime checks the header and the engine settings again.
        if let Ok(module) = unsafe { Module::deserialize_file(engine, &file) } {
            return Ok(module);
        }
    }
    let module = Module::new(engine, bytes)?;
    // Kept for the next run when it can be; a run that cannot write it compiles as before.
    if let Ok(serialized) = module.serialize() {
        let partial = dir.join(format!(".{}.{}", std::process::id(), content));
        if std::fs::create_dir_all(dir).is_ok() && std::fs::write(&partial, serialized).is_ok() {
            let _ = std::fs::rename(&partial, &file);
        }
        let _ = std::fs::remove_file(&partial);
    }
    Ok(module)
}

fn content_key(bytes: &[u8]) -> u64 {
    let mut hasher = DefaultHasher::new();
    bytes.hash(&mut hasher);
    hasher.finish() ^ (bytes.len() as u64).rotate_left(32)
}

fn exit_of(error: &wasmtime::Error) -> WasmExit {
    if let Some(exit) = error.downcast_ref::<I32Exit>() {
        return WasmExit::Code(exit.0);
    }
    if let Some(OverMemory(limit)) = error.downcast_ref::<OverMemory>() {
        return WasmExit::OverMemory(*limit);
    }
    match error.downcast_ref::<Trap>() {
        Some(Trap::OutOfFuel) => WasmExit::OutOfFuel,
        Some(Trap::Interrupt) => WasmExit::Deadline,
        Some(trap) => WasmExit::Trap(trap.to_string()),
        None => WasmExit::Trap(format!("{error:#}")),
    }
}

/// A hook tool request from the guest.
#[derive(Deserialize)]
struct ToolRequest {
    tool: String,
    #[serde(default)]
    args: Vec<String>,
}

fn guest_memory(caller: &mut Caller<'_, HostState>) -> wasmtime::Result<wasmtime::Memory> {
    caller
        .get_export("memory")
        .and_then(|e| e.into_memory())
        .ok_or_else(|| wasmtime::Error::msg("formula.tool_call: the module exports no `memory`"))
}

/// `formula.tool_call`: runs a tool; the response waits for `tool_response`.
fn tool_call(mut caller: Caller<'_, HostState>, ptr: i32, len: i32) -> wasmtime::Result<i32> {
    let memory = guest_memory(&mut caller)?;
    let (start, len) = (ptr as u32 as usize, len as u32 as usize);
    let bytes = memory
        .data(&caller)
        .get(start..start.saturating_add(len))
        .ok_or_else(|| wasmtime::Error::msg("formula.tool_call: request outside memory"))?
        .to_vec();
    let request: ToolRequest = serde_json::from_slice(&bytes)
        .map_err(|e| wasmtime::Error::msg(format!("formula.tool_call: bad request: {e}")))?;
    let state = caller.data_mut();
    let output = crate::tools::run(&request.tool, &request.args, b"", &mut state.ctx);
    let response = Response { code: output.code, stdout: output.stdout, stderr: output.stderr };
    state.response = serde_json::to_vec(&json!({
        "code": response.code,
        "stdout": String::from_utf8_lossy(&response.stdout),
        "stderr": String::from_utf8_lossy(&response.stderr),
    }))?;
    state.calls.push((request.tool, request.args, response));
    i32::try_from(state.response.len()).map_err(|_| wasmtime::Error::msg("formula.tool_call: response too large"))
}

/// `formula.tool_response`: copies the last response to `ptr`.
fn tool_response(mut caller: Caller<'_, HostState>, ptr: i32) -> wasmtime::Result<()> {
    let memory = guest_memory(&mut caller)?;
    let (data, state) = memory.data_and_store_mut(&mut caller);
    let start = ptr as u32 as usize;
    let target = data
        .get_mut(start..start.saturating_add(state.response.len()))
        .ok_or_else(|| wasmtime::Error::msg("formula.tool_response: buffer outside memory"))?;
    target.copy_from_slice(&state.response);
    Ok(())
}

/// A clock that starts at a time derived from the seed and moves one microsecond per
/// reading: deterministic, and never standing still (so loops waiting on time end).
struct VirtualClock {
    now_ns: std::sync::atomic::AtomicU64,
}

/// 2026-01-01T00:00:00Z, where every virtual wall clock starts (plus up to a day by seed).
const VIRTUAL_EPOCH_SECS: u64 = 1_767_225_600;

impl VirtualClock {
    fn new(seed: u64) -> VirtualClock {
        let start = (VIRTUAL_EPOCH_SECS + seed % 86_400) * 1_000_000_000;
        VirtualClock { now_ns: std::sync::atomic::AtomicU64::new(start) }
    }

    fn tick(&self) -> u64 {
        self.now_ns.fetch_add(1_000, std::sync::atomic::Ordering::Relaxed)
    }
}

impl HostWallClock for VirtualClock {
    fn resolution(&self) -> Duration {
        Duration::from_micros(1)
    }

    fn now(&self) -> Duration {
        Duration::from_nanos(self.tick())
    }
}

impl HostMonotonicClock for VirtualClock {
    fn resolution(&self) -> u64 {
        1_000
    }

    fn now(&self) -> u64 {
        self.tick()
    }
}

/// splitmix64: a small, fast generator; the guest's randomness comes only from the seed.
struct SeededRandom {
    state: u64,
}

impl SeededRandom {
    fn new(seed: u64) -> SeededRandom {
        SeededRandom { state: seed }
    }

    fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

impl rand_core::TryRng for SeededRandom {
    type Error = std::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok((self.next() >> 32) as u32)
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        Ok(self.next())
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Self::Error> {
        for chunk in dest.chunks_mut(8) {
            let word = self.next().to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
        Ok(())
    }
}

/// A thread that interrupts a hook running past its deadline by bumping the engine's epoch.
struct Watchdog {
    shared: Arc<(Mutex<Watch>, Condvar)>,
    thread: Option<std::thread::JoinHandle<()>>,
}

#[derive(Default)]
struct Watch {
    /// The running hook's deadline.
    deadline: Option<Instant>,
    /// When the watchdog thread wakes next; `None` while it waits to be armed.
    wakes_at: Option<Instant>,
    stop: bool,
}

impl Watchdog {
    fn start(engine: Engine) -> Result<Watchdog, String> {
        let shared = Arc::new((Mutex::new(Watch::default()), Condvar::new()));
        let theirs = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("wasm-watchdog".into())
            .spawn(move || watch(&theirs, &engine))
            .map_err(|e| format!("cannot start the wasm watchdog: {e}"))?;
        Ok(Watchdog { shared, thread: Some(thread) })
    }

    /// Arms the deadline. The thread is woken only when it would otherwise sleep past it:
    /// deadlines are now plus the same timeout, so while hooks keep coming it wakes about
    /// once per timeout instead of twice per hook.
    fn arm(&self, deadline: Instant) {
        let (lock, wake) = &*self.shared;
        let Ok(mut watch) = lock.lock() else {
            return;
        };
        watch.deadline = Some(deadline);
        if watch.wakes_at.is_none_or(|at| at > deadline) {
            wake.notify_one();
        }
    }

    fn disarm(&self) {
        if let Ok(mut watch) = self.shared.0.lock() {
            watch.deadline = None;
        }
    }
}

fn watch(shared: &(Mutex<Watch>, Condvar), engine: &Engine) {
    let (lock, wake) = shared;
    let Ok(mut watch) = lock.lock() else {
        return;
    };
    while !watch.stop {
        watch.wakes_at = watch.deadline;
        watch = match watch.deadline {
            None => match wake.wait(watch) {
                Ok(w) => w,
                Err(_) => return,
            },
            Some(deadline) => {
                let now = Instant::now();
                if now >= deadline {
                    engine.increment_epoch();
                    watch.deadline = None;
                    continue;
                }
                match wake.wait_timeout(watch, deadline - now) {
                    Ok((w, _)) => w,
                    Err(_) => return,
                }
            }
        };
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        let (lock, wake) = &*self.shared;
        if let Ok(mut watch) = lock.lock() {
            watch.stop = true;
        }
        wake.notify_one();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
