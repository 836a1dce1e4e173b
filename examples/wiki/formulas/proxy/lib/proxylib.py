"""Logic shared by the proxy formula's Python hooks (this file is not a hook).

`reconcile()` reads every reverseproxy relation as it is now and writes
/etc/proxy/backends.conf with one line per backend unit that has published
both `hostname` and `port`:

    <unit> <hostname>:<port> <relation-id>

The server re-reads that file by itself, so it restarts only when its own
address or port (proxy.conf) changes.
"""

import hashlib
import json
import os
import subprocess

CONF = "/etc/proxy/proxy.conf"
BACKENDS = "/etc/proxy/backends.conf"
STATE_DIR = "/var/lib/proxy"
STARTED = STATE_DIR + "/started"      # present between the start and stop hooks
STAMP = STATE_DIR + "/server.sha256"  # hash of the proxy.conf the server runs with
PIDFILE = "/var/run/proxy/proxy-server.pid"
SERVER = "/usr/local/bin/proxy-server"


def tool(*args):
    """Run a hook tool; return its stdout. A failing tool fails the hook."""
    return subprocess.run(args, stdout=subprocess.PIPE, check=True, universal_newlines=True).stdout


def tool_json(*args):
    out = tool(*(args + ("--format=json",))).strip()
    return json.loads(out) if out else None


def log(message, level=None):
    tool(*(("juju-log", "-l", level, message) if level else ("juju-log", message)))


def write_if_changed(path, content):
    try:
        with open(path, encoding="utf-8") as f:
            if f.read() == content:
                return False
    except FileNotFoundError:
        pass
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".new", "w", encoding="utf-8") as f:
        f.write(content)
    os.rename(path + ".new", path)
    return True


def backends(hook):
    """(relation ids still alive, sorted backend lines)."""
    broken = os.environ.get("JUJU_RELATION_ID") if hook.endswith("-relation-broken") else None
    leaving = None
    if hook.endswith("-relation-departed"):
        leaving = os.environ.get("JUJU_DEPARTING_UNIT") or os.environ.get("JUJU_REMOTE_UNIT")
    rids = [r for r in tool_json("relation-ids", "reverseproxy") or [] if r != broken]
    lines = []
    for rid in rids:
        for unit in tool_json("relation-list", "-r", rid) or []:
            if unit == leaving:
                continue
            data = tool_json("relation-get", "-r", rid, "-", unit) or {}
            host, port = data.get("hostname", ""), data.get("port", "")
            if host and port.isdigit() and 0 < int(port) < 65536:
                lines.append("%s %s:%s %s" % (unit, host, port, rid))
    return rids, sorted(lines, key=unit_order)


def unit_order(line):
    """Sort key: wiki/2 before wiki/10."""
    app, _, number = line.split()[0].partition("/")
    return (app, int(number) if number.isdigit() else 0, line)


def server_running():
    """True when the pid file names a live proxy-server process."""
    try:
        with open(PIDFILE) as f:
            pid = int(f.read().strip())
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return b"proxy-server" in f.read()
    except (OSError, ValueError):
        return False


def stop_server():
    if os.path.exists(PIDFILE):
        subprocess.run([SERVER, "--stop", "--pidfile", PIDFILE], check=True)
        log("stopped the proxy server")
    if os.path.exists(STAMP):
        os.unlink(STAMP)


def ensure_server():
    """Run the server on proxy.conf, restarting only when it changed; None or a reason."""
    with open(CONF, "rb") as f:
        wanted = hashlib.sha256(f.read()).hexdigest()
    try:
        with open(STAMP) as f:
            running = f.read().strip()
    except FileNotFoundError:
        running = None
    if running == wanted and server_running():
        return None
    was_running = os.path.exists(PIDFILE)
    if was_running:
        subprocess.run([SERVER, "--stop", "--pidfile", PIDFILE], check=True)
    os.makedirs(os.path.dirname(PIDFILE), exist_ok=True)
    started = subprocess.run(
        [SERVER, "--daemon", "--config", CONF, "--backends", BACKENDS, "--pidfile", PIDFILE],
        stderr=subprocess.PIPE, universal_newlines=True)
    if started.returncode != 0:
        reason = started.stderr.strip().splitlines()[-1] if started.stderr.strip() else "unknown error"
        log("the proxy server did not start: %s" % reason, "ERROR")
        return reason
    with open(STAMP, "w") as f:
        f.write(wanted + "\n")
    log("%s the proxy server" % ("restarted" if was_running else "started"))
    return None


def sync_ports(wanted):
    current = tool("opened-ports").split()
    for port in current:
        if port not in wanted:
            tool("close-port", port)
    for port in wanted:
        if port not in current:
            tool("open-port", port)


def reconcile(hook):
    cfg = tool_json("config-get") or {}
    address = tool("unit-get", "private-address").strip()
    port = cfg.get("port")
    rids, lines = backends(hook)

    header = "# backends.conf for %s, written by the proxy formula.\n" % os.environ.get("JUJU_UNIT_NAME", "this unit")
    if write_if_changed(BACKENDS, header + "".join(line + "\n" for line in lines)):
        log("backends: %s" % (", ".join(line.split()[0] for line in lines) or "none"))

    port_ok = isinstance(port, int) and 0 < port < 65536
    serving = port_ok and os.path.exists(STARTED)
    failure = None
    if serving:
        write_if_changed(CONF, "# proxy.conf, written by the proxy formula.\nlisten_address = %s\nport = %d\n" % (address, port))
        failure = ensure_server()
        serving = failure is None
    else:
        stop_server()

    if not port_ok:
        state, message = "blocked", "port must be between 1 and 65535, got %r" % (port,)
    elif not os.path.exists(STARTED):
        state, message = "maintenance", "configured, waiting for start"
    elif failure:
        state, message = "blocked", "proxy server failed: %s" % failure
    elif not rids:
        state, message = "blocked", "need reverseproxy relation"
    elif not lines:
        state, message = "waiting", "waiting for backends"
    else:
        state, message = "active", "%d backend%s" % (len(lines), "" if len(lines) == 1 else "s")

    sync_ports(["%d/tcp" % port] if serving else [])
    for rid in tool_json("relation-ids", "website") or []:
        if serving:
            tool("relation-set", "-r", rid, "hostname=%s" % address, "port=%d" % port)
        else:
            tool("relation-set", "-r", rid, "hostname=", "port=")
    tool("status-set", state, message)


def update_status():
    """Cheap: start the server again only if it died."""
    if os.path.exists(STARTED) and os.path.exists(STAMP) and not server_running():
        log("the proxy server is not running; starting it again", "WARNING")
        os.unlink(STAMP)
        reconcile("update-status")


def main(hook):
    if hook == "update-status":
        return update_status()
    if hook == "start":
        os.makedirs(STATE_DIR, exist_ok=True)
        open(STARTED, "a").close()
    elif hook == "reverseproxy-relation-departed":
        log("backend %s left" % os.environ.get("JUJU_REMOTE_UNIT", "?"))
    elif hook == "reverseproxy-relation-broken":
        log("relation %s with %s is gone" % (os.environ.get("JUJU_RELATION_ID", "?"),
                                             os.environ.get("JUJU_REMOTE_APP", "?")))
    reconcile(hook)
