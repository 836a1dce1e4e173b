# Shell functions shared by {{name}}'s hooks. Sourced by them, not a hook itself.
# shellcheck shell=bash

# Where this unit keeps what it writes: beside the formula, in the unit's own directory.
DATA="${CHARM_DIR:-$(cd "$(dirname "$0")/.." && pwd)}/../data"
CONF="$DATA/{{name}}.conf"
STARTED="$DATA/started"

# write_if_changed FILE: stdin becomes FILE, touched only when its contents change.
write_if_changed() {
    mkdir -p "$(dirname "$1")"
    cat > "$1.new"
    if cmp -s "$1.new" "$1"; then rm -f "$1.new"; else mv "$1.new" "$1"; fi
}

# config_problem PORT: what is wrong with the settings, or nothing.
config_problem() {
    case $1 in '' | *[!0-9]*) echo "port must be a whole number, got '$1'"; return ;; esac
    if [ "$1" -lt 1 ] || [ "$1" -gt 65535 ]; then
        echo "port must be between 1 and 65535, got $1"
    fi
}

# render_config: the settings, as {{name}}.conf.
render_config() {
    printf '# {{name}}.conf for %s, written by the {{name}} formula.\ngreeting = %s\nport = %s\n' \
        "${JUJU_UNIT_NAME:-this unit}" "$(config-get greeting)" "$(config-get --format=json port)" | write_if_changed "$CONF"
}

# sync_ports WANTED...: open exactly these ports (like 8080/tcp).
sync_ports() {
    local current port
    current=" $(opened-ports | tr '\n' ' ') "
    for port in $current; do
        case " $* " in *" $port "*) ;; *) close-port "$port" ;; esac
    done
    for port in "$@"; do
        case $current in *" $port "*) ;; *) open-port "$port" ;; esac
    done
}

# publish: tell every related unit where this one listens.
publish() {
    local endpoint rid
    for endpoint in{{#relations}}{{^container}} {{endpoint}}{{/container}}{{/relations}}; do
        for rid in $(relation-ids "$endpoint"); do
            relation-set -r "$rid" address="$(unit-get private-address)" port="$(config-get --format=json port)"
        done
    done
}

# record_remote ENDPOINT: note the remote unit of this hook and its address in
# ENDPOINT.units ("unit address:port" lines, sorted, one per unit).
record_remote() {
    local file="$DATA/$1.units" address port
    address=$(relation-get address)
    port=$(relation-get port)
    [ -n "$address" ] || return 0
    { grep -v "^$JUJU_REMOTE_UNIT " "$file" 2>/dev/null || true
      echo "$JUJU_REMOTE_UNIT $address${port:+:$port}"; } | sort | write_if_changed "$file"
}

# forget_remote ENDPOINT UNIT: drop UNIT from ENDPOINT.units.
forget_remote() {
    local file="$DATA/$1.units"
    [ -f "$file" ] || return 0
    { grep -v "^$2 " "$file" || true; } | write_if_changed "$file"
}

# update_status: the unit's status from its settings, state and relations.
update_status() {
    local problem
    problem=$(config_problem "$(config-get --format=json port)")
    if [ -n "$problem" ]; then
        status-set blocked "$problem"
    elif [ ! -f "$STARTED" ]; then
        status-set maintenance "configured, waiting for start"
{{#blocking}}
    elif [ -z "$(relation-ids {{endpoint}})" ]; then
        status-set blocked "needs a relation on {{endpoint}} ({{interface}})"
{{/blocking}}
    else
        status-set active ready
    fi
}

# reconcile: bring everything in line with the settings; safe to run any time.
reconcile() {
    local port
    port=$(config-get --format=json port)
    if [ -z "$(config_problem "$port")" ]; then
        render_config
        if [ -f "$STARTED" ]; then sync_ports "$port/tcp"; else sync_ports; fi
        publish
    fi
    update_status
}
