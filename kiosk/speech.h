/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Speech output: the voice guide (EN 301 549 5.1.3). The kiosk's
 * announce hook composes what to say (kiosk/kiosk.c); this module says
 * it through espeak-ng on its own thread, so the UI thread never waits
 * for synthesis or sound: speech_say() copies the text and returns, and
 * a newer utterance interrupts the one being spoken. Nothing is cut: a
 * text of any length is split into sentences (and a sentence longer
 * than SPEECH_TEXT_MAX at a space) and queued, and speech_queue() adds
 * a part in another language (Italian catalog texts in an Arabic or
 * Ukrainian session) to the same utterance, each part in its own voice. Sound goes out
 * through SDL audio (the platform has opened the audio subsystem), at a
 * volume the kiosk sets per session.
 */
#ifndef DOTE_KIOSK_SPEECH_H
#define DOTE_KIOSK_SPEECH_H
#include <stddef.h>

enum { SPEECH_TEXT_MAX = 512, SPEECH_QUEUE = 64, SPEECH_VOLUME_DEFAULT = 70 };

struct speech;

/* Starts the speech thread. log_path, when not NULL or empty, gets one
 * line per piece queued ("lang<TAB>text", a sentence): the exact text
 * handed to the engine (tests). The engine starts lazily on the thread; a kiosk without
 * espeak-ng data or a sound card keeps working, silent. NULL on error. */
struct speech *speech_start(const char *log_path);
/* Stops the thread (what is being said is cut). */
void speech_stop(struct speech *s);
/* Says text in lang (it, en, fr, es, ro, uk, ar), interrupting what is
 * being said (and dropping what was queued). Never blocks on the engine. */
void speech_say(struct speech *s, const char *lang, const char *text);
/* Says text in lang after what is queued, without interrupting. Beyond
 * SPEECH_QUEUE pieces waiting, the rest of the text is dropped (with an
 * error). */
void speech_queue(struct speech *s, const char *lang, const char *text);
/* Splits text into the pieces the engine gets: sentences (ending in . ? or !
 * before a space), a sentence longer than max - 1 bytes broken at
 * its last space (or UTF-8 boundary) that fits. Calls piece(ctx, start,
 * len) for each, leading spaces skipped; returns the number. Pure
 * (unit-tested). */
int speech_split(const char *text, size_t max, void (*piece)(void *ctx, const char *p, size_t n), void *ctx);
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
