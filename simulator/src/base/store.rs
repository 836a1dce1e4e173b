//! Where bases are kept, and how one is built.
//!
//! A store is a directory (`/var/cache/formula-sim/base`, or `FORMULA_BASE_CACHE`) holding,
//! per recipe name: `root/` (the tree), `digest`, and `packages` (what dpkg installed, with
//! versions). A base is ready when its `digest` file is there; it is built in a directory of
//! its own and renamed into place, under a lock, so that runs started together build it once
//! and a build that died leaves nothing that looks ready.

use super::{digest, recipe, BaseId};
use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Variables of this process that a build keeps (by lower-case name): proxies to the mirror.
const PASSED_THROUGH: &[&str] = &["http_proxy", "https_proxy", "no_proxy", "all_proxy", "tmpdir"];

/// The store every user of the machine shares (root builds it).
pub const SYSTEM_STORE: &str = "/var/cache/formula-sim/base";

/// A directory of bases.
#[derive(Clone, Debug)]
pub struct Store {
    dir: PathBuf,
}

/// A base that is ready: its tree and what identifies it.
#[derive(Clone, Debug)]
pub struct Base {
    /// The tree, the lower layer of units' roots.
    pub root: PathBuf,
    /// The recipe's name and the digest.
    pub id: BaseId,
}

impl Store {
    /// The store in `FORMULA_BASE_CACHE`, else the machine's ([`SYSTEM_STORE`]).
    pub fn from_env() -> Store {
        match std::env::var_os("FORMULA_BASE_CACHE").filter(|v| !v.is_empty()) {
            Some(dir) => Store::at(PathBuf::from(dir)),
            None => Store::at(PathBuf::from(SYSTEM_STORE)),
        }
    }

    /// The store in `dir`.
    pub fn at(dir: PathBuf) -> Store {
        Store { dir }
    }

    /// Its directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The base of today's recipe, if it is ready.
    pub fn find(&self) -> Option<Base> {
        self.ready(&recipe::name())
    }

    /// The base of the recipe `name`, if it is ready.
    fn ready(&self, name: &str) -> Option<Base> {
        let dir = self.dir.join(name);
        let digest = fs::read_to_string(dir.join("digest")).ok()?;
        let root = dir.join("root");
        root.is_dir().then(|| Base { root, id: BaseId { recipe: name.to_string(), digest: digest.trim().to_string() } })
    }

    /// Every ready base in the store, today's recipe or not.
    pub fn list(&self) -> Vec<Base> {
        let Ok(entries) = fs::read_dir(&self.dir) else { return Vec::new() };
        let mut names: Vec<String> =
            entries.flatten().filter_map(|e| e.file_name().to_str().map(str::to_string)).collect();
        names.sort();
        names.iter().filter_map(|name| self.ready(name)).collect()
    }

    /// Whether units can have today's base: it is built, or this process can build it (root,
    /// and mmdebstrap installed). The error says what to do.
    pub fn usable(&self) -> Result<(), String> {
        if self.find().is_some() {
            return Ok(());
        }
        self.require_root().and_then(|()| mmdebstrap()).map(drop).map_err(|e| e.to_string())
    }

