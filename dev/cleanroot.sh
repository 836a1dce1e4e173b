#!/usr/bin/env bash
# A fresh Debian machine, on this one: a Debian root made with debootstrap, entered with
# pivot_root in a mount namespace of its own and a network namespace with NAT to the package
# registries, with this machine's Rust toolchain (without the wasm32-wasip1 target) and a clone
# of this repository. For running `.ci/run` and the README's commands before resolving an issue,
# where nothing earlier runs left on this machine can make a test pass. Run as root.
#
#   dev/cleanroot.sh create               # debootstrap bookworm into $CLEANROOT (setup does it when missing)
#   dev/cleanroot.sh setup COMMIT         # mounts, network, toolchain, a clone at COMMIT
#   dev/cleanroot.sh run 'bash .ci/run'   # a command in the clone, inside the root
#   dev/cleanroot.sh teardown             # mounts and network gone (the root stays)
#
# KEEP_TARGET=1 with setup keeps the clone's target directory of the previous setup. LXD inside
# the root starts its own daemon: stop this machine's (`lxd shutdown`) for the run.
set -euo pipefail
ROOT=${CLEANROOT:-/var/tmp/formula-cleanroot}
NS=cleanroot
REPO=$(cd "$(dirname "$0")/.." && pwd)
case $1 in
create)
    command -v debootstrap >/dev/null || apt-get install -y debootstrap
    mkdir -p "$ROOT"
    debootstrap --variant=minbase --include=ca-certificates,procps bookworm "$ROOT" http://deb.debian.org/debian
    ;;
setup)
    commit=$2
    # A fresh machine has neither the root nor the tools this needs.
    for tool in nft:nftables rsync:rsync ip:iproute2; do
        command -v "${tool%%:*}" >/dev/null || apt-get install -y "${tool#*:}"
    done
    [ -x "$ROOT/bin/bash" ] || bash "$0" create
    ip netns add $NS 2>/dev/null || true
    ip link add cr-host type veth peer name cr-ns 2>/dev/null || true
    ip link set cr-ns netns $NS 2>/dev/null || true
    ip addr add 10.99.0.1/30 dev cr-host 2>/dev/null || true
    ip link set cr-host up
    ip netns exec $NS ip addr add 10.99.0.2/30 dev cr-ns 2>/dev/null || true
    ip netns exec $NS ip link set cr-ns up
    ip netns exec $NS ip link set lo up
    ip netns exec $NS ip route add default via 10.99.0.1 2>/dev/null || true
    sysctl -qw net.ipv4.ip_forward=1
    nft add table ip cleanroot 2>/dev/null || true
    nft 'add chain ip cleanroot post { type nat hook postrouting priority 100 ; }' 2>/dev/null || true
    nft add rule ip cleanroot post ip saddr 10.99.0.0/30 masquerade
    # The root is a mount point, as / is on a machine (units make their mounts private from /).
    mountpoint -q $ROOT || mount --bind $ROOT $ROOT
    cp /etc/resolv.conf $ROOT/etc/resolv.conf
    # The machine's trust (the registries are reached through a proxy with its own CA), as a
    # fresh machine of this environment has it.
    mkdir -p $ROOT/usr/local/share/ca-certificates $ROOT/etc/ssl/certs
    cp /usr/local/share/ca-certificates/*.crt $ROOT/usr/local/share/ca-certificates/
    cp /etc/ssl/certs/ca-certificates.crt $ROOT/etc/ssl/certs/ca-certificates.crt
    cp /etc/pip.conf $ROOT/etc/pip.conf
    for m in proc sys dev dev/pts sys/fs/cgroup; do mkdir -p $ROOT/$m; done
    mountpoint -q $ROOT/proc || mount -t proc proc $ROOT/proc
    mountpoint -q $ROOT/sys || mount --rbind /sys $ROOT/sys
    mountpoint -q $ROOT/dev || mount --rbind /dev $ROOT/dev
    mkdir -p $ROOT/run $ROOT/tmp
    mountpoint -q $ROOT/run || mount -t tmpfs tmpfs $ROOT/run
    mountpoint -q $ROOT/tmp || mount -t tmpfs -o size=20g tmpfs $ROOT/tmp
    # Rust as the machine has it (rustup, the stable toolchain), without the wasm32-wasip1
    # target (.ci/run adds it) and without a crate cache.
    mkdir -p $ROOT/root/.cargo
    rsync -a --delete /root/.rustup/ $ROOT/root/.rustup/
    rsync -a /root/.cargo/bin/ $ROOT/root/.cargo/bin/
    chroot $ROOT /root/.cargo/bin/rustup target remove wasm32-wasip1 || true
    # A clone of main at COMMIT; a build directory of an earlier setup stays (KEEP_TARGET=1).
    if [ "${KEEP_TARGET:-}" = 1 ] && [ -d $ROOT/root/formula-kit/target ]; then
        mv $ROOT/root/formula-kit/target $ROOT/root/target.kept
    fi
    rm -rf $ROOT/root/formula-kit
    git clone -q "$REPO" $ROOT/root/formula-kit
    git -C $ROOT/root/formula-kit checkout -q "$commit"
    if [ -d $ROOT/root/target.kept ]; then mv $ROOT/root/target.kept $ROOT/root/formula-kit/target; fi
    ;;
run)
    shift
    # Not chroot: the root of a mount namespace of its own (pivot_root), as on a machine. The
    # kernel refuses user namespaces to a chrooted process, and names paths from outside it.
    ip netns exec $NS unshare --mount --propagation private --fork /bin/bash -c "
        mkdir -p $ROOT/.cg && mount --rbind $ROOT/sys/fs/cgroup $ROOT/.cg && umount -R -l $ROOT/sys &&
        mount -t sysfs sysfs $ROOT/sys && mount --move $ROOT/.cg $ROOT/sys/fs/cgroup && rmdir $ROOT/.cg &&
        cd $ROOT && mkdir -p .oldroot && pivot_root . .oldroot && umount -l /.oldroot && rmdir /.oldroot &&
        exec \"\$@\"" pivot /usr/bin/env -i HOME=/root TERM=xterm SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt PIP_CERT=/etc/ssl/certs/ca-certificates.crt REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt CURL_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt GIT_SSL_CAINFO=/etc/ssl/certs/ca-certificates.crt PATH=/root/.cargo/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        /bin/bash -c "cd /root/formula-kit && $*"
    ;;
teardown)
    pkill -f "chroot $ROOT" || true
    # The root's LXD daemon sees the root as "/" (pivot_root), so the loop below misses it, and
    # a daemon left running would serve the next setup from this session's mounts: ask it to
    # stop through its socket in the root.
    if [ -S "$ROOT/var/lib/lxd/unix.socket" ] && command -v lxd >/dev/null; then
        LXD_DIR=$ROOT/var/lib/lxd timeout 60 lxd shutdown 2>/dev/null || true
    fi
    # Other daemons started inside run with the root as their root; those that pivoted into it
    # (the package cache that `formula sim` starts) are found by the root's network namespace.
    for p in /proc/[0-9]*; do
        [ "$(readlink $p/root 2>/dev/null)" = "$ROOT" ] && kill "${p#/proc/}" 2>/dev/null
    done
    ip netns pids $NS 2>/dev/null | xargs -r kill 2>/dev/null || true
    sleep 2
    for m in tmp run dev sys proc; do umount -R $ROOT/$m 2>/dev/null || true; done
    umount $ROOT 2>/dev/null || true
    nft delete table ip cleanroot 2>/dev/null || true
    ip link del cr-host 2>/dev/null || true
    ip netns del $NS 2>/dev/null || true
    ;;
esac
