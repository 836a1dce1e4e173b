# Shared by the agent's hooks (sourced, not a hook): one line per hook, in the charm directory.
note() {
    echo "$JUJU_UNIT_NAME ${JUJU_HOOK_NAME:-?} principal=${JUJU_PRINCIPAL_UNIT:-} $*" >> "$CHARM_DIR/hooks.log"
}
