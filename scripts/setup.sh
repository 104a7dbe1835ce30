#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# scripts/setup.sh [--no-build] [--werror]
#
# Everything dpdk-aoe needs on a fresh Debian 12, idempotent:
#   1. the Debian packages (apt-get only when one is missing; AOE_SKIP_APT=1 never calls apt),
#   2. 2 MiB hugepages (scripts/hugepages.sh; without them DPDK runs with --no-huge),
#   3. the build: meson setup (or reconfigure) + ninja in $AOE_BUILD_DIR (default build).
# --no-build stops after 1 and 2. Warnings are errors with --werror, AOE_WERROR=true or CI=true.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib/common.sh"

PACKAGES=(
	build-essential meson ninja-build pkg-config
	dpdk dpdk-dev libdpdk-dev libnuma-dev libbsd-dev libcriterion-dev
	vblade aoetools tshark iproute2 jq python3 python3-pyelftools util-linux procps
	shellcheck clang-format fdisk gdisk zlib1g-dev
	qemu-utils libnbd-bin python3-libnbd fio fuse3 e2fsprogs
)

build=1
werror=${AOE_WERROR:-}
[[ -z $werror && ${CI:-} == true ]] && werror=true
while (($# > 0)); do
	case $1 in
	--no-build) build=0 ;;
	--werror) werror=true ;;
	-h | --help) sed -n '4,11s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) aoe_die "unknown option '$1' (--no-build, --werror)" ;;
	esac
	shift
done
case ${werror:-false} in
true | false) ;;
*) aoe_die "AOE_WERROR must be true or false, not '$werror'" ;;
esac

missing_packages() {
	local p
	for p in "${PACKAGES[@]}"; do
		[[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null) == ii* ]] || echo "$p"
	done
}

install_packages() {
	local -a missing
	mapfile -t missing < <(missing_packages)
	if ((${#missing[@]} == 0)); then
		aoe_log "all ${#PACKAGES[@]} packages are installed"
		return 0
	fi
	if [[ ${AOE_SKIP_APT:-0} == 1 ]]; then
		aoe_warn "AOE_SKIP_APT=1 but missing: ${missing[*]}"
		return 0
	fi
	aoe_is_root || aoe_die "missing packages (${missing[*]}); run $0 as root to install them"
	aoe_log "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	# tshark asks whether non-root users may capture; answer no, without a prompt.
	echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
	apt-get -q update </dev/null
	apt-get -q install -y --no-install-recommends "${missing[@]}" </dev/null
	mapfile -t missing < <(missing_packages)
	((${#missing[@]} == 0)) || aoe_die "still missing after apt-get install: ${missing[*]}"
}

build_tree() {
	local dir
	dir=$(aoe_build_dir)
	cd "$AOE_ROOT"
	if [[ -f $dir/meson-private/coredata.dat ]]; then
		meson setup --reconfigure "$dir" -Dwerror="${werror:-false}"
	else
		meson setup "$dir" -Dwerror="${werror:-false}"
	fi
	ninja -C "$dir"
}

install_packages
"$AOE_ROOT/scripts/hugepages.sh" reserve
((build)) || exit 0
build_tree
