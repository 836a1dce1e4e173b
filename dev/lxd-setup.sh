#!/usr/bin/env bash
# Makes this Debian or Ubuntu machine ready for `formula sim --backend lxd`: LXD installed and
# running, initialised (a bridge with NAT, a `dir` storage pool, a default profile), and the
# image the simulator launches its units from, imported under a fixed alias. Runs as root.
# Idempotent: a second run finds everything in place and changes nothing.
#
#   sudo bash dev/lxd-setup.sh
#
# Settings (environment):
#   FORMULA_LXD_SUBNET  the bridge's address and prefix when LXD is initialised here
#                       (default 10.210.77.1/24; change it if that subnet is in use)
#   FORMULA_LXD_MIRROR  the Debian mirror debootstrap uses (default http://deb.debian.org/debian)
#
# The image is Debian bookworm built with debootstrap (minbase, plus what a unit needs: an init
# and DHCP on eth0, iproute2, python3 for the example formulas). Its tarballs are cached in
# /var/cache/formula-sim, so rebuilding the image (after `lxc image delete`) takes seconds.
set -euo pipefail

# The simulator launches units from this alias (simulator/src/backend/lxd.rs: IMAGE_ALIAS).
ALIAS=formula-sim-bookworm
# Bump when the recipe below changes: an image of another recipe is replaced.
RECIPE=1
SUITE=bookworm
PACKAGES=systemd-sysv,udev,iproute2,python3
SUBNET=${FORMULA_LXD_SUBNET:-10.210.77.1/24}
MIRROR=${FORMULA_LXD_MIRROR:-http://deb.debian.org/debian}
CACHE=/var/cache/formula-sim/lxd-image-$SUITE-r$RECIPE

say() { printf 'lxd-setup: %s\n' "$*"; }

if [ "$(id -u)" != 0 ]; then
    echo "lxd-setup: run as root (sudo bash $0)" >&2
    exit 1
fi

# 1. Packages. nftables before the daemon's first start, or its firewall setup fails.
if ! command -v lxc >/dev/null || ! command -v lxd >/dev/null; then
    if grep -qi ubuntu /etc/os-release && command -v snap >/dev/null; then
        # Ubuntu ships LXD as a snap; its `lxd` apt package only installs the snap.
        snap install lxd
    fi
fi
wanted=(nftables debootstrap)
command -v lxd >/dev/null || wanted+=(lxd dnsmasq-base)
missing=()
for package in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
export PATH=$PATH:/snap/bin

# 2. The daemon. Machines without systemd as PID 1 (containers, CI runners) start it by hand.
if ! lxc info >/dev/null 2>&1; then
    if [ -d /run/systemd/system ] && systemctl list-unit-files lxd.service >/dev/null 2>&1; then
        say "starting lxd.service"
        systemctl start lxd.socket lxd.service || systemctl start snap.lxd.daemon
    else
        say "starting the LXD daemon (log: /var/log/lxd/lxd.log)"
        mkdir -p /var/log/lxd
        getent group lxd >/dev/null || groupadd --system lxd
        setsid lxd --group lxd --logfile=/var/log/lxd/lxd.log </dev/null >/dev/null 2>&1 &
    fi
    lxd waitready --timeout=60
fi

# 3. Initialisation. `lxd init --auto` cannot find a free subnet on some machines: say which.
profile=$(lxc profile show default)
if ! grep -q "type: disk" <<<"$profile" || ! grep -q "type: nic" <<<"$profile"; then
    say "initialising LXD: bridge lxdbr0 on $SUBNET with NAT, storage pool default (dir)"
    lxd init --preseed <<EOF
networks:
- name: lxdbr0
  type: bridge
  config:
    ipv4.address: $SUBNET
    ipv4.nat: "true"
    ipv6.address: none
storage_pools:
- name: default
  driver: dir
profiles:
- name: default
  devices:
    root: {type: disk, path: /, pool: default}
    eth0: {type: nic, name: eth0, network: lxdbr0}
EOF
fi

# 4. The image.
if lxc image show "$ALIAS" 2>/dev/null | grep -q "formula.recipe: \"$RECIPE\""; then
    say "ready: image $ALIAS is present"
    exit 0
fi
if [ ! -s "$CACHE/rootfs.tar.gz" ] || [ ! -s "$CACHE/meta.tar.gz" ]; then
    say "building the image with debootstrap ($SUITE, minbase + $PACKAGES)"
    work=$(mktemp -d /var/tmp/formula-lxd-image.XXXXXX)
    trap 'rm -rf "$work"' EXIT
    rootfs=$work/rootfs
    debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$rootfs" "$MIRROR" >"$work/debootstrap.log" 2>&1 ||
        { tail -30 "$work/debootstrap.log" >&2; exit 1; }
    # DHCP on eth0 by systemd-networkd (udev must run for it to see the link).
    mkdir -p "$rootfs/etc/systemd/network"
    printf '[Match]\nName=eth0\n\n[Network]\nDHCP=ipv4\n' >"$rootfs/etc/systemd/network/eth0.network"
    chroot "$rootfs" systemctl enable systemd-networkd.service >/dev/null 2>&1
    # The simulator bind-mounts its run directory, under /tmp, into every unit: /tmp must not
    # be cleaned at boot nor covered by a tmpfs.
    printf 'd /tmp 1777 root root -\n' >"$rootfs/etc/tmpfiles.d/tmp.conf"
    ln -sf /dev/null "$rootfs/etc/systemd/system/tmp.mount"
    # Nothing in a unit waits for a network that the simulator does not give it.
    ln -sf /dev/null "$rootfs/etc/systemd/system/systemd-networkd-wait-online.service"
    rm -f "$rootfs/etc/hostname" "$rootfs/etc/machine-id"
    touch "$rootfs/etc/machine-id"
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    # The unit's host name (the simulator sets user.hostname to the unit's slug, `wiki-0`).
    mkdir -p "$work/meta/templates"
    printf '{{ config_get("user.hostname", "unit") }}\n' >"$work/meta/templates/hostname.tpl"
    printf '127.0.0.1\tlocalhost\n127.0.1.1\t{{ config_get("user.hostname", "unit") }}\n' \
        >"$work/meta/templates/hosts.tpl"
    cat >"$work/meta/metadata.yaml" <<EOF
architecture: $(uname -m)
creation_date: $(date +%s)
properties:
  description: Debian $SUITE for formula sim units
  os: debian
  release: $SUITE
  formula.recipe: "$RECIPE"
templates:
  /etc/hostname:
    when: [create, copy]
    template: hostname.tpl
  /etc/hosts:
    when: [create, copy]
    template: hosts.tpl
EOF
    mkdir -p "$CACHE"
    tar -C "$rootfs" --numeric-owner -czf "$work/rootfs.tar.gz" .
    tar -C "$work/meta" -czf "$work/meta.tar.gz" .
    mv "$work/rootfs.tar.gz" "$work/meta.tar.gz" "$CACHE/"
fi
if lxc image show "$ALIAS" >/dev/null 2>&1; then
    say "replacing image $ALIAS (another recipe)"
    lxc image delete "$ALIAS"
fi
say "importing the image as $ALIAS"
lxc image import "$CACHE/meta.tar.gz" "$CACHE/rootfs.tar.gz" --alias "$ALIAS" >/dev/null
say "ready: image $ALIAS is present"
