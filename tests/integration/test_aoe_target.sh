#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Integration test of app/aoe-target. Stands up: a veth pair (one end in a network namespace
# made here), aoe-target on the root-side end through DPDK's af_packet PMD with a 16 MiB ram
# disk (e7.3) and a 1 GiB null disk (e7.4). From inside the namespace it talks to the target with
# aoetools (aoeping, aoecfg), with a raw-socket client (python3, embedded below) for what
# aoetools cannot send (reserve/release, MAC masks, bad versions, unknown commands), and checks
# every frame the target sent with tshark.
#
# usage: test_aoe_target.sh [path/to/aoe-target]    (as root)
#   default binary: $AOE_TARGET, else $AOE_BUILD_DIR (or $BUILD_DIR)/app/aoe-target/aoe-target,
#   else the newest build*/app/aoe-target/aoe-target in the repository.
set -u

REPO=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${1:-${AOE_TARGET:-}}
BDIR=${AOE_BUILD_DIR:-${BUILD_DIR:-}}
if [[ -z $BIN && -n $BDIR ]]; then
	BIN=$BDIR/app/aoe-target/aoe-target
fi
if [[ -z $BIN ]]; then
	BIN=$(ls -t "$REPO"/build*/app/aoe-target/aoe-target 2>/dev/null | head -n 1)
fi
if [[ -z $BIN || ! -x $BIN ]]; then
	echo "test_aoe_target: aoe-target binary not found (give its path as the first argument)" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
if [[ $(id -u) -ne 0 ]]; then
	echo "test_aoe_target: must run as root (network namespaces, veth, raw sockets)" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
for tool in aoeping aoecfg tshark python3 ip; do
	if ! command -v "$tool" >/dev/null; then
		echo "test_aoe_target: '$tool' is missing (Debian: aoetools, tshark, python3, iproute2)" >&2
		echo "0 passed, 1 failed"
		exit 1
	fi
done

PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok   - $*"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL - $*"; }
check() { # check NAME COMMAND...: pass when the command succeeds
	local name=$1
	shift
	if "$@"; then ok "$name"; else bad "$name"; fi
}

ID=$$
NS=aoetgt-$ID
VA=tgtA$ID		# root side, given to the target
VB=tgtB$ID		# namespace side, used by aoetools
TMP=$(mktemp -d /tmp/aoe-target-test.XXXXXX)
TGT_PID=
CAP_PID=

