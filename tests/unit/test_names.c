/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * core/names.c: names are stored in NFC and refused, with the character
 * named, when they carry bidi controls, control characters, invisible or
 * joining characters, or more than NAMES_MARKS_MAX combining marks in a
 * row (issue 21). Start at main().
 */
#include <string.h>
#include "core/names.h"
#include "tests/unit/check.h"

/* One refused name: its message must name the character. */
static void refused(const char *label, const char *name, const char *want_in_why)
{
	char out[128], why[200], l[400];
	int rc = names_normalize(name, out, sizeof(out), why, sizeof(why));

	snprintf(l, sizeof(l), "%s: refused", label);
	CHECK_INT(l, rc, -1);
	snprintf(l, sizeof(l), "%s: message names it ('%s' in '%s')", label, want_in_why, why);
	CHECK(l, strstr(why, want_in_why) != NULL);
}

static void accepted(const char *label, const char *name, const char *want)
{
	char out[128], why[200] = "", l[200];
	int rc = names_normalize(name, out, sizeof(out), why, sizeof(why));

	snprintf(l, sizeof(l), "%s: accepted (%s)", label, why);
	CHECK_INT(l, rc, 0);
	snprintf(l, sizeof(l), "%s: NFC", label);
	CHECK_STR(l, out, want);
}

int main(void)
{
	char out[8], why[200];

	accepted("plain Italian name", "Giulia Maria", "Giulia Maria");
	accepted("apostrophe and accent", "D'Alessandro Niccolò", "D'Alessandro Niccolò");
	accepted("decomposed e + U+0301 becomes U+00E9", "Jose\xcc\x81", "Jos\xc3\xa9");
	accepted("decomposed o + grave becomes U+00F2", "Nicolo\xcc\x80", "Nicol\xc3\xb2");
	accepted("Arabic name", "\xd9\x83\xd8\xb1\xd9\x8a\xd9\x85", "\xd9\x83\xd8\xb1\xd9\x8a\xd9\x85");
	accepted("Vietnamese: two marks on one letter", "Nguy\xe1\xbb\x85n", "Nguy\xe1\xbb\x85n");
	accepted("three combining marks kept, in canonical order", "Za\xcc\x88\xcc\xa3\xcc\xb0", "Z\xe1\xba\xa1\xcc\xb0\xcc\x88");
	accepted("e + four marks: U+00E9 + three after NFC", "e\xcc\x81\xcc\x82\xcc\x83\xcc\x84x",
		 "\xc3\xa9\xcc\x82\xcc\x83\xcc\x84x");
	accepted("empty (the caller decides if required)", "", "");

	refused("RLO U+202E", "Rossi\xe2\x80\xae" "annA", "U+202E RIGHT-TO-LEFT OVERRIDE");
	refused("LRE U+202A", "\xe2\x80\xaa" "Anna", "U+202A");
	refused("RLI isolate U+2067", "Anna\xe2\x81\xa7", "U+2067");
	refused("LRM U+200E", "Anna\xe2\x80\x8e", "U+200E");
	refused("ALM U+061C", "Anna\xd8\x9c", "U+061C");
	refused("ESC", "Totem \x1b[2J", "U+001B");
	refused("newline", "Anna\nMaria", "U+000A");
	refused("DEL", "Anna\x7f", "U+007F");
	refused("C1 control U+0085", "Anna\xc2\x85", "U+0085");
	refused("zero-width space U+200B", "Ma\xe2\x80\x8brco", "U+200B ZERO WIDTH SPACE");
	refused("zero-width joiner U+200D", "Ma\xe2\x80\x8drco", "U+200D");
	refused("word joiner U+2060", "Ma\xe2\x81\xa0rco", "U+2060");
	refused("invisible times U+2062", "Ma\xe2\x81\xa2rco", "U+2062");
	refused("nominal digit shapes U+206E", "Ros\xe2\x81\xaesi", "U+206E");
	refused("soft hyphen U+00AD", "Ros\xc2\xadsi", "U+00AD SOFT HYPHEN");
	refused("BOM U+FEFF", "\xef\xbb\xbf" "Anna", "U+FEFF");
	refused("line separator U+2028", "Anna\xe2\x80\xa8", "U+2028");
	refused("four combining marks", "Zalg\xcc\xb6\xcc\xb6\xcc\xb6\xcc\xb6o", "U+0336 COMBINING LONG STROKE OVERLAY makes more than 3 combining marks");
	refused("thirty combining marks",
		 "a\xcc\x80\xcc\x81\xcc\x82\xcc\x83\xcc\x84\xcc\x85\xcc\x86\xcc\x87\xcc\x88\xcc\x89"
		 "\xcc\x8a\xcc\x8b\xcc\x8c\xcc\x8d\xcc\x8e\xcc\x8f\xcc\x90\xcc\x91\xcc\x92\xcc\x93"
		 "\xcc\x94\xcc\x95\xcc\x96\xcc\x97\xcc\x98\xcc\x99\xcc\x9a\xcc\x9b\xcc\x9c\xcc\x9d", "combining");
	refused("where: the character's position", "Ab\xe2\x80\x8b", "character 3");
	refused("not UTF-8", "Ann\xe0", "not valid UTF-8");
	refused("overlong UTF-8", "A\xc0\xaf" "B", "not valid UTF-8");

	CHECK_INT("NFC longer than the buffer: refused", names_normalize("Giulia Maria", out, sizeof(out), why,
									 sizeof(why)), -1);
	CHECK_STR("NFC longer than the buffer: out emptied", out, "");
	CHECK_INT("check only (out NULL)", names_normalize("Anna", NULL, 0, NULL, 0), 0);
	CHECK_INT("check only refuses too", names_normalize("An\xe2\x80\x8bna", NULL, 0, NULL, 0), -1);
	return check_done();
}
