#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# deps.sh - install every build and test dependency of holt from Debian's
# archive, when it is missing.  Idempotent; prints nothing when all is there.
#
#   scripts/deps.sh          everything
#   scripts/deps.sh unit     only what the userspace unit tests need
set -euo pipefail

common=(build-essential make gcc clang pkg-config python3 libclang-rt-14-dev)
unit=()
bench=(liblmdb-dev librocksdb-dev libjudy-dev)
user=(libnl-3-dev libnl-genl-3-dev)
kernel=(linux-image-amd64 linux-headers-amd64 kmod bc flex bison libelf-dev libssl-dev)
vm=(qemu-system-x86 busybox-static cpio xz-utils)
kunit=(linux-source-6.1 bc flex bison xz-utils)

case "${1:-all}" in
unit)	want=("${common[@]}" "${unit[@]}") ;;
bench)	want=("${common[@]}" "${bench[@]}") ;;
user)	want=("${common[@]}" "${user[@]}") ;;
vm)	want=("${common[@]}" "${user[@]}" "${kernel[@]}" "${vm[@]}") ;;
kunit)	want=("${common[@]}" "${kunit[@]}") ;;
all)	want=("${common[@]}" "${unit[@]}" "${bench[@]}" "${user[@]}" \
	      "${kernel[@]}" "${vm[@]}" "${kunit[@]}") ;;
*)	echo "usage: $0 [unit|bench|user|vm|kunit|all]" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

# Deduplicate.
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
echo "deps: installing ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: need root to install packages" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