cleanup() {
	if [[ -n $CAP_PID ]] && kill -0 "$CAP_PID" 2>/dev/null; then
		kill "$CAP_PID" 2>/dev/null
		wait "$CAP_PID" 2>/dev/null
	fi
	if [[ -n $TGT_PID ]] && kill -0 "$TGT_PID" 2>/dev/null; then
		kill -TERM "$TGT_PID" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$TGT_PID" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$TGT_PID" 2>/dev/null
		wait "$TGT_PID" 2>/dev/null
	fi
	ip link del "$VA" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf "$TMP" "/var/run/dpdk/aoe-target-test-$ID"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

in_ns() { ip netns exec "$NS" "$@"; }

ip netns add "$NS" || { echo "cannot create netns $NS"; echo "0 passed, 1 failed"; exit 1; }
ip link add "$VA" type veth peer name "$VB" &&
	ip link set "$VB" netns "$NS" &&
	ip link set "$VA" up &&
	in_ns ip link set lo up &&
	in_ns ip link set "$VB" up ||
	{ echo "cannot create veth pair"; echo "0 passed, 1 failed"; exit 1; }
# No IPv6 chatter on the link: only AoE frames, easier to read in a capture.
sysctl -qw "net.ipv6.conf.$VA.disable_ipv6=1" 2>/dev/null
in_ns sysctl -qw "net.ipv6.conf.$VB.disable_ipv6=1" 2>/dev/null

# Capture on the namespace side from before the target starts, to see its announcements.
# Started without a subshell so that $! is tshark itself (ip netns exec execs it); stopped with
# SIGTERM, since background jobs of a script ignore SIGINT.
ip netns exec "$NS" tshark -i "$VB" -f 'ether proto 0x88a2' -w "$TMP/cap.pcapng" -q \
	>"$TMP/tshark.log" 2>&1 &
CAP_PID=$!
for _ in $(seq 100); do
	grep -q "Capturing on" "$TMP/tshark.log" 2>/dev/null && break
	sleep 0.1
done

# start_target LOG ARGS...: run aoe-target on $VA with ARGS after "--", wait until it serves.
start_target() {
	local log=$1
	shift
	"$BIN" --no-pci --file-prefix "aoe-target-test-$ID" --no-huge -m 512 \
		--vdev "net_af_packet0,iface=$VA,qpairs=1" -- "$@" >"$log" 2>&1 &
	TGT_PID=$!
	for _ in $(seq 300); do
		grep -q "aoe-target: serving" "$log" && return 0
		kill -0 "$TGT_PID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$log"
	return 1
}

# stop_target: SIGTERM, and the exit status of the target.
stop_target() {
	local rc=0
	kill -TERM "$TGT_PID"
	wait "$TGT_PID" || rc=$?
	TGT_PID=
	return $rc
}

if ! start_target "$TMP/target.log" --disk 7.3=ram:16M --disk 7.4=null:1G; then
	bad "aoe-target starts"
	echo "$PASS passed, $FAIL failed"
	exit 1
fi
ok "aoe-target starts"
TMAC=$(sed -n 's/^aoe-target: port 0 \([0-9A-Fa-f:]*\) .*/\1/p' "$TMP/target.log" |
	tr 'A-F' 'a-f')

# --- aoeping: config query and IDENTIFY ---------------------------------------------------
out=$(in_ns timeout 10 aoeping -v -s 5 7 3 "$VB" 2>&1)
check "aoeping finds e7.3 at the target's MAC" \
	grep -q "found e7.3 with mac ${TMAC//:/}" <<<"$out"

# IDENTIFY words 100-103 (bytes 200-207, little endian): the LBA48 capacity.
ident_sectors() { # shelf slot
	in_ns timeout 10 aoeping -i -s 5 "$1" "$2" "$VB" 2>/dev/null | awk '
		/^[0-9a-f][0-9a-f]( [0-9a-f][0-9a-f])* *$/ { for (i = 1; i <= NF; i++) b[n++] = $i }
		function hex(s) { return index(H, substr(s, 1, 1)) * 16 + index(H, substr(s, 2, 1)) - 17 }
		BEGIN { H = "0123456789abcdef" }
		END { if (n < 512) { print "short"; exit } v = 0
		      for (i = 207; i >= 200; i--) v = v * 256 + hex(b[i]); printf "%d\n", v }'
}
for d in "3 32768" "4 2097152"; do
	set -- $d
	got=$(ident_sectors 7 "$1")
	check "IDENTIFY e7.$1 reports $2 sectors (got $got)" test "$got" = "$2"
	out=$(in_ns timeout 10 aoeping -I -s 5 7 "$1" "$VB" 2>&1)
	check "IDENTIFY e7.$1 model is 'dpdk-aoe aoe-target'" \
		grep -Eq "^model: dpdk-aoe aoe-target *$" <<<"$out"
	check "IDENTIFY e7.$1 serial is e7.$1" grep -Eq "^serial_number: e7\.$1 *$" <<<"$out"
done

# --- aoecfg: the five config subcommands ----------------------------------------------------
cfg() { in_ns timeout 10 aoecfg -t 1 "$@" 7 3 "$VB" 2>&1; }
check "config string starts empty" test -z "$(cfg)"
check "set-if-empty on an empty string answers it" test "$(cfg -c set -s hello)" = hello
check "read returns the string set" test "$(cfg)" = hello
check "set-if-empty refuses when set (error 4)" test "$(cfg -c set -s other)" = '*badcfg*'
check "the refused set left the string alone" test "$(cfg)" = hello
check "test exact matches the exact string" test "$(cfg -c test -s hello)" = hello
check "test exact stays silent on a prefix" test -z "$(cfg -c test -s hell)"
check "test prefix matches a prefix" test "$(cfg -c prefix -s hel)" = hello
check "test prefix stays silent on a non-prefix" test -z "$(cfg -c prefix -s help)"
check "force set replaces the string" test "$(cfg -c fset -s world)" = world
check "read returns the forced string" test "$(cfg)" = world
out=$(in_ns timeout 10 aoecfg -t 1 0xffff 0xff "$VB" 2>&1 | sort)
check "broadcast query is answered by both disks" \
	test "$out" = "$(printf '7.3\tworld\n7.4\t')"
check "e7.4 kept its own (empty) config string" test -z "$(in_ns timeout 10 aoecfg -t 1 7 4 "$VB")"

# --- raw frames: what aoetools cannot send -----------------------------------------------------
cat >"$TMP/client.py" <<'PYEOF'
import socket, struct, sys, time

iface, tmac_s = sys.argv[1], sys.argv[2]
TMAC = bytes.fromhex(tmac_s.replace(':', ''))
ETH_P_AOE = 0x88A2
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_AOE))
s.bind((iface, ETH_P_AOE))
MY = s.getsockname()[4]
OTHER = bytes.fromhex('020000c0ffee')	# a forged second initiator
tagctr = [0x1000]
npass = nfail = 0

