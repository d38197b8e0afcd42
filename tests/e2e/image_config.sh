#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# Checks the kiosk image's configuration without building the image (a
# few seconds; the real boot test is `make image-test`, image/test):
# shell syntax of every image script, systemd-analyze verify of the
# units against a root made of this machine's systemd units plus
# image/rootfs (fstab turned into mount units by systemd's own
# generator), the kiosk unit's watchdog and start limit, the boot loader
# entry, the default kiosk.conf keys, what dote-config does with a
# kiosk.conf saved by Windows Notepad, the persistent, bounded journal
# (dote-journal in a private mount namespace), update-disk, and that
# image/test runs a real hub on 127.0.0.1 only.
set -u
top=${DOTE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
img=$top/image
units=$img/rootfs/usr/lib/systemd/system
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }
skip() { echo "SKIP $1: $2"; }

# ini KEY FILE: the last value of KEY= in a unit file.
ini() { sed -n "s/^$1=//p" "$2" | tail -n1; }
# seconds "10min" / "30s" / "3" -> seconds
seconds() {
	case "$1" in
	*min) echo $(( ${1%min} * 60 )) ;;
	*s) echo "${1%s}" ;;
	*) echo "$1" ;;
	esac
}

# 1. Scripts parse (bash for the host tools, POSIX sh for the image's).
errs=
for f in "$img/build" "$img/test"; do
	bash -n "$f" 2> "$tmp/err" || errs+="$(basename "$f"): $(head -n1 "$tmp/err") "
done
for f in "$img/customize" "$img"/rootfs/usr/lib/dote/* "$img"/rootfs/etc/initramfs-tools/scripts/*/*; do
	if command -v dash >/dev/null; then
		dash -n "$f" 2> "$tmp/err" || errs+="$(basename "$f"): $(head -n1 "$tmp/err") "
	else
		sh -n "$f" 2> "$tmp/err" || errs+="$(basename "$f"): $(head -n1 "$tmp/err") "
	fi
	[ -x "$f" ] || errs+="$(basename "$f") not executable "
done
if [ -z "$errs" ]; then pass image-scripts-syntax; else fail image-scripts-syntax "$errs"; fi

# 2. systemd-analyze verify in a scratch root.
if command -v systemd-analyze >/dev/null && [ -d /usr/lib/systemd/system ]; then
	r=$tmp/root
	mkdir -p "$r/usr/lib" "$r/etc/systemd/system"
	cp -a /usr/lib/systemd "$r/usr/lib/"
	cp -a "$img/rootfs/." "$r/"
	# The kiosk binary may not be built yet; an executable stands in.
	mkdir -p "$r/usr/lib/dote/bin"
	printf '#!/bin/sh\n' > "$r/usr/lib/dote/bin/dote-kiosk"
	chmod +x "$r/usr/lib/dote/bin/dote-kiosk"
	gen=$r/etc/systemd/system
	if SYSTEMD_FSTAB="$img/rootfs/etc/fstab" SYSTEMD_PROC_CMDLINE="" \
		/usr/lib/systemd/system-generators/systemd-fstab-generator "$gen" "$gen" "$gen" 2> "$tmp/gen" &&
		[ -f "$gen/var-lib-dote.mount" ] && [ -f "$gen/boot-efi.mount" ]; then
		pass image-fstab-generates-mounts
	else
		fail image-fstab-generates-mounts "$(head -n2 "$tmp/gen")"
	fi
	if systemd-analyze verify --root="$r" "$r"/usr/lib/systemd/system/dote-*.service > "$tmp/verify" 2>&1 &&
		! grep -q . "$tmp/verify"; then
		pass image-units-verify
	else
		fail image-units-verify "$(head -n3 "$tmp/verify" | tr '\n' ' ')"
	fi
else
	skip image-units-verify "systemd-analyze not available"
fi

