# Shared by the server's hooks (sourced, not a hook).
publish() {
    for rid in $(relation-ids api); do
        relation-set -r "$rid" host="$(unit-get private-address)" generation="$(config-get --format=json generation)"
    done
}
