#!/bin/sh
# Install the Debian packages kiln needs to build and test, if any are
# missing.  Runs apt-get only when something is missing, so a second run
# costs a dpkg query.
set -eu

packages="
  build-essential
  meson
  ninja-build
  pkg-config
  python3
  libglib2.0-dev
  libjson-glib-dev
  libfdt-dev
  device-tree-compiler
  libzmq3-dev
  libsystemc-dev
  verilator
  zlib1g-dev
  gcc-riscv64-unknown-elf
  picolibc-riscv64-unknown-elf
  opensbi
  u-boot-qemu
  qemu-system-misc
  gdb-multiarch
"

missing=""
for p in $packages; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
    echo "install-deps: missing packages:$missing (run as root, or install them)" >&2
    exit 1
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
