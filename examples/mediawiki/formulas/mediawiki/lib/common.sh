# Shell functions of the mediawiki formula's hooks. Sourced, not a hook.
# shellcheck shell=bash

STATE=/var/lib/mediawiki-formula
SETTINGS=/etc/mediawiki/LocalSettings.php
SITE=/etc/apache2/sites-available/mediawiki.conf
MW=/usr/share/mediawiki

apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "$@"
}

is_leader() { [ "$(is-leader)" = True ]; }
apache_running() { pgrep -x apache2 >/dev/null; }

# Juju puts a random number in JUJU_CONTEXT_ID, so nobody can guess these in a real model,
# while a seeded simulator makes the same ones on every run.
new_secret() { printf '%s/%s/%s' "${JUJU_MODEL_UUID:-}" "${JUJU_CONTEXT_ID:-}" "$1" | sha256sum | cut -c1-"$2"; }

# db_field NAME: what the database relation gave (empty without one).
db_field() { [ -f "$STATE/db" ] && sed -n "s/^$1=//p" "$STATE/db"; }

# read_db: the credentials of the db relation's unit that published them all, kept in $STATE/db.
read_db() {
    local rid unit database user password host
    mkdir -p "$STATE"
    rm -f "$STATE/db.new"
    for rid in $(relation-ids db); do
        for unit in $(relation-list -r "$rid"); do
            database=$(relation-get -r "$rid" database "$unit")
            user=$(relation-get -r "$rid" user "$unit")
            password=$(relation-get -r "$rid" password "$unit")
            host=$(relation-get -r "$rid" host "$unit")
            if [ -n "$database" ] && [ -n "$user" ] && [ -n "$password" ] && [ -n "$host" ]; then
                printf 'database=%s\nuser=%s\npassword=%s\nhost=%s\n' "$database" "$user" "$password" "$host" > "$STATE/db.new"
                break 2
            fi
        done
    done
    if [ -f "$STATE/db.new" ]; then mv "$STATE/db.new" "$STATE/db"; else rm -f "$STATE/db"; fi
}

# cache_servers: PHP array items for every memcached unit related on `cache`.
cache_servers() {
    local rid unit host port
    for rid in $(relation-ids cache); do
        for unit in $(relation-list -r "$rid"); do
            host=$(relation-get -r "$rid" host "$unit")
            port=$(relation-get -r "$rid" port "$unit")
            [ -n "$host" ] && [ -n "$port" ] && printf "'%s:%s', " "$host" "$port"
        done
    done
    return 0
}

# tables_exist: whether the database already holds MediaWiki's tables (0), not (1), or
# cannot be reached (2).
tables_exist() {
    php -r '
        mysqli_report(MYSQLI_REPORT_OFF);
        $m = @new mysqli($argv[1], $argv[2], $argv[3], $argv[4]);
        if ($m->connect_errno) { fwrite(STDERR, $m->connect_error . "\n"); exit(2); }
        $r = $m->query("SHOW TABLES LIKE \"page\"");
        exit($r && $r->num_rows > 0 ? 0 : 1);
    ' "$(db_field host)" "$(db_field user)" "$(db_field password)" "$(db_field database)"
}

# install_database: the leader runs MediaWiki's installer once per database; the settings
# file it writes is not used (every unit writes its own, below).
install_database() {
    local target status=0 scratch
    target="$(db_field database)@$(db_field host)"
    [ "$(leader-get installed)" = "$target" ] && return 0
    [ -n "$(leader-get secret-key)" ] || leader-set secret-key="$(new_secret secret 64)"
    tables_exist || status=$?
    if [ "$status" = 2 ]; then
        juju-log "the database at $(db_field host) does not answer yet"
        return 1
    fi
    if [ "$status" = 1 ]; then
        status-set maintenance "installing MediaWiki's tables in $target"
        # The installer refuses to run where a LocalSettings.php exists (that of the
        # database before, which another primary replaced); this unit writes a new one next.
        rm -f "$SETTINGS"
        scratch=$(mktemp -d)
        php "$MW/maintenance/install.php" --confpath "$scratch" --dbtype mysql \
            --dbserver "$(db_field host)" --dbname "$(db_field database)" \
            --dbuser "$(db_field user)" --dbpass "$(db_field password)" \
            --server http://localhost --scriptpath "" \
            --pass "$(new_secret admin 20)" "$(config-get name)" Admin
        rm -rf "$scratch"
        # Which unit ran the installer, for the scenarios that check only one did.
        printf '%s\n' "$target" >> "$STATE/ran-installer"
    else
        juju-log "$target already holds MediaWiki's tables"
    fi
    leader-set installed="$target"
}