# 3. The kiosk unit: notify + watchdog, a start limit that can trip
# (burst restarts fit in the interval), a diagnostic screen after it.
k=$units/dote-kiosk.service
why=
[ "$(ini Type "$k")" = notify ] || why+="Type is not notify; "
[ -n "$(ini WatchdogSec "$k")" ] || why+="no WatchdogSec; "
[ "$(ini Restart "$k")" = always ] || why+="Restart is not always; "
[ "$(ini OnFailure "$k")" = dote-diagnostic.service ] || why+="OnFailure is not the diagnostic screen; "
[ "$(ini PAMName "$k")" = login ] || why+="no PAMName=login; "
[ "$(ini TTYPath "$k")" = /dev/tty1 ] || why+="not on tty1; "
grep -q '^Environment=SDL_VIDEODRIVER=kmsdrm$' "$k" || why+="SDL_VIDEODRIVER is not kmsdrm; "
grep -q '^Environment=SDL_VIDEO_GL_DRIVER=libOpenGL.so.0$' "$k" || why+="SDL would take GL from libGL (GLX): nothing drawn under KMS; "
grep -q '^libopengl0$' "$img/packages" || why+="libopengl0 not in the image; "
burst=$(ini StartLimitBurst "$k")
interval=$(seconds "$(ini StartLimitIntervalSec "$k")")
restart=$(seconds "$(ini RestartSec "$k")")
if [ -z "$burst" ] || [ -z "$interval" ] || [ $((burst * restart)) -ge "$interval" ]; then
	why+="start limit cannot trip (burst ${burst:-?} x RestartSec ${restart:-?} s vs ${interval:-?} s); "
fi
if [ -z "$why" ]; then pass image-kiosk-unit; else fail image-kiosk-unit "$why"; fi

# 3b. The kiosk's own log lines reach the diagnostic screen: PAMName=login
# files them under the logind session, not dote-kiosk.service, so the
# screen must match them by name (SYSLOG_IDENTIFIER), not by unit.
why=
[ "$(ini SyslogIdentifier "$k")" = dote-kiosk ] || why+="no SyslogIdentifier=dote-kiosk; "
grep -q 'journalctl.*SYSLOG_IDENTIFIER=dote-kiosk' "$img/rootfs/usr/lib/dote/dote-diagnostic" ||
	why+="diagnostic screen does not show the kiosk's own lines; "
if [ -z "$why" ]; then pass image-diagnostic-shows-kiosk-lines; else fail image-diagnostic-shows-kiosk-lines "$why"; fi

