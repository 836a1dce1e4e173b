#!/usr/bin/env python3
"""{{display_name}}: every hook of the formula.

Juju runs hooks/NAME, a link to this file; the hook's name comes from the link's name
(or JUJU_HOOK_NAME). Each hook brings the unit in line with its settings and relations, so
running any of them twice does no harm.
"""

import os
import subprocess
import sys

CHARM_DIR = os.environ.get("CHARM_DIR") or os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
# Where this unit keeps what it writes: beside the formula, in the unit's own directory.
DATA = os.path.join(CHARM_DIR, "..", "data")
CONF = os.path.join(DATA, "{{name}}.conf")
STARTED = os.path.join(DATA, "started")
# Endpoints this unit tells its address and port to.
PUBLISHED = [{{#relations}}{{^container}}"{{endpoint}}", {{/container}}{{/relations}}]
# Endpoints without which the unit is blocked: (endpoint, interface).
NEEDED = [{{#blocking}}("{{endpoint}}", "{{interface}}"), {{/blocking}}]


def tool(*args):
    """Runs a hook tool and returns its output, stripped."""
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout.strip()


def log(message):
    tool("juju-log", message)


def write_if_changed(path, text):
    """Writes text to path, touching the file only when its contents change."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    try:
        with open(path, encoding="utf-8") as f:
            if f.read() == text:
                return
    except FileNotFoundError:
        pass
    with open(path + ".new", "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(path + ".new", path)


def config_problem(port):
    """What is wrong with the settings, or None."""
    try:
        number = int(port)
    except ValueError:
        return "port must be a whole number, got '%s'" % port
    if not 1 <= number <= 65535:
        return "port must be between 1 and 65535, got %d" % number
    return None


def render_config():
    unit = os.environ.get("JUJU_UNIT_NAME", "this unit")
    text = "# {{name}}.conf for %s, written by the {{name}} formula.\ngreeting = %s\nport = %s\n" % (
        unit,
        tool("config-get", "greeting"),
        tool("config-get", "port"),
    )
    write_if_changed(CONF, text)


def sync_ports(*wanted):
    """Opens exactly the ports in wanted (like 8080/tcp)."""
    current = tool("opened-ports").split()
    for port in current:
        if port not in wanted:
            tool("close-port", port)
    for port in wanted:
        if port not in current:
            tool("open-port", port)


def publish():
    address, port = tool("unit-get", "private-address"), tool("config-get", "port")
    for endpoint in PUBLISHED:
        for rid in tool("relation-ids", endpoint).split():
            tool("relation-set", "-r", rid, "address=" + address, "port=" + port)


def units_file(endpoint):
    return os.path.join(DATA, endpoint + ".units")


def read_units(endpoint):
    try:
        with open(units_file(endpoint), encoding="utf-8") as f:
            return dict(line.split(" ", 1) for line in f.read().splitlines() if " " in line)
    except FileNotFoundError:
        return {}


def write_units(endpoint, units):
    write_if_changed(units_file(endpoint), "".join("%s %s\n" % (u, a) for u, a in sorted(units.items())))


def record_remote(endpoint):
    """Notes the remote unit of this hook and its address in ENDPOINT.units."""
    address, port = tool("relation-get", "address"), tool("relation-get", "port")
    if not address:
        return
    units = read_units(endpoint)
    units[os.environ["JUJU_REMOTE_UNIT"]] = address + (":" + port if port else "")
    write_units(endpoint, units)


def forget_remote(endpoint, unit):
    units = read_units(endpoint)
    if units.pop(unit, None) is not None:
        write_units(endpoint, units)


def update_status():
    problem = config_problem(tool("config-get", "port"))
    if problem:
        tool("status-set", "blocked", problem)
        return
    if not os.path.exists(STARTED):
        tool("status-set", "maintenance", "configured, waiting for start")
        return
    for endpoint, interface in NEEDED:
        if not tool("relation-ids", endpoint):
            tool("status-set", "blocked", "needs a relation on %s (%s)" % (endpoint, interface))
            return
    tool("status-set", "active", "ready")


def reconcile():
    """Brings everything in line with the settings; safe to run any time."""
    port = tool("config-get", "port")
    if config_problem(port) is None:
        render_config()
        sync_ports(*([port + "/tcp"] if os.path.exists(STARTED) else []))
        publish()
    update_status()


def install():
    tool("status-set", "maintenance", "installing")
    os.makedirs(DATA, exist_ok=True)
    log("{{name}} installed")


def start():
    os.makedirs(DATA, exist_ok=True)
    open(STARTED, "a", encoding="utf-8").close()
    reconcile()


def stop():
    if os.path.exists(STARTED):
        os.remove(STARTED)
    sync_ports()
    tool("status-set", "maintenance", "stopped")


def remove():
    for name in sorted(os.listdir(DATA)) if os.path.isdir(DATA) else []:
        os.remove(os.path.join(DATA, name))


def leader_elected():
    tool("leader-set", "leader-address=" + tool("unit-get", "private-address"))
    reconcile()


def relation_hook(endpoint, event):
    if event == "joined":
        tool("relation-set", "address=" + tool("unit-get", "private-address"), "port=" + tool("config-get", "port"))
    elif event == "changed":
        record_remote(endpoint)
        update_status()
    elif event == "departed":
        unit = os.environ.get("JUJU_DEPARTING_UNIT") or os.environ.get("JUJU_REMOTE_UNIT", "")
        forget_remote(endpoint, unit)
    elif event == "broken":
        if os.path.exists(units_file(endpoint)):
            os.remove(units_file(endpoint))
        update_status()


HOOKS = {
    "install": install,
    "config-changed": reconcile,
    "start": start,
    "stop": stop,
    "upgrade-charm": reconcile,
    "update-status": update_status,
    "remove": remove,
    "leader-elected": leader_elected,
    "leader-settings-changed": reconcile,
}


def main():
    hook = os.environ.get("JUJU_HOOK_NAME") or os.path.basename(sys.argv[0])
    if hook in HOOKS:
        HOOKS[hook]()
        return 0
    endpoint, sep, event = hook.rpartition("-relation-")
    if sep and endpoint:
        relation_hook(endpoint, event)
        return 0
    print("{{name}}: no handler for hook %r" % hook, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
