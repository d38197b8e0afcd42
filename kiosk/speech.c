/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The voice guide's engine (see speech.h). One thread owns espeak-ng
 * (the library keeps global state, so nothing else calls it while the
 * thread runs): it takes the next piece of the queue (a sentence and its
 * language), synthesises it in AUDIO_OUTPUT_SYNCHRONOUS mode and queues
 * the samples, scaled to the session's volume, on an SDL audio device,
 * where they play one after the other. An utterance is numbered;
 * speech_say() bumps the number, empties the queue and clears the
 * device's, and the synthesis callback aborts as soon as it sees a newer
 * number, so a new focus cuts the old one within one buffer (about 60 ms).
 * Start reading at speech_say(), then worker().
 */
#include "kiosk/speech.h"
#include "core/util.h"

#include <SDL.h>
#include <espeak-ng/speak_lib.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *lang, *voice;
} voices[] = {
	/* espeak-ng voice files, not the mbrola voices listed first for
	 * es and ar (they need data Debian does not install by default). */
	{ "it", "it" }, { "en", "en" }, { "fr", "fr" }, { "es", "es" },
	{ "ro", "ro" }, { "uk", "uk" }, { "ar", "ar" },
};

struct speech {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int quit;
	unsigned gen;			/* number of the newest utterance */
	/* Pieces waiting, a ring: head is the next to say. */
	struct piece {
		char lang[8];
		char text[SPEECH_TEXT_MAX];
	} q[SPEECH_QUEUE];
	int head, count;
	int volume;			/* percent */
	SDL_AudioDeviceID dev;
	FILE *log;
};

/* The callback has no context argument: the thread's state is here. */
static struct speech *active;
static unsigned speaking_gen;
static FILE *wav_out;
static long wav_samples;

const char *speech_voice(const char *lang)
{
	for (size_t i = 0; i < ARRAY_SIZE(voices); i++)
		if (!strcmp(voices[i].lang, lang))
			return voices[i].voice;
	return "it";
}

char *speech_spell(const char *text, const char *dash, char *buf, size_t size)
{
	size_t n = 0;
	const unsigned char *p = (const unsigned char *)text;
	if (!size)
		return buf;
	buf[0] = 0;
	while (*p) {
		size_t len = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 : 4;
		const char *item;
		char ch[5];
		size_t il;
		memcpy(ch, p, len);
		ch[len] = 0;
		p += strnlen((const char *)p, len);
		if (ch[0] == ' ')
			continue;
		item = ch[0] == '-' ? dash : ch;
		il = strlen(item);
		if (n + il + 3 >= size)
			break;
		if (n) {
			memcpy(buf + n, ", ", 2);
			n += 2;
		}
		memcpy(buf + n, item, il);
		n += il;
		buf[n] = 0;
	}
	return buf;
}

static void scale(short *wav, int n, int volume)
{
	for (int i = 0; i < n; i++)
		wav[i] = (short)((int)wav[i] * volume / 100);
}

static int on_samples(short *wav, int n, espeak_EVENT *events)
{
	struct speech *s = active;
	(void)events;
	if (!wav || n <= 0)
		return 0;
	if (wav_out) {
		wav_samples += (long)fwrite(wav, sizeof(short), (size_t)n, wav_out);
		return 0;
	}
	if (!s)
		return 1;
	pthread_mutex_lock(&s->lock);
	if (s->gen != speaking_gen || s->quit) {
		pthread_mutex_unlock(&s->lock);
		return 1;	/* a newer utterance: stop this one */
	}
	scale(wav, n, s->volume);
	if (s->dev)
		SDL_QueueAudio(s->dev, wav, (Uint32)n * sizeof(short));
	pthread_mutex_unlock(&s->lock);
	return 0;
}

static int engine_init(void)
{
	int rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 60, NULL, 0);
	if (rate <= 0)
		return error("speech: espeak-ng cannot start (is espeak-ng-data installed?)");
	espeak_SetSynthCallback(on_samples);
	espeak_SetParameter(espeakRATE, 165, 0);
	return rate;
}

static int set_voice(const char *lang)
{
	if (espeak_SetVoiceByName(speech_voice(lang)) != EE_OK)
		return error("speech: no espeak-ng voice '%s'", speech_voice(lang));
	return 0;
}

static void synth(const char *text)
{
	espeak_Synth(text, strlen(text) + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, NULL, NULL);
}

static void *worker(void *arg)
{
	struct speech *s = arg;
	int rate = engine_init();
	char text[SPEECH_TEXT_MAX], lang[8] = "", voice_lang[8] = "";

	pthread_mutex_lock(&s->lock);
	if (rate > 0 && SDL_WasInit(SDL_INIT_AUDIO)) {
		SDL_AudioSpec want = { .freq = rate, .format = AUDIO_S16SYS, .channels = 1, .samples = 1024 }, have;
		s->dev = SDL_OpenAudioDevice(NULL, 0, &want, &have, 0);
		if (!s->dev)
			warning("speech: no sound output: %s", SDL_GetError());
		else
			SDL_PauseAudioDevice(s->dev, 0);
	}
	while (!s->quit) {
		struct piece *pc;
		if (!s->count) {
			pthread_cond_wait(&s->wake, &s->lock);
			continue;
		}
		pc = &s->q[s->head];
		memcpy(text, pc->text, sizeof(text));
		memcpy(lang, pc->lang, sizeof(lang));
		str_wipe(pc->text, sizeof(pc->text));
		s->head = (s->head + 1) % SPEECH_QUEUE;
		s->count--;
		speaking_gen = s->gen;
		pthread_mutex_unlock(&s->lock);
		if (rate > 0 && (strcmp(lang, voice_lang) ? !set_voice(lang) : 1)) {
			str_copy(voice_lang, sizeof(voice_lang), lang);
			synth(text);
		}
		str_wipe(text, sizeof(text));
		pthread_mutex_lock(&s->lock);
	}
	pthread_mutex_unlock(&s->lock);
	if (rate > 0)
		espeak_Terminate();
	return NULL;
}

