#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The AoE test bed: vblade targets in a network namespace at one end of a veth pair; the other
# end stays in the root namespace for DPDK's af_packet PMD
# (--no-pci --vdev net_af_packet0,iface=IFACE).
# Run as root. See usage() for the commands and options.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib/common.sh"

DEFAULT_TARGETS="1.1:64M,1.2:8M+512"
LBA48_TARGET="2.1:3T"

usage() {
	cat <<EOF
usage: ${0##*/} COMMAND [options]

commands:
  up                 create the namespace, veth pair, backing files and vblade targets
                     (again with the same options: checks it and restarts killed targets)
  down               stop the recorded vblades, delete the veth, namespace and backing files
  status             key=value lines; exit 0 up, 1 partly up, 3 not up
  env                shell exports for eval: AOE_TB_IFACE AOE_TB_NS AOE_TB_DIR AOE_TB_TARGETS ...
  pause SHELF.SLOT   SIGSTOP that target's vblade (it stops answering)
  resume SHELF.SLOT  SIGCONT it
  kill SHELF.SLOT    stop it for good (until start)
  start SHELF.SLOT   start a killed target again on the same backing file

options:
  --name NAME        test bed name, 1-12 of [A-Za-z0-9_], starting with a letter (default aoetb);
                     namespace NAME-ns, veth NAME-h (root side) / NAME-t, state in /tmp/aoetb-NAME
  --targets SPEC     SHELF.SLOT:SIZE[,...]; SIZE in bytes with optional K/M/G/T suffix and
                     "+N" terms, a multiple of 512 (default $DEFAULT_TARGETS:
                     the second has an odd sector count)
  --lba48            add $LBA48_TARGET, a sparse target past the LBA28 limit
  --mtu N            MTU of both veth ends, 576-9216 (default 1500)
  --dir DIR          where the backing files go (default the state directory)
  --vblade-args ARGS extra vblade options for every target, e.g. "-b 64"
EOF
}

NAME=aoetb
TARGETS=""
LBA48=0
MTU=1500
BDIR=""
VARGS=""
POSITIONAL=()

# ---- argument checks (before anything is created) ---------------------------------------------

# Bytes of SIZE: N, N[KMGT], and sums of those with "+".
parse_size() {
	local spec=$1 term total=0 n mult
	[[ $spec =~ ^[0-9]+[KMGT]?(\+[0-9]+[KMGT]?)*$ ]] || return 1
	local IFS=+
	for term in $spec; do
		n=${term%[KMGT]}
		case $term in
		*K) mult=$((1 << 10)) ;;
		*M) mult=$((1 << 20)) ;;
		*G) mult=$((1 << 30)) ;;
		*T) mult=$((1 << 40)) ;;
		*) mult=1 ;;
		esac
		((${#n} <= 15)) || return 1
		total=$((total + 10#$n * mult))
	done
	echo "$total"
}

# Sets PARSED to "S.L:BYTES ..." or dies with what was wrong.
PARSED=""
parse_targets() {
	local spec=$1 item addr size bytes shelf slot seen=" "
	[[ -n $spec ]] || aoe_die "--targets: empty target list"
	local -a items
	IFS=, read -ra items <<<"$spec"
	for item in "${items[@]}"; do
		if [[ ! $item =~ ^([0-9]+)\.([0-9]+):(.+)$ ]]; then
			aoe_die "--targets: '$item' is not SHELF.SLOT:SIZE (e.g. 1.1:64M or 1.2:8M+512)"
		fi
		shelf=$((10#${BASH_REMATCH[1]})) slot=$((10#${BASH_REMATCH[2]})) size=${BASH_REMATCH[3]}
		((shelf <= 65534)) || aoe_die "--targets: shelf $shelf out of range 0-65534 in '$item'"
		((slot <= 254)) || aoe_die "--targets: slot $slot out of range 0-254 in '$item'"
		addr=$shelf.$slot
		[[ $seen != *" $addr "* ]] || aoe_die "--targets: $addr is given twice"
		seen+="$addr "
		bytes=$(parse_size "$size") ||
			aoe_die "--targets: size '$size' of $addr is not N[K|M|G|T](+N...) bytes"
		((bytes > 0 && bytes % 512 == 0)) ||
			aoe_die "--targets: size of $addr is $bytes bytes, not a positive multiple of 512"
		PARSED+="${PARSED:+ }$addr:$bytes"
	done
}

parse_args() {
	while (($# > 0)); do
		case $1 in
		--name) NAME=${2:?--name needs a value}; shift ;;
		--name=*) NAME=${1#*=} ;;
		--targets) TARGETS=${2:?--targets needs a value}; shift ;;
		--targets=*) TARGETS=${1#*=} ;;
		--lba48) LBA48=1 ;;
		--mtu) MTU=${2:?--mtu needs a value}; shift ;;
		--mtu=*) MTU=${1#*=} ;;
		--dir) BDIR=${2:?--dir needs a value}; shift ;;
		--dir=*) BDIR=${1#*=} ;;
		--vblade-args) VARGS=${2?--vblade-args needs a value}; shift ;;
		--vblade-args=*) VARGS=${1#*=} ;;
		-h | --help) usage; exit 0 ;;
		-*) aoe_die "unknown option '$1' (see --help)" ;;
		*) POSITIONAL+=("$1") ;;
		esac
		shift
	done
	[[ $NAME =~ ^[A-Za-z][A-Za-z0-9_]{0,11}$ ]] ||
		aoe_die "--name '$NAME': use 1-12 of [A-Za-z0-9_], starting with a letter"
	if [[ ! $MTU =~ ^[0-9]+$ ]] || ((MTU < 576 || MTU > 9216)); then
		aoe_die "--mtu '$MTU': use a number from 576 to 9216"
	fi
	NS=$NAME-ns
	IFACE=$NAME-h
	PEER=$NAME-t
	STATE=/tmp/aoetb-$NAME
}

