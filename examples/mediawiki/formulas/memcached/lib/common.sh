# Shell functions of the memcached formula's hooks. Sourced, not a hook.
# shellcheck shell=bash

PORT=11211
CONF=/etc/memcached.conf

# apt_install PACKAGE...: from Debian, without questions.
apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "$@"
}

running() { pgrep -x memcached >/dev/null; }

# render_conf: write memcached.conf from the options; status 0 if it changed.
render_conf() {
    local size
    size=$(config-get --format=json size)
    case $size in '' | *[!0-9]*) size=64 ;; esac
    [ "$size" -lt 16 ] && size=16
    [ "$size" -gt 4096 ] && size=4096
    printf -- '# Written by the memcached formula.\nlogfile /var/log/memcached.log\n-m %s\n-p %s\n-u memcache\n-l 0.0.0.0\n' "$size" "$PORT" > "$CONF.new"
    if [ -f "$CONF" ] && cmp -s "$CONF" "$CONF.new"; then rm -f "$CONF.new"; return 1; fi
    mv "$CONF.new" "$CONF"
}

publish() {
    local rid
    for rid in $(relation-ids cache); do
        relation-set -r "$rid" host="$(unit-get private-address)" port="$PORT"
    done
}
