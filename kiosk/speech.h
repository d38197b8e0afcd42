/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Speech output: the voice guide (EN 301 549 5.1.3). The kiosk's
 * announce hook composes what to say (kiosk/kiosk.c); this module says
 * it through espeak-ng on its own thread, so the UI thread never waits
 * for synthesis or sound: speech_say() copies the text and returns, and
 * a newer utterance interrupts the one being spoken. Sound goes out
 * through SDL audio (the platform has opened the audio subsystem), at a
 * volume the kiosk sets per session.
 */
#ifndef DOTE_KIOSK_SPEECH_H
#define DOTE_KIOSK_SPEECH_H
#include <stddef.h>

enum { SPEECH_TEXT_MAX = 1024, SPEECH_VOLUME_DEFAULT = 70 };

struct speech;

/* Starts the speech thread. log_path, when not NULL or empty, gets one
 * line per utterance ("lang<TAB>text"): the exact text handed to the
 * engine (tests). The engine starts lazily on the thread; a kiosk without
 * espeak-ng data or a sound card keeps working, silent. NULL on error. */
struct speech *speech_start(const char *log_path);
/* Stops the thread (what is being said is cut). */
void speech_stop(struct speech *s);
/* Says text in lang (it, en, fr, es, ro, uk, ar), interrupting what is
 * being said. Never blocks on the engine. */
void speech_say(struct speech *s, const char *lang, const char *text);
/* Output volume in percent (0..100) of the engine's full level. */
void speech_set_volume(struct speech *s, int percent);
int speech_volume(const struct speech *s);
/* The espeak-ng voice for a kiosk language. */
const char *speech_voice(const char *lang);
/* Synthesises text in lang into a 16-bit mono WAV file, synchronously,
 * with the same voices (tests, `dote-kiosk --say-to-wav`). 0 or -1. */
int speech_to_wav(const char *lang, const char *text, const char *path);

/* Spells text character by character for speech: "DC-01" becomes
 * "D, C, <dash>, 0, 1" with dash the translated word for '-'. Returns
 * buf. Pure (unit-tested). */
char *speech_spell(const char *text, const char *dash, char *buf, size_t size);
#endif
