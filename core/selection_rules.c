/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The rules of a selection (see selection_rules.h). Start reading at
 * selection_step(): a switch on the action, each case saying from which
 * stages it may happen, what it needs, and where it leads. The
 * citizen's sentences are in selection_citizen_text(); Italian local
 * time is computed here from the EU summer-time rule, so that a hub
 * running in UTC (as containers do) still checks "in the future" and
 * prints times as a person in Italy reads them.
 */
#include "core/selection_rules.h"
#include "core/datetime.h"
#include "core/util.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *key, *label, *status;
} stages[SELECTION_STAGES] = {
	[SELECTION_RECEIVED] = { "received", "Ricevuta", "received" },
	[SELECTION_ELIGIBLE] = { "eligible", "Ammessa: requisiti posseduti", "received" },
	[SELECTION_EXCLUDED] = { "excluded", "Esclusa: requisiti non posseduti", "not_selected" },
	[SELECTION_CONVOKED] = { "convoked", "Convocato/a al colloquio", "interview" },
	[SELECTION_ABSENT] = { "absent", "Assente al colloquio", "not_selected" },
	[SELECTION_UNSUITABLE] = { "unsuitable", "Non idoneo/a", "not_selected" },
	[SELECTION_ASSESSED] = { "assessed", "Colloquio valutato", "interview" },
	[SELECTION_RANKED] = { "ranked", "In graduatoria", "interview" },
	[SELECTION_SELECTED] = { "selected", "Selezionato/a", "selected" },
	[SELECTION_NOT_SELECTED] = { "not_selected", "Idoneo/a non selezionato/a", "not_selected" },
	[SELECTION_RENOUNCED] = { "renounced", "Rinuncia", "withdrawn" },
	[SELECTION_WITHDRAWN] = { "withdrawn", "Ritirata", "withdrawn" },
	[SELECTION_STARTED] = { "started", "Tirocinio avviato", "started" },
	[SELECTION_COMPLETED] = { "completed", "Tirocinio concluso", "completed" },
	[SELECTION_DROPPED_OUT] = { "dropped_out", "Interrotto", "dropped_out" },
};

static const struct {
	const char *key, *label;
} actions[SELECTION_ACTIONS] = {
	[SELECTION_REQUIREMENTS_MET] = { "requirements_met", "Requisiti posseduti" },
	[SELECTION_REQUIREMENTS_NOT_MET] = { "requirements_not_met", "Requisiti non posseduti" },
	[SELECTION_CONVOKE] = { "convoke", "Convoca al colloquio" },
	[SELECTION_MARK_ABSENT] = { "absent", "Assente al colloquio" },
	[SELECTION_MARK_UNSUITABLE] = { "unsuitable", "Non idoneo/a" },
	[SELECTION_MARK_ASSESSED] = { "assessed", "Idoneo/a, con punteggio" },
	[SELECTION_RANK] = { "rank", "In graduatoria definitiva" },
	[SELECTION_SELECT] = { "select", "Seleziona" },
	[SELECTION_NOT_SELECT] = { "not_select", "Idoneo/a non selezionato/a" },
	[SELECTION_RENOUNCE] = { "renounce", "Rinuncia" },
	[SELECTION_WITHDRAW] = { "withdraw", "Ritiro della domanda" },
	[SELECTION_START] = { "start", "Avvio del tirocinio" },
	[SELECTION_COMPLETE] = { "complete", "Tirocinio concluso" },
	[SELECTION_DROP_OUT] = { "drop_out", "Tirocinio interrotto" },
	[SELECTION_UNDO] = { "undo", "Annulla l'ultimo passaggio" },
};

const char *selection_stage_key(enum selection_stage st)
{
	return st < SELECTION_STAGES ? stages[st].key : "";
}

const char *selection_stage_label(enum selection_stage st)
{
	return st < SELECTION_STAGES ? stages[st].label : "";
}

const char *selection_stage_status(enum selection_stage st)
{
	return st < SELECTION_STAGES ? stages[st].status : "received";
}

int selection_stage_of(const char *key)
{
	for (int i = 0; key && i < SELECTION_STAGES; i++)
		if (!strcmp(stages[i].key, key))
			return i;
	return -1;
}

const char *selection_action_key(enum selection_action a)
{
	return a < SELECTION_ACTIONS ? actions[a].key : "";
}

