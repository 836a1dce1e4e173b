# Shared by the keeper's hooks (sourced). The password lives in leader settings: the
# leader makes it once, every unit publishes it with its own address.
publish() {
    local rid password
    password=$(leader-get password)
    for rid in "${@:-$(relation-ids secret)}"; do
        relation-set -r "$rid" host="$(unit-get private-address)" password="$password"
    done
}
