#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# "Check my application" with the receipt held to a 2D barcode scanner,
# through the real kiosk (headless, scripted). A citizen applies at an
# offline kiosk whose receipts point to the town hall's receipt page
# (receipt_url); zbar decodes the QR of the saved receipt PNG; the
# scanner then types that URL (and Enter) on "check my application": the
# protocol number is read from the signed token and the codice fiscale
# is asked for (scanning the health card shows the status). A scanner
# without Enter, lower case, a keyboard layout that garbles ':' and '/',
# and the bare token work too; an altered token, a receipt of another
# kiosk and a forged LOCAL one are refused with a plain message. Without
# receipt_url the offline kiosk prints no QR at all (no relative URL).
set -u
BIN=${DOTE_BIN:?}; TOP=${DOTE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
pass() { echo "PASS receipt_scan: $1"; }
flunk() { echo "FAIL receipt_scan: $1"; fail=1; }
for tool in zbarimg sqlite3; do
	command -v $tool >/dev/null || { echo "SKIP receipt_scan: $tool not installed"; exit 0; }
done
[ -x "$BIN/dote-kiosk" ] || { echo "SKIP receipt_scan: dote-kiosk not built"; exit 0; }
export DOTE_NOW=1772442000 DOTE_ASSETS="$TOP/assets" SDL_AUDIODRIVER=dummy	# 2026-03-02
O=${O:-build}; case "$O" in /*) ;; *) O="$TOP/$O" ;; esac
shots=$O/ui-shots/receipt_scan; rm -rf "$shots"; mkdir -p "$shots"

# kiosk NAME [conf lines...]: a kiosk with its own database and key.
kiosk() {
	local d=$tmp/$1; shift
	mkdir -p "$d/state" "$d/receipts"; : > "$d/printer.bin"
	"$BIN/dote" demo --db "$d/kiosk.db" --catalog-only --today 2026-03-02 >/dev/null || return 1
	sqlite3 -cmd ".timeout 5000" "$d/kiosk.db" < "$TOP/tests/ui/fixture.sql" || return 1
	{
		echo "comune = 015146"; echo "state_dir = $d/state"; echo "receipts_dir = $d/receipts"
		echo "printer_device = $d/printer.bin"; echo "languages = it,en"; echo "locale_dir = $O/locale"
		for l in "$@"; do echo "$l"; done
	} > "$d/kiosk.conf"
}
run() { # $1 = kiosk name, $2 = script file; output in $tmp/last.log
	"$BIN/dote-kiosk" --headless --config "$tmp/$1/kiosk.conf" --db "$tmp/$1/kiosk.db" --script "$2" \
		--shots "$shots" --size 1080x1920 > "$tmp/last.log" 2>&1
}
why() { grep -m1 FAIL "$tmp/last.log"; }
. "$TOP/tests/e2e/kiosk_apply.bash"
# apply CF SHOT: one application to UI-015146-001, up to the receipt.
apply() { kiosk_apply_script "$1" Lucia Verdi "$2"; }
CF=VRDLCU95A41F205U

# 1. Kiosk A applies; its receipt QR carries the receipt page's URL.
kiosk a "receipt_url = https://dote.comune.milano.it/" || { flunk "kiosk a set-up"; exit 1; }
{ apply $CF a-receipt; echo "expect receipt-qr"; } > "$tmp/apply.script"
run a "$tmp/apply.script" || { flunk "kiosk a: apply failed: $(why)"; exit 1; }
proto=$(sqlite3 -cmd ".timeout 5000" "$tmp/a/kiosk.db" "SELECT protocol FROM application")
url=$(zbarimg --raw -q "$tmp/a/receipts/$proto.png" 2>/dev/null | head -1)
if [[ "$url" == HTTPS://DOTE.COMUNE.MILANO.IT/R/* ]]; then
	pass "the receipt PNG's QR is the absolute receipt_url address"
else
	flunk "receipt PNG QR reads '$url'"; exit 1
fi
token=${url##*/}

nchecks=0
check() { # $1 = name, $2 = script text; runs it on kiosk A
	nchecks=$((nchecks + 1))
	printf '%s\n' "$2" > "$tmp/check$nchecks.script"
	if run a "$tmp/check$nchecks.script"; then pass "$1"; else flunk "$1: $(why)"; fi
}

# 2. The scanner types the URL and Enter on the check screen (nothing
# focused yet), then the health card's barcode.
check "scanned receipt URL fills the protocol and asks for the codice fiscale" "tap check-application
expect-screen status
scan $url
expect-field field:protocol $proto
expect check-receipt
expect-focus field:check_cf
expect-no-text HTTPS
shot scan-1-read
scan $CF
expect check-result
expect-text Stato: Ricevuta
expect-text Sportello Città dei Ragazzi
shot scan-2-status"

check "a receipt scanned on the home screen opens check my application" "expect-screen home
scan $url
expect-screen status
expect-field field:protocol $proto
expect-focus field:check_cf"