# ---- state ------------------------------------------------------------------------------------
# $STATE/config         the options the bed was made with (compared on a second "up")
# $STATE/created        one line per thing made, in order: ns NAME | veth IFACE | file PATH |
#                       dir PATH; "down" and the failure trap undo exactly these
# $STATE/S.L.pid        the vblade's PID; S.L.killed while stopped by "kill"; S.L.log its output

record() { echo "$*" >>"$STATE/created"; }

ns_exists() { [[ -e /run/netns/$1 ]]; }
link_exists() { ip link show dev "$1" >/dev/null 2>&1; }

# Fetch a config value.
cfg() { sed -n "s/^$1=//p" "$STATE/config" 2>/dev/null; }

# PID from a pid file when it is still our vblade: the same program, serving our backing file
# (guards against the PID having been reused by something else).
vblade_pid() {
	local addr=$1 pid file
	pid=$(cat "$STATE/$addr.pid" 2>/dev/null) || return 1
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	aoe_proc_state "$pid" >/dev/null || return 1
	[[ $(cat "/proc/$pid/comm" 2>/dev/null) == vblade ]] || return 1
	file=$(target_file "$addr")
	tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qxF -- "$file" || return 1
	echo "$pid"
}

target_file() { echo "$(cfg dir)/$NAME-e$1.img"; }

stop_pid() {
	local pid=$1 i
	kill -TERM "$pid" 2>/dev/null || true
	kill -CONT "$pid" 2>/dev/null || true
	for ((i = 0; i < 50; i++)); do
		aoe_proc_state "$pid" >/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	for ((i = 0; i < 20; i++)); do
		aoe_proc_state "$pid" >/dev/null || return 0
		sleep 0.1
	done
	aoe_warn "vblade $pid did not exit"
	return 1
}

# Start the vblade for ADDR (S.L) inside the namespace and wait until it answers.
start_target() {
	local addr=$1 file pid
	local -a extra=()
	file=$(target_file "$addr")
	[[ -n $(cfg vblade_args) ]] && read -ra extra <<<"$(cfg vblade_args)"
	# ip netns exec execs vblade in place, so $! is vblade's own PID.
	ip netns exec "$NS" vblade "${extra[@]}" "${addr%.*}" "${addr#*.}" "$PEER" "$file" \
		</dev/null >>"$STATE/$addr.log" 2>&1 9>&- &
	pid=$!
	echo "$pid" >"$STATE/$addr.pid"
	rm -f "$STATE/$addr.killed"
	local i
	for ((i = 0; i < 10; i++)); do
		aoe_probe "$IFACE" "${addr%.*}" "${addr#*.}" -t 0.5 >/dev/null 2>&1 && return 0
		aoe_proc_state "$pid" >/dev/null || break
	done
	aoe_warn "vblade for e$addr (pid $pid) did not answer a query config; its log:"
	sed 's/^/    /' "$STATE/$addr.log" >&2 || true
	return 1
}

