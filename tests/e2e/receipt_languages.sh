#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# Receipts in the citizen's language through the real kiosk (headless,
# scripted): a citizen applies in Arabic, another in Ukrainian, one in
# Italian. For each, the saved receipt PNG and the printed ESC/POS (its
# GS v 0 rasters turned back into an image) carry the same QR code as
# the screen, decoded by zbar; the protocol number is printer text; the
# Arabic ones are mirrored: the ink of every line ends at the right
# margin (the Italian and Ukrainian ones start at the left). tests/unit/test_receipt_lang.c checks the
# shaping itself.
set -u
BIN=${DOTE_BIN:?}; TOP=${DOTE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass() { echo "PASS receipt_languages: $1"; }
flunk() { echo "FAIL receipt_languages: $1"; }
for tool in zbarimg sqlite3 python3; do
	command -v $tool >/dev/null || { echo "SKIP receipt_languages: $tool not installed"; exit 0; }
done
[ -x "$BIN/dote-kiosk" ] || { echo "SKIP receipt_languages: dote-kiosk not built"; exit 0; }
[ -r /usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf ] ||
	{ echo "SKIP receipt_languages: fonts-noto-core not installed"; exit 0; }
export DOTE_NOW=1772442000 DOTE_ASSETS="$TOP/assets" SDL_AUDIODRIVER=dummy	# 2026-03-02
db=$tmp/kiosk.db
"$BIN/dote" demo --db "$db" --catalog-only --today 2026-03-02 >/dev/null || { flunk "demo catalog"; exit 1; }
sqlite3 -cmd ".timeout 5000" "$db" < "$TOP/tests/ui/fixture.sql" || { flunk "fixture"; exit 1; }
mkdir -p "$tmp/state" "$tmp/receipts" "$tmp/shots"
cat > "$tmp/kiosk.conf" <<CONF
comune = 015146
hub_url = http://127.0.0.1:9
state_dir = $tmp/state
receipts_dir = $tmp/receipts
printer_device = $tmp/printer.bin
printer_width = 384
CONF
printf 'expect-screen home\n' > "$tmp/boot.script"
"$BIN/dote-kiosk" --headless --config "$tmp/kiosk.conf" --db "$db" --script "$tmp/boot.script" \
	--shots "$tmp/shots" >/dev/null 2>&1 && [ -f "$tmp/state/key" ] || { flunk "kiosk key"; exit 1; }
printf 'id=K07\ncomune=015146\n' > "$tmp/state/identity"
(umask 077; printf 'enrolled-token\n' > "$tmp/state/token")

cf_for() {
	local base why
	base=$(printf 'BNCGLI95C%02dF205' $(( $1 + 40 )))
	why=$("$BIN/dote" cf "${base}A" | sed -n 's/.*check character should be \([A-Z]\).*/\1/p')
	echo "$base${why:-A}"
}
. "$TOP/tests/e2e/kiosk_apply.bash"

# Lines of ink in an 8-bit grey PNG (no interlace): "left right" of each
# band of rows darker than mid-grey, the tallest (the QR code) left out.
bands() {
	python3 - "$1" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], 'rb').read()
pos, idat, w = 8, b'', 0
while pos < len(data):
    n, kind = struct.unpack('>I4s', data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b'IHDR':
        w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
        assert depth == 8 and ctype == 0, 'not 8-bit grey'
    elif kind == b'IDAT':
        idat += body
    pos += 12 + n
raw, rows, prev = zlib.decompress(idat), [], bytearray(w)
for y in range(h):
    f, line = raw[y * (w + 1)], bytearray(raw[y * (w + 1) + 1:(y + 1) * (w + 1)])
    for x in range(w):
        a = line[x - 1] if x else 0
        b, c = prev[x], prev[x - 1] if x else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(line); prev = line
out, cur = [], None
for y, line in enumerate(rows):
    ink = [x for x in range(w) if line[x] < 128]
    if ink:
        cur = cur or [y, y, w, 0]
        cur[1], cur[2], cur[3] = y, min(cur[2], ink[0]), max(cur[3], ink[-1])
    elif cur:
        out.append(cur); cur = None
if cur: out.append(cur)
for y0, y1, l, r in out:
    if 7 <= y1 - y0 + 1 <= 150:
        print(l, r)
print('width', w)
PY
}