# 4. No shell on the screen: getty on tty1 masked, no autovt; hardware
# watchdog; read-only root configured with the data partition writable.
why=
grep -q 'systemctl mask.*getty@tty1.service' "$img/customize" || why+="getty@tty1 not masked; "
grep -q 'autovt@.service' "$img/customize" || why+="autovt not masked; "
grep -q '^NAutoVTs=0' "$img/rootfs/etc/systemd/logind.conf.d/dote-kiosk.conf" || why+="logind spawns VTs; "
grep -qs '^RuntimeWatchdogSec=' "$img"/rootfs/etc/systemd/system.conf.d/*.conf || why+="no RuntimeWatchdogSec; "
grep -q '^overlayroot="tmpfs:.*recurse=0' "$img/rootfs/etc/overlayroot.local.conf" || why+="overlayroot not tmpfs,recurse=0; "
grep -qE '^LABEL=DOTE-DATA[[:space:]]+/var/lib/dote[[:space:]]+ext4[[:space:]]+rw' "$img/rootfs/etc/fstab" || why+="data partition not rw ext4 at /var/lib/dote; "
grep -qE '^openssh-server' "$img/packages" && why+="SSH server in the package list; "
if [ -z "$why" ]; then pass image-system-policy; else fail image-system-policy "$why"; fi

# 4b. The journal survives reboots, bounded, on the data partition: journald
# persistent with a size cap, dote-journal.service bind-mounts it before
# journald's flush, the initramfs keeps the machine id (the journal's
# folder name) stable, and the image enables both.
why=
jc=$img/rootfs/etc/systemd/journald.conf.d/dote-journal.conf
ju=$units/dote-journal.service
[ "$(ini Storage "$jc")" = persistent ] || why+="journald Storage is '$(ini Storage "$jc")'; "
[[ "$(ini SystemMaxUse "$jc")" =~ ^[0-9]+M$ ]] || why+="no SystemMaxUse in MB; "
ls "$img"/rootfs/etc/systemd/journald.conf.d/ | grep -qv '^dote-journal.conf$' && why+="another journald drop-in overrides it; "
grep -q '^Before=.*systemd-journal-flush.service' "$ju" || why+="dote-journal not before the journal flush; "
grep -q '^After=.*var-lib-dote.mount' "$ju" || why+="dote-journal not after the data partition; "
grep -q 'dote-journal.service' "$img/customize" || why+="dote-journal.service not enabled; "
grep -q '^PREREQ="overlayroot"' "$img/rootfs/etc/initramfs-tools/scripts/init-bottom/dote-machine-id" || why+="machine id not set after overlayroot; "
if [ -z "$why" ]; then pass image-journal-persistent-bounded; else fail image-journal-persistent-bounded "$why"; fi
# dote-journal itself, as root in a private mount namespace: a tmpfs
# stands in for the data partition, another for /var/log/journal.
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && getent group systemd-journal >/dev/null &&
	[ -s /etc/machine-id ]; then
	mkdir -p "$tmp/jdata" "$tmp/jlog"
	unshare --mount --propagation private bash -c '
		img=$1 t=$2
		mount -t tmpfs tmpfs "$t/jdata" || exit 9
		export DOTE_DATA_DIR=$t/jdata DOTE_JOURNAL_DIR=$t/jlog
		sh "$img/rootfs/usr/lib/dote/dote-journal" > "$t/j1" 2>&1 || exit 1
		echo entry > "$t/jlog/probe"
		[ -e "$t/jdata/journal/probe" ] || exit 2
		[ "$(cat "$t/jdata/machine-id")" = "$(cat /etc/machine-id)" ] || exit 3
		[ "$(stat -c %U:%G:%a "$t/jdata/journal")" = root:systemd-journal:2755 ] || exit 4
		# The kiosk user owns the partition top: a link it planted is not followed.
		umount "$t/jlog"
		mkdir -p "$t/elsewhere"
		mv "$t/jdata/journal" "$t/jdata/old"
		ln -s "$t/elsewhere" "$t/jdata/journal"
		sh "$img/rootfs/usr/lib/dote/dote-journal" > "$t/j2" 2>&1 || exit 5
		echo entry > "$t/jlog/probe2"
		[ ! -L "$t/jdata/journal" ] && [ ! -e "$t/elsewhere/probe2" ] && [ -e "$t/jdata/journal/probe2" ] || exit 6
		# Not mounted: nothing done, no error.
		umount "$t/jlog" "$t/jdata"
		sh "$img/rootfs/usr/lib/dote/dote-journal" > "$t/j3" 2>&1 || exit 7
		[ ! -e "$t/jdata/machine-id" ] || exit 8
	' _ "$img" "$tmp"
	rc=$?
	if [ "$rc" = 0 ]; then
		pass image-dote-journal-binds-data
	else
		fail image-dote-journal-binds-data "step $rc failed: $(cat "$tmp"/j? 2>/dev/null | tr '\n' ' ')"
	fi
else
	skip image-dote-journal-binds-data "needs root, unshare and a systemd-journal group"
fi

# The initramfs script that restores the machine id, with mount and
# umount replaced by scripts that log their calls (a folder stands in for
# DOTE-DATA; `make image-test` runs it for real at boot): a saved id is written
# into the root, remounted read-write for it and read-only again; nothing else is ever
# written (no saved id, a malformed one, no partition).
mid() {	# mid CASE SAVED-CONTENT|- : runs the script, prints the root's machine-id
	local c=$tmp/mid-$1
	mkdir -p "$c/bin" "$c/dev" "$c/mnt" "$c/root/etc"
	: > "$c/root/etc/machine-id"
	[ "$2" = - ] || printf '%s' "$2" > "$c/dev/machine-id"
	[ "$1" = nodev ] && rm -rf "$c/dev"
	cat > "$c/bin/mount" <<-'SH'
	#!/bin/sh
	echo "mount $*" >> "$CALL_LOG"
	case "$*" in
	"-t ext4 -o ro "*) cp -a "$5/." "$6/" ;;
	"-o remount,rw "* | "-o remount,ro "*) ;;
	*) exit 1 ;;
	esac
	SH
	printf '#!/bin/sh
echo "umount $*" >> "$CALL_LOG"
rm -rf "$1"/* "$1"/.[!.]*
' > "$c/bin/umount"
	chmod +x "$c/bin/mount" "$c/bin/umount"
	PATH="$c/bin:$PATH" CALL_LOG=$c/log DOTE_DATA_DEV=$c/dev DOTE_DATA_MNT=$c/mnt DOTE_KMSG=$c/kmsg \
		rootmnt=$c/root sh "$img/rootfs/etc/initramfs-tools/scripts/init-bottom/dote-machine-id" || echo "exit $?"
	cat "$c/root/etc/machine-id"
}
why=
good=0123456789abcdef0123456789abcdef
[ "$(mid saved "$good
")" = "$good" ] || why+="saved id not restored: '$(mid saved2 "$good")'; "
[ "$(grep -o 'remount,r[ow]' "$tmp/mid-saved/log" 2>/dev/null | tr '\n' ' ')" = "remount,rw remount,ro " ] &&
	tail -n1 "$tmp/mid-saved/log" | grep -q 'remount,ro' || why+="root not made writable, then read-only again; "
[ -z "$(mid none -)" ] || why+="an id written without a saved one; "
[ -z "$(mid bad "../../etc/shadow")" ] || why+="malformed id written; "
[ -z "$(mid short "0123456789abcdef")" ] || why+="short id written; "
[ -z "$(mid nodev "$good")" ] || why+="written without a data partition; "
if [ -z "$why" ]; then pass image-machine-id-restored; else fail image-machine-id-restored "$why"; fi

# 4c. image/test runs a real hub on loopback only and reaches it from the
# VM through QEMU's restricted user network.
why=
grep -q -- '--listen 127.0.0.1:0' "$img/test" || why+="hub not on 127.0.0.1; "
grep -q 'restrict=on,guestfwd=' "$img/test" || why+="VM network not restricted to the hub; "
grep -q 'kiosk enroll-code' "$img/test" || why+="no enrolment code from dote kiosk enroll-code; "
grep -q 'kiosk list' "$img/test" || why+="enrolment not checked with dote kiosk list; "
[ -s "$img/test-journey.script" ] || why+="no test-journey.script; "
if [ -z "$why" ]; then pass image-test-uses-real-hub; else fail image-test-uses-real-hub "$why"; fi

# 5. Boot loader: no editing the command line at the kiosk, no menu,
# read-only root by partition UUID.
why=
grep -q '^editor no' "$img/esp/loader.conf" || why+="boot menu editor enabled; "
grep -q '^timeout 0' "$img/esp/loader.conf" || why+="boot menu timeout; "
grep -q '^options .*root=PARTUUID=@ROOT_PARTUUID@ ro ' "$img/esp/dote.conf" || why+="root not by PARTUUID ro; "
if [ -z "$why" ]; then pass image-boot-entry; else fail image-boot-entry "$why"; fi

# 6. kiosk.conf: "key = value" lines, exactly the documented keys.
want="admin_pin ca_file catalog_minutes comune db enroll_code heartbeat_seconds hub_url idle_seconds languages printer_device printer_width receipts_dir rotation state_dir"
bad=$(grep -vE '^[[:space:]]*(#|$)' "$img/kiosk.conf" | grep -vE '^[a-z_]+ = ?[^=]*$')
keys=$(grep -vE '^[[:space:]]*(#|$)' "$img/kiosk.conf" | sed 's/[[:space:]]*=.*//' | sort | tr '\n' ' ')
if [ -z "$bad" ] && [ "$keys" = "$want " ]; then
	pass image-kiosk-conf-keys