struct speech *speech_start(const char *log_path)
{
	struct speech *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->wake, NULL);
	s->volume = SPEECH_VOLUME_DEFAULT;
	if (log_path && log_path[0]) {
		s->log = fopen(log_path, "a");
		if (!s->log)
			warning("speech: cannot write the log %s", log_path);
	}
	active = s;
	if (pthread_create(&s->thread, NULL, worker, s)) {
		error("speech: cannot start the thread");
		active = NULL;
		if (s->log)
			fclose(s->log);
		free(s);
		return NULL;
	}
	return s;
}

void speech_stop(struct speech *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	s->quit = 1;
	s->gen++;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);
	if (s->dev)
		SDL_CloseAudioDevice(s->dev);
	if (s->log)
		fclose(s->log);
	active = NULL;
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

int speech_split(const char *text, size_t max, void (*piece)(void *ctx, const char *p, size_t n), void *ctx)
{
	int count = 0;
	if (max < 8)
		return 0;
	for (;;) {
		size_t n = 0, cut;
		text += strspn(text, " \t\n");
		if (!*text)
			break;
		/* The sentence: up to a sign followed by a space (or the end). */
		while (text[n] && !(strchr(".?!", text[n]) && (!text[n + 1] || text[n + 1] == ' ' || text[n + 1] == '\n')))
			n++;
		if (text[n])
			n++;
		cut = n;
		if (cut > max - 1) {
			/* Too long for one piece: at the last space that fits, or
			 * at a character boundary. */
			cut = max - 1;
			while (cut > max / 2 && text[cut] != ' ')
				cut--;
			if (text[cut] != ' ') {
				cut = max - 1;
				while (cut > 0 && ((unsigned char)text[cut] & 0xC0) == 0x80)
					cut--;
			}
		}
		piece(ctx, text, cut);
		count++;
		text += cut;
	}
	return count;
}

struct queue_ctx {
	struct speech *s;
	const char *lang;
};

/* One piece into the ring (the lock is held). */
static void enqueue(void *arg, const char *p, size_t n)
{
	struct queue_ctx *c = arg;
	struct speech *s = c->s;
	struct piece *pc;
	while (n && p[n - 1] == ' ')
		n--;
	if (!n)
		return;
	if (s->count >= SPEECH_QUEUE) {
		error("speech: %d pieces waiting, the rest is dropped", SPEECH_QUEUE);
		return;
	}
	pc = &s->q[(s->head + s->count) % SPEECH_QUEUE];
	str_copy(pc->lang, sizeof(pc->lang), c->lang);
	memcpy(pc->text, p, n);
	pc->text[n] = 0;
	s->count++;
	if (s->log) {
		fprintf(s->log, "%s\t%s\n", pc->lang, pc->text);
		fflush(s->log);
	}
}

static void say(struct speech *s, const char *lang, const char *text, int interrupt)
{
	struct queue_ctx c = { s, lang };
	if (!s || !text[0])
		return;
	pthread_mutex_lock(&s->lock);
	if (interrupt) {
		s->gen++;
		/* Wiped whole: through headphones an utterance may hold what
		 * the citizen typed. */
		for (int i = 0; i < s->count; i++)
			str_wipe(s->q[(s->head + i) % SPEECH_QUEUE].text, SPEECH_TEXT_MAX);
		s->count = 0;
		if (s->dev)
			SDL_ClearQueuedAudio(s->dev);
	}
	speech_split(text, SPEECH_TEXT_MAX, enqueue, &c);
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
}

void speech_say(struct speech *s, const char *lang, const char *text)
{
	say(s, lang, text, 1);
}

void speech_queue(struct speech *s, const char *lang, const char *text)
{
	say(s, lang, text, 0);
}

void speech_set_volume(struct speech *s, int percent)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	s->volume = percent < 0 ? 0 : percent > 100 ? 100 : percent;
	pthread_mutex_unlock(&s->lock);
}

int speech_volume(const struct speech *s)
{
	return s ? s->volume : SPEECH_VOLUME_DEFAULT;
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

int speech_to_wav(const char *lang, const char *text, const char *path)
{
	unsigned char h[44] = "RIFF\0\0\0\0WAVEfmt \x10\0\0\0\x01\0\x01\0\0\0\0\0\0\0\0\0\x02\0\x10\0data";
	int rate, rc = -1;
	if (active)
		return error("speech: the engine belongs to the speech thread");
	if (!text[strspn(text, " \t\n")])
		return error("speech: nothing to say");
	wav_out = fopen(path, "wb");
	if (!wav_out)
		return error("cannot write %s", path);
	wav_samples = 0;
	if (fwrite(h, 1, sizeof(h), wav_out) != sizeof(h) || (rate = engine_init()) <= 0)
		goto out;
	if (set_voice(lang))
		goto term;
	synth(text);
	espeak_Synchronize();
	put32(h + 4, (uint32_t)(36 + wav_samples * 2));
	put32(h + 24, (uint32_t)rate);
	put32(h + 28, (uint32_t)rate * 2);
	put32(h + 40, (uint32_t)(wav_samples * 2));
	if (fseek(wav_out, 0, SEEK_SET) || fwrite(h, 1, sizeof(h), wav_out) != sizeof(h))
		goto term;
	rc = wav_samples > 0 ? 0 : error("speech: espeak-ng produced no samples");
term:
	espeak_Terminate();
out:
	if (fclose(wav_out))
		rc = -1;
	wav_out = NULL;
	return rc;
}
