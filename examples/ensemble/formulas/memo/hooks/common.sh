# common.sh - shell functions shared by memo's hooks. Sourced; not a hook.
# shellcheck shell=bash

MEMO_DIR=/etc/memo
SERVERS=$MEMO_DIR/servers

log() {
    ensemble-log "memo: $*"
}
