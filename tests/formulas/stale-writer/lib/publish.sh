# Sourced by the hooks: publishes this unit's generation on every relation (one commit), and
# on `source` the generation it read from each peer, as seen-<app>-<n>.
gen=$(config-get gen)
for id in $(relation-ids peers); do
    relation-set -r "$id" gen="$gen"
done
for src in $(relation-ids source); do
    relation-set -r "$src" gen="$gen"
    for id in $(relation-ids peers); do
        for peer in $(relation-list -r "$id"); do
            seen=$(relation-get -r "$id" gen "$peer")
            if [ -n "$seen" ]; then
                relation-set -r "$src" "seen-$(echo "$peer" | tr / -)=$seen"
            fi
        done
    done
done
