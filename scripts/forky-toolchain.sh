#!/usr/bin/env bash
# Builds (once) and caches a Debian forky root with OCaml 5, dune and the libraries the
# e2e tests compile against; then `forky-toolchain.sh run CMD...` runs CMD inside it.
# The mirror is read from this machine's own apt sources, never written down here.
set -euo pipefail

ROOT="${FORKY_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/create-ocaml-parallel/forky}"
PACKAGES=(ocaml ocaml-dune ocaml-findlib libeio-ocaml-dev libdomainslib-ocaml-dev
  liblwt-ocaml-dev libparmap-ocaml-dev libparany-ocaml-dev libluv-ocaml-dev ocamlformat opam gcc libc6-dev
  git nodejs)
STAMP="$ROOT/.create-ocaml-parallel-ready"

mirror() {
  local m
  m=$( (cat /etc/apt/sources.list.d/*.sources 2>/dev/null || true) |
    awk '/^URIs:/ && $2 ~ /debian\/?$/ && $2 !~ /security/ {print $2; exit}')
  [ -n "$m" ] || m=$( (cat /etc/apt/sources.list 2>/dev/null || true) |
    awk '$1 == "deb" && $0 !~ /security/ {for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) {print $i; exit}}')
  [ -n "$m" ] || { echo "forky-toolchain: no Debian mirror found in the apt sources" >&2; exit 1; }
  echo "$m"
}

setup() {
  [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "${PACKAGES[*]}" ] && return 0
  [ "$(id -u)" = 0 ] || { echo "forky-toolchain: building the chroot needs root" >&2; exit 1; }
  command -v debootstrap >/dev/null || { apt-get update -qq && apt-get install -y -qq debootstrap; }
  local m; m=$(mirror)
  if [ ! -x "$ROOT/usr/bin/apt-get" ]; then
    rm -rf "$ROOT.tmp"; mkdir -p "$(dirname "$ROOT")"
    debootstrap --variant=minbase forky "$ROOT.tmp" "$m" /usr/share/debootstrap/scripts/sid
    mv "$ROOT.tmp" "$ROOT"
  fi
  echo 'Acquire::Check-Valid-Until "false";' > "$ROOT/etc/apt/apt.conf.d/99no-check-valid-until"
  run_in apt-get update -qq
  run_in env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}"
  echo "${PACKAGES[*]}" > "$STAMP"
}

# Process-spawning libraries (parmap, eio's subprocesses) need a private /proc and a resolvable hostname.
run_in() {
  local h; h=$(hostname)
  grep -qw "$h" "$ROOT/etc/hosts" 2>/dev/null || printf '127.0.0.1 localhost %s\n' "$h" >> "$ROOT/etc/hosts"
  cp /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true
  unshare --mount --fork --pid --mount-proc="$ROOT/proc" chroot "$ROOT" "$@"
}

case "${1:-setup}" in
  setup) setup ;;
  root) echo "$ROOT" ;;
  run) shift; setup; run_in "$@" ;;
  *) echo "usage: forky-toolchain.sh [setup|root|run CMD...]" >&2; exit 1 ;;
esac
