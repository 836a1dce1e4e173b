# Shell functions of the haproxy formula's hooks. Sourced, not a hook.
# shellcheck shell=bash

CONF=/etc/haproxy/haproxy.cfg

apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "$@"
}

running() { pgrep -x haproxy >/dev/null; }

# servers: "name host:port" for every related unit that published both, sorted.
servers() {
    local rid unit host port
    for rid in $(relation-ids reverseproxy); do
        for unit in $(relation-list -r "$rid"); do
            host=$(relation-get -r "$rid" hostname "$unit")
            port=$(relation-get -r "$rid" port "$unit")
            if [ -n "$host" ] && [ -n "$port" ]; then
                printf '%s %s:%s\n' "${unit/\//-}" "$host" "$port"
            fi
        done
    done | sort
}

# render_conf: haproxy.cfg from the related units; status 0 if it changed.
render_conf() {
    local timeout name address
    timeout=$(config-get timeout)
    case $timeout in '' | *[!0-9]*) timeout=30 ;; esac
    {
        printf '# Written by the haproxy formula: %s\n' "$JUJU_UNIT_NAME"
        printf 'global\n    daemon\n    maxconn 2048\n    pidfile /run/haproxy.pid\n\n'
        printf 'defaults\n    mode http\n    option httplog\n    option forwardfor\n'
        printf '    timeout connect 5s\n    timeout client %ss\n    timeout server %ss\n\n' "$timeout" "$timeout"
        printf 'frontend website\n    bind 0.0.0.0:80\n    default_backend web\n\n'
        printf 'backend web\n    balance roundrobin\n    http-response set-header X-Served-By %%s\n'
        servers | while read -r name address; do
            printf '    server %s %s check\n' "$name" "$address"
        done
    } > "$CONF.new"
    if [ -f "$CONF" ] && cmp -s "$CONF" "$CONF.new"; then rm -f "$CONF.new"; return 1; fi
    mv "$CONF.new" "$CONF"
}

# apply: the new configuration live, without dropping connections when it runs.
apply() {
    if ! render_conf && running; then return 0; fi
    haproxy -c -q -f "$CONF"
    if running; then
        haproxy -D -f "$CONF" -p /run/haproxy.pid -sf "$(cat /run/haproxy.pid)"
    else
        haproxy -D -f "$CONF" -p /run/haproxy.pid
    fi
}

set_status() {
    local n
    n=$(servers | wc -l)
    if [ "$n" = 0 ]; then
        status-set waiting "no web unit to balance over"
    elif [ "$n" = 1 ]; then
        status-set active "balancing over 1 unit"
    else
        status-set active "balancing over $n units"
    fi
}

publish() {
    local rid
    for rid in $(relation-ids website); do
        relation-set -r "$rid" hostname="$(unit-get private-address)" port=80
    done
}
