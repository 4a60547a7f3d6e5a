#!/usr/bin/env bash
# The tools the tests need on this machine itself (Debian): git and tmux (the terminal
# tests), debootstrap (the toolchain chroots), Debian's own older OCaml 4.13 and dune 2.9
# (too old on purpose: the --build refusals and threads' floor), iproute2 (the two test
# hosts of the distributed templates) and Chromium (it renders the compare chart).
# Installed when missing and we are root; otherwise the tests that need them skip, saying why.
set -euo pipefail

missing=()
for tool in git tmux pgrep debootstrap ocamlc dune ip chromium; do command -v "$tool" >/dev/null || missing+=("$tool"); done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "host-packages: missing ${missing[*]} (install as root on Debian: git tmux procps debootstrap ocaml-nox ocaml-dune iproute2 chromium); the tests that need them are skipped" >&2
  exit 0
fi
echo "host-packages: installing what provides ${missing[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  git tmux procps debootstrap ocaml-nox ocaml-dune iproute2 chromium fonts-dejavu-core >/dev/null
