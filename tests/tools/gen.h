/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Synthetic applicants for the hub and sync tests (tests/tools/): the
 * n-th person of a seed is always the same (so two kiosks given the same
 * seed produce the same people, which the hub must flag as duplicates),
 * with a real codice fiscale computed from their data. Simulated kiosks
 * get an Ed25519 key pair derived from their id (gen_kiosk_key), so a
 * tool can enrol a kiosk and another can sign its receipts.
 */
#ifndef DOTE_TESTS_GEN_H
#define DOTE_TESTS_GEN_H
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "core/application.h"
#include "core/cf.h"
#include "core/datetime.h"
#include "core/receipt.h"
#include "core/util.h"
#include "core/uuid.h"

static const char *const gen_given[] = {
	"Giulia", "Marco", "Sofia", "Luca", "Aurora", "Matteo", "Chiara", "Andrea",
	"Francesca", "Davide", "Elena", "Simone", "Martina", "Paolo", "Anna", "Karim",
};
static const char *const gen_family[] = {
	"Rossi", "Bianchi", "Ferrari", "Esposito", "Romano", "Colombo", "Ricci", "Marino",
	"Greco", "Bruno", "Gallo", "Conti", "De Luca", "Costa", "Giordano", "Mancini",
};

static inline uint64_t gen_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* Fills the personal part of a: person n of seed (valid CF, names, ...).
 * submitted_date is 'YYYY-MM-DD' (for the age). */
static inline void gen_person(struct application *a, uint64_t seed, uint64_t n, const char *submitted_date)
{
	uint64_t r = gen_mix(seed * 1000003ULL + n);
	int year = 1992 + (int)(r % 12), month = 1 + (int)((r >> 8) % 12), day = 1 + (int)((r >> 16) % 28);
	char birth[11];

	snprintf(birth, sizeof(birth), "%04d-%02d-%02d", year, month, day);
	str_copy(a->given_name, sizeof(a->given_name), gen_given[(r >> 24) % 16]);
	/* The surname's first three consonants come from n, so people
	 * 0..7999 of any seed have distinct codes. */
	static const char cons[] = "BCDFGLMNPRSTVZHKJQWX";
	snprintf(a->family_name, sizeof(a->family_name), "%ca%ca%co %s", cons[n % 20],
		 cons[(n / 20) % 20] + 32, cons[(n / 400) % 20] + 32, gen_family[(r >> 28) % 16]);
	a->sex = (r >> 32) & 1 ? 'F' : 'M';
	cf_compute(a->family_name, a->given_name, a->sex, birth, "F205", a->cf, sizeof(a->cf));
	str_copy(a->birth_date, sizeof(a->birth_date), birth);
	str_copy(a->birthplace, sizeof(a->birthplace), "F205");
	a->age = age_on(birth, submitted_date);
	snprintf(a->phone, sizeof(a->phone), "+39 333 %07llu", (unsigned long long)(r % 10000000));
	snprintf(a->email, sizeof(a->email), "p%llu@example.it", (unsigned long long)n);
	str_copy(a->residence, sizeof(a->residence), "015146");
	str_copy(a->applicant_status, sizeof(a->applicant_status), (r >> 40) & 1 ? "neet" : "unemployed");
	str_copy(a->education, sizeof(a->education), (r >> 41) & 1 ? "upper_secondary" : "bachelor");
	str_copy(a->lang, sizeof(a->lang), "it");
}

/* A complete application as the kiosk would send it (for load tests
 * that talk to the hub directly). */
static inline void gen_application(struct application *a, uint64_t seed, uint64_t n, const char *kiosk_id,
			    const char *comune, int64_t seq, int64_t call_id, const char *placement)
{
	char date[11];

	memset(a, 0, sizeof(*a));
	time_iso(now_wall(), a->submitted_at, sizeof(a->submitted_at));
	memcpy(date, a->submitted_at, 10);
	date[10] = '\0';
	gen_person(a, seed, n, date);
	uuid_v7(a->uuid, sizeof(a->uuid));
	str_copy(a->kiosk_id, sizeof(a->kiosk_id), kiosk_id);
	str_copy(a->comune, sizeof(a->comune), comune);
	a->seq = seq;
	a->call_id = call_id;
	str_copy(a->placement_code, sizeof(a->placement_code), placement);
	if (str_fmt(a->protocol, sizeof(a->protocol), "DC-%.6s-%.15s-%.4s-%06lld", comune, kiosk_id,
		    date, (long long)seq) < 0)
		a->protocol[0] = '\0';
	str_copy(a->status, sizeof(a->status), "received");
}
/* The key pair of simulated kiosk kiosk_id (the same for every tool and
 * run): pk_hex (65 bytes) gets the public key as the hub registers it. */
static inline void gen_kiosk_key(const char *kiosk_id, unsigned char pk[32], unsigned char sk[64],
				 char *pk_hex)
{
	unsigned char seed[32];
	char label[64];

	snprintf(label, sizeof(label), "dote test kiosk %s", kiosk_id);
	crypto_generichash(seed, sizeof(seed), (const unsigned char *)label, strlen(label), NULL, 0);
	crypto_sign_seed_keypair(pk, sk, seed);
	if (pk_hex)
		sodium_bin2hex(pk_hex, 65, pk, 32);
}

/* The receipt token a kiosk of comune kiosk_comune, holding sk, would
 * have signed for a (core/application.c does the same): into token
 * (RECEIPT_TOKEN_MAX). 0 or -1. */
static inline int gen_receipt(const struct application *a, const char *kiosk_comune,
			      const unsigned char sk[64], char *token, size_t size)
{
	struct receipt_fields f;
	struct tm tm;

	memset(&f, 0, sizeof(f));
	memset(&tm, 0, sizeof(tm));
	if (sscanf(a->submitted_at, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return -1;
	f.year = tm.tm_year;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	f.version = RECEIPT_VERSION;
	str_copy(f.kiosk_id, sizeof(f.kiosk_id), a->kiosk_id);
	str_copy(f.comune, sizeof(f.comune), kiosk_comune);
	f.seq = a->seq;
	str_copy(f.uuid, sizeof(f.uuid), a->uuid);
	str_copy(f.placement_code, sizeof(f.placement_code), a->placement_code);
	f.submitted = (int64_t)timegm(&tm);
	return receipt_sign(&f, sk, token, size);
}
#endif
