"""Logic shared by the wiki formula's Python hooks (this file is not a hook).

Every hook ends in `reconcile()`: read the config, the relations and the
leader settings as they are now, render /etc/wiki/wiki.conf, and bring the
server, the opened port, the website relations and the status in line with
them. Relation data may be missing or half-written at any time, so nothing
here assumes an order of hooks; a hook that finds data missing leaves things
waiting and exits 0, and a later hook picks them up.
"""

import hashlib
import json
import os
import re
import subprocess

CONF = "/etc/wiki/wiki.conf"
ADMINS = "/etc/wiki/admins"
STATE_DIR = "/var/lib/wiki"
STARTED = STATE_DIR + "/started"   # present between the start and stop hooks
STAMP = STATE_DIR + "/server.sha256"  # hash of the wiki.conf the server runs with
PIDFILE = "/var/run/wiki/wiki-server.pid"
LOG = "/var/log/wiki/access.log"
SERVER = "/usr/local/bin/wiki-server"

SKINS = ("vector", "monobook", "timeless", "minerva")
DB_KEYS = ("database", "user", "password", "host")


# --- hook tools -------------------------------------------------------------

def tool(*args):
    """Run a hook tool; return its stdout. A failing tool fails the hook."""
    out = subprocess.run(args, stdout=subprocess.PIPE, check=True, universal_newlines=True)
    return out.stdout


def tool_json(*args):
    out = tool(*(args + ("--format=json",))).strip()
    return json.loads(out) if out else None


def log(message, level=None):
    tool(*(("juju-log", "-l", level, message) if level else ("juju-log", message)))


def status(state, message):
    tool("status-set", state, message)


# --- reading the model ------------------------------------------------------

def hook_context(hook):
    """The relation that is going away in this hook and the unit that leaves.

    Juju already hides both from relation-ids and relation-list in these
    hooks; excluding them here as well costs nothing.
    """
    broken = os.environ.get("JUJU_RELATION_ID") if hook.endswith("-relation-broken") else None
    leaving = None
    if hook.endswith("-relation-departed"):
        leaving = os.environ.get("JUJU_DEPARTING_UNIT") or os.environ.get("JUJU_REMOTE_UNIT")
    return broken, leaving


def relation_ids(endpoint, broken):
    return [rid for rid in tool_json("relation-ids", endpoint) or [] if rid != broken]


def remote_units(rids, leaving):
    """(unit, settings) for every remote unit on the given relations."""
    found = []
    for rid in rids:
        for unit in tool_json("relation-list", "-r", rid) or []:
            if unit != leaving:
                found.append((unit, tool_json("relation-get", "-r", rid, "-", unit) or {}))
    return found


def database(broken, leaving):
    """('none'|'waiting'|'conflict'|'ready', settings of the first complete unit)."""
    rids = relation_ids("db", broken)
    if not rids:
        return "none", None
    complete = [(u, d) for u, d in remote_units(rids, leaving) if all(d.get(k) for k in DB_KEYS)]
    if not complete:
        return "waiting", None
    # Every database unit must hand out the same credentials; if two disagree
    # the database formula is broken and serving would fail at random.
    creds = {(d["database"], d["user"], d["password"]) for _, d in complete}
    if len(creds) > 1:
        log("database units %s disagree on credentials" % ", ".join(u for u, _ in complete), "ERROR")
        return "conflict", None
    return "ready", complete[0][1]


def cache_servers(broken, leaving):
    """['host:port', ...] for every cache unit that has published both."""
    servers = []
    for _, d in remote_units(relation_ids("cache", broken), leaving):
        if d.get("host") and d.get("port", "").isdigit():
            servers.append("%s:%s" % (d["host"], d["port"]))
    return servers


def secret_key():
    """The wiki's secret key, shared by all units through leader settings.

    The leader makes it once. Juju puts a random number in JUJU_CONTEXT_ID,
    so the hash below cannot be guessed in a real model, while a seeded
    simulator reproduces it run after run. A non-leader that finds no key
    waits for leader-settings-changed.
    """
    key = tool("leader-get", "secret-key").strip()
    if key:
        return key
    if tool("is-leader").strip() != "True":
        return None
    seed = "%s/%s/wiki-secret" % (os.environ.get("JUJU_MODEL_UUID", ""), os.environ.get("JUJU_CONTEXT_ID", ""))
    key = hashlib.sha256(seed.encode("utf-8")).hexdigest()
    tool("leader-set", "secret-key=" + key)
    log("generated the wiki secret key")
    return key