# render_settings: LocalSettings.php from the database, cache and options; 0 if it changed.
render_settings() {
    local name skin logo debug servers secret
    name=$(config-get name); skin=$(config-get skin); logo=$(config-get logo); debug=$(config-get debug)
    secret=$(leader-get secret-key)
    servers=$(cache_servers)
    case $skin in
        monobook) skin=MonoBook ;;
        timeless) skin=Timeless ;;
        *) skin=Vector ;;
    esac
    mkdir -p "$(dirname "$SETTINGS")"
    {
        printf '<?php\n# Written by the mediawiki formula on %s; changes are lost.\n' "$JUJU_UNIT_NAME"
        printf 'if ( !defined( "MEDIAWIKI" ) ) { exit; }\n'
        printf '$wgSitename = %s;\n' "$(php_string "$name")"
        printf '$wgMetaNamespace = "Project";\n'
        printf '$wgServer = WebRequest::detectServer();\n$wgScriptPath = "";\n$wgResourceBasePath = $wgScriptPath;\n'
        printf '$wgDBtype = "mysql";\n$wgDBserver = %s;\n$wgDBname = %s;\n$wgDBuser = %s;\n$wgDBpassword = %s;\n' \
            "$(php_string "$(db_field host)")" "$(php_string "$(db_field database)")" \
            "$(php_string "$(db_field user)")" "$(php_string "$(db_field password)")"
        printf '$wgDBprefix = "";\n$wgDBTableOptions = "ENGINE=InnoDB, DEFAULT CHARSET=binary";\n'
        printf '$wgSecretKey = %s;\n$wgUpgradeKey = "%s";\n' "$(php_string "$secret")" "${secret:0:16}"
        # Cached objects belong to one database: a new one (another primary) starts afresh.
        printf '$wgCachePrefix = %s;\n' "$(php_string "$(db_field database)-$(printf '%s' "$(db_field host)" | sha256sum | cut -c1-8)")"
        if [ -n "$servers" ]; then
            printf '$wgMainCacheType = CACHE_MEMCACHED;\n$wgParserCacheType = CACHE_MEMCACHED;\n'
            printf '$wgMessageCacheType = CACHE_MEMCACHED;\n$wgSessionCacheType = CACHE_MEMCACHED;\n'
            printf '$wgMemCachedServers = [ %s];\n' "$servers"
        else
            printf '$wgMainCacheType = CACHE_NONE;\n$wgMemCachedServers = [];\n'
        fi
        printf 'wfLoadSkin( "%s" );\n$wgDefaultSkin = "%s";\n' "$skin" "${skin,,}"
        if [ -n "$logo" ]; then
            printf '$wgLogos = [ "1x" => %s ];\n' "$(php_string "$logo")"
        fi
        if [ "$debug" = True ] || [ "$debug" = true ]; then
            printf '$wgShowExceptionDetails = true;\n$wgDebugLogFile = "/var/log/mediawiki/debug.log";\n'
        fi
        printf '$wgEnableUploads = false;\n$wgLanguageCode = "en";\n'
    } > "$SETTINGS.new"
    if [ -f "$SETTINGS" ] && cmp -s "$SETTINGS" "$SETTINGS.new"; then rm -f "$SETTINGS.new"; return 1; fi
    mv "$SETTINGS.new" "$SETTINGS"
    ln -sf "$SETTINGS" /var/lib/mediawiki/LocalSettings.php
}

# php_string TEXT: TEXT as a single-quoted PHP string.
php_string() { printf "'%s'" "$(printf '%s' "$1" | sed "s/\\\\/\\\\\\\\/g; s/'/\\\\'/g")"; }

# make_admins: the `admins` option's users, made sysops by the leader.
make_admins() {
    local pair user password
    for pair in $(config-get admins); do
        user=${pair%%:*}; password=${pair#*:}
        if [ "$user" = "$pair" ] || [ ${#password} -lt 10 ]; then
            juju-log "admins: '$user' needs a password of 10 characters or more"
            continue
        fi
        php "$MW/maintenance/createAndPromote.php" --force --sysop --bureaucrat "$user" "$password" \
            || juju-log "admins: MediaWiki refused $user"
    done
}

# offer / withdraw: where this unit serves, on every `website` relation (written only when
# it changes, so that proxies are not woken for nothing).
offer() {
    local rid address
    address=$(unit-get private-address)
    open-port 80/tcp
    for rid in $(relation-ids website); do
        if [ "$(relation-get -r "$rid" hostname "$JUJU_UNIT_NAME")" != "$address" ]; then
            relation-set -r "$rid" hostname="$address" port=80
        fi
    done
}
withdraw() {
    local rid
    for rid in $(relation-ids website); do
        if [ -n "$(relation-get -r "$rid" hostname "$JUJU_UNIT_NAME")" ]; then
            relation-set -r "$rid" hostname= port=
        fi
    done
}

# configure: everything above, in order; the unit serves only once all of it holds.
configure() {
    read_db
    if [ ! -f "$STATE/db" ]; then
        withdraw
        status-set blocked "needs a database (relate db to a mysql provider)"
        return 0
    fi
    if is_leader; then
        if ! install_database; then
            withdraw
            status-set waiting "waiting for the database to answer"
            return 0
        fi
    elif [ "$(leader-get installed)" != "$(db_field database)@$(db_field host)" ]; then
        withdraw
        status-set waiting "waiting for the leader to install the database"
        return 0
    fi
    if render_settings && apache_running; then
        service apache2 reload
    fi
    apache_running || service apache2 start
    is_leader && make_admins
    offer
    status-set active "serving $(config-get name)"
}