def result(name, cond, why=''):
	global npass, nfail
	if cond:
		npass += 1
		print('ok   - ' + name)
	else:
		nfail += 1
		print('FAIL - %s %s' % (name, why))

def send(shelf, slot, cmd, args=b'', ver=1, flags=0, src=None, dst=None):
	tagctr[0] += 1
	tag = tagctr[0]
	f = (dst or TMAC) + (src or MY) + struct.pack('!HBBHBBI', ETH_P_AOE, (ver << 4) | flags,
						      0, shelf, slot, cmd, tag) + args
	s.send(f)
	return tag

def recv(tag, timeout=0.5, want=1):
	"""Responses carrying @tag, until @want arrived or @timeout passed."""
	got = []
	end = time.time() + timeout
	while len(got) < want and time.time() < end:
		s.settimeout(max(0.01, end - time.time()))
		try:
			f = s.recv(65536)
		except socket.timeout:
			break
		if len(f) < 24 or not (f[14] & 0x08):
			continue
		if struct.unpack('!I', f[20:24])[0] == tag:
			got.append(f)
	return got

def hdr(f):
	verfl, err, shelf, slot, cmd, tag = struct.unpack('!BBHBBI', f[14:24])
	return dict(ver=verfl >> 4, flags=verfl & 0xf, err=err, shelf=shelf, slot=slot, cmd=cmd,
		    tag=tag, src=f[6:12], dst=f[0:6], len=len(f))

def ata(shelf, slot, cmd, lba=0, count=0, aflags=0, data=b'', src=None, want=1, timeout=0.5):
	lb = struct.pack('<Q', lba)[:6]
	t = send(shelf, slot, 0, struct.pack('!BBBB', aflags, 0, count, cmd) + lb + b'\0\0' + data,
		 src=src)
	return recv(t, timeout, want)

def ata_status(r):
	return (r[0][27], r[0][25]) if r and len(r[0]) >= 36 else None

def aoe_err(r):
	if not r:
		return None
	h = hdr(r[0])
	return h['err'] if h['flags'] & 0x04 else 0

MODE = sys.argv[3] if len(sys.argv) > 3 else 'full'

def identify_at(src=None):
	t0 = time.time()
	t = send(7, 3, 0, struct.pack('!BBBB', 0, 0, 1, 0xec) + b'\0' * 8, src=src)
	return t, t0

if MODE == 'dup-delay-silent':
	# dup=1, delay=20 ms, silent after 3 ATA answers for 1.5 s
	t, t0 = identify_at()
	r = recv(t, 1.0, 3)
	el = time.time() - t0
	result('dup=1: every answer comes twice', len(r) == 2, repr(len(r)))
	result('delay=20000: answers come no sooner than 20 ms', el >= 0.020, '%.4f s' % el)
	for i in range(2):
		t, _ = identify_at()
		recv(t, 1.0, 2)
	t, _ = identify_at()
	result('--silent-after 3: the 4th request gets no answer', recv(t, 0.5) == [])
	time.sleep(1.2)
	t, _ = identify_at()
	r = recv(t, 1.0, 2)
	result('--silent-for 1500: answers again afterwards', len(r) >= 1, repr(len(r)))
