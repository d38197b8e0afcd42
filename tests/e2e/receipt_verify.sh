#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# Receipts end to end: applications submitted the kiosk's way
# (tests/tools/submit_loop.c) leave a receipt PNG and the printer's
# ESC/POS bytes; zbar reads the QR from the PNG and from the ESC/POS
# raster rendered back to an image; `dote receipt verify` accepts what it
# read against the hub database and a public-key file, and rejects
# tampered, truncated, unknown-kiosk, replayed-from-another-kiosk and
# revoked-kiosk payloads; the hub's /R/ and /r/ pages say the same.
set -u
BIN=${DOTE_BIN:?}; TOOLS=${DOTE_TESTS_BIN:-$BIN/../tests}
tmp=$(mktemp -d); hub_pid=
cleanup() { [ -n "$hub_pid" ] && kill "$hub_pid" 2>/dev/null && wait "$hub_pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail=0
pass() { echo "PASS receipt_verify: $1"; }
flunk() { echo "FAIL receipt_verify: $1"; fail=1; }
expect_rc() { # want name cmd...
	local want=$1 name=$2 out rc; shift 2
	out=$("$@" 2>&1); rc=$?
	[ "$rc" -eq "$want" ] && pass "$name" || flunk "$name: exit $rc, want $want: $out"
}

for tool in zbarimg sqlite3; do
	command -v $tool >/dev/null || { echo "SKIP receipt_verify: $tool not installed"; exit 0; }
done
[ -x "$TOOLS/submit_loop" ] || { flunk "$TOOLS/submit_loop not built"; exit 1; }

"$BIN/dote" demo --db "$tmp/kiosk.db" --catalog-only --hosts 5 >/dev/null || { flunk "kiosk catalog"; exit 1; }
cp "$tmp/kiosk.db" "$tmp/kiosk2.db"
"$BIN/dote" demo --db "$tmp/hub.db" --hosts 5 --applications 10 >/dev/null || { flunk "hub demo"; exit 1; }
HUB=http://127.0.0.1:8470
"$TOOLS/submit_loop" --db "$tmp/kiosk.db" --state "$tmp/k01" --kiosk K01 --count 3 \
	--receipts "$tmp/receipts" --hub "$HUB" > "$tmp/k01.out" || flunk "submit K01"
"$TOOLS/submit_loop" --db "$tmp/kiosk2.db" --state "$tmp/k02" --kiosk K02 --count 1 \
	--receipts "$tmp/receipts2" --hub "$HUB" > "$tmp/k02.out" || flunk "submit K02"
proto=$(awk 'NR==1{print $2}' "$tmp/k01.out")
proto2=$(awk 'NR==1{print $2}' "$tmp/k02.out")
[ -n "$proto" ] && [ -n "$proto2" ] || { flunk "no protocol printed"; exit 1; }
# The hub knows K01's public key (enrolment puts it there); K02 is not enrolled yet.
sqlite3 "$tmp/hub.db" "INSERT INTO kiosk(id, comune, public_key, status) VALUES ('K01', '015146', '$(tr -d '\n' < "$tmp/k01/key.pub")', 'active')"

# 1. The receipt PNG's QR.
png="$tmp/receipts/$proto.png"
[ -s "$png" ] && pass "receipt PNG written as <protocol>.png" || flunk "no $png"
url=$(zbarimg --raw -q "$png" 2>/dev/null | head -1)
[[ "$url" == "$HUB/R/"* ]] 2>/dev/null || [[ "$url" == "HTTP://127.0.0.1:8470/R/"* ]] \
	&& pass "zbar reads the receipt PNG: ${url:0:40}..." || flunk "zbar read '$url' from the PNG"
[[ "$url" =~ ^[0-9A-Z\ \$%*+./:-]+$ ]] && pass "QR payload is QR-alphanumeric" || flunk "payload not alphanumeric: $url"
expect_rc 0 "PNG payload verifies against the hub database" "$BIN/dote" receipt verify "$url" --db "$tmp/hub.db"
out=$("$BIN/dote" receipt verify "$url" --db "$tmp/hub.db")
grep -q "protocol:  $proto" <<<"$out" && pass "verify prints the protocol" || flunk "verify output: $out"
expect_rc 0 "PNG payload verifies with the public-key file" \
	"$BIN/dote" receipt verify "$url" --pubkey "$tmp/k01/key.pub" --kiosk K01

# 2. The printed receipt's QR, from the ESC/POS raster.
expect_rc 0 "render-escpos finds the raster" "$BIN/dote" receipt render-escpos "$tmp/receipts/$proto.bin" "$tmp/printed.png"
purl=$(zbarimg --raw -q "$tmp/printed.png" 2>/dev/null | head -1)
[ "$purl" = "$url" ] && pass "zbar reads the same payload from the ESC/POS raster" || flunk "ESC/POS QR read '$purl'"
expect_rc 0 "printed payload verifies" "$BIN/dote" receipt verify "$purl" --db "$tmp/hub.db"
expect_rc 1 "render-escpos: no raster in a text file" "$BIN/dote" receipt render-escpos "$tmp/k01.out" "$tmp/none.png"

# 3. Forgeries.
token=${url##*/}
tampered="${token:0:20}$( [ "${token:20:1}" = A ] && echo B || echo A )${token:21}"
expect_rc 1 "tampered payload rejected" "$BIN/dote" receipt verify "$HUB/R/$tampered" --db "$tmp/hub.db"
expect_rc 1 "truncated payload rejected" "$BIN/dote" receipt verify "${url:0:${#url}-7}" --db "$tmp/hub.db"
url2=$(zbarimg --raw -q "$tmp/receipts2/$proto2.png" 2>/dev/null | head -1)
out=$("$BIN/dote" receipt verify "$url2" --db "$tmp/hub.db"); rc=$?
[ $rc -eq 1 ] && grep -q "does not know" <<<"$out" && pass "unknown kiosk rejected" || flunk "unknown kiosk: exit $rc: $out"
expect_rc 1 "another kiosk's receipt rejected with K01's key" \
	"$BIN/dote" receipt verify "$url2" --pubkey "$tmp/k01/key.pub" --kiosk K01
# K02's receipt relabelled as K01's (same id length): the signature no longer matches.
if command -v python3 >/dev/null; then
	relabelled=$(python3 -c '
import base64, sys
t = sys.argv[1]; pad = "=" * (-len(t) % 8)
b = bytearray(base64.b32decode(t + pad))
assert b[2:5] == b"K02"; b[4] = ord("1")
print(base64.b32encode(bytes(b)).decode().rstrip("="))' "${url2##*/}")
	out=$("$BIN/dote" receipt verify "$HUB/R/$relabelled" --db "$tmp/hub.db"); rc=$?
	[ $rc -eq 1 ] && grep -q "altered" <<<"$out" && pass "receipt replayed from another kiosk rejected" \
		|| flunk "replayed: exit $rc: $out"
else
	echo "SKIP receipt_verify: replayed-from-another-kiosk needs python3 to relabel the token"
fi
expect_rc 1 "garbage rejected" "$BIN/dote" receipt verify "HTTPS://EXAMPLE.IT/R/NOT-A-RECEIPT" --db "$tmp/hub.db"
expect_rc 2 "usage error exits 2" "$BIN/dote" receipt verify "$url"

# 4. The hub's receipt page, upper- and lower-case path.
if "$BIN/dote-hub" --help >/dev/null 2>&1; then
	"$BIN/dote-hub" --db "$tmp/hub.db" --listen 127.0.0.1:0 --port-file "$tmp/port" --quiet \
		> "$tmp/hub.log" 2>&1 &
	hub_pid=$!
	for _ in $(seq 50); do [ -s "$tmp/port" ] && break; sleep 0.1; done
	port=$(cat "$tmp/port" 2>/dev/null)
	if [ -n "$port" ]; then
		page=$(curl -s "http://127.0.0.1:$port/R/$token")
		grep -q "$proto" <<<"$page" && grep -qi "autentica" <<<"$page" \
			&& pass "hub /R/ page shows the genuine receipt" || flunk "hub /R/ page: ${page:0:200}"
		lower=$(tr 'A-Z' 'a-z' <<<"$token")
		code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/r/$lower")
		[ "$code" = 200 ] && pass "hub /r/ page accepts a lower-cased token" || flunk "hub /r/ lower case: HTTP $code"
		code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/R/$tampered")
		[ "$code" = 404 ] && pass "hub page refuses a tampered token" || flunk "hub tampered: HTTP $code"
	else
		flunk "hub did not start: $(head -c 300 "$tmp/hub.log")"
	fi
else
	echo "SKIP receipt_verify: dote-hub not built"
fi

# 5. Once the application reached the hub, verify shows its status, and a
# record that disagrees with the receipt is refused.
# (by the kiosk's column names: the hub's table has columns of its own,
# such as the channel a paper application came by)
cols=$(sqlite3 "$tmp/kiosk.db" "SELECT group_concat(name, ',') FROM pragma_table_info('application')")
sqlite3 "$tmp/hub.db" "ATTACH '$tmp/kiosk.db' AS k;
	INSERT INTO main.application($cols) SELECT $cols FROM k.application WHERE protocol = '$proto';
	UPDATE main.application SET status = 'interview' WHERE protocol = '$proto'"
out=$("$BIN/dote" receipt verify "$url" --db "$tmp/hub.db" --json)
grep -q '"status":"interview"' <<<"$out" && pass "verify shows the application's status (JSON)" || flunk "status: $out"
sqlite3 "$tmp/hub.db" "UPDATE application SET kiosk_id = 'K09' WHERE protocol = '$proto'"
expect_rc 1 "receipt that disagrees with the hub's record rejected" "$BIN/dote" receipt verify "$url" --db "$tmp/hub.db"
sqlite3 "$tmp/hub.db" "UPDATE application SET kiosk_id = 'K01' WHERE protocol = '$proto'"

# 6. Revocation.
sqlite3 "$tmp/hub.db" "UPDATE kiosk SET status = 'revoked' WHERE id = 'K01'"
# A receipt the hub never stored is refused; the one it stored (verified
# while the key was valid) stays genuine, saying the kiosk was withdrawn.
proto_b=$(awk 'NR==2{print $2}' "$tmp/k01.out")
url_b=$(zbarimg --raw -q "$tmp/receipts/$proto_b.png" 2>/dev/null | head -1)
out=$("$BIN/dote" receipt verify "$url_b" --db "$tmp/hub.db"); rc=$?
[ -n "$url_b" ] && [ $rc -eq 1 ] && grep -q "revoked" <<<"$out" && pass "revoked kiosk's receipt rejected" || flunk "revoked: exit $rc: $out"
out=$("$BIN/dote" receipt verify "$url" --db "$tmp/hub.db"); rc=$?
[ $rc -eq 0 ] && grep -q "withdrawn later" <<<"$out" && pass "receipt stored before the revocation stays genuine" \
	|| flunk "stored before revocation: exit $rc: $out"
exit $fail