# "left" or "right": the side every line's ink touches (within 6 px of
# the outermost line's edge on that side), else "ragged".
side() {
	bands "$1" | awk '$1 == "width" { next } { l[NR] = $1; r[NR] = $2; n = NR
		if (NR == 1 || $1 < minl) minl = $1; if (NR == 1 || $2 > maxr) maxr = $2 }
		END { left = right = 1
			for (i = 1; i <= n; i++) { if (l[i] > minl + 6) left = 0; if (r[i] < maxr - 6) right = 0 }
			print (n < 8 ? "few" : right && !left ? "right" : left && !right ? "left" : "ragged") }'
}

n=0
for lang in ar uk it; do
	n=$((n + 1))
	: > "$tmp/printer.bin"
	{ kiosk_apply_script "$(cf_for $n)" Giulia Bianchi "receipt-$lang"; printf 'tap print\nwait 1500\n'; } > "$tmp/$lang.script"
	if ! "$BIN/dote-kiosk" --headless --config "$tmp/kiosk.conf" --db "$db" --script "$tmp/$lang.script" \
		--shots "$tmp/shots" --size 1080x1920 --lang "$lang" >> "$tmp/kiosk.log" 2>&1; then
		flunk "$lang: kiosk flow failed: $(grep -m1 FAIL "$tmp/kiosk.log")"; continue
	fi
	proto=$(sqlite3 -cmd ".timeout 5000" "$db" "SELECT protocol FROM application ORDER BY seq DESC LIMIT 1")
	screen=$(zbarimg --raw -q "$tmp/shots/receipt-$lang.png" 2>/dev/null | head -1)
	saved=$(zbarimg --raw -q "$tmp/receipts/$proto.png" 2>/dev/null | head -1)
	[[ "$screen" == HTTP://127.0.0.1:9/R/* ]] && [ "$saved" = "$screen" ] &&
		pass "$lang: saved receipt PNG has the screen's QR code" || flunk "$lang: PNG QR '$saved', screen '$screen'"
	"$BIN/dote" receipt render-escpos "$tmp/printer.bin" "$tmp/printed-$lang.png" >/dev/null
	printed=$(zbarimg --raw -q "$tmp/printed-$lang.png" 2>/dev/null | head -1)
	[ -n "$printed" ] && [ "$printed" = "$screen" ] &&
		pass "$lang: printed receipt has the screen's QR code" || flunk "$lang: printed QR '$printed'"
	grep -qa "$proto" "$tmp/printer.bin" && pass "$lang: protocol number printed as text" ||
		flunk "$lang: protocol not printed"
	want=left; [ "$lang" = ar ] && want=right
	got=$(side "$tmp/receipts/$proto.png")
	[ "$got" = "$want" ] && pass "$lang: receipt PNG lines $want-aligned" || flunk "$lang: receipt PNG lines $got, want $want"
	got=$(side "$tmp/printed-$lang.png")
	[ "$got" = "$want" ] && pass "$lang: printed lines $want-aligned" || flunk "$lang: printed lines $got, want $want"
	cp "$tmp/receipts/$proto.png" "$tmp/saved-$lang.png"
done
if [ -n "${DOTE_KEEP_SHOTS:-}" ]; then
	mkdir -p "${O:-build}/receipt-shots" && cp "$tmp"/saved-*.png "$tmp"/printed-*.png "${O:-build}/receipt-shots/"
	echo "# receipts kept in ${O:-build}/receipt-shots"
fi
