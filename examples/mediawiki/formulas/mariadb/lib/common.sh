# Shell functions of the mariadb formula's hooks. Sourced, not a hook.
# shellcheck shell=bash

STATE=/var/lib/mariadb-formula
CONF=/etc/mysql/mariadb.conf.d/90-formula.cnf

apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "$@"
}

running() { mysqladmin --silent ping >/dev/null 2>&1; }

# render_conf: listen on the unit's network; status 0 if the file changed.
render_conf() {
    local n
    n=$(config-get max-connections)
    case $n in '' | *[!0-9]*) n=151 ;; esac
    mkdir -p "$(dirname "$CONF")"
    printf '# Written by the mariadb formula.\n[mysqld]\nbind-address = 0.0.0.0\nskip-name-resolve\nmax_connections = %s\n' "$n" > "$CONF.new"
    if [ -f "$CONF" ] && cmp -s "$CONF" "$CONF.new"; then rm -f "$CONF.new"; return 1; fi
    mv "$CONF.new" "$CONF"
}

is_leader() { [ "$(is-leader)" = True ]; }

# sql_name TEXT MAXLEN: a name MariaDB takes unquoted.
sql_name() { printf '%s' "$1" | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9_' '_' | cut -c "1-$2"; }

# Juju puts a random number in JUJU_CONTEXT_ID, so nobody can guess the password in a real
# model, while a seeded simulator makes the same one on every run.
new_password() { printf '%s/%s/%s' "${JUJU_MODEL_UUID:-}" "${JUJU_CONTEXT_ID:-}" "$1" | sha256sum | cut -c1-24; }

# relation_user RID: the user of relation RID ("db:7" -> "r7_<app>").
relation_user() { printf 'r%s_%s' "${1#*:}" "$(sql_name "$2" 12)"; }

# offer RID APP: publish (and, on the leader, create) APP's credentials on relation RID.
# Credentials live in leader settings: the leader makes them once, the other units
# hand out the same ones when leader-settings-changed brings them.
offer() {
    local rid=$1 app=$2 key db user password primary
    key="rel-${rid#*:}"
    db=$(sql_name "$app" 48)
    user=$(relation_user "$rid" "$app")
    if is_leader; then
        running || { juju-log "MariaDB is not running yet; $app waits"; return 0; }
        password=$(leader-get "$key")
        if [ -z "$password" ]; then
            password=$(new_password "$rid")
            leader-set "$key=$password"
        fi
        mysql -e "CREATE DATABASE IF NOT EXISTS \`$db\`; CREATE USER IF NOT EXISTS '$user'@'%' IDENTIFIED BY '$password'; GRANT ALL PRIVILEGES ON \`$db\`.* TO '$user'@'%';"
        mkdir -p "$STATE/relations"
        printf '%s %s\n' "$db" "$user" > "$STATE/relations/${rid#*:}"
        # The leader's server is the primary: a leader elected before its MariaDB ran
        # finds the old primary's address still there.
        local address
        address=$(unit-get private-address)
        [ "$(leader-get primary)" = "$address" ] || leader-set primary="$address"
    fi
    password=$(leader-get "$key")
    primary=$(leader-get primary)
    if [ -z "$password" ] || [ -z "$primary" ]; then
        juju-log "no credentials for $app from the leader yet"
        return 0
    fi
    relation-set -r "$rid" database="$db" user="$user" password="$password" host="$primary" port=3306
}

# offer_all: every db relation that has a unit.
offer_all() {
    local rid app
    for rid in $(relation-ids db); do
        app=$(relation-list -r "$rid" | head -n1)
        [ -n "$app" ] && offer "$rid" "${app%/*}"
    done
    return 0
}

set_status() {
    if ! running; then
        status-set maintenance "MariaDB is not running"
    elif is_leader; then
        status-set active "primary, $(ls "$STATE/relations" 2>/dev/null | wc -l) databases"
    else
        status-set active "standby (the leader is the primary)"
    fi
}
