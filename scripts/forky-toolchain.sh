#!/usr/bin/env bash
# Builds (once) and caches a Debian forky root with OCaml 5, dune and the libraries the
# e2e tests compile against; then `forky-toolchain.sh run CMD...` runs CMD inside it.
# The mirror is read from this machine's own apt sources, never written down here.
#
# OCAML_SOURCES=DIR (or `setup --sources DIR`): a folder of upstream source archives for
# what Debian does not package (Jane Street v0.17: async, core_unix, rpc_parallel...;
# ocamlmpi and its patches), laid out as janestreet/*.tar.gz, ocamlmpi-*.tar.gz,
# patches/*.patch and a SHA256SUMS of them all. They are checked, built and installed
# into the chroot once; a stamp of their checksums rebuilds them when they change.
set -euo pipefail

# DEBIAN_SUITE=trixie or bullseye: the same for that Debian release, in a root of its own beside
# forky's, with the older OCaml and the libraries it packages (a second compiler for the e2e tests;
# the oldest one for the OCaml floors). forky stays the default, its root and stamp as they were.
SUITE="${DEBIAN_SUITE:-forky}"
case "$SUITE" in
  forky) # OCaml 5.4.1, dune 3.24.1
    ROOT="${FORKY_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/create-ocaml-parallel/forky}"
    PACKAGES=(ocaml ocaml-dune ocaml-findlib libeio-ocaml-dev libdomainslib-ocaml-dev
      liblwt-ocaml-dev libparmap-ocaml-dev libparany-ocaml-dev libluv-ocaml-dev ocamlformat opam gcc libc6-dev
      git nodejs openssh-server openssh-client autoconf # autoconf: parany's cpu needs it (opam's conf-autoconf)
      libctypes-ocaml-dev libffi-dev libmtime-ocaml-dev # the ctypes template (ctypes, ctypes.foreign, libffi)
      slurmctld slurmd slurm-client slurm-wlm-basic-plugins munge) ;; # a two-node Slurm for mpi and rpc-parallel
  trixie) # OCaml 5.3.0, dune 3.17.2, ocamlformat 0.27.0
    ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/create-ocaml-parallel/trixie"
    PACKAGES=(ocaml ocaml-dune ocaml-findlib liblwt-ocaml-dev libparmap-ocaml-dev libparany-ocaml-dev
      libluv-ocaml-dev ocamlformat gcc libc6-dev libctypes-ocaml-dev libffi-dev) ;;
  bullseye) # OCaml 4.11.1, dune 2.7.1; of the source folder, ocamlmpi only (with bullseye's Open MPI 4.1)
    ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/create-ocaml-parallel/bullseye"
    PACKAGES=(ocaml-nox ocaml-dune ocaml-findlib liblwt-ocaml-dev libparmap-ocaml-dev gcc libc6-dev
      libctypes-ocaml-dev libffi-dev) ;;
  *) echo "forky-toolchain: DEBIAN_SUITE is forky, trixie or bullseye, not $SUITE" >&2; exit 1 ;;
