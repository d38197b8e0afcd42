#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# Partial redraw (issue 12, kiosk/render.c): with the software renderer
# the kiosk redraws only the screen tiles whose draw commands changed.
# Every screenshot of a set of UI scripts (portrait and landscape, both
# themes, 200% text, keyboards, errors, scrolling, Arabic and Ukrainian,
# the voice guide's text focus) must be identical,
# pixel for pixel, to the one drawn with DOTE_FULL_REDRAW=1 (everything
# every frame). Receipt screenshots are left out: their QR code holds a
# fresh UUID each run. Flinging the list must move its pixels rather
# than draw the screen whole (issue 22). The form with the keyboard up
# (form_keyboard_redraw: Shift, capitals, every field kind, 100% and
# 200% text) checks the keyboard's kept pictures (ui_group_begin()).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-build}
case "$O" in /*) ;; *) O="$top/$O" ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" "$O"/ui-shots/redraw-full-* "$O"/ui-shots/redraw-part-*' EXIT
rc=0
for name in accessibility browse_scroll browse_fling errors_in_view keyboard_landscape keyboard_text_size large_text_800x480 \
	portrait_reach size_1920x1080 languages_sizes speech masking form_keyboard_redraw; do
	cp "$top/tests/ui/$name.script" "$tmp/redraw-full-$name.script"
	cp "$top/tests/ui/$name.script" "$tmp/redraw-part-$name.script"
	# The two runs side by side (the program's time halves: 24 kiosk runs).
	DOTE_FULL_REDRAW=1 O="$O" bash "$top/tests/ui/run-one" "$tmp/redraw-full-$name.script" > "$tmp/full.log" 2>&1 &
	full=$!
	O="$O" bash "$top/tests/ui/run-one" "$tmp/redraw-part-$name.script" > "$tmp/part.log" 2>&1
	part=$?
	wait "$full"
	if [ $? -ne 0 ] || [ "$part" -ne 0 ]; then
		echo "FAIL redraw-$name: the script failed: $(grep -h FAIL "$tmp/full.log" "$tmp/part.log" | head -1)"
		rc=1
		continue
	fi
	n=0 bad=""
	for f in "$O/ui-shots/redraw-full-$name"/*.png; do
		case "$(basename "$f")" in *receipt*) continue ;; esac
		n=$((n + 1))
		cmp -s "$f" "$O/ui-shots/redraw-part-$name/$(basename "$f")" || bad="$bad $(basename "$f")"
	done
	if [ "$n" -eq 0 ]; then
		echo "FAIL redraw-$name: no screenshots to compare"
		rc=1
	elif [ -n "$bad" ]; then
		echo "FAIL redraw-$name: partial redraw differs from a full one in$bad"
		rc=1
	else
		echo "PASS redraw-$name: $n screenshots identical to full redraws"
	fi
done
# Issue 22: a fling moves the list's pixels instead of redrawing the
# screen (it was drawn whole each frame, filled about 2.7 times): of the
# frames of two flings, nearly all move the list, at most 2 are whole.
st="$O/ui-shots/redraw-part-browse_fling/fling-stats.json"
fj() { sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p" "$st" 2>/dev/null; }
frames=$(fj frames) whole=$(fj frames_whole) scrolled=$(fj frames_scrolled)
if [ -z "$frames" ] || [ -z "$whole" ] || [ -z "$scrolled" ]; then
	echo "FAIL redraw-fling-copies: no frame counts in $st"
	rc=1
elif [ "$frames" -lt 20 ] || [ "$whole" -gt 2 ] || [ $((scrolled * 10)) -lt $((frames * 8)) ]; then
	echo "FAIL redraw-fling-copies: $frames frames of two flings, $whole drawn whole, $scrolled moved by copying (want <= 2 whole, >= 80% moved)"
	rc=1
else
	echo "PASS redraw-fling-copies: $frames frames of two flings, $whole drawn whole, $scrolled moved by copying"
fi
exit $rc