    /// Fails unless this process may build a base (root), saying what to do.
    fn require_root(&self) -> io::Result<()> {
        if nix::unistd::geteuid().is_root() {
            return Ok(());
        }
        Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "the unit base {} is not in {} and only root can build it: run `sudo apt-get install mmdebstrap && sudo formula base build` once (or give units another root with --rootfs)",
                recipe::name(),
                self.dir.display()
            ),
        ))
    }

    /// The base of today's recipe: found, or built now (see [`Store::build`]). `progress`
    /// hears a line before a build starts.
    pub fn prepare(&self, progress: &mut dyn FnMut(&str)) -> io::Result<Base> {
        if let Some(base) = self.find() {
            return Ok(base);
        }
        self.build(progress)
    }

    /// Builds the base of today's recipe unless it is ready (another process may have built
    /// it while this one waited for the lock). Needs root and mmdebstrap; takes a minute or
    /// two with a nearby mirror.
    pub fn build(&self, progress: &mut dyn FnMut(&str)) -> io::Result<Base> {
        let name = recipe::name();
        self.require_root()?;
        fs::create_dir_all(&self.dir).map_err(|e| annotate(e, &self.dir))?;
        let _ = fs::set_permissions(&self.dir, fs::Permissions::from_mode(0o755));
        let lock_path = self.dir.join(format!("{name}.lock"));
        let lock_file = fs::OpenOptions::new().create(true).truncate(false).write(true).open(&lock_path)?;
        let _lock = nix::fcntl::Flock::lock(lock_file, nix::fcntl::FlockArg::LockExclusive)
            .map_err(|(_, e)| io::Error::other(format!("cannot lock {}: {e}", lock_path.display())))?;
        if let Some(base) = self.ready(&name) {
            return Ok(base);
        }
        let mmdebstrap = mmdebstrap()?;
        let work = self.dir.join(format!("{name}.building"));
        if work.exists() {
            fs::remove_dir_all(&work).map_err(|e| annotate(e, &work))?;
        }
        fs::create_dir_all(&work)?;
        let root = work.join("root");
        let mirror = std::env::var("FORMULA_BASE_MIRROR").ok().filter(|m| !m.is_empty());
        let mirror = mirror.as_deref().unwrap_or(recipe::MIRROR);
        progress(&format!(
            "preparing the unit base {name}: Debian {} from {mirror} with mmdebstrap, once for this machine (about a minute; log: {})",
            recipe::SUITE,
            work.join("build.log").display()
        ));
        let log = fs::File::create(work.join("build.log"))?;
        let mut command = Command::new(&mmdebstrap);
        command
            .arg(format!("--variant={}", recipe::VARIANT))
            .arg(format!("--include={}", recipe::include_list()))
            .arg("--mode=root")
            .arg("--format=directory")
            .arg(recipe::SUITE)
            .arg(&root)
            .arg(mirror);
        // The build sees a fixed environment, not this process's: maintainer scripts read it
        // (a machine's PYTHONDONTWRITEBYTECODE decides which .pyc files a build writes).
        command.env_clear().envs(recipe::BUILD_ENV.iter().copied());
        command.env("SOURCE_DATE_EPOCH", recipe::SOURCE_DATE_EPOCH.to_string());
        for (name, value) in std::env::vars_os() {
            // How this machine reaches the mirror, which changes nothing that is built.
            if name.to_str().is_some_and(|n| PASSED_THROUGH.contains(&n.to_ascii_lowercase().as_str())) {
                command.env(name, value);
            }
        }
        let status = command.stdin(Stdio::null()).stdout(log.try_clone()?).stderr(log).status()?;
        if !status.success() {
            let text = fs::read_to_string(work.join("build.log")).unwrap_or_default();
            let tail: Vec<&str> = text.lines().rev().take(15).collect::<Vec<_>>().into_iter().rev().collect();
            return Err(io::Error::other(format!(
                "mmdebstrap failed ({status}); the end of its log ({}):\n{}",
                work.join("build.log").display(),
                tail.join("\n")
            )));
        }
        normalize(&root)?;
        let packages = installed_packages(&root)?;
        fs::write(work.join("packages"), packages)?;
        let digest = digest::tree(&root)?;
        fs::write(work.join("digest"), format!("{digest}\n"))?;
        let _ = fs::remove_file(work.join("build.log"));
        let done = self.dir.join(&name);
        fs::rename(&work, &done).map_err(|e| annotate(e, &done))?;
        self.ready(&name).ok_or_else(|| io::Error::other(format!("{} is not a base after building", done.display())))
    }

    /// Removes every base in the store (and what a build that died left). The paths removed.
    pub fn remove_all(&self) -> io::Result<Vec<PathBuf>> {
        let Ok(entries) = fs::read_dir(&self.dir) else { return Ok(Vec::new()) };
        let mut removed = Vec::new();
        let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            if path.is_dir() {
                fs::remove_dir_all(&path).map_err(|e| annotate(e, &path))?;
            } else {
                fs::remove_file(&path).map_err(|e| annotate(e, &path))?;
            }
            removed.push(path);
        }
        Ok(removed)
    }
}

impl Base {
    /// The digest of the tree as it is now (reads every file): equal to `id.digest` unless
    /// the tree was changed since it was built.
    pub fn verify(&self) -> io::Result<String> {
        digest::tree(&self.root)
    }