esac
# the rest of the Jane Street v0.17 closure, packaged by forky, and an MPI for ocamlmpi
SOURCE_PACKAGES=(libbase-ocaml-dev libbin-prot-ocaml-dev libfieldslib-ocaml-dev libjane-street-headers-ocaml-dev
  libjst-config-ocaml-dev libbase-quickcheck-ocaml-dev libocaml-intrinsics-kernel-ocaml-dev
  libparsexp-ocaml-dev libsexplib0-ocaml-dev libsexplib-ocaml-dev libspawn-ocaml-dev
  libsplittable-random-ocaml-dev libstdio-ocaml-dev libtime-now-ocaml-dev libtyperep-ocaml-dev
  libvariantslib-ocaml-dev libppx-assert-ocaml-dev libppx-base-ocaml-dev libppx-bench-ocaml-dev
  libppx-bin-prot-ocaml-dev libppx-cold-ocaml-dev libppx-compare-ocaml-dev
  libppx-custom-printf-ocaml-dev libppx-enumerate-ocaml-dev libppx-expect-ocaml-dev
  libppx-fields-conv-ocaml-dev libppx-globalize-ocaml-dev libppx-hash-ocaml-dev
  libppx-here-ocaml-dev libppx-inline-test-ocaml-dev libppx-js-style-ocaml-dev
  libppx-let-ocaml-dev libppx-optcomp-ocaml-dev libppx-sexp-conv-ocaml-dev
  libppx-sexp-message-ocaml-dev libppx-sexp-value-ocaml-dev libppx-stable-witness-ocaml-dev
  libppx-string-ocaml-dev libppx-variants-conv-ocaml-dev libppxlib-ocaml-dev
  libppxlib-jane-ocaml-dev libocaml-compiler-libs-ocaml-dev libre-ocaml-dev libnum-ocaml-dev
  libcstruct-ocaml-dev libuutf-ocaml-dev libdune-configurator-ocaml-dev
  libstdlib-shims-ocaml-dev libopenmpi-dev openmpi-bin make pkg-config patch
  libbackoff-ocaml-dev libmulticore-magic-ocaml-dev) # what picos needs beside moonpool/ of the folder
# what the source folder gives each suite: forky all of it, bullseye ocamlmpi alone, trixie nothing
SOURCE_LIBRARIES=(async core_unix.command_unix rpc_parallel rpc_parallel.unauthenticated ppx_jane mpi
  moonpool moonpool.forkjoin)
SOURCE_TEMPLATES="async, rpc-parallel, mpi and moonpool are"
if [ "$SUITE" = bullseye ]; then
  SOURCE_PACKAGES=(libopenmpi-dev openmpi-bin make pkg-config patch); SOURCE_LIBRARIES=(mpi); SOURCE_TEMPLATES="mpi is"
fi
STAMP="$ROOT/.create-ocaml-parallel-ready"
SOURCES_STAMP="$ROOT/.create-ocaml-parallel-sources"

