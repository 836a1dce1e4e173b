# Shell functions shared by the cache formula's hooks. Sourced, not a hook.
# shellcheck shell=bash

CONF=/etc/cache/cache.conf
STATE=/var/lib/cache
STARTED=$STATE/started          # present between the start and stop hooks
STAMP=$STATE/server.sha256      # hash of the cache.conf the server runs with
PIDFILE=/var/run/cache/minicached.pid
SERVER=/usr/local/bin/minicached

# config_problem PORT MEMORY: print what is wrong, or nothing.
config_problem() {
    case $1 in '' | *[!0-9]*) echo "port must be a whole number, got '$1'"; return ;; esac
    case $2 in '' | *[!0-9]*) echo "memory must be a whole number, got '$2'"; return ;; esac
    if [ "$1" -lt 1 ] || [ "$1" -gt 65535 ]; then
        echo "port must be between 1 and 65535, got $1"
    elif [ "$2" -lt 1 ] || [ "$2" -gt 4096 ]; then
        echo "memory must be between 1 and 4096, got $2"
    fi
}

# sync_ports WANTED...: open exactly these ports (like 11211/tcp).
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

# publish ADDRESS PORT: tell every cache relation where the server is (empty
# values withdraw it: relation-set deletes a key set to "").
publish() {
    local rid
    for rid in $(relation-ids cache); do
        relation-set -r "$rid" host="$1" port="$2"
    done
}

# server_running: the pid file names a live minicached process.
server_running() {
    local pid
    pid=$(cat "$PIDFILE" 2>/dev/null) && [ -n "$pid" ] && grep -qs minicached "/proc/$pid/cmdline"
}

stop_server() {
    if [ -f "$PIDFILE" ]; then
        "$SERVER" --stop --pidfile "$PIDFILE"
        juju-log "stopped minicached"
    fi
    rm -f "$STAMP"
}

# reconcile: render cache.conf; run the server on it once started, restarting
# only when the file changed; keep ports, relations and status in line.
reconcile() {
    local port memory address problem hash out verb
    port=$(config-get --format=json port)
    memory=$(config-get --format=json memory)
    address=$(unit-get private-address)
    problem=$(config_problem "$port" "$memory")
    if [ -n "$problem" ]; then
        stop_server
        sync_ports
        publish "" ""
        status-set blocked "$problem"
        return 0
    fi
    mkdir -p /etc/cache "$STATE" "$(dirname "$PIDFILE")"
    printf '# cache.conf for %s, written by the cache formula.\nlisten_address = %s\nport = %s\nmemory_mb = %s\n' \
        "${JUJU_UNIT_NAME:-this unit}" "$address" "$port" "$memory" > "$CONF.new"
    if cmp -s "$CONF.new" "$CONF"; then rm -f "$CONF.new"; else mv "$CONF.new" "$CONF"; fi

    if [ ! -f "$STARTED" ]; then
        status-set maintenance "configured, waiting for start"
        return 0
    fi
    hash=$(sha256sum < "$CONF" | cut -d' ' -f1)
    if [ "$(cat "$STAMP" 2>/dev/null)" != "$hash" ] || ! server_running; then
        verb=started
        if [ -f "$PIDFILE" ]; then
            "$SERVER" --stop --pidfile "$PIDFILE"
            verb=restarted
        fi
        if ! out=$("$SERVER" --daemon --config "$CONF" --pidfile "$PIDFILE" 2>&1); then
            juju-log -l ERROR "minicached did not start: $out"
            rm -f "$STAMP"
            sync_ports
            publish "" ""
            status-set blocked "minicached failed: ${out#minicached: }"
            return 0
        fi
        echo "$hash" > "$STAMP"
        juju-log "$verb minicached on $address:$port"
    fi
    sync_ports "$port/tcp"
    publish "$address" "$port"
    status-set active ready
}
