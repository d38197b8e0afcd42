#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# The layout matrix of issue 22: one short journey (language, text size
# and contrast chosen on home, a search with the keyboard up, the
# eligibility's numeric pad, a wrong codice fiscale typed on the form so
# that its error shows with the keyboard up) at every screen size x
# language x text size x contrast, with the runner's layout checks
# (`# layout: every step`: no overlap, nothing off screen, field and
# error wholly above the keyboard, target sizes) after every line.
#   MATRIX=full (default): 5 sizes x 7 languages x 100/200% x normal/high
#   contrast = 140 runs; MATRIX=subset: every size, every language, both
#   text sizes and both contrasts at least once (10 runs);
#   MATRIX_COMBOS="1920x1080 uk 200 hc;800x480 en 200 normal": those.
# With the keyboard up the field and its error are wholly in view, Back
# and Continue too, and every control is a target's size
# (expect-targets). Prints PASS/FAIL per combination and a total; exits
# non-zero on any failure (MATRIX=full: 140 of 140 pass, 767 s on a
# loaded machine, issue 22). tests/e2e/kiosk_layout.sh runs the
# combinations that failed before the compact header (issue 22) in make
# test. Shots in $O/ui-shots/matrix-SIZE-LANG-SCALE-THEME/ (failed.png:
# the screen when a check failed).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sizes="1080x1920 1920x1080 1280x800 800x480 480x800"
langs="it en fr es ro uk ar"
combos=()
if [ -n "${MATRIX_COMBOS:-}" ]; then
	# "SIZE LANG SCALE THEME;..." (e.g. "1920x1080 uk 200 hc")
	IFS=';' read -r -a combos <<< "$MATRIX_COMBOS"
elif [ "${MATRIX:-full}" = subset ]; then
	# Each size twice, the languages round the sizes, both text sizes
	# and both contrasts on every size.
	i=0
	set -- $langs
	langs_a=("$@")
	for s in $sizes; do
		combos+=("$s ${langs_a[$(((i + 5) % 7))]} 200 hc")
		combos+=("$s ${langs_a[$((i % 7))]} 100 normal")
		i=$((i + 1))
	done
else
	for s in $sizes; do for l in $langs; do for t in 100 200; do for c in normal hc; do
		combos+=("$s $l $t $c")
	done; done; done; done
fi
pass=0 fail=0 start=$(date +%s)
for combo in "${combos[@]}"; do
	set -- $combo
	name="matrix-$1-$2-$3-$4"
	f="$tmp/$name.script"
	{
		echo "# size: $1"
		echo "# layout: every step"
		if [ "$2" != it ]; then
			echo "reveal language"; echo "tap language"; echo "reveal lang:$2"; echo "tap lang:$2"
		fi
		if [ "$3" = 200 ]; then echo "reveal text-size:200"; echo "tap text-size:200"; fi
		if [ "$4" = hc ]; then echo "reveal a11y:contrast"; echo "tap a11y:contrast"; fi
		cat <<'SCRIPT'
reveal start
tap start
expect-screen browse
tap search
type citta ragazzi
shot browse-keyboard
expect-header-filled 4
LABELS
expect-targets
tap key:hide
reveal placement:UI-015146-001
tap placement:UI-015146-001
expect-screen detail
reveal apply
tap apply
expect-screen eligibility
reveal field:age
tap field:age
osk 31
shot eligibility-numpad
expect-uncovered field:age
expect-targets
tap key:hide
reveal status:unemployed
tap status:unemployed
reveal residence:015146
tap residence:015146
reveal other:no
tap other:no
reveal next
tap next
expect-screen form
reveal field:cf
tap field:cf
type VRDLCU95A41F205X
expect error:cf
shot form-cf-error
LABELS
expect-uncovered field:cf
expect-uncovered error:cf
expect-uncovered back
expect-uncovered next
expect-targets
SCRIPT
	} > "$f"
	# The keys' words never shrink (expect-labels-grown) on the narrow
	# keyboard (480x800); the wide one still shrinks them where its
	# letters cannot give more (Shift at 1080x1920 uk 200%, issue 22).
	if [ "$1" = 480x800 ]; then sed -i 's/^LABELS$/expect-labels-grown/' "$f"; else sed -i '/^LABELS$/d' "$f"; fi
	out=$(O="$O" bash "$top/tests/ui/run-one" "$f" 2>&1 | grep -E '^FAIL' | head -1)
	if [ -z "$out" ]; then
		pass=$((pass + 1)); echo "PASS $name"
	else
		fail=$((fail + 1)); echo "FAIL $name: ${out#FAIL }"
	fi
done
echo "layout matrix: $pass of ${#combos[@]} pass, $(( $(date +%s) - start )) s"
[ "$fail" -eq 0 ]
