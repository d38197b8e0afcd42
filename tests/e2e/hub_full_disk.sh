#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# A hub whose disk fills up: its SQLite database lives on a small tmpfs
# (mounted in a private mount namespace), the rest of the disk is filled
# with a file, and a kiosk keeps sending batches. The hub must refuse the
# batch it cannot store with an error (no crash, nothing half-stored),
# keep answering reads (health, catalog), and once space is freed take
# the same batches again: every record stored exactly once, the database
# intact. Runs as root (mount); a machine without root SKIPs.
if [ -z "${DOTE_FULL_DISK_NS:-}" ]; then
	if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null; then
		echo "SKIP hub-full-disk: needs root and unshare to mount a small tmpfs"
		exit 0
	fi
	DOTE_FULL_DISK_NS=1 exec unshare -m bash "$0" "$@"
fi
. "$(dirname "$0")/hub_lib.bash"

post() { json_post "$HUB_URL" "$1" "$2" "$3" -m 30 "${@:4}"; }	# path token body [curl args]: prints 'CODE BODY'

disk=$T/disk
mkdir -p "$disk"
if ! mount -t tmpfs -o size=6m tmpfs "$disk"; then
	echo "SKIP hub-full-disk: cannot mount a tmpfs here"
	exit 0
fi
# The hub goes first, then the tmpfs, then hub_lib's cleanup of $T.
unmount_then_cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	umount "$disk"
	cleanup
}
trap unmount_then_cleanup EXIT
db=$disk/hub.db
"$SYNCTOOL" catalog "$db" 015146 3 >/dev/null || { fail setup "catalog"; finish; }
start_hub full "$db" --threads 2 || { fail setup "hub"; finish; }
code=$("$DOTE_BIN/dote" kiosk enroll-code --comune 015146 --db "$db" 2>/dev/null)
r=$(post /v1/enroll "" "{\"code\":\"$code\",\"public_key\":\"$("$SYNCTOOL" key K01)\"}")
tok=$(echo "${r#200 }" | jq -r .token 2>/dev/null)
[[ "$tok" =~ ^[0-9a-f]{64}$ ]] || { fail setup "enrol: $r"; finish; }

# Some records while there is room.
stored=0 sent=0 seq=1
batch() { "$SYNCTOOL" batch K01 015146 100 5 $((seq - 1)) "$seq" DC06-015146-001 1 > "$T/b$1.json"; seq=$((seq + 100)); }
batch 0
r=$(post /v1/applications "$tok" "$(cat "$T/b0.json")")
check_match "full-disk-ingest-with-room" "$r" '^200 .*"stored":100,'
stored=100 sent=100

# Fill the disk, then keep sending until the hub cannot store a batch.
dd if=/dev/zero of="$disk/fill" bs=64k status=none 2>/dev/null
refused= failed_at=
for i in $(seq 1 40); do
	batch "$i"
	sent=$((sent + 100))
	r=$(post /v1/applications "$tok" "$(cat "$T/b$i.json")")
	if [[ "$r" == "200 "* ]]; then
		stored=$((stored + $(echo "${r#200 }" | jq .stored)))
	else
		refused=$r failed_at=$i
		break
	fi
done
check_match "full-disk-batch-refused-with-an-error" "$refused" '^5[0-9][0-9] \{"error":'
kill -0 "$HUB_PID" 2>/dev/null && pass "full-disk-hub-still-running" || fail "full-disk-hub-still-running" "exited"
check "full-disk-health-answers" "$(curl -s -m 10 "$HUB_URL/healthz")" "ok"
check "full-disk-catalog-answers" "$(curl -s -m 10 "$HUB_URL/v1/catalog?comune=015146" | jq '.placements | length')" "3"
check "full-disk-nothing-half-stored" "$("$SYNCTOOL" count "$db")" "applications $stored uuids $stored duplicates 0"

# Space again: the kiosk's resend of every batch since the full disk
# stores what was missing, once.
rm -f "$disk/fill"
resent_ok=1
for i in $(seq "${failed_at:-1}" "${failed_at:-0}"); do
	r=$(post /v1/applications "$tok" "$(cat "$T/b$i.json")")
	[[ "$r" == "200 "* ]] || resent_ok=0
done
check "full-disk-resend-after-space-freed" "$resent_ok" 1
for i in $(seq 0 "${failed_at:-0}"); do
	post /v1/applications "$tok" "$(cat "$T/b$i.json")" >/dev/null
done
check "full-disk-every-record-once" "$("$SYNCTOOL" count "$db")" "applications $sent uuids $sent duplicates 0"
check "full-disk-integrity" "$(sqlite3 "$db" 'PRAGMA integrity_check')" "ok"
echo "# $sent records sent, $stored stored before the disk was full; refused: ${refused:0:120}"
finish
