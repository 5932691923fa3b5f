#!/usr/bin/env bash
# A Debian bookworm base image made from Debian's packages (no container registry is reachable
# here), with what a self-contained .NET app needs: ICU and CA certificates, as in Microsoft's
# runtime-deps image. Kept in the local image store, so later runs reuse it.
# Usage: tests/container/debian-base.sh IMAGE
set -euo pipefail
image=${1:?usage: tests/container/debian-base.sh IMAGE}

if podman image exists "$image"; then
  echo "base image $image: cached"
  exit 0
fi

rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
echo "base image $image: debootstrap bookworm (about a minute or two)"
debootstrap --variant=minbase --include=ca-certificates,libicu72 bookworm "$rootfs" http://deb.debian.org/debian >"$rootfs.log" 2>&1 \
  || { cat "$rootfs.log"; rm -f "$rootfs.log"; exit 1; }
rm -f "$rootfs.log"
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
tar -C "$rootfs" -c . | podman import - "$image" >/dev/null
echo "base image $image: imported"