const char *selection_action_label(enum selection_action a)
{
	return a < SELECTION_ACTIONS ? actions[a].label : "";
}

int selection_action_of(const char *key)
{
	for (int i = 0; key && i < SELECTION_ACTIONS; i++)
		if (!strcmp(actions[i].key, key))
			return i;
	return -1;
}

/* ------------------------------------------------------------ the steps */

static int refuse(char *why, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int refuse(char *why, size_t size, const char *fmt, ...)
{
	va_list ap;

	if (why && size) {
		va_start(ap, fmt);
		vsnprintf(why, size, fmt, ap);
		va_end(ap);
	}
	return 0;
}

static int has_reason(const struct selection_context *c)
{
	const char *r = c ? c->reason : NULL;

	if (!r)
		return 0;
	for (; *r; r++)
		if (*r != ' ' && *r != '\t')
			return 1;
	return 0;
}

static int in(enum selection_stage st, const enum selection_stage *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (set[i] == st)
			return 1;
	return 0;
}
#define IN(st, ...) in((st), (const enum selection_stage[]){ __VA_ARGS__ }, \
	sizeof((const enum selection_stage[]){ __VA_ARGS__ }) / sizeof(enum selection_stage))

/* The stages in which the selection has not yet produced a ranking. */
static int before_ranking(enum selection_stage st)
{
	return IN(st, SELECTION_RECEIVED, SELECTION_ELIGIBLE, SELECTION_EXCLUDED, SELECTION_CONVOKED,
		  SELECTION_ABSENT, SELECTION_UNSUITABLE, SELECTION_ASSESSED);
}

static int frozen(char *why, size_t size)
{
	return refuse(why, size, "La graduatoria del progetto è definitiva: requisiti, colloqui ed esiti non "
		      "si cambiano più.");
}

int selection_step(enum selection_stage from, enum selection_action action, const struct selection_context *ctx,
		   enum selection_stage *to, char *why, size_t whysize)
{
	static const struct selection_context none;
	const struct selection_context *c = ctx ? ctx : &none;
	enum selection_stage next = from;

