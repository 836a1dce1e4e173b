# Shell functions of the monitor formula's hooks. Sourced, not a hook.
# shellcheck shell=bash

# watched: the ports to check, sorted.
watched() {
    local ports
    ports=$(config-get ports)
    if [ -n "$ports" ]; then
        printf '%s\n' $ports | sort -n -u
    else
        ss -Hltn 2>/dev/null | awk '{print $4}' | grep -v -e '^127\.' -e '^\[::1\]' | sed 's/.*://' | sort -n -u
    fi
}

# check: probe each watched port on the unit's address and say so in the status.
check() {
    local address port up="" down=""
    address=$(unit-get private-address)
    for port in $(watched); do
        if timeout 3 bash -c "exec 3<>/dev/tcp/$address/$port" 2>/dev/null; then
            up="$up $port"
        else
            down="$down $port"
        fi
    done
    if [ -n "$down" ]; then
        status-set blocked "not answering:$down"
    elif [ -n "$up" ]; then
        status-set active "answering:$up"
    else
        status-set active "nothing listens yet"
    fi
}