# --- config -----------------------------------------------------------------

def parse_admins(value):
    """[(user, password)] from "alice:pw,bob:pw"; raises ValueError."""
    admins = []
    for entry in (e.strip() for e in value.split(",")):
        if not entry:
            continue
        user, sep, password = entry.partition(":")
        if not sep or not re.match(r"^[A-Za-z0-9_.-]+$", user) or not password:
            raise ValueError("invalid admins entry %r, expected user:password" % user)
        admins.append((user, password))
    return admins


def language(cfg):
    """The language option; unset or empty means the default, en."""
    return str(cfg.get("language") or "en")


def config_problem(cfg):
    """A message saying what is wrong with the config, or None."""
    if not str(cfg.get("name", "")).strip():
        return "name must not be empty"
    if cfg.get("skin") not in SKINS:
        return "unknown skin %r, expected one of %s" % (cfg.get("skin"), ", ".join(SKINS))
    if not re.match(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$", language(cfg)):
        return "language must be a language code like en or pt-br, got %r" % (cfg.get("language"),)
    port = cfg.get("port")
    if not isinstance(port, int) or not 0 < port < 65536:
        return "port must be between 1 and 65535, got %r" % (port,)
    try:
        parse_admins(cfg.get("admins") or "")
    except ValueError as e:
        return str(e)
    return None


# --- files ------------------------------------------------------------------

def write_if_changed(path, content, mode):
    """Write atomically when the content differs; True when it did."""
    try:
        with open(path, encoding="utf-8") as f:
            if f.read() == content:
                return False
    except FileNotFoundError:
        pass
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".new"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(content)
    os.chmod(tmp, mode)
    os.rename(tmp, path)
    return True


def one_line(value):
    return " ".join(str(value).split())


def render(cfg, address, db, caches, secret):
    admins = parse_admins(cfg.get("admins") or "") if not config_problem(cfg) else []
    db = db or {}
    lines = [
        "# wiki.conf for %s, written by the wiki formula." % os.environ.get("JUJU_UNIT_NAME", "this unit"),
        "# Local changes are overwritten by the next hook.",
        "name = %s" % one_line(cfg.get("name", "")),
        "skin = %s" % one_line(cfg.get("skin", "")),
        "language = %s" % one_line(language(cfg)),
        "listen_address = %s" % address,
        "port = %s" % cfg.get("port"),
        "admins = %s" % ",".join(u for u, _ in admins),
        "secret_key = %s" % (secret or ""),
        "db_type = mysql",
        "db_host = %s" % db.get("host", ""),
        "db_name = %s" % db.get("database", ""),
        "db_user = %s" % db.get("user", ""),
        "db_password = %s" % db.get("password", ""),
        "cache_type = %s" % ("memcached" if caches else "none"),
        "cache_host = %s" % (caches[0].rsplit(":", 1)[0] if caches else ""),
        "cache_port = %s" % (caches[0].rsplit(":", 1)[1] if caches else ""),
        "cache_servers = %s" % ",".join(caches),
    ]
    write_if_changed(CONF, "\n".join(lines) + "\n", 0o640)
    hashed = ["%s:%s" % (u, hashlib.sha256(("%s:%s:%s" % (secret, u, p)).encode()).hexdigest()) for u, p in admins]
    write_if_changed(ADMINS, "".join(line + "\n" for line in hashed), 0o600)
    with open(CONF, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


# --- the server -------------------------------------------------------------

def server_running():
    """True when the pid file names a live wiki-server process."""
    try:
        with open(PIDFILE) as f:
            pid = int(f.read().strip())
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return b"wiki-server" in f.read()
    except (OSError, ValueError):
        return False


def stop_server():
    if os.path.exists(PIDFILE):
        subprocess.run([SERVER, "--stop", "--pidfile", PIDFILE], check=True)
        log("stopped the wiki server")
    if os.path.exists(STAMP):
        os.unlink(STAMP)


def ensure_server(conf_hash):
    """Run the server on the current wiki.conf; restart only when it changed.

    Returns None, or a message saying why the server could not start.
    """
    try:
        with open(STAMP) as f:
            running_hash = f.read().strip()
    except FileNotFoundError:
        running_hash = None
    if running_hash == conf_hash and server_running():
        return None
    was_running = os.path.exists(PIDFILE)
    if was_running:
        subprocess.run([SERVER, "--stop", "--pidfile", PIDFILE], check=True)
    os.makedirs(os.path.dirname(PIDFILE), exist_ok=True)
    os.makedirs(os.path.dirname(LOG), exist_ok=True)
    started = subprocess.run(
        [SERVER, "--daemon", "--config", CONF, "--pidfile", PIDFILE, "--log", LOG],
        stderr=subprocess.PIPE, universal_newlines=True)
    if started.returncode != 0:
        reason = started.stderr.strip().splitlines()[-1] if started.stderr.strip() else "unknown error"
        log("the wiki server did not start: %s" % reason, "ERROR")
        return reason
    with open(STAMP, "w") as f:
        f.write(conf_hash + "\n")
    log("%s the wiki server" % ("restarted" if was_running else "started"))
    return None


def sync_ports(wanted):
    """Open exactly the ports in `wanted` (like ["80/tcp"])."""
    current = tool("opened-ports").split()
    for port in current:
        if port not in wanted:
            tool("close-port", port)
    for port in wanted:
        if port not in current:
            tool("open-port", port)


def publish_website(broken, address, port):
    """Tell every website relation where to reach this unit, or withdraw."""
    for rid in relation_ids("website", broken):
        if port:
            tool("relation-set", "-r", rid, "hostname=%s" % address, "port=%d" % port)
        else:
            tool("relation-set", "-r", rid, "hostname=", "port=")


# --- the hooks --------------------------------------------------------------

def reconcile(hook):
    broken, leaving = hook_context(hook)
    cfg = tool_json("config-get") or {}
    address = tool("unit-get", "private-address").strip()
    db_state, db = database(broken, leaving)
    caches = cache_servers(broken, leaving)
    secret = secret_key()
    conf_hash = render(cfg, address, db, caches, secret)

    problem = config_problem(cfg)
    if problem:
        state, message = "blocked", problem
    elif db_state == "none":
        state, message = "blocked", "need database"
    elif db_state == "waiting":
        state, message = "waiting", "waiting for database credentials"
    elif db_state == "conflict":
        state, message = "blocked", "database units disagree on credentials"
    elif not secret:
        state, message = "waiting", "waiting for the leader to set the secret key"
    elif not os.path.exists(STARTED):
        state, message = "maintenance", "configured, waiting for start"
    else:
        state, message = "active", "ready"

    port = cfg.get("port") if state == "active" else None
    if state == "active":
        failure = ensure_server(conf_hash)
        if failure:
            state, message, port = "blocked", "wiki server failed: %s" % failure, None
    else:
        stop_server()

    sync_ports(["%d/tcp" % port] if port else [])
    publish_website(broken, address, port)
    status(state, message)


def update_status():
    """Cheap check: restart a server that died while it should be serving."""
    if os.path.exists(STARTED) and os.path.exists(STAMP) and not server_running():
        log("the wiki server is not running; starting it again", "WARNING")
        os.unlink(STAMP)
        reconcile("update-status")


def main(hook):
    if hook == "update-status":
        return update_status()
    if hook == "start":
        os.makedirs(STATE_DIR, exist_ok=True)
        open(STARTED, "a").close()
    elif hook.endswith("-relation-joined"):
        log("%s joined" % os.environ.get("JUJU_REMOTE_UNIT", "a unit"))
    elif hook.endswith("-relation-departed"):
        log("%s departed" % os.environ.get("JUJU_REMOTE_UNIT", "a unit"))
    elif hook.endswith("-relation-broken"):
        log("relation %s with %s is gone" % (os.environ.get("JUJU_RELATION_ID", "?"),
                                             os.environ.get("JUJU_REMOTE_APP", "?")))
    reconcile(hook)