	if (why && whysize)
		why[0] = '\0';
	if (from >= SELECTION_STAGES || action >= SELECTION_ACTIONS)
		return refuse(why, whysize, "Operazione sconosciuta.");
	switch (action) {
	case SELECTION_REQUIREMENTS_MET:
		if (c->ranking_final)
			return frozen(why, whysize);
		if (from != SELECTION_RECEIVED)
			return refuse(why, whysize, "I requisiti si verificano una volta, quando la domanda è "
				      "«Ricevuta» (ora è «%s»). Per correggere la verifica usa «Annulla l'ultimo "
				      "passaggio» con il motivo.", stages[from].label);
		next = SELECTION_ELIGIBLE;
		break;
	case SELECTION_REQUIREMENTS_NOT_MET:
		if (c->ranking_final)
			return frozen(why, whysize);
		if (!IN(from, SELECTION_RECEIVED, SELECTION_ELIGIBLE, SELECTION_CONVOKED))
			return refuse(why, whysize, "L'esclusione per requisiti è possibile finché la domanda è "
				      "ricevuta, ammessa o convocata (ora è «%s»).", stages[from].label);
		if (!has_reason(c))
			return refuse(why, whysize, "Indica il motivo dell'esclusione: il candidato lo legge "
				      "nella ricevuta e può chiedere il riesame.");
		next = SELECTION_EXCLUDED;
		break;
	case SELECTION_CONVOKE:
		if (c->ranking_final)
			return frozen(why, whysize);
		if (from == SELECTION_RECEIVED)
			return refuse(why, whysize, "Prima della convocazione verifica i requisiti.");
		if (!IN(from, SELECTION_ELIGIBLE, SELECTION_CONVOKED))
			return refuse(why, whysize, "Si convoca al colloquio una domanda ammessa (ora è «%s»).",
				      stages[from].label);
		next = SELECTION_CONVOKED;
		break;
	case SELECTION_MARK_ABSENT:
	case SELECTION_MARK_UNSUITABLE:
	case SELECTION_MARK_ASSESSED:
		if (c->ranking_final)
			return frozen(why, whysize);
		if (!(from == SELECTION_CONVOKED || (action == SELECTION_MARK_ASSESSED && from == SELECTION_ASSESSED)))
			return refuse(why, whysize, "L'esito del colloquio si registra dopo la convocazione "
				      "(la domanda è «%s»).", stages[from].label);
		if (action == SELECTION_MARK_UNSUITABLE && !has_reason(c))
			return refuse(why, whysize, "Indica il motivo della non idoneità: il candidato lo legge "
				      "nella ricevuta e può chiedere il riesame.");
		next = action == SELECTION_MARK_ABSENT ? SELECTION_ABSENT
		     : action == SELECTION_MARK_UNSUITABLE ? SELECTION_UNSUITABLE : SELECTION_ASSESSED;
		break;
	case SELECTION_RANK:
		if (from != SELECTION_ASSESSED)
			return refuse(why, whysize, "Entrano in graduatoria le domande idonee con un punteggio.");
		if (!c->deadline_passed)
			return refuse(why, whysize, "La graduatoria diventa definitiva dopo la scadenza del progetto.");
		next = SELECTION_RANKED;
		break;
	case SELECTION_SELECT:
		if (!c->ranking_final)
			return refuse(why, whysize, "Si seleziona soltanto dalla graduatoria definitiva: rendila "
				      "definitiva dopo la scadenza, quando ogni domanda ha un esito.");
		if (!IN(from, SELECTION_RANKED, SELECTION_NOT_SELECTED))
			return refuse(why, whysize, "Si seleziona soltanto chi è idoneo/a in graduatoria (la "
				      "domanda è «%s»).", stages[from].label);
		if (c->taken >= c->seats)
			return refuse(why, whysize, "I posti del progetto (%d) sono già tutti assegnati.", c->seats);
		if (c->position != c->first_waiting)
			return refuse(why, whysize, "Si seleziona in ordine di graduatoria: prima tocca alla "
				      "posizione %d (questa domanda è alla posizione %d).", c->first_waiting,
				      c->position);
		next = SELECTION_SELECTED;
		break;
	case SELECTION_NOT_SELECT:
		if (!c->ranking_final || from != SELECTION_RANKED)
			return refuse(why, whysize, "«Idoneo/a non selezionato/a» vale per chi è in graduatoria "
				      "definitiva oltre i posti disponibili.");
		if (c->taken < c->seats)
			return refuse(why, whysize, "Ci sono ancora posti liberi (%d su %d): seleziona in ordine di "
				      "graduatoria.", c->seats - c->taken, c->seats);
		next = SELECTION_NOT_SELECTED;
		break;
	case SELECTION_RENOUNCE:
		if (from != SELECTION_SELECTED)
			return refuse(why, whysize, "Rinuncia soltanto chi è stato selezionato (la domanda è «%s»).",
				      stages[from].label);
		if (!has_reason(c))
			return refuse(why, whysize, "Indica il motivo della rinuncia (ad esempio: comunicata per "
				      "e-mail il giorno ...).");
		next = SELECTION_RENOUNCED;
		break;
	case SELECTION_WITHDRAW:
		if (from == SELECTION_SELECTED)
			return refuse(why, whysize, "Chi è stato selezionato rinuncia al posto: usa «Rinuncia» con "
				      "il motivo, così il posto scorre al successivo in graduatoria.");
		if (!IN(from, SELECTION_RECEIVED, SELECTION_ELIGIBLE, SELECTION_CONVOKED, SELECTION_ASSESSED,
			SELECTION_RANKED, SELECTION_NOT_SELECTED))
			return refuse(why, whysize, "La domanda non si può più ritirare (è «%s»).", stages[from].label);
		next = SELECTION_WITHDRAWN;
		break;
	case SELECTION_START:
		if (from != SELECTION_SELECTED)
			return refuse(why, whysize, "Il tirocinio si avvia per chi è stato selezionato (la domanda è "
				      "«%s»).", stages[from].label);
		next = SELECTION_STARTED;
		break;
	case SELECTION_COMPLETE:
	case SELECTION_DROP_OUT:
		if (from != SELECTION_STARTED)
			return refuse(why, whysize, "Il tirocinio non è in corso (la domanda è «%s»).",
				      stages[from].label);
		next = action == SELECTION_COMPLETE ? SELECTION_COMPLETED : SELECTION_DROPPED_OUT;
		break;
	case SELECTION_UNDO:
		if (!has_reason(c))
			return refuse(why, whysize, "Per annullare un passaggio indica il motivo: resta nel "
				      "registro.");
		if (IN(from, SELECTION_RECEIVED, SELECTION_RANKED, SELECTION_STARTED, SELECTION_COMPLETED,
		       SELECTION_DROPPED_OUT))
			return refuse(why, whysize, "Lo stato «%s» non si annulla da qui.", stages[from].label);
		if (c->previous >= SELECTION_STAGES || c->previous == from)
			return refuse(why, whysize, "Non c'è un passaggio precedente da annullare.");
		if (c->ranking_final && before_ranking(c->previous))
			return frozen(why, whysize);
		if (c->previous == SELECTION_SELECTED && c->taken >= c->seats)
			return refuse(why, whysize, "Il posto è già stato assegnato al successivo in graduatoria: "
				      "la selezione non si può ripristinare.");
		next = c->previous;
		break;
	default:
		return refuse(why, whysize, "Operazione sconosciuta.");
	}
	if (to)
		*to = next;
	return 1;
}