elif MODE == 'reorder':
	ta, _ = identify_at()
	tb, _ = identify_at()
	order = []
	end = time.time() + 1.0
	while len(order) < 2 and time.time() < end:
		s.settimeout(0.2)
		try:
			f = s.recv(65536)
		except socket.timeout:
			continue
		if len(f) >= 24 and f[14] & 0x08:
			order.append(struct.unpack('!I', f[20:24])[0])
	result('reorder=100%: the second answer overtakes the first', order == [tb, ta],
	       repr(order))
	tc, _ = identify_at()
	r = recv(tc, 0.5)
	result('reorder: a lone held answer still goes out after a while', len(r) == 1)
elif MODE == 'drop':
	t, _ = identify_at()
	result('drop=1: no answer', recv(t, 0.5) == [])
	t = send(7, 3, 1, b'\0' * 8)
	result('drop=1: not even to a config query', recv(t, 0.5) == [])
elif MODE == 'corrupt':
	# corrupt=1 flips one bit of the data or of the tag in every answer: compare with what
	# was written before corruption could matter (writes are answered, corrupted, too)
	pat1 = bytes((i * 13 + 1) & 0xff for i in range(512))
	send(7, 3, 0, struct.pack('!BBBB', 0x41, 0, 1, 0x34) + b'\0' * 8 + pat1)
	# Drain the write's answer, whatever its tag became, so reads pair with their answers.
	s.settimeout(0.3)
	try:
		while True:
			s.recv(65536)
	except socket.timeout:
		pass
	bad = 0
	for i in range(20):
		t = send(7, 3, 0, struct.pack('!BBBB', 0x40, 0, 1, 0x24) + b'\0' * 8)
		end = time.time() + 0.3
		f = None
		while time.time() < end:
			s.settimeout(0.1)
			try:
				g = s.recv(65536)
			except socket.timeout:
				continue
			if len(g) >= 36 and g[14] & 0x08 and g[19] == 0:
				f = g
				break
		if f is None:
			continue
		tag_bad = struct.unpack('!I', f[20:24])[0] != t
		data_bad = f[36:36 + 512] != pat1
		if tag_bad != data_bad:	# exactly one of the two is damaged
			bad += 1
		else:
			print('corrupt: answer %d: tag %x, sent %x, %d bytes' % (i,
			      struct.unpack('!I', f[20:24])[0], t, len(f)))
	result('corrupt=1: every answer has its tag or its data damaged (%d/20)' % bad, bad == 20)
if MODE != 'full':
	print('client: %d passed, %d failed' % (npass, nfail))
	sys.exit(1 if nfail else 0)

# Reads and writes on the ram disk e7.3, LBA48 and LBA28 forms.
pat = bytes((i * 7 + 3) & 0xff for i in range(1024))
r = ata(7, 3, 0x34, lba=100, count=2, aflags=0x41, data=pat)
result('WRITE SECTORS EXT 2 sectors succeeds', ata_status(r) == (0x40, 0), repr(ata_status(r)))
r = ata(7, 3, 0x24, lba=100, count=2, aflags=0x40)
result('READ SECTORS EXT reads the data back', r and r[0][36:36 + 1024] == pat)
r = ata(7, 3, 0x20, lba=101 | (0xe0 << 24), count=1)
result('READ SECTORS (LBA28, device bits set) reads the same data',
       r and r[0][27] == 0x40 and r[0][36:36 + 512] == pat[512:])
r = ata(7, 3, 0x30, lba=200 | (0xe0 << 24), count=1, aflags=0x01, data=pat[:512])
r2 = ata(7, 3, 0x24, lba=200, count=1, aflags=0x40)
result('WRITE SECTORS (LBA28) lands at the stripped LBA',
       ata_status(r) == (0x40, 0) and r2 and r2[0][36:36 + 512] == pat[:512])
if r:
	h = hdr(r[0])
	result('ATA response echoes shelf, slot, command, tag and comes from the target',
	       h['shelf'] == 7 and h['slot'] == 3 and h['cmd'] == 0 and h['src'] == TMAC and
	       h['dst'] == MY and h['ver'] == 1 and h['len'] >= 60, repr(h))