# Undo what $STATE/created lists, newest first. Used by "down" and by a failed "up".
teardown() {
	local kind what addr pid
	[[ -d $STATE ]] || return 0
	for addr in $(cfg targets); do
		addr=${addr%%:*}
		if pid=$(vblade_pid "$addr"); then
			stop_pid "$pid" || true
		fi
	done
	if [[ -f $STATE/created ]]; then
		while read -r kind what; do
			case $kind in
			veth) ! link_exists "$what" || ip link del dev "$what" 2>/dev/null || true ;;
			ns) ! ns_exists "$what" || ip netns del "$what" || true ;;
			file) rm -f -- "$what" ;;
			dir) rmdir -- "$what" 2>/dev/null || true ;;
			esac
		done < <(tac "$STATE/created")
	fi
	rm -rf -- "$STATE"
}

# ---- commands ---------------------------------------------------------------------------------

wanted_config() {
	local spec=${TARGETS:-$DEFAULT_TARGETS}
	((LBA48)) && spec+=",$LBA48_TARGET"
	parse_targets "$spec"
	local dir=${BDIR:-$STATE}
	[[ $dir == /* ]] || dir=$PWD/$dir
	printf 'name=%s\nns=%s\niface=%s\npeer=%s\nmtu=%s\ndir=%s\ntargets=%s\nvblade_args=%s\n' \
		"$NAME" "$NS" "$IFACE" "$PEER" "$MTU" "$dir" "$PARSED" "$VARGS"
}

cmd_up() {
	local want addr bytes
	want=$(wanted_config)
	aoe_is_root || aoe_die "run as root (network namespaces and raw sockets need it)"
	local tool
	for tool in ip vblade python3 truncate flock; do
		command -v "$tool" >/dev/null || aoe_die "$tool is missing; run scripts/setup.sh"
	done

	if [[ -f $STATE/config ]]; then
		if [[ $(cat "$STATE/config") != "$want" ]]; then
			aoe_die "test bed $NAME is already up with other settings (see '${0##*/} status --name $NAME'); run '${0##*/} down --name $NAME' first"
		fi
		if ! ns_exists "$NS" || ! link_exists "$IFACE"; then
			aoe_die "test bed $NAME is broken (namespace or veth gone); run '${0##*/} down --name $NAME' and up again"
		fi
		for addr in $(cfg targets); do
			addr=${addr%%:*}
			vblade_pid "$addr" >/dev/null || start_target "$addr"
		done
		cmd_status
		return 0
	fi
	# Names we would create but did not record: someone else's, or a crash's. Never touch them.
	ns_exists "$NS" && aoe_die "namespace $NS exists but test bed $NAME has no state in $STATE; not touching it (delete it yourself if it is a leftover: ip netns del $NS)"
	link_exists "$IFACE" && aoe_die "interface $IFACE exists but test bed $NAME has no state in $STATE; not touching it"

	[[ -e $STATE ]] && aoe_die "$STATE exists without a config; not touching it (remove it first)"

	# From here on, a failure undoes everything made so far.
	trap 'rc=$?; if ((rc != 0)); then aoe_warn "up failed; removing what was created"; teardown; fi; exit $rc' EXIT
	trap 'exit 130' INT TERM HUP
	mkdir -m 0755 "$STATE"
	: >"$STATE/created"
	echo "$want" >"$STATE/config"
	local dir
	dir=$(cfg dir)
	if [[ ! -d $dir ]]; then
		mkdir -p "$dir"
		record dir "$dir"
	fi

	ip netns add "$NS"
	record ns "$NS"
	ip link add "$IFACE" mtu "$MTU" type veth peer name "$PEER" mtu "$MTU" netns "$NS"
	record veth "$IFACE"
	# No IPv6: link-local autoconf, DAD and router solicitations would be the only other frames
	# on the wire, and tests count frames.
	if [[ -d /proc/sys/net/ipv6 ]]; then
		sysctl -qw "net.ipv6.conf.$IFACE.disable_ipv6=1"
		ip netns exec "$NS" sysctl -qw "net.ipv6.conf.$PEER.disable_ipv6=1"
	fi
	ip -n "$NS" link set lo up
	ip -n "$NS" link set "$PEER" up
	ip link set "$IFACE" up

	for addr in $(cfg targets); do
		bytes=${addr#*:} addr=${addr%%:*}
		local file
		file=$(target_file "$addr")
		[[ -e $file ]] && aoe_die "backing file $file already exists; not overwriting it"
		record file "$file"
		truncate -s "$bytes" "$file"
	done
	for addr in $(cfg targets); do
		start_target "${addr%%:*}"
	done
	trap - EXIT INT TERM HUP
	cmd_status
}

cmd_down() {
	if [[ ! -d $STATE ]]; then
		aoe_log "test bed $NAME is not up"
		return 0
	fi
	aoe_is_root || aoe_die "run as root"
	teardown
	aoe_log "test bed $NAME is down"
}

target_state() {
	local addr=$1 pid st
	if pid=$(vblade_pid "$addr"); then
		st=$(aoe_proc_state "$pid") || st=gone
		[[ $st == T ]] && echo paused || echo running
	elif [[ -e $STATE/$addr.killed ]]; then
		echo killed
	else
		echo dead
	fi
}

# Exit 0 when up, 1 when partly there, 3 when not up.
cmd_status() {
	local addr pid t rc=0
	echo "name=$NAME"
	if [[ ! -f $STATE/config ]]; then
		echo "state=down"
		return 3
	fi
	if ns_exists "$NS" && link_exists "$IFACE"; then
		echo "state=up"
	else
		echo "state=broken"
		rc=1
	fi
	echo "ns=$NS"
	echo "iface=$IFACE"
	echo "peer=$PEER"
	echo "mtu=$(cfg mtu)"
	echo "dir=$(cfg dir)"
	echo "state_dir=$STATE"
	echo "targets=$(cfg targets)"
	for t in $(cfg targets); do
		addr=${t%%:*}
		pid=$(vblade_pid "$addr") || pid=""
		echo "target.$addr.bytes=${t#*:}"
		echo "target.$addr.sectors=$((${t#*:} / 512))"
		echo "target.$addr.file=$(target_file "$addr")"
		echo "target.$addr.pid=$pid"
		echo "target.$addr.state=$(target_state "$addr")"
	done
	return $rc
}

cmd_env() {
	[[ -f $STATE/config ]] || aoe_die "test bed $NAME is not up"
	local k
	for k in name ns iface peer mtu dir targets; do
		printf 'export AOE_TB_%s=%q\n' "${k^^}" "$(cfg "$k")"
	done
	printf 'export AOE_TB_STATE_DIR=%q\n' "$STATE"
}

# pause / resume / kill / start one target.
cmd_target() {
	local op=$1 addr=${2:-} pid
	[[ -n $addr ]] || aoe_die "$op needs a target, e.g. '$op 1.2'"
	addr=${addr#e}
	[[ -f $STATE/config ]] || aoe_die "test bed $NAME is not up"
	[[ " $(cfg targets) " == *" $addr:"* ]] ||
		aoe_die "no target $addr in test bed $NAME (it has: $(cfg targets | sed -E 's/:[0-9]+//g'))"
	aoe_is_root || aoe_die "run as root"
	case $op in
	pause | resume | kill)
		pid=$(vblade_pid "$addr") || aoe_die "target $addr is not running ($(target_state "$addr"))"
		case $op in
		pause) kill -STOP "$pid" ;;
		resume) kill -CONT "$pid" ;;
		kill)
			stop_pid "$pid"
			: >"$STATE/$addr.killed"
			;;
		esac
		;;
	start)
		if pid=$(vblade_pid "$addr"); then
			aoe_log "target $addr is already running (pid $pid)"
		else
			start_target "$addr"
		fi
		;;
	esac
	echo "target.$addr.state=$(target_state "$addr")"
}

main() {
	local cmd=${1:-}
	[[ -n $cmd ]] || { usage >&2; exit 2; }
	shift
	parse_args "$@"
	case $cmd in
	pause | resume | kill | start) ((${#POSITIONAL[@]} <= 1)) ;;
	*) ((${#POSITIONAL[@]} == 0)) ;;
	esac || aoe_die "unexpected argument(s): ${POSITIONAL[*]} (see --help)"
	case $cmd in
	up | down | pause | resume | kill | start)
		# One lock for all test beds, on this script itself, so that nothing is left behind.
		exec 9<"${BASH_SOURCE[0]}"
		flock -w 120 9 || aoe_die "another testbed.sh kept its lock for 2 minutes"
		;;
	esac
	case $cmd in
	up) cmd_up ;;
	down) cmd_down ;;
	status) cmd_status ;;
	env) cmd_env ;;
	pause | resume | kill | start) cmd_target "$cmd" "${POSITIONAL[0]:-}" ;;
	-h | --help | help) usage ;;
	*) aoe_die "unknown command '$cmd' (see --help)" ;;
	esac
}

main "$@"
