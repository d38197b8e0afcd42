#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# The voice guide really speaks, in each of the kiosk's seven languages:
# `dote-kiosk --say-to-wav` runs the kiosk's own speech code (the same
# espeak-ng voice for the language as the voice guide) into a WAV file,
# and sox measures it: long enough and not silent (RMS amplitude). The
# kiosk refuses a language it does not have, at start-up, and the
# speech log gets the exact text handed to the engine during a session.
set -u
BIN=${DOTE_BIN:?}; TOP=${DOTE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
pass() { echo "PASS kiosk_speech: $1"; }
flunk() { echo "FAIL kiosk_speech: $1"; fail=1; }
[ -x "$BIN/dote-kiosk" ] || { echo "SKIP kiosk_speech: dote-kiosk not built"; exit 0; }
command -v sox >/dev/null || { echo "SKIP kiosk_speech: sox not installed"; exit 0; }
export DOTE_ASSETS="$TOP/assets" SDL_AUDIODRIVER=dummy DOTE_NOW=1772442000
O=${O:-build}; case "$O" in /*) ;; *) O="$TOP/$O" ;; esac

# rms FILE: the RMS amplitude sox measures (0 silent .. 1 full scale).
rms() { sox "$1" -n stat 2>&1 | awk '/RMS +amplitude/ { print $3 }'; }
secs() { sox "$1" -n stat 2>&1 | awk '/Length \(seconds\)/ { print $3 }'; }

declare -A say=(
	[it]="Il tuo numero di protocollo: D, C, trattino, 0, 1, 5."
	[en]="Your protocol number: D, C, dash, 0, 1, 5."
	[fr]="Votre numéro de protocole : D, C, tiret, 0, 1, 5."
	[es]="Su número de protocolo: D, C, guion, 0, 1, 5."
	[ro]="Numărul dumneavoastră de protocol: D, C, cratimă, 0, 1, 5."
	[uk]="Ваш номер протоколу: D, C, дефіс, 0, 1, 5."
	[ar]="رقم البروتوكول الخاص بك: D, C, شرطة, 0, 1, 5."
)
for l in it en fr es ro uk ar; do
	wav=$tmp/$l.wav
	if ! "$BIN/dote-kiosk" --lang "$l" --say-to-wav "$wav" "${say[$l]}" 2> "$tmp/$l.err"; then
		flunk "$l: no WAV ($(head -c 200 "$tmp/$l.err"))"
		continue
	fi
	r=$(rms "$wav"); s=$(secs "$wav")
	if awk -v r="${r:-0}" -v s="${s:-0}" 'BEGIN { exit !(r > 0.02 && s > 1.0) }'; then
		pass "$l: speech is audible (RMS amplitude $r, $s s)"
	else
		flunk "$l: silent or short (RMS amplitude ${r:-?}, ${s:-?} s)"
	fi
done
# The measure can fail: nothing to say is no sound, and an error.
if "$BIN/dote-kiosk" --lang it --say-to-wav "$tmp/empty.wav" "" 2>/dev/null; then
	flunk "empty text: a WAV without speech was reported as spoken"
else
	pass "empty text: no speech, an error"
fi
sox -n -r 22050 -b 16 -c 1 "$tmp/silence.wav" trim 0 2 2>/dev/null
r=$(rms "$tmp/silence.wav")
awk -v r="${r:-1}" 'BEGIN { exit !(r < 0.02) }' && pass "the silence threshold tells silence apart (RMS $r)" ||
	flunk "the silence threshold: RMS $r for silence"

# A language the kiosk does not have: refused at start-up, clearly.
"$BIN/dote-kiosk" --headless --lang de --db "$tmp/k.db" > "$tmp/out" 2>&1; rc=$?
if [ $rc -ne 0 ] && grep -q "no such language" "$tmp/out"; then
	pass "--lang de: refused at start-up (exit $rc)"
else
	flunk "--lang de: exit $rc, $(head -c 200 "$tmp/out")"
fi
"$BIN/dote-kiosk" --headless --set languages=it,en,xx --db "$tmp/k.db" > "$tmp/out" 2>&1; rc=$?
if [ $rc -ne 0 ] && grep -q "'xx' is not a language" "$tmp/out"; then
	pass "languages = it,en,xx: refused at start-up (exit $rc)"
else
	flunk "languages with xx: exit $rc, $(head -c 200 "$tmp/out")"
fi
# A language the kiosk has but whose catalog is missing: refused too.
mkdir -p "$tmp/locale"
cp -r "$O/locale/it" "$tmp/locale/"
"$BIN/dote-kiosk" --init-db "$tmp/k.db" >/dev/null 2>&1
printf 'expect-screen home\n' > "$tmp/s.script"
"$BIN/dote-kiosk" --headless --lang fr --set languages=it --set locale_dir="$tmp/locale" --set state_dir="$tmp/state" \
	--db "$tmp/k.db" --script "$tmp/s.script" --shots "$tmp/shots" > "$tmp/out" 2>&1; rc=$?
if [ $rc -ne 0 ] && grep -q "catalog is not in" "$tmp/out"; then
	pass "--lang fr without its catalog: refused (exit $rc)"
else
	flunk "--lang fr without catalog: exit $rc, $(head -c 200 "$tmp/out")"
fi

# An offered language whose catalog is missing: refused, not English.
"$BIN/dote-kiosk" --headless --set languages=it,fr --set locale_dir="$tmp/locale" --set state_dir="$tmp/state" \
	--db "$tmp/k.db" --script "$tmp/s.script" --shots "$tmp/shots" > "$tmp/out" 2>&1; rc=$?
if [ $rc -ne 0 ] && grep -q "no catalog for 'fr'" "$tmp/out"; then
	pass "languages = it,fr without the French catalog: refused (exit $rc)"
else
	flunk "languages it,fr without catalog: exit $rc, $(head -c 200 "$tmp/out")"
fi
"$BIN/dote-kiosk" --headless --set languages=it --set locale_dir="$tmp/locale" --set state_dir="$tmp/state" \
	--db "$tmp/k.db" --script "$tmp/s.script" --shots "$tmp/shots" > "$tmp/out" 2>&1 &&
	pass "languages = it with only the Italian catalog: starts" || flunk "languages = it: $(tail -2 "$tmp/out")"

# The speech log: the exact text handed to espeak-ng, one line each.
cat > "$tmp/speech.script" <<'SCRIPT'
tap speech
tap start
key Down
SCRIPT
"$BIN/dote-kiosk" --headless --set state_dir="$tmp/state" --set locale_dir="$O/locale" \
	--set speech_log="$tmp/speech.log" --set receipts_dir= --db "$tmp/k.db" \
	--script "$tmp/speech.script" --shots "$tmp/shots" > "$tmp/out" 2>&1 || flunk "speech script: $(tail -2 "$tmp/out")"
# One line per sentence, in order (speech.c splits and queues them).
want=$'it\tGuida vocale accesa.\nit\tDoteComune - tirocini in Comune.\nit\tScegli un tirocinio, verifica di avere i requisiti e invia la domanda da qui in pochi minuti.\nit\tRiceverai una ricevuta.\nit\tUsa Su e Giù per spostarti, Invio per scegliere, Indietro per tornare indietro.\nit\tIn un campo di testo, premi Giù per usare la tastiera.'
if [ "$(head -6 "$tmp/speech.log")" = "$want" ]; then
	pass "speech log: the voice guide starts with the screen's title, purpose and the keys, a sentence a line"
else
	flunk "speech log: $(head -c 600 "$tmp/speech.log" 2>/dev/null)"
fi
if grep -qx $'it\tCerca un tirocinio\.' "$tmp/speech.log" && grep -q $'^it\tI tirocini aperti' "$tmp/speech.log"; then
	pass "speech log: the next screen is announced"
else
	flunk "speech log has no browse announcement: $(cat "$tmp/speech.log" | head -c 600)"
fi
exit $fail