r = ata(7, 3, 0x24, lba=32767, count=2, aflags=0x40)
result('read past the end: ATA ERR with IDNF', ata_status(r) == (0x41, 0x10), repr(ata_status(r)))
r = ata(7, 3, 0x99)
result('unknown ATA command: ATA ERR with ABRT', ata_status(r) == (0x41, 0x04),
       repr(ata_status(r)))
r = ata(7, 3, 0x34, lba=0, count=2, aflags=0x41, data=pat[:512])
result('short write data: AoE error 2', aoe_err(r) == 2, repr(aoe_err(r)))
r = ata(7, 3, 0xea)
result('FLUSH CACHE EXT succeeds', ata_status(r) == (0x40, 0), repr(ata_status(r)))
r = ata(7, 3, 0xe7)
result('FLUSH CACHE succeeds', ata_status(r) == (0x40, 0), repr(ata_status(r)))
r = ata(7, 3, 0xe5)
result('CHECK POWER MODE answers active (0xff)', r and r[0][27] == 0x40 and r[0][26] == 0xff)
r = ata(7, 4, 0x24, lba=2097152 - 2, count=2, aflags=0x40)
result('null disk answers a read of its last sectors', ata_status(r) == (0x40, 0) and
       len(r[0]) >= 36 + 1024)
r = ata(7, 4, 0x34, lba=5, count=2, aflags=0x41, data=pat)
result('null disk accepts a write', ata_status(r) == (0x40, 0))
r = ata(7, 3, 0x24, lba=0, count=3, aflags=0x40)
result('more sectors than the config allows: AoE error 2', aoe_err(r) == 2, repr(aoe_err(r)))

# Protocol errors.
t = send(7, 3, 0x42)
r = recv(t)
result('unknown AoE command: error 1', aoe_err(r) == 1, repr(aoe_err(r)))
t = send(7, 3, 1, b'\0' * 8, ver=2)
r = recv(t)
result('AoE version 2: error 5', aoe_err(r) == 5 and hdr(r[0])['ver'] == 1, repr(aoe_err(r)))
t = send(7, 3, 1, b'\0' * 8, flags=0x08)
result('a frame with the response flag is ignored', recv(t) == [])
t = send(9, 9, 1, b'\0' * 8)
result('an address with no disk is ignored', recv(t) == [])
t = send(0xffff, 0xff, 1, b'\0' * 8, dst=b'\xff' * 6)
r = recv(t, 1.0, 2)
result('broadcast query: one answer per disk',
       sorted((hdr(f)['shelf'], hdr(f)['slot']) for f in r) == [(7, 3), (7, 4)])
if r:
	f = r[0]
	bufcnt, fw, sc, vc, slen = struct.unpack('!HHBBH', f[24:32])
	result('config answer: bufcnt 256, 2 sectors, AoE version 1',
	       bufcnt == 256 and sc == 2 and vc >> 4 == 1, repr((bufcnt, sc, vc)))

# Reserve/release.
def res(rcmd, macs, src=None):
	t = send(7, 3, 3, bytes([rcmd, len(macs)]) + b''.join(macs), src=src)
	return recv(t)

def res_list(r):
	f = r[0]
	n = f[25]
	return [f[26 + 6 * i:32 + 6 * i] for i in range(n)]

r = res(0, [])
result('reserve list starts empty', r and aoe_err(r) == 0 and res_list(r) == [])
r = res(1, [MY])
result('reserve set with our MAC', r and aoe_err(r) == 0 and res_list(r) == [MY])
r = ata(7, 3, 0xec, count=1, src=OTHER)
result('reserved target answers another initiator with error 6', aoe_err(r) == 6,
       repr(aoe_err(r)))
