# Shell functions shared by the db formula's hooks. Sourced, not a hook.
# shellcheck shell=bash

DB_STATE=/var/lib/db
DATABASES=$DB_STATE/databases     # one line per client: database user application password-fingerprint
STARTED=$DB_STATE/started         # present between the start and stop hooks
MYSQL_CONF=/etc/mysql/conf.d/formula.cnf
CLUSTER_CONF=/etc/mysql/conf.d/cluster.cnf

# sql_name TEXT MAXLEN: a name MySQL accepts unquoted (lower case, [a-z0-9_]).
sql_name() {
    printf '%s' "$1" | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9_' '_' | cut -c "1-$2"
}

# write_if_changed PATH: replace PATH with stdin when it differs; status 0 if it did.
write_if_changed() {
    local path=$1
    mkdir -p "$(dirname "$path")"
    cat > "$path.new"
    if [ -f "$path" ] && cmp -s "$path" "$path.new"; then
        rm -f "$path.new"
        return 1
    fi
    mv "$path.new" "$path"
}

# config_problem: print what is wrong with the config, or nothing.
config_problem() {
    local n
    n=$(config-get --format=json max-connections)
    case $n in
        '' | *[!0-9]*) echo "max-connections must be a whole number, got '$n'" ;;
        *) if [ "$n" -lt 1 ] || [ "$n" -gt 100000 ]; then
               echo "max-connections must be between 1 and 100000, got $n"
           fi ;;
    esac
}

set_status() {
    local problem
    problem=$(config_problem)
    if [ -n "$problem" ]; then
        status-set blocked "$problem"
    elif [ -f "$STARTED" ]; then
        status-set active ready
    else
        status-set maintenance "installed, waiting for start"
    fi
}

# new_password APP: made once, by the leader. Juju puts a random number in
# JUJU_CONTEXT_ID, so nobody can guess the hash in a real model, while a
# seeded simulator makes the same password on every run.
new_password() {
    printf '%s/%s/%s' "${JUJU_MODEL_UUID:-}" "${JUJU_CONTEXT_ID:-}" "$1" | sha256sum | cut -c1-24
}

# ensure_database DB USER PASSWORD APP: create them in MySQL unless done already.
ensure_database() {
    local db=$1 user=$2 password=$3 app=$4 line
    line="$db $user $app $(printf '%s' "$password" | sha256sum | cut -c1-16)"
    mkdir -p "$DB_STATE"
    touch "$DATABASES"
    if grep -qxF -- "$line" "$DATABASES"; then
        return 0
    fi
    mysql -e "CREATE DATABASE IF NOT EXISTS \`$db\`; CREATE USER IF NOT EXISTS '$user'@'%' IDENTIFIED BY '$password'; ALTER USER '$user'@'%' IDENTIFIED BY '$password'; GRANT ALL PRIVILEGES ON \`$db\`.* TO '$user'@'%';"
    { grep -v "^$db " "$DATABASES" || true; echo "$line"; } > "$DATABASES.new"
    mv "$DATABASES.new" "$DATABASES"
    juju-log "created database $db and user $user for $app"
}

# provide_database RID APP: publish APP's credentials on relation RID.
# The password lives in leader settings: the leader makes it, the others
# wait for leader-settings-changed, and a new leader finds it there.
provide_database() {
    local rid=$1 app=$2 db user password
    if [ ! -f "$STARTED" ]; then
        juju-log "$app gets its database once MySQL has started"
        return 0
    fi
    db=$(sql_name "$app" 64)
    user=$(sql_name "$app" 32)
    password=$(leader-get "password-$app")
    if [ -z "$password" ]; then
        if [ "$(is-leader)" != True ]; then
            juju-log "waiting for the leader to make credentials for $app"
            return 0
        fi
        password=$(new_password "$app")
        leader-set "password-$app=$password"
        juju-log "made credentials for $app"
    fi
    ensure_database "$db" "$user" "$password" "$app"
    relation-set -r "$rid" database="$db" user="$user" password="$password" host="$(unit-get private-address)"
}

# remote_app RID: the application on the other side of RID (empty if no unit yet).
remote_app() {
    local first
    first=$(relation-list -r "$1" | head -n 1)
    if [ -n "$first" ]; then
        echo "${first%/*}"
    fi
}

# provide_all: (re)publish credentials on every db relation.
provide_all() {
    local rid app
    for rid in $(relation-ids db); do
        app=$(remote_app "$rid")
        if [ -n "$app" ]; then
            provide_database "$rid" "$app"
        fi
    done
}

# render_cluster [LEAVING-UNIT]: list the database peers for replication.
render_cluster() {
    local leaving=${1:-} rid unit address nodes
    nodes=$(unit-get private-address)
    for rid in $(relation-ids cluster); do
        for unit in $(relation-list -r "$rid"); do
            if [ "$unit" != "$leaving" ]; then
                address=$(relation-get -r "$rid" private-address "$unit")
                if [ -n "$address" ]; then
                    nodes="$nodes,$address"
                fi
            fi
        done
    done
    if printf '[mysqld]\nwsrep_cluster_name = %s\nwsrep_cluster_address = gcomm://%s\n' \
        "${JUJU_UNIT_NAME%/*}" "$nodes" | write_if_changed "$CLUSTER_CONF"; then
        juju-log "cluster nodes are now $nodes"
    fi
}