check "the receipt alone does not show the status" "tap check-application
scan $url
expect-field field:protocol $proto
expect-not check-result
tap check
expect-not check-result
expect-focus field:check_cf"

lower=$(tr 'A-Z' 'a-z' <<<"$url")
check "a scanner without Enter, in lower case, into the focused field" "tap check-application
tap field:protocol
type $lower
wait 400
expect-field field:protocol $proto
expect-focus field:check_cf
type $CF
expect check-result"

garbled=$(sed 's|://|..--|; s|/R/|-R-|' <<<"$url")
check "a keyboard layout that garbles ':' and '/' still reads" "tap check-application
scan $garbled
expect-field field:protocol $proto"

check "the bare token reads too" "tap check-application
scan $token
expect-field field:protocol $proto"

# 3. Refusals. One character of the token changed (mid-signature).
mid=$(( ${#token} - 20 ))
c=${token:$mid:1}; [ "$c" = A ] && r=B || r=A
altered=${url%/*}/${token:0:$mid}$r${token:$((mid + 1))}
check "an altered receipt is refused and shows nothing" "tap check-application
scan $altered
expect error:protocol
expect-text non è valido
expect-field field:protocol
expect-focus field:protocol
tap field:check_cf
type $CF
tap check
expect-not check-result
shot scan-3-altered"

check "a truncated receipt is refused" "tap check-application
scan ${url:0:$(( ${#url} - 30 ))}
expect error:protocol"

# Kiosk B, enrolled as K09: its genuine receipt is unknown to kiosk A.
kiosk b "receipt_url = https://dote.comune.milano.it" || { flunk "kiosk b set-up"; exit 1; }
printf 'expect-screen home\n' > "$tmp/boot.script"
run b "$tmp/boot.script"
printf 'id=K09\ncomune=015146\n' > "$tmp/b/state/identity"
apply $CF b-receipt > "$tmp/apply-b.script"
run b "$tmp/apply-b.script" || flunk "kiosk b: apply failed"
url_b=$(zbarimg --raw -q "$tmp/b/receipts/"DC-015146-K09-*.png 2>/dev/null | head -1)
[ -n "$url_b" ] || flunk "kiosk b receipt QR not read"
check "a receipt of another kiosk is refused with a plain message" "tap check-application
scan $url_b
expect error:protocol
expect-text da un altro chiosco
expect-field field:protocol
shot scan-4-other-kiosk"

# Kiosk C, offline (LOCAL) with its own key: same kiosk id, other key.
kiosk c "receipt_url = https://dote.comune.milano.it" || { flunk "kiosk c set-up"; exit 1; }
apply $CF c-receipt > "$tmp/apply-c.script"
run c "$tmp/apply-c.script" || flunk "kiosk c: apply failed"
url_c=$(zbarimg --raw -q "$tmp/c/receipts/$proto.png" 2>/dev/null | head -1)
if [ -n "$url_c" ] && [ "$url_c" != "$url" ]; then
	check "a LOCAL receipt signed by another key is refused" "tap check-application
scan $url_c
expect error:protocol
expect-not check-receipt"
else
	flunk "kiosk c receipt QR '$url_c'"
fi

# 4. An offline kiosk without receipt_url: no QR anywhere, the protocol
# number and a sentence instead; printed receipt without raster image.
kiosk d || { flunk "kiosk d set-up"; exit 1; }
{ apply $CF d-receipt; printf 'expect-not receipt-qr\nexpect-text %s\nexpect-text Fotografa o annota\ntap print\nwait 1500\n' "$proto"; } > "$tmp/apply-d.script"
if run d "$tmp/apply-d.script"; then pass "offline kiosk without receipt_url: receipt screen without QR"; else
	flunk "offline receipt screen: $(why)"; fi
if [ -s "$tmp/d/receipts/$proto.png" ]; then
	zbarimg -q "$tmp/d/receipts/$proto.png" >/dev/null 2>&1; rc=$?
	[ $rc -eq 4 ] && pass "its receipt PNG has no QR code" || flunk "receipt PNG: zbarimg exit $rc (4 = no code)"
else
	flunk "offline receipt PNG not saved"
fi
if [ -s "$tmp/d/printer.bin" ]; then
	# Its text is printed as raster images too: no QR code in them.
	"$BIN/dote" receipt render-escpos "$tmp/d/printer.bin" "$tmp/d/printed.png" >/dev/null 2>&1
	zbarimg -q "$tmp/d/printed.png" >/dev/null 2>&1; rc=$?
	grep -qa "$proto" "$tmp/d/printer.bin" && [ -s "$tmp/d/printed.png" ] && [ $rc -eq 4 ] &&
		pass "its printed receipt has the protocol and no QR code" || flunk "printed offline receipt (zbarimg exit $rc)"
else
	flunk "offline receipt not printed"
fi
cp "$tmp/d/receipts/$proto.png" "$shots/offline-receipt.png" 2>/dev/null
cp "$tmp/a/receipts/$proto.png" "$shots/receipt.png" 2>/dev/null
exit $fail