    /// What dpkg installed in it: `name version` lines.
    pub fn packages(&self) -> String {
        self.root.parent().map(|d| fs::read_to_string(d.join("packages")).unwrap_or_default()).unwrap_or_default()
    }
}

/// mmdebstrap, which builds bases; its absence says what to install.
fn mmdebstrap() -> io::Result<PathBuf> {
    crate::backend::find_program("mmdebstrap", &crate::backend::SYSTEM_DIRS).ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::NotFound,
            "the unit base is not built and mmdebstrap, which builds it, is not installed (apt-get install mmdebstrap; then `formula base build`, or let the first ns run build it)",
        )
    })
}

/// What makes a tree built by mmdebstrap on this machine differ from one built elsewhere,
/// taken out: the machine's name and resolver (units get their own), its mirror's name in
/// `sources.list`, device nodes (units get a `/dev` of their own).
fn normalize(root: &Path) -> io::Result<()> {
    for file in ["etc/hostname", "etc/resolv.conf", "etc/machine-id", "var/lib/dbus/machine-id"] {
        let path = root.join(file);
        if fs::symlink_metadata(&path).is_ok() {
            fs::remove_file(&path).map_err(|e| annotate(e, &path))?;
        }
    }
    // An empty machine-id, as cloud images ship it (systemd fills it at first boot).
    fs::write(root.join("etc/machine-id"), "")?;
    fs::write(root.join("etc/hosts"), "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n")?;
    let sources = format!(
        "deb {mirror} {suite} main\ndeb {mirror} {suite}-updates main\ndeb http://deb.debian.org/debian-security {suite}-security main\n",
        mirror = recipe::MIRROR,
        suite = recipe::SUITE
    );
    fs::write(root.join("etc/apt/sources.list"), sources)?;
    let dev = root.join("dev");
    if let Ok(entries) = fs::read_dir(&dev) {
        for entry in entries.flatten() {
            let path = entry.path();
            let removed =
                if path.is_dir() && !path.is_symlink() { fs::remove_dir_all(&path) } else { fs::remove_file(&path) };
            removed.map_err(|e| annotate(e, &path))?;
        }
    }
    let mut marker = fs::File::create(root.join("etc/formula-base"))?;
    writeln!(marker, "{}", recipe::name())?;
    Ok(())
}

/// `name version` of every package dpkg has installed in `root`, sorted.
fn installed_packages(root: &Path) -> io::Result<String> {
    let status = fs::read_to_string(root.join("var/lib/dpkg/status"))?;
    let mut lines = Vec::new();
    for stanza in status.split("\n\n") {
        let field = |name: &str| {
            stanza.lines().find_map(|l| l.strip_prefix(name).and_then(|rest| rest.strip_prefix(": "))).map(str::trim)
        };
        if let (Some(name), Some(version)) = (field("Package"), field("Version")) {
            if field("Status").is_some_and(|s| s.ends_with(" installed")) {
                lines.push(format!("{name} {version}"));
            }
        }
    }
    lines.sort();
    Ok(lines.join("\n") + "\n")
}

fn annotate(e: io::Error, path: &Path) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_without_a_digest_has_no_ready_base() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::at(dir.path().to_path_buf());
        assert!(store.find().is_none());
        let name = recipe::name();
        fs::create_dir_all(dir.path().join(&name).join("root")).unwrap();
        assert!(store.find().is_none(), "a base without its digest is half built");
        fs::write(dir.path().join(&name).join("digest"), "sha256:ab\n").unwrap();
        let base = store.find().unwrap();
        assert_eq!(base.id, BaseId { recipe: name, digest: "sha256:ab".into() });
        assert_eq!(store.list().len(), 1);
        assert_eq!(store.remove_all().unwrap().len(), 1);
        assert!(store.find().is_none());
    }

    #[test]
    fn dpkg_status_gives_installed_packages_sorted() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("var/lib/dpkg")).unwrap();
        let status = "Package: zz\nStatus: install ok installed\nVersion: 1.0\n\nPackage: aa\nStatus: deinstall ok config-files\nVersion: 2\n\nPackage: bb\nStatus: install ok installed\nVersion: 3:4-5\n";
        fs::write(dir.path().join("var/lib/dpkg/status"), status).unwrap();
        assert_eq!(installed_packages(dir.path()).unwrap(), "bb 3:4-5\nzz 1.0\n");
    }
}