mirror() {
  local m
  m=$( (cat /etc/apt/sources.list.d/*.sources 2>/dev/null || true) |
    awk '/^URIs:/ && $2 ~ /debian\/?$/ && $2 !~ /security/ {print $2; exit}')
  [ -n "$m" ] || m=$( (cat /etc/apt/sources.list 2>/dev/null || true) |
    awk '$1 == "deb" && $0 !~ /security/ {for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) {print $i; exit}}')
  [ -n "$m" ] || { echo "forky-toolchain: no Debian mirror found in the apt sources" >&2; exit 1; }
  echo "$m"
}

need_root() { [ "$(id -u)" = 0 ] || { echo "forky-toolchain: $1 needs root" >&2; exit 1; }; }

setup() {
  [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "${PACKAGES[*]}" ] && return 0
  need_root "building the chroot"
  command -v debootstrap >/dev/null || { apt-get update -qq && apt-get install -y -qq debootstrap; }
  local m; m=$(mirror)
  if [ ! -x "$ROOT/usr/bin/apt-get" ]; then
    rm -rf "$ROOT.tmp"; mkdir -p "$(dirname "$ROOT")"
    debootstrap --variant=minbase "$SUITE" "$ROOT.tmp" "$m" /usr/share/debootstrap/scripts/sid
    mv "$ROOT.tmp" "$ROOT"
  fi
  echo 'Acquire::Check-Valid-Until "false";' > "$ROOT/etc/apt/apt.conf.d/99no-check-valid-until"
  # packages (munge, slurm) must not start their daemons while installed: tests start them by pid
  printf '#!/bin/sh\nexit 101\n' > "$ROOT/usr/sbin/policy-rc.d" && chmod 755 "$ROOT/usr/sbin/policy-rc.d"
  run_in apt-get update -qq
  apt_install "${PACKAGES[@]}"
  echo "${PACKAGES[*]}" > "$STAMP"
}

apt_install() { run_in env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"; }

# The archives' own checksums and how they are built name what is there: same stamp, nothing to do.
SOURCES_RECIPE=2
sources_id() { { cat "$1/SHA256SUMS"; echo "${SOURCE_PACKAGES[*]} $SOURCES_RECIPE"; } | sha256sum | cut -d' ' -f1; }

sources() {
  local dir; dir=$(cd "$1" && pwd)
  [ -f "$dir/SHA256SUMS" ] || { echo "forky-toolchain: $dir has no SHA256SUMS: not a source folder" >&2; exit 1; }
  [ -f "$SOURCES_STAMP" ] && [ "$(cat "$SOURCES_STAMP")" = "$(sources_id "$dir")" ] && return 0
  need_root "building the source folder into the chroot"
  echo "forky-toolchain: checking and building $dir into the chroot (a few minutes, once)" >&2
  (cd "$dir" && sha256sum --check --quiet --strict SHA256SUMS) ||
    { echo "forky-toolchain: $dir/SHA256SUMS does not match its files" >&2; exit 1; }
  apt_install "${SOURCE_PACKAGES[@]}"
  # installed where Debian's own OCaml libraries are, so dune and ocamlfind find them with no OCAMLPATH
  local libdir; libdir=$(run_in ocamlc -where)
  local build=/usr/src/create-ocaml-parallel-sources
  rm -rf "$ROOT$build"; mkdir -p "$ROOT$build/janestreet"
  local names=() a
  for a in "$dir"/janestreet/*.tar.gz; do
    [ "$SUITE" = forky ] || break # Jane Street's v0.17 needs OCaml 5.1: forky only
    tar -xzf "$a" -C "$ROOT$build/janestreet"
    names+=("$(basename "$a" | sed -E 's/-v[0-9.]+\.tar\.gz$//')")
  done
  if [ ${#names[@]} -gt 0 ]; then
    echo '(lang dune 3.11)' > "$ROOT$build/janestreet/dune-workspace"
    local packages; packages=$(IFS=,; echo "${names[*]}")
    run_in bash -c "cd $build/janestreet && { dune build -p $packages @install > ../dune.log 2>&1 || { tail -40 ../dune.log; exit 1; }; } &&
      dune install -p $packages --prefix /usr/local --libdir $libdir > ../install.log 2>&1 || { tail -20 ../install.log; exit 1; }"
  fi
  # moonpool 0.11 and what forky lacks of its closure (picos 0.6, thread-local-storage, either):
  # only these packages, since picos' archive holds more (picos_io, picos_lwt...) than forky can build
  if [ "$SUITE" = forky ] && compgen -G "$dir/moonpool/*.tar.gz" >/dev/null; then
    mkdir -p "$ROOT$build/moonpool"
    for a in "$dir"/moonpool/*.tar.gz; do tar -xzf "$a" -C "$ROOT$build/moonpool"; done
    echo '(lang dune 3.14)' > "$ROOT$build/moonpool/dune-workspace"
    local only=picos,picos_aux,picos_std,thread-local-storage,either,moonpool
    run_in bash -c "cd $build/moonpool && { dune build --release --only-packages $only @install > ../moonpool.log 2>&1 || { tail -40 ../moonpool.log; exit 1; }; } &&
      dune install --release --only-packages $only --prefix /usr/local --libdir $libdir > ../moonpool-install.log 2>&1 || { tail -20 ../moonpool-install.log; exit 1; }"
  fi
  for a in "$dir"/ocamlmpi-*.tar.gz; do
    tar -xzf "$a" -C "$ROOT$build"
    local src; src="$build/$(basename "$a" .tar.gz)"
    for p in "$dir"/patches/"$(basename "$a" .tar.gz)"-*.patch; do
      [ -f "$p" ] && patch -s -d "$ROOT$src" -p1 < "$p"
    done
    run_in bash -c "cd $src && make -s all opt MPIINCDIR=\$(pkg-config --variable=includedir ompi) MPILIBDIR=\$(pkg-config --variable=libdir ompi) >/dev/null &&
      (ocamlfind remove -destdir $libdir mpi >/dev/null 2>&1 || true) && OCAMLFIND_DESTDIR=$libdir make -s install >/dev/null"
  done
  local missing=() lib
  for lib in "${SOURCE_LIBRARIES[@]}"; do
    run_in ocamlfind query "$lib" >/dev/null 2>&1 || missing+=("$lib")
  done
  [ ${#missing[@]} = 0 ] || { echo "forky-toolchain: built $dir, but these are still missing: ${missing[*]}" >&2; exit 1; }
  rm -rf "$ROOT$build"
  sources_id "$dir" > "$SOURCES_STAMP"
}

# Process-spawning libraries (parmap, eio's subprocesses, rpc_parallel) need a private /proc and a resolvable hostname.
# Each command also gets, in its own mount namespace (gone with it), a read-only sysfs and its own
# /tmp and /dev/shm: without sysfs, hwloc gives up its Linux discovery; and in a PID namespace of
# its own, every command's processes have the same small pids, which Open MPI and PMIx name their
# files in /tmp and /dev/shm after. Two commands running MPI at once (tests in parallel) then
# met each other's files: "PMIx server's listener thread failed to start", "topology discovery
# failed", or a launcher hung past SIGTERM, a few times in 160 runs of 4 at once.
# Commands run here as root, and Open MPI refuses root unless told; UCX warns where it finds
# no network device it can use. Neither changes what a program computes.
MPI_AS_ROOT=(OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 PRTE_ALLOW_RUN_AS_ROOT=1
  PRTE_ALLOW_RUN_AS_ROOT_CONFIRM=1 UCX_LOG_LEVEL=fatal HWLOC_HIDE_ERRORS=1)

run_in() {
  local h; h=$(hostname)
  grep -qw "$h" "$ROOT/etc/hosts" 2>/dev/null || printf '127.0.0.1 localhost %s\n' "$h" >> "$ROOT/etc/hosts"
  cp /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true
  unshare --mount --fork --pid --mount-proc="$ROOT/proc" \
    sh -c 'mkdir -p "$1/sys" "$1/tmp" "$1/dev/shm" && mount -t sysfs -o ro sysfs "$1/sys" &&
      mount -t tmpfs -o mode=1777 tmpfs "$1/tmp" && mount -t tmpfs -o mode=1777 tmpfs "$1/dev/shm" &&
      exec chroot "$@"' sh "$ROOT" env "${MPI_AS_ROOT[@]}" "$@"
}

# One setup at a time per root: tests, helpers and CI may call this at once, and a `run` waits
# while another process builds or rebuilds the root it would run in.
lock() { mkdir -p "$(dirname "$ROOT")"; exec 9>"$ROOT.lock"; flock 9; }

cmd="${1:-setup}"; [ $# -gt 0 ] && shift
case "$cmd" in
  setup)
    if [ "${1:-}" = --sources ]; then OCAML_SOURCES="${2:?--sources needs a folder}"; fi
    lock
    setup
    if [ "$SUITE" = trixie ]; then :
    elif [ -n "${OCAML_SOURCES:-}" ]; then sources "$OCAML_SOURCES"
    elif [ ! -f "$SOURCES_STAMP" ]; then
      echo "forky-toolchain: no source folder given (OCAML_SOURCES=DIR or --sources DIR): $SOURCE_TEMPLATES not built; their tests check what they can without the libraries" >&2
    fi ;;
  root) echo "$ROOT" ;;
  has-sources) [ -f "$SOURCES_STAMP" ] ;;
  mpi-env) echo "${MPI_AS_ROOT[*]}" ;;
  run) lock; setup; exec 9>&-; run_in "$@" ;;
  *) echo "usage: [DEBIAN_SUITE=forky|trixie|bullseye] forky-toolchain.sh [setup [--sources DIR]|root|has-sources|mpi-env|run CMD...]" >&2; exit 1 ;;
esac
