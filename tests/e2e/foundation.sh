#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# The foundation's contracts, checked on the real binaries and files:
# `dote cf` (JSON line, exit 0/1/2), `dote demo`, --help on every binary,
# SPDX headers on every source file, the licence and publiccode.yml.
set -u
top=${DOTE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${DOTE_BIN:-$top/build/bin}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
pass() { echo "PASS $1"; }
failed() { echo "FAIL $1: $2"; fail=1; }
expect_eq() { if [ "$2" = "$3" ]; then pass "$1"; else failed "$1" "got '$2', want '$3'"; fi; }

# dote cf: the DESIGN.md contract.
out=$("$bin/dote" cf RSSMRA85T10A562S); rc=$?
expect_eq "cf valid exit 0" "$rc" 0
echo "$out" | python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); assert d=={**d, "valid":True,"sex":"M","birth_date":"1985-12-10","birthplace":"A562"}, d' \
	&& pass "cf valid JSON fields" || failed "cf valid JSON fields" "$out"
expect_eq "cf one line" "$(echo "$out" | wc -l)" 1
out=$("$bin/dote" cf RSSMRA85T10A562T); rc=$?
expect_eq "cf invalid exit 1" "$rc" 1
expect_eq "cf invalid JSON" "$out" '{"valid":false,"error":"check character should be S"}'
out=$("$bin/dote" cf 'RSSMRA85T10A562S"; DROP TABLE x;--'); rc=$?
expect_eq "cf hostile input exit 1" "$rc" 1
echo "$out" | python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); assert d["valid"] is False' \
	&& pass "cf hostile input still valid JSON" || failed "cf hostile input still valid JSON" "$out"
"$bin/dote" cf > /dev/null 2>&1; expect_eq "cf without code exit 2" "$?" 2
out=$("$bin/dote" cf mrtmtt91d08f205j)
case "$out" in *'"birthplace_name":"Milano"'*) pass "cf lower case, Milano" ;; *) failed "cf lower case, Milano" "$out" ;; esac

# dote demo: seeds a new database, refuses an existing one.
"$bin/dote" demo --db "$tmp/hub.db" --applications 5000 > "$tmp/demo.out" 2>&1
expect_eq "demo exit 0" "$?" 0
expect_eq "demo applications" "$(sqlite3 "$tmp/hub.db" 'SELECT count(*) FROM application')" 5000
expect_eq "demo comuni" "$(sqlite3 "$tmp/hub.db" 'SELECT count(*) > 7800 FROM comune')" 1
expect_eq "demo open call" "$(sqlite3 "$tmp/hub.db" "SELECT count(*) FROM call WHERE status = 'open'")" 1
"$bin/dote" demo --db "$tmp/hub.db" > "$tmp/again.out" 2>&1
expect_eq "demo refuses a seeded database" "$?" 1
grep -q "already has calls" "$tmp/again.out" && pass "demo says why" || failed "demo says why" "$(cat "$tmp/again.out")"
expect_eq "demo data unchanged after refusal" "$(sqlite3 "$tmp/hub.db" 'SELECT count(*) FROM application')" 5000
"$bin/dote" demo --db "$tmp/k.db" --catalog-only > /dev/null
expect_eq "catalog-only has no applications" "$(sqlite3 "$tmp/k.db" 'SELECT count(*) FROM application')" 0
expect_eq "catalog-only has Milano's placements" "$(sqlite3 "$tmp/k.db" "SELECT count(*) > 0 FROM placement WHERE comune = '015146' AND status = 'open'")" 1
"$bin/dote" demo --db "$tmp/x.db" --applications -3 > /dev/null 2>&1
expect_eq "demo rejects a negative count" "$?" 2

# Every binary answers --help.
for b in dote dote-hub dote-kiosk; do
	"$bin/$b" --help > "$tmp/help" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && grep -qi usage "$tmp/help"; then pass "$b --help"; else failed "$b --help" "exit $rc"; fi
done

# SPDX header in every source file, licence, publiccode.yml.
cd "$top"
missing=$(git ls-files '*.c' '*.h' '*.S' '*.sh' '*.bash' 'scripts/*' 'tests/run' 'tests/bench/run' '.ci/run' 'image/build' 'image/test' 'tests/ui/run-one' 2>/dev/null |
	while read -r f; do
		[ -f "$f" ] || continue
		head -n 5 "$f" | grep -q 'SPDX-License-Identifier: EUPL-1.2' && continue
		# Data generated from a third party's, under its licence, said in
		# its header and credited in assets/data/README.md.
		head -n 5 "$f" | grep -q 'SPDX-License-Identifier: ' && grep -qF "\`$f\`" assets/data/README.md && continue
		echo "$f"
	done)
[ -z "$missing" ] && pass "SPDX header in every source file" || failed "SPDX header in every source file" "$missing"
grep -q "EUROPEAN UNION PUBLIC LICENCE v. 1.2" LICENSE && pass "LICENSE is EUPL-1.2" || failed "LICENSE is EUPL-1.2" "wrong text"
python3 - <<'PY' && pass "publiccode.yml fields" || failed "publiccode.yml fields" "see above"
import re, sys
t = open("publiccode.yml").read()
need = ["publiccodeYmlVersion: \"0.4\"", "license: EUPL-1.2", "softwareType: \"standalone/iot\"",
        "maintenance:", "localisation:", "dependsOn:", "  it:\n", "  en:\n", "longDescription:"]
miss = [n for n in need if n not in t]
if miss: print(miss); sys.exit(1)
PY
exit $fail