/* --------------------------------------------------------------- time */

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static long days_from_civil(int y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The instant of the last Sunday of month m, 01:00 UTC. */
static time_t last_sunday_0100(int y, int m)
{
	int last = days_in_month(y, m);
	long days = days_from_civil(y, m, last);
	long wd = (days + 4) % 7;	/* 1970-01-01 was a Thursday (4) */

	if (wd < 0)
		wd += 7;
	return (time_t)(days - wd) * 86400 + 3600;
}

static int summer_time(time_t t)
{
	struct tm u;

	gmtime_r(&t, &u);
	return t >= last_sunday_0100(u.tm_year + 1900, 3) && t < last_sunday_0100(u.tm_year + 1900, 10);
}

void selection_local_tm(time_t t, struct tm *tm)
{
	time_t l = t + (summer_time(t) ? 7200 : 3600);

	gmtime_r(&l, tm);
}

time_t selection_local_time(const char *at)
{
	char date[11];
	int y, m, d, hh, mm;
	time_t naive, t;

	if (!at || strlen(at) != 16 || at[10] != 'T' || at[13] != ':' ||
	    strspn(at + 11, "0123456789") != 2 || strspn(at + 14, "0123456789") != 2)
		return -1;
	memcpy(date, at, 10);
	date[10] = '\0';
	if (date_parse(date, &y, &m, &d))
		return -1;
	hh = atoi(at + 11);
	mm = atoi(at + 14);
	if (hh > 23 || mm > 59)
		return -1;
	naive = (time_t)days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60;
	t = naive - 7200;
	return summer_time(t) ? t : naive - 3600;
}

void selection_local_it(time_t t, char *buf, size_t size)
{
	struct tm tm;

	selection_local_tm(t, &tm);
	snprintf(buf, size, "%02d/%02d/%04d alle %02d:%02d", tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900,
		 tm.tm_hour, tm.tm_min);
}

static void local_date(time_t now, char *buf, size_t size)
{
	struct tm tm;

	selection_local_tm(now, &tm);
	snprintf(buf, size, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

static int printable_line(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

int selection_convocation_check(const char *at, const char *place, const char *note, time_t now, char *why,
				size_t whysize)
{
	time_t t = selection_local_time(at);
	char when[40];

	if (why && whysize)
		why[0] = '\0';
	if (t < 0)
		return refuse(why, whysize, "Per la convocazione al colloquio servono data e ora valide "
			      "(AAAA-MM-GGTHH:MM).");
	if (t <= now) {
		selection_local_it(now, when, sizeof(when));
		return refuse(why, whysize, "La data e l'ora del colloquio sono già passate (ora è il %s): "
			      "scegli un momento futuro.", when);
	}
	if (!place || !*place || strlen(place) > 200 || !printable_line(place))
		return refuse(why, whysize, "Per la convocazione al colloquio serve il luogo (da 1 a 200 caratteri).");
	if (note && (strlen(note) > 500 || !printable_line(note)))
		return refuse(why, whysize, "La nota può avere al massimo 500 caratteri, su una riga.");
	return 1;
}

int selection_final_check(const char *deadline, int pending, time_t now, char *why, size_t whysize)
{
	char today[48];
	int y, m, d;

	if (why && whysize)
		why[0] = '\0';
	if (!deadline || date_parse(deadline, &y, &m, &d))
		return refuse(why, whysize, "Il progetto non ha una scadenza valida: la graduatoria non può "
			      "diventare definitiva.");
	local_date(now, today, sizeof(today));
	if (strcmp(today, deadline) <= 0)
		return refuse(why, whysize, "La graduatoria può diventare definitiva soltanto dopo la scadenza "
			      "del progetto (%02d/%02d/%04d): fino ad allora possono arrivare altre domande.",
			      d, m, y);
	if (pending > 0)
		return refuse(why, whysize, "La graduatoria non può diventare definitiva: %d %s ancora un "
			      "esito.", pending, pending == 1 ? "domanda attende" : "domande attendono");
	return 1;
}

int selection_open_for_applications(const char *deadline, int ranking_final, time_t now)
{
	char today[48];
	int y, m, d;

	if (ranking_final)
		return 0;
	if (!deadline || date_parse(deadline, &y, &m, &d))
		return 1;
	local_date(now, today, sizeof(today));
	return strcmp(today, deadline) <= 0;
}

/* ------------------------------------------------------------ ranking */

int selection_call_parse(const char *rules_json, struct selection_call *c, char *err, size_t errsize)
{
	json_t *root, *v;
	json_error_t je;
	int rc = -1, total = 0;
	size_t i;

	memset(c, 0, sizeof(*c));
	c->tie_break = SELECTION_TIE_YOUNGER;
	if (err && errsize)
		err[0] = '\0';
	if (!rules_json || !*rules_json)
		return 0;
	root = json_loads(rules_json, 0, &je);
	if (!json_is_object(root)) {
		snprintf(err, errsize, "le regole dell'avviso non sono un oggetto JSON");
		goto out;
	}
	v = json_object_get(root, "tie_break");
	if (v) {
		const char *tb = json_string_value(v);

		if (tb && !strcmp(tb, "younger"))
			c->tie_break = SELECTION_TIE_YOUNGER;
		else if (tb && !strcmp(tb, "earlier"))
			c->tie_break = SELECTION_TIE_EARLIER;
		else {
			snprintf(err, errsize, "tie_break: \"younger\" (il più giovane) o \"earlier\" (la domanda "
				 "presentata prima)");
			goto out;
		}
	}
	v = json_object_get(root, "criteria");
	if (v) {
		if (!json_is_array(v) || json_array_size(v) > SELECTION_CRITERIA_MAX) {
			snprintf(err, errsize, "criteria: una lista di al massimo %d criteri {\"name\", \"weight\"}",
				 SELECTION_CRITERIA_MAX);
			goto out;
		}
		for (i = 0; i < json_array_size(v); i++) {
			json_t *e = json_array_get(v, i);
			const char *name = json_string_value(json_object_get(e, "name"));
			json_t *w = json_object_get(e, "weight");

			if (!name || !*name || strlen(name) > SELECTION_CRITERION_NAME_MAX || !json_is_integer(w) ||
			    json_integer_value(w) < 1 || json_integer_value(w) > 100) {
				snprintf(err, errsize, "criteria[%zu]: serve un nome e un peso da 1 a 100", i);
				goto out;
			}
			str_copy(c->criteria[i].name, sizeof(c->criteria[i].name), name);
			c->criteria[i].weight = (int)json_integer_value(w);
			total += c->criteria[i].weight;
		}
		c->ncriteria = json_array_size(v);
		if (c->ncriteria && total != 100) {
			snprintf(err, errsize, "criteria: i pesi sommano a %d, devono sommare a 100", total);
			goto out;
		}
	}
	rc = 0;
out:
	json_decref(root);
	if (rc)
		c->ncriteria = 0;
	return rc;
}

int selection_weighted_score(const struct selection_call *c, const int *marks, size_t n, int *score, char *why,
			     size_t whysize)
{
	long sum = 0;

	/* refuse() is 0: "- 1" makes these the -1 of the contract. */
	if (n != c->ncriteria || !n)
		return refuse(why, whysize, "Servono i voti di tutti i %zu criteri dell'avviso.", c->ncriteria) - 1;
	for (size_t i = 0; i < n; i++) {
		if (marks[i] < 0 || marks[i] > 100)
			return refuse(why, whysize, "Il voto del criterio «%s» è un numero da 0 a 100.",
				      c->criteria[i].name) - 1;
		sum += (long)marks[i] * c->criteria[i].weight;
	}
	*score = (int)((sum + 50) / 100);
	return 0;
}

const char *selection_tie_break_text(enum selection_tie_break tb)
{
	return tb == SELECTION_TIE_EARLIER ? "A parità di punteggio precede la domanda presentata prima."
					   : "A parità di punteggio precede il candidato più giovane.";
}

static int entry_cmp(const struct selection_entry *a, const struct selection_entry *b, enum selection_tie_break tb)
{
	int r;

	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (tb == SELECTION_TIE_YOUNGER && a->birth_date && b->birth_date && *a->birth_date && *b->birth_date &&
	    (r = strcmp(a->birth_date, b->birth_date)))
		return -r;	/* born later: younger, first */
	if ((r = strcmp(a->submitted_at ? a->submitted_at : "", b->submitted_at ? b->submitted_at : "")))
		return r;
	return strcmp(a->protocol ? a->protocol : "", b->protocol ? b->protocol : "");
}

void selection_rank_sort(struct selection_entry *e, size_t n, enum selection_tie_break tb)
{
	/* Insertion sort: stable, and a placement's ranking is short. */
	for (size_t i = 1; i < n; i++) {
		struct selection_entry x = e[i];
		size_t j = i;

		while (j > 0 && entry_cmp(&x, &e[j - 1], tb) < 0) {
			e[j] = e[j - 1];
			j--;
		}
		e[j] = x;
	}
	for (size_t i = 0; i < n; i++)
		e[i].tie = i + 1 < n && e[i].score == e[i + 1].score;
}

int selection_next_index(const enum selection_stage *st, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (st[i] == SELECTION_RANKED || st[i] == SELECTION_NOT_SELECTED)
			return (int)i;
	return -1;
}

/* ------------------------------------------------------ citizen's text */

void selection_office_text(const struct selection_office *o, char *buf, size_t size)
{
	size_t len;

	buf[0] = '\0';
	if (!o || (!(o->phone && *o->phone) && !(o->email && *o->email) && !(o->address && *o->address)))
		return;
	snprintf(buf, size, "Per informazioni: %s", o->name && *o->name ? o->name : "l'ufficio del Comune");
	if (o->address && *o->address) {
		len = strlen(buf);
		snprintf(buf + len, size - len, ", %s", o->address);
	}
	if (o->phone && *o->phone) {
		len = strlen(buf);
		snprintf(buf + len, size - len, ", tel. %s", o->phone);
	}
	if (o->email && *o->email) {
		len = strlen(buf);
		snprintf(buf + len, size - len, ", e-mail %s", o->email);
	}
	len = strlen(buf);
	snprintf(buf + len, size - len, ".");
}

/* Appends " (motivo: R)" when there is a reason. */
static void reason(char *buf, size_t size, const char *r)
{
	size_t len = strlen(buf);

	if (r && *r)
		snprintf(buf + len, size - len, " Motivo: %s%s", r, r[strlen(r) - 1] == '.' ? "" : ".");
}

static void add(char *buf, size_t size, const char *text)
{
	size_t len = strlen(buf);

	if (text && *text)
		snprintf(buf + len, size - len, "%s%s", len ? " " : "", text);
}

void selection_citizen_text(enum selection_stage st, const struct selection_notice *n, char *buf, size_t size)
{
	static const struct selection_notice none = { .score = -1 };
	char when[40] = "", office[400], tmp[400];
	const struct selection_notice *x = n ? n : &none;
	time_t t;

	if (!size)
		return;
	buf[0] = '\0';
	if (x->interview_at && (t = selection_local_time(x->interview_at)) >= 0)
		selection_local_it(t, when, sizeof(when));
	switch (st) {
	case SELECTION_RECEIVED:
		add(buf, size, "La domanda è stata ricevuta. Il Comune verificherà i requisiti e, se sono "
			       "posseduti, le comunicherà data e luogo del colloquio.");
		break;
	case SELECTION_ELIGIBLE:
		add(buf, size, "I requisiti sono stati verificati: la domanda è ammessa. Il Comune le "
			       "comunicherà data e luogo del colloquio.");
		break;
	case SELECTION_EXCLUDED:
		add(buf, size, "La domanda non è stata ammessa perché non risultano posseduti i requisiti "
			       "dell'avviso.");
		reason(buf, size, x->reason);
		add(buf, size, "Se ritiene che ci sia un errore, può chiedere il riesame all'ufficio del Comune.");
		break;
	case SELECTION_CONVOKED:
		snprintf(tmp, sizeof(tmp), "È convocato/a al colloquio il %s, presso: %s.", when[0] ? when : "(data da "
			 "definire)", x->interview_place && *x->interview_place ? x->interview_place : "(luogo da definire)");
		add(buf, size, tmp);
		if (x->interview_note && *x->interview_note) {
			snprintf(tmp, sizeof(tmp), "Indicazioni dell'ufficio: %s%s", x->interview_note,
				 x->interview_note[strlen(x->interview_note) - 1] == '.' ? "" : ".");
			add(buf, size, tmp);
		}
		add(buf, size, "Se non può presentarsi, avvisi l'ufficio prima del colloquio.");
		break;
	case SELECTION_ABSENT:
		add(buf, size, "Non si è presentato/a al colloquio: la domanda non prosegue.");
		add(buf, size, "Se l'assenza ha un motivo giustificato, contatti subito l'ufficio del Comune.");
		break;
	case SELECTION_UNSUITABLE:
		add(buf, size, "Dopo il colloquio la candidatura è stata valutata non idonea.");
		reason(buf, size, x->reason);
		add(buf, size, "Può chiedere il riesame all'ufficio del Comune.");
		break;
	case SELECTION_ASSESSED:
		if (x->score >= 0)
			snprintf(tmp, sizeof(tmp), "Il colloquio è stato valutato: idoneo/a, punteggio %d.", x->score);
		else
			snprintf(tmp, sizeof(tmp), "Il colloquio è stato valutato: idoneo/a.");
		add(buf, size, tmp);
		add(buf, size, "La graduatoria sarà resa definitiva dopo la scadenza del progetto: la posizione "
			       "sarà indicata qui.");
		break;
	case SELECTION_RANKED:
		snprintf(tmp, sizeof(tmp), "È idoneo/a nella graduatoria definitiva, alla posizione %d (posti "
			 "disponibili: %d).", x->position, x->seats);
		add(buf, size, tmp);
		add(buf, size, "Il Comune seleziona in ordine di graduatoria e la contatterà se tocca a lei.");
		break;
	case SELECTION_SELECTED:
		if (x->placement_withdrawn) {
			add(buf, size, "Il progetto per cui era stato/a selezionato/a è stato ritirato: il tirocinio "
				       "non potrà iniziare.");
			reason(buf, size, x->reason);
			add(buf, size, "L'ufficio del Comune le spiegherà le possibilità che restano.");
			break;
		}
		if (x->position > 0)
			snprintf(tmp, sizeof(tmp), "È stato/a selezionato/a per il tirocinio (posizione %d della "
				 "graduatoria definitiva).", x->position);
		else
			snprintf(tmp, sizeof(tmp), "È stato/a selezionato/a per il tirocinio.");
		add(buf, size, tmp);
		add(buf, size, "Il Comune la contatterà per concordare l'avvio.");
		break;
	case SELECTION_NOT_SELECTED:
		snprintf(tmp, sizeof(tmp), "È idoneo/a ma non selezionato/a: è alla posizione %d della graduatoria "
			 "definitiva, oltre i %d posti disponibili.", x->position, x->seats);
		add(buf, size, tmp);
		add(buf, size, "Se un posto si libera (rinuncia o ritiro), il Comune scorre la graduatoria in "
			       "ordine e potrà contattarla.");
		break;
	case SELECTION_RENOUNCED:
		add(buf, size, "Ha rinunciato al tirocinio.");
		reason(buf, size, x->reason);
		add(buf, size, "Il posto passa al candidato successivo in graduatoria.");
		break;
	case SELECTION_WITHDRAWN:
		if (x->placement_withdrawn)
			add(buf, size, "Il progetto è stato ritirato: la domanda non prosegue.");
		else
			add(buf, size, "La domanda è stata ritirata.");
		reason(buf, size, x->reason);
		add(buf, size, "Può presentare domanda per un altro progetto aperto allo sportello DoteComune.");
		break;
	case SELECTION_STARTED:
		add(buf, size, "Il tirocinio è iniziato.");
		break;
	case SELECTION_COMPLETED:
		add(buf, size, "Il tirocinio si è concluso.");
		break;
	case SELECTION_DROPPED_OUT:
		add(buf, size, "Il tirocinio è stato interrotto prima della conclusione.");
		reason(buf, size, x->reason);
		break;
	default:
		add(buf, size, "Lo stato della domanda non è disponibile: chieda all'ufficio del Comune.");
		break;
	}
	selection_office_text(x->office, office, sizeof(office));
	add(buf, size, office);
}