r = ata(7, 3, 0xec, count=1)
result('reserved target serves its holder', ata_status(r) == (0x40, 0))
r = res(1, [OTHER], src=OTHER)
result('reserve set by a non-holder: error 6', aoe_err(r) == 6, repr(aoe_err(r)))
r = res(2, [OTHER], src=OTHER)
result('reserve force set takes it over', r and aoe_err(r) == 0 and res_list(r) == [OTHER])
r = ata(7, 3, 0xec, count=1)
result('former holder now gets error 6', aoe_err(r) == 6, repr(aoe_err(r)))
r = res(1, [], src=OTHER)
result('holder releases with an empty set', r and aoe_err(r) == 0 and res_list(r) == [])
r = ata(7, 3, 0xec, count=1)
result('released target serves everyone', ata_status(r) == (0x40, 0))

# MAC mask list.
def mask(mcmd, dirs, src=None):
	body = bytes([0, mcmd, 0, len(dirs)]) + b''.join(bytes([0, d]) + m for d, m in dirs)
	t = send(7, 3, 2, body, src=src)
	return recv(t)

def mask_list(r):
	f = r[0]
	return f[26], [f[28 + 8 * i + 2:28 + 8 * i + 8] for i in range(f[27])]

r = mask(0, [])
result('mask list starts empty', r and mask_list(r) == (0, []))
r = mask(1, [(1, MY)])
result('mask edit adds our MAC', r and mask_list(r) == (0, [MY]))
r = ata(7, 3, 0xec, count=1, src=OTHER)
result('masked target ignores ATA from a MAC not listed', r == [])
r = ata(7, 3, 0xec, count=1)
result('masked target serves a listed MAC', ata_status(r) == (0x40, 0))
t = send(7, 3, 1, b'\0' * 8, src=OTHER)
result('masked target still answers config queries', len(recv(t)) == 1)
r = mask(1, [(7, OTHER)])
result('bad directive: merror 2', r and mask_list(r)[0] == 2, repr(r and mask_list(r)))
many = [(1, bytes([2, 0, 0, 0, i >> 8, i & 0xff])) for i in range(70)]
r = mask(1, many)
result('mask list full: merror 3', r and mask_list(r)[0] == 3 and len(mask_list(r)[1]) == 64,
       repr(r and (mask_list(r)[0], len(mask_list(r)[1]))))
r = mask(1, [(2, m) for _, m in many] + [(2, MY)])
result('mask edit deletes everything', r and mask_list(r) == (0, []))
r = ata(7, 3, 0xec, count=1, src=OTHER)
result('empty mask list serves everyone again', ata_status(r) == (0x40, 0))

print('client: %d passed, %d failed' % (npass, nfail))
sys.exit(1 if nfail else 0)
PYEOF
in_ns timeout 120 python3 "$TMP/client.py" "$VB" "$TMAC" >"$TMP/client.log" 2>&1
sed -n '/^\(ok\|FAIL\)/p' "$TMP/client.log"
cp_pass=$(grep -c '^ok ' "$TMP/client.log")
cp_fail=$(grep -c '^FAIL' "$TMP/client.log")
PASS=$((PASS + cp_pass))
FAIL=$((FAIL + cp_fail))
if ! grep -q '^client: ' "$TMP/client.log"; then
	bad "raw-frame client ran to the end"
	cat "$TMP/client.log"
fi

# --- silence: SIGUSR1 toggles it ---------------------------------------------------------------
ping_e73() { { in_ns timeout 5 aoeping -s 2 7 3 "$VB" >/dev/null 2>&1; } 2>/dev/null; }
kill -USR1 "$TGT_PID"
sleep 0.2
check "SIGUSR1 silences the target" eval '! ping_e73'
kill -USR1 "$TGT_PID"
sleep 0.2
check "a second SIGUSR1 brings it back" ping_e73

# --- the capture: every frame the target sent ----------------------------------------------------
sleep 0.5
kill -TERM "$CAP_PID"
wait "$CAP_PID" 2>/dev/null
CAP_PID=
tshark -r "$TMP/cap.pcapng" -T fields -E separator=' ' -e frame.len -e eth.src -e eth.dst \
	-e aoe.version -e aoe.response -e aoe.major -e aoe.minor -e aoe.cmd -e aoe.tag \
	>"$TMP/frames.txt" 2>"$TMP/tshark-read.log"
