#!/usr/bin/env bash
# A two-node Slurm cluster on this machine, for the batch jobs of the distributed templates:
# the two test hosts of two-hosts.sh (their own namespaces and link-local network, so the
# two-host test can run beside it), slurmctld on host 1 and a slurmd on each, with a
# slurm.conf and an auth/slurm key made for the occasion in DIR. No cgroups: the chroot has no
# cgroup file system, and mounting one would write into this machine's own hierarchy, shared
# with everything else on it; processes are tracked through /proc, tasks not confined.
# The daemons run in the foreground under this script's control: their pids are in DIR/pids,
# their logs in DIR/logs.
# Both hosts share the chroot's files, /run included: the client commands authenticate through
# /run/slurm/sack.socket, which both slurmds serve, with the same key, so either one answers.
#
#   slurm-cluster.sh up DIR          DIR is inside the chroot; prints the two node names
#   slurm-cluster.sh run DIR N CMD   runs CMD (bash) on node N (1 or 2), SLURM_CONF set
#   slurm-cluster.sh stop DIR N      stops node N's slurmd (a node going down)
#   slurm-cluster.sh start DIR N     starts node N's slurmd again
#   slurm-cluster.sh down DIR        stops every daemon and removes the hosts (also after a failure)
set -euo pipefail

HOSTS="$(dirname "$0")/two-hosts.sh"
export TWO_HOSTS_PREFIX=copsl TWO_HOSTS_NETWORK=169.254.78
TOOLCHAIN="$(dirname "$0")/../../scripts/forky-toolchain.sh"
ROOT=$(bash "$TOOLCHAIN" root)
cmd=$1 dir=$2; shift 2
inside=${dir#"$ROOT"}

# Runs a bash script on node N with the cluster's configuration. In a subshell: bash would
# exec a last command in place, and `timeout` as the host's pid namespace's first process
# exits 125 at once, running nothing and printing nothing.
on() { local n=$1; shift; bash "$HOSTS" run "$dir" "$n" "export SLURM_CONF=$inside/etc/slurm.conf; ($*)"; }

# Starts a daemon on node N in the background, its output in DIR/logs/NAME.log; records the
# pid of the daemon itself (the child of two-hosts' unshare, whose pid is $!).
daemon() {
  local n=$1 name=$2; shift 2
  bash "$HOSTS" run "$dir" "$n" "exec $*" < /dev/null > "$dir/logs/$name.log" 2>&1 &
  local launcher=$! pid="" i
  for i in $(seq 100); do
    # two-hosts.sh → ip netns exec (unshare) → the daemon
    pid=$(pgrep -P "$(pgrep -P "$launcher" | head -1)" 2>/dev/null | head -1) || true
    [ -n "$pid" ] && break
    sleep 0.1
  done
  [ -n "$pid" ] || { echo "slurm-cluster: $name did not start" >&2; cat "$dir/logs/$name.log" >&2; exit 1; }
  echo "$pid" > "$dir/pids/$name"
}

# Stops a daemon by its pid: SIGTERM, then SIGKILL after 10 s.
stop_daemon() {
  local file="$dir/pids/$1" pid i
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$file"
}

up() {
  local names
  names=$(bash "$HOSTS" up "$dir")
  read -r node1 node2 <<< "$names"
  mkdir -p "$dir/etc" "$dir/logs" "$dir/pids" "$dir/state" "$dir/spool/$node1" "$dir/spool/$node2"
  head -c 1024 /dev/urandom > "$dir/etc/slurm.key"
  chmod 600 "$dir/etc/slurm.key"
  local cpus
  cpus=$(nproc)
  cat > "$dir/etc/slurm.conf" <<CONF
ClusterName=copsl
SlurmctldHost=$node1($TWO_HOSTS_NETWORK.1)
AuthType=auth/slurm
CredType=cred/slurm
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$inside/state
SlurmdSpoolDir=$inside/spool/%n
SlurmctldPidFile=$inside/pids/slurmctld.pid
SlurmdPidFile=$inside/pids/slurmd-%n.pid
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
MailProg=/bin/true
JobCompType=jobcomp/filetxt
JobCompLoc=$inside/state/jobcomp.txt
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
ReturnToService=2
SlurmdTimeout=30
KillWait=5
NodeName=$node1 NodeAddr=$TWO_HOSTS_NETWORK.1 CPUs=$cpus State=UNKNOWN
NodeName=$node2 NodeAddr=$TWO_HOSTS_NETWORK.2 CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
  # slurmd would otherwise look for the cgroup file system, absent here: "error: cgroup
  # filesystem not mounted in /sys/fs/cgroup/", "error: Unable to initialize cgroup plugin"
  echo CgroupPlugin=disabled > "$dir/etc/cgroup.conf"
  daemon 1 slurmctld slurmctld -D -f "$inside/etc/slurm.conf"
  start_node 1
  start_node 2
  # both nodes registered and idle, as sinfo shows them
  local i
  for i in $(seq 60); do
    [ "$(on 1 "timeout 10 sinfo -h -N -t idle -o %N 2>/dev/null" | wc -l)" = 2 ] && break
    [ "$i" = 60 ] && { echo "slurm-cluster: the nodes are not idle after 60 s" >&2; tail -n 20 "$dir"/logs/*.log >&2; exit 1; }
    sleep 1
  done
  echo "$node1 $node2"
}

start_node() { daemon "$1" "slurmd-$1" slurmd -D -f "$inside/etc/slurm.conf"; }

down() {
  local n
  for n in 1 2; do stop_daemon "slurmd-$n"; done
  stop_daemon slurmctld
  bash "$HOSTS" down "$dir"
}

case "$cmd" in
  up) up ;;
  run) n=$1; shift; on "$n" "$*" ;;
  stop) stop_daemon "slurmd-$1" ;;
  start) start_node "$1" ;;
  down) down ;;
  *) echo "usage: slurm-cluster.sh up|run|stop|start|down DIR ..." >&2; exit 1 ;;
esac
