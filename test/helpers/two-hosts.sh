#!/usr/bin/env bash
# Two test hosts on this machine, for the distributed templates: two network namespaces
# joined by a veth pair, each with its own hostname, a link-local address both know from
# /etc/hosts, and an sshd that takes a key made for the occasion. Both hosts see the
# toolchain chroot (so a program has the same path on each, as on a shared file system);
# their /etc/hosts and root's home (~/.ssh) are bind-mounted from DIR, so the chroot
# itself is not changed. Nothing can leave the two namespaces: no other route exists.
#
#   two-hosts.sh up DIR        DIR is inside the chroot; prints the two host names
#   two-hosts.sh run DIR N CMD runs CMD (bash) as host N (1 or 2), inside the chroot
#   two-hosts.sh down DIR      removes everything `up` made (also after a failure)
#
# TWO_HOSTS_PREFIX (default cop2h) names the namespaces, and `up` removes those a killed run left
# under that prefix; TWO_HOSTS_NETWORK (default 169.254.77) is the /24 the hosts take addresses in.
# Another pair of hosts (the Slurm cluster's) gives both its own so the two never meet.
set -euo pipefail
PREFIX=${TWO_HOSTS_PREFIX:-cop2h}
NETWORK=${TWO_HOSTS_NETWORK:-169.254.77}

TOOLCHAIN="$(dirname "$0")/../../scripts/forky-toolchain.sh"
ROOT=$(bash "$TOOLCHAIN" root)
cmd=$1 dir=$2; shift 2
inside=${dir#"$ROOT"}
[ "$inside" != "$dir" ] || { echo "two-hosts: $dir is not inside the chroot $ROOT" >&2; exit 1; }
# short names: interface names are limited to 15 characters
id=$(basename "$dir" | tr -cd 'a-z0-9' | tail -c 6)
ns() { echo "$PREFIX-$id-$1"; }
hostname_of() { echo "node$1-$id"; }
address() { echo "$NETWORK.$1"; }

# Runs CMD as host N: its network, its hostname, a private /proc and the bind mounts.
as_host() {
  local n=$1; shift
  ip netns exec "$(ns "$n")" unshare --uts --mount --pid --fork --mount-proc="$ROOT/proc" \
    bash -c 'hostname "$1" && mount --bind "$2/hosts" "$3/etc/hosts" && mount --bind "$2/home" "$3/root" && shift 3 && exec chroot "$ROOT" "$@"' \
    as-host "$(hostname_of "$n")" "$dir" "$ROOT" env $MPI_AS_ROOT "$@"
}
export ROOT
# what every command of the toolchain gets (Open MPI as root), here and, through sshd, over ssh
MPI_AS_ROOT=$(bash "$TOOLCHAIN" mpi-env)

# Namespaces left by a run that was killed before it could clean up (one set of test hosts at a time).
stale() {
  local name pid
  for name in $(ip netns list | awk -v p="$PREFIX-" 'index($1, p) == 1 {print $1}'); do
    for pid in $(ip netns pids "$name" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns delete "$name" 2>/dev/null || true
  done
}

up() {
  stale
  mkdir -p "$dir/home/.ssh"
  chmod 700 "$dir/home" "$dir/home/.ssh"
  printf '127.0.0.1 localhost\n%s %s\n%s %s\n' "$(address 1)" "$(hostname_of 1)" "$(address 2)" "$(hostname_of 2)" > "$dir/hosts"
  bash "$TOOLCHAIN" run ssh-keygen -q -t ed25519 -N '' -C two-hosts -f "$inside/home/.ssh/id_ed25519"
  bash "$TOOLCHAIN" run ssh-keygen -q -t ed25519 -N '' -C two-hosts -f "$inside/host_key"
  cp "$dir/home/.ssh/id_ed25519.pub" "$dir/home/.ssh/authorized_keys"
  # the hosts are made anew each time: their keys are not worth remembering
  printf 'Host *\n  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n  LogLevel ERROR\n  BatchMode yes\n  ConnectTimeout 10\n' > "$dir/home/.ssh/config"
  ip netns add "$(ns 1)"
  ip netns add "$(ns 2)"
  ip link add "v$id-1" netns "$(ns 1)" type veth peer name "v$id-2" netns "$(ns 2)"
  local n
  for n in 1 2; do
    ip -n "$(ns "$n")" link set lo up
    ip -n "$(ns "$n")" addr add "$(address "$n")/24" dev "v$id-$n"
    ip -n "$(ns "$n")" link set "v$id-$n" up
    cat > "$dir/sshd_config_$n" <<CONFIG
ListenAddress $(address "$n")
HostKey $inside/host_key
PidFile $inside/sshd_$n.pid
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
# Open MPI starts its daemons over ssh as root: let them
SetEnv $MPI_AS_ROOT
CONFIG
    mkdir -p "$ROOT/run/sshd"
    as_host "$n" /usr/sbin/sshd -D -e -f "$inside/sshd_config_$n" > "$dir/sshd_$n.log" 2>&1 &
  done
  # each sshd answers, and each host reaches the other by name
  for n in 1 2; do
    local i
    for i in $(seq 50); do
      as_host "$n" ssh "$(hostname_of $((3 - n)))" true 2>/dev/null && break
      [ "$i" = 50 ] && { echo "two-hosts: host $n cannot ssh to host $((3 - n))" >&2; cat "$dir"/sshd_*.log >&2; exit 1; }
      sleep 0.2
    done
  done
  echo "$(hostname_of 1) $(hostname_of 2)"
}

down() {
  local n pid
  for n in 1 2; do
    # every process in the namespace: sshd, and whatever it started
    for pid in $(ip netns pids "$(ns "$n")" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns delete "$(ns "$n")" 2>/dev/null || true
  done
  rm -rf "$dir/home" "$dir/hosts" "$dir"/sshd_* "$dir"/host_key*
}

case "$cmd" in
  up) up ;;
  run) n=$1; shift; as_host "$n" bash -c "$*" ;;
  down) down ;;
  *) echo "usage: two-hosts.sh up|run|down DIR ..." >&2; exit 1 ;;
esac