n_rsp=$(awk -v m="$TMAC" '$2 == m' "$TMP/frames.txt" | wc -l)
check "capture holds the target's responses ($n_rsp)" test "$n_rsp" -gt 50
short=$(awk -v m="$TMAC" '$2 == m && $1 < 60' "$TMP/frames.txt" | wc -l)
check "every response is at least 60 bytes ($short shorter)" test "$short" -eq 0
badf=$(awk -v m="$TMAC" '$2 == m && !($4 == 1 && ($5 == 1 || $5 == "True") && $6 == 7 &&
	($7 == 3 || $7 == 4))' "$TMP/frames.txt" | wc -l)
check "every response decodes as AoE v1, R set, from e7.3 or e7.4 ($badf not)" test "$badf" -eq 0
# Requests and responses pair up by tag; tags are echoed.
orphans=$(awk -v m="$TMAC" '
	$2 != m && $4 == 1 { req[$9] = 1 }
	$2 != m && $4 != 1 { other_version++ }	# the dissector stops at the version: no tag
	$2 == m && $3 != "ff:ff:ff:ff:ff:ff" && !($9 in req) { n++ }
	END { print (n > other_version ? n - other_version : 0) }' "$TMP/frames.txt")
check "every unicast response echoes a request's tag ($orphans do not)" test "$orphans" -eq 0
[[ $orphans -eq 0 ]] || cat "$TMP/frames.txt"
n_ann=$(awk -v m="$TMAC" '$2 == m && $3 == "ff:ff:ff:ff:ff:ff" && $8 == 1' "$TMP/frames.txt" |
	wc -l)
check "start-up announces one broadcast config response per disk ($n_ann)" test "$n_ann" -eq 2

# --- clean exit with counters ---------------------------------------------------------------------
rc=0
stop_target || rc=$?
check "SIGTERM: clean exit (status $rc)" test "$rc" -eq 0
check "counters are printed on exit" grep -q "aoe-target counters:" "$TMP/target.log"
check "counters saw ATA reads" grep -Eq "^  ata_read +[1-9]" "$TMP/target.log"
check "counters saw frames dropped in silence" grep -Eq "^  rx_silenced +[1-9]" "$TMP/target.log"
if [[ $FAIL -ne 0 ]]; then
	echo "--- target log ---"
	cat "$TMP/target.log"
fi

# --- fault injection: one target per fault set, driven by the raw client's fault modes ------------
# fault_run NAME MODE TARGET-ARGS...: start a target with ARGS, run the client in MODE, stop it.
fault_run() {
	local name=$1 mode=$2 log="$TMP/target-$1.log" rc=0
	shift 2
	if ! start_target "$log" --disk 7.3=ram:1M "$@"; then
		bad "aoe-target starts with $*"
		return
	fi
	in_ns timeout 60 python3 "$TMP/client.py" "$VB" "$TMAC" "$mode" >"$TMP/client-$name.log" 2>&1
	sed -n '/^\(ok\|FAIL\|corrupt:\)/p' "$TMP/client-$name.log"
	PASS=$((PASS + $(grep -c '^ok ' "$TMP/client-$name.log")))
	FAIL=$((FAIL + $(grep -c '^FAIL' "$TMP/client-$name.log")))
	grep -q '^client: ' "$TMP/client-$name.log" || { bad "client ran $mode"; cat "$TMP/client-$name.log"; }
	stop_target || rc=$?
	check "$name: clean exit (status $rc)" test "$rc" -eq 0
	for counter in "${FAULT_COUNTERS[@]}"; do
		check "$name: counter $counter is non-zero" grep -Eq "^  $counter +[1-9]" "$log"
	done
}
FAULT_COUNTERS=(fault_dup fault_delay silent_periods rx_silenced)
fault_run dup-delay-silent dup-delay-silent --fault dup=1,delay=20000 --silent-after 3 \
	--silent-for 1500 --seed 7
FAULT_COUNTERS=(fault_reorder)
fault_run reorder reorder --fault reorder=100%
FAULT_COUNTERS=(fault_drop)
fault_run drop drop --fault drop=1
FAULT_COUNTERS=(fault_corrupt)
fault_run corrupt corrupt --fault corrupt=1 --sectors 1

echo "$PASS passed, $FAIL failed"
[[ $FAIL -eq 0 ]]
