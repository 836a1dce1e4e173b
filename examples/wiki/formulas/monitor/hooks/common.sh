# Shared by the monitor's hooks (sourced, not a hook).
# What the agent learned is kept with the unit ($CHARM_DIR/state); what it runs by, in
# /etc/monitor/<unit>.conf on the machine it shares with the unit it watches.
conf_dir=/etc/monitor
conf="$conf_dir/${JUJU_UNIT_NAME//\//-}.conf"
state_dir="$CHARM_DIR/state"

# The watched unit, as the last host-relation hook recorded it ("" before the first).
watched() {
    cat "$state_dir/watched" 2>/dev/null || true
}

# Writes the agent's settings and says what it watches; safe to run again and again.
reconcile() {
    install -d -m 0755 "$conf_dir" "$state_dir"
    interval=$(config-get --format=json interval)
    if [ "$interval" -lt 5 ] || [ "$interval" -gt 3600 ]; then
        status-set blocked "interval must be 5-3600 seconds, not $interval"
        return 0
    fi
    unit=$(watched)
    printf 'unit = %s\naddress = %s\ninterval = %s\n' "$unit" "$(cat "$state_dir/address" 2>/dev/null || true)" "$interval" \
        > "$conf.new"
    if ! cmp -s "$conf.new" "$conf"; then
        mv "$conf.new" "$conf"
    else
        rm -f "$conf.new"
    fi
    if [ -n "$unit" ]; then
        status-set active "watching $unit"
    else
        status-set waiting "waiting for the unit to watch"
    fi
}