else
	fail image-kiosk-conf-keys "keys '$keys' bad lines '$bad'"
fi
# The kiosk itself must accept the file (it refuses unknown keys).
kiosk=${DOTE_BIN:-$top/build/bin}/dote-kiosk
if [ -x "$kiosk" ]; then
	if "$kiosk" --config "$img/kiosk.conf" --help > "$tmp/help" 2>&1; then
		pass image-kiosk-conf-accepted
	else
		fail image-kiosk-conf-accepted "dote-kiosk refuses image/kiosk.conf: $(grep -m1 error "$tmp/help")"
	fi
else
	skip image-kiosk-conf-accepted "$kiosk not built"
fi
if [ -f "$top/kiosk/README.md" ]; then
	missing=
	for key in $keys; do
		grep -q "$key" "$top/kiosk/README.md" || missing+="$key "
	done
	if [ -z "$missing" ]; then pass image-kiosk-conf-documented; else fail image-kiosk-conf-documented "not in kiosk/README.md: $missing"; fi
fi

# 7. dote-config: a kiosk.conf saved on Windows (BOM, CRLF, no final
# newline) is installed clean and private; an oversized file is refused;
# a missing one falls back to the defaults; no data partition, no start.
printf '\xef\xbb\xbfcomune = 015146\r\nhub_url = https://hub.example\r\nadmin_pin = 1234' > "$tmp/win.conf"
mkdir -p "$tmp/etc"
if DOTE_CONFIG_SRC="$tmp/win.conf" DOTE_CONFIG_DST="$tmp/etc/kiosk.conf" DOTE_DATA_DIR=/ \
	sh "$img/rootfs/usr/lib/dote/dote-config" > "$tmp/out" 2>&1; then
	out=$tmp/etc/kiosk.conf
	why=
	grep -q $'\r' "$out" && why+="carriage returns left; "
	head -c3 "$out" | grep -q $'\xef\xbb\xbf' && why+="BOM left; "
	[ "$(head -n1 "$out")" = "comune = 015146" ] || why+="first line '$(head -n1 "$out")'; "
	[ "$(tail -n1 "$out")" = "admin_pin = 1234" ] || why+="last line lost; "
	[ -z "$(tail -c1 "$out")" ] || why+="no final newline; "
	[ "$(stat -c %a "$out")" = 640 ] || why+="mode $(stat -c %a "$out"), not 640; "
	if [ -z "$why" ]; then pass image-dote-config-windows-file; else fail image-dote-config-windows-file "$why"; fi
else
	fail image-dote-config-windows-file "$(cat "$tmp/out")"
fi
head -c 70000 /dev/zero | tr '\0' '#' > "$tmp/big.conf"
if DOTE_CONFIG_SRC="$tmp/big.conf" DOTE_CONFIG_DST="$tmp/etc/big" DOTE_DATA_DIR=/ \
	sh "$img/rootfs/usr/lib/dote/dote-config" > "$tmp/out" 2>&1 || [ -e "$tmp/etc/big" ]; then
	fail image-dote-config-too-big "a 70000-byte file was installed"
else
	pass image-dote-config-too-big
fi
if DOTE_CONFIG_SRC="$tmp/none.conf" DOTE_CONFIG_DST="$tmp/etc/dflt" DOTE_DATA_DIR=/ \
	DOTE_CONFIG_DEFAULT="$img/kiosk.conf" sh "$img/rootfs/usr/lib/dote/dote-config" > "$tmp/out" 2>&1 &&
	cmp -s "$img/kiosk.conf" "$tmp/etc/dflt"; then
	pass image-dote-config-defaults
else
	fail image-dote-config-defaults "$(cat "$tmp/out")"
fi
mkdir -p "$tmp/notmounted"
if DOTE_CONFIG_SRC="$tmp/win.conf" DOTE_CONFIG_DST="$tmp/etc/nm" DOTE_DATA_DIR="$tmp/notmounted" \
	sh "$img/rootfs/usr/lib/dote/dote-config" > "$tmp/out" 2>&1; then
	fail image-dote-config-needs-data "started without the data partition"
elif grep -q 'DOTE-DATA' "$tmp/out"; then
	pass image-dote-config-needs-data
else
	fail image-dote-config-needs-data "no message naming DOTE-DATA: $(cat "$tmp/out")"
fi

# 8. image/update-disk on two small disks with the image's layout: the
# new boot and root partitions are written, the data partition and the
# dote/ folder (site settings) are kept, the boot entry's root PARTUUID
# is carried over; a layout that does not fit is refused untouched.
# mkdisk FILE ROOT_MIB FILL: GPT DOTE-BOOT (FAT, dote/kiosk.conf) + DOTE-ROOT + DOTE-DATA
mkdisk() {
	local f=$1 root=$2 fill=$3 esp
	esp=$tmp/esp.$fill
	truncate -s $((1 + 34 + root + 4 + 1))M "$f"
	sfdisk -q "$f" <<-EOT
	label: gpt
	start=2048, size=$((34 * 2048)), type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name="DOTE-BOOT"
	start=$((35 * 2048)), size=$((root * 2048)), type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name="DOTE-ROOT"
	start=$(((35 + root) * 2048)), size=$((4 * 2048)), type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name="DOTE-DATA"
	EOT
	rm -f "$esp"
	mkfs.vfat -F 32 -n DOTE-BOOT -C "$esp" $((34 * 1024)) > /dev/null
	MTOOLS_SKIP_CHECK=1 mmd -i "$esp" ::/dote
	echo "comune = $fill" > "$tmp/k.$fill"
	MTOOLS_SKIP_CHECK=1 mcopy -i "$esp" "$tmp/k.$fill" ::/dote/kiosk.conf
	dd if="$esp" of="$f" bs=1M seek=1 conv=notrunc status=none
	head -c $((root * 1048576)) /dev/zero | tr '\0' "$fill" | dd of="$f" bs=1M seek=35 conv=notrunc status=none
	head -c $((4 * 1048576)) /dev/zero | tr '\0' "$fill" | dd of="$f" bs=1M seek=$((35 + root)) conv=notrunc status=none
}
sum_part() {	# sum_part DISK N
	local start size
	read -r start size < <(sfdisk -J "$1" | python3 -c 'import json,sys; p=json.load(sys.stdin)["partitiontable"]["partitions"][int(sys.argv[1])-1]; print(p["start"], p["size"])' "$2")
	dd if="$1" bs=512 skip="$start" count="$size" status=none | sha256sum | cut -c1-16
}
if command -v mkfs.vfat >/dev/null && command -v mcopy >/dev/null && command -v sfdisk >/dev/null; then
	mkdisk "$tmp/old.img" 8 a
	mkdisk "$tmp/new.img" 8 b
	data_before=$(sum_part "$tmp/old.img" 3)
	if bash "$img/update-disk" "$tmp/new.img" "$tmp/old.img" > "$tmp/out" 2>&1; then
		why=
		[ "$(sum_part "$tmp/old.img" 2)" = "$(sum_part "$tmp/new.img" 2)" ] || why+="root not the new one; "
		[ "$(sum_part "$tmp/old.img" 3)" = "$data_before" ] || why+="data partition changed; "
		conf=$(MTOOLS_SKIP_CHECK=1 mtype -i "$tmp/old.img@@1048576" ::/dote/kiosk.conf 2>&1)
		[ "$conf" = "comune = a" ] || why+="site settings not kept: '$conf'; "
		[ "$(sfdisk --part-uuid "$tmp/old.img" 2)" = "$(sfdisk --part-uuid "$tmp/new.img" 2)" ] || why+="root PARTUUID not carried over; "
		if [ -z "$why" ]; then pass image-update-disk-keeps-data; else fail image-update-disk-keeps-data "$why"; fi
	else
		fail image-update-disk-keeps-data "$(cat "$tmp/out")"
	fi
	mkdisk "$tmp/big.img" 12 c
	before=$(sha256sum < "$tmp/old.img")
	if bash "$img/update-disk" "$tmp/big.img" "$tmp/old.img" > "$tmp/out" 2>&1; then
		fail image-update-disk-refuses-bigger-root "a 12 MiB root was written over an 8 MiB partition"
	elif [ "$(sha256sum < "$tmp/old.img")" != "$before" ]; then
		fail image-update-disk-refuses-bigger-root "refused but the disk changed"
	else
		pass image-update-disk-refuses-bigger-root
	fi
else
	skip image-update-disk-keeps-data "mtools, dosfstools or sfdisk missing (scripts/deps test installs them)"
fi

# 9. The journey the image's boot test makes inside the VM
# (test-journey.script) still matches today's kiosk: run headless here on
# the UI fixture, as tests/ui does, so that a change of the kiosk's
# screens that would break `make image-test` fails `make test` first.
if bash "$top/tests/ui/run-one" "$img/test-journey.script" > "$tmp/journey.out" 2>&1; then
	pass image-test-journey-runs-on-todays-kiosk
else
	fail image-test-journey-runs-on-todays-kiosk "$(grep -m1 -i 'fail\|error' "$tmp/journey.out")"
fi
