/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The progetto formativo as PDF (see placement_pdf.h): who, where, what
 * (the QRSP profile), how long and how many hours, the allowance rule,
 * the tutors, and the signed QR code.
 */
#include "reports/web/placement_pdf.h"
#include "reports/web/pdf.h"
#include "reports/store/traineeship.h"
#include "core/placement.h"
#include "core/util.h"

#include <stdio.h>
#include <string.h>

/* "16/11/2026" from "2026-11-16". */
static void date_it(const char *ymd, char *buf, size_t size)
{
	if (strlen(ymd) == 10)
		snprintf(buf, size, "%.2s/%.2s/%.4s", ymd + 8, ymd + 5, ymd);
	else
		str_copy(buf, size, ymd);
}

int progetto_pdf(const struct traineeship_doc *d, const char *url, char **pdf, size_t *len)
{
	struct pdf_doc *p = pdf_new("Progetto formativo individuale");
	char buf[600], a[16], b[16], amount[32];
	const struct traineeship *t = &d->t;
	if (!p)
		return -1;
	pdf_title(p, "Progetto formativo individuale");
	snprintf(buf, sizeof(buf), "%s · avviso %s · %s", d->call_title, d->call_code, d->comune_name);
	pdf_note(p, buf);

	pdf_heading(p, "Tirocinante");
	snprintf(buf, sizeof(buf), "%s %s", t->given_name, t->family_name);
	pdf_field(p, "Nome e cognome", buf);
	pdf_field(p, "Codice fiscale", t->cf);
	pdf_field(p, "Domanda", d->protocol);

	pdf_heading(p, "Soggetto ospitante");
	pdf_field(p, "Ente", d->comune_name);
	pdf_field(p, "Ufficio", d->office);
	pdf_field(p, "Sede", d->address);
	pdf_field(p, "Progetto", d->placement_title);
	pdf_field(p, "Codice", t->placement_code);
	pdf_field(p, "Profilo QRSP", d->qrsp);

	pdf_heading(p, "Durata e impegno");
	date_it(t->start, a, sizeof(a));
	date_it(t->end, b, sizeof(b));
	snprintf(buf, sizeof(buf), "dal %s al %s (%d mesi)", a, b, t->months);
	pdf_field(p, "Periodo", buf);
	snprintf(buf, sizeof(buf), "%d ore settimanali, su cinque giorni", t->weekly_minutes / 60);
	pdf_field(p, "Orario", buf);
	snprintf(buf, sizeof(buf), "%d ore di formazione in aula", t->classroom_hours);
	pdf_field(p, "Formazione", buf);

	pdf_heading(p, "Indennità di partecipazione");
	cents_format(t->rule.amount_cents, amount, sizeof(amount));
	if (t->rule.below == ALLOWANCE_NOTHING)
		snprintf(buf, sizeof(buf), "%s € al mese, per intero con una presenza di almeno il %d%% delle ore "
			 "previste nel mese; al di sotto, nulla.", amount, t->rule.threshold_pct);
	else
		snprintf(buf, sizeof(buf), "%s € al mese, per intero con una presenza di almeno il %d%% delle ore "
			 "previste nel mese; al di sotto, in proporzione alle ore svolte%s.", amount,
			 t->rule.threshold_pct, t->rule.floor_pct ? " sopra il minimo indicato dal bando" : "");
	pdf_para(p, buf);
	pdf_para(p, "Nei periodi di sospensione (malattia lunga, maternità) l'indennità non è dovuta e il "
		    "tirocinio si prolunga di altrettanti giorni. Le presenze si registrano al chiosco del "
		    "comune; il tutor conferma il registro di ogni mese.");

	pdf_heading(p, "Tutor");
	pdf_field(p, "Tutor del comune", t->tutor_comune);
	pdf_field(p, "Tutor del soggetto promotore", t->tutor_promoter);

	if (d->badge[0]) {
		pdf_heading(p, "Presenze al chiosco");
		pdf_qr(p, d->badge, 35, "QR personale: al chiosco, in «Presenze», inquadrare questo codice al posto "
					 "della tessera sanitaria. Se si perde, il tutor ne stampa uno nuovo e questo "
					 "non vale più.");
	}
	if (url && *url) {
		pdf_heading(p, "Verifica del documento");
		snprintf(buf, sizeof(buf), "Inquadrare il codice o aprire %s", url);
		pdf_qr(p, url, 45, buf);
	}
	return pdf_finish(p, pdf, len);
}

int certificate_pdf(const struct traineeship_doc *d, const char *url, char **pdf, size_t *len)
{
	struct pdf_doc *p = pdf_new("Attestato di tirocinio");
	const struct traineeship *t = &d->t;
	char buf[800], a[16], b[16];
	if (!p)
		return -1;
	pdf_title(p, "Attestato di tirocinio e delle competenze");
	pdf_note(p, d->comune_name);
	snprintf(buf, sizeof(buf), "Si attesta che %s %s (codice fiscale %s) ha svolto il tirocinio «%s» presso %s, "
		 "%s, nell'ambito dell'avviso %s.", t->given_name, t->family_name, t->cf, d->placement_title,
		 d->comune_name, d->office, d->call_code);
	pdf_para(p, buf);
	pdf_heading(p, "Il tirocinio");
	date_it(t->start, a, sizeof(a));
	date_it(d->ended_on[0] ? d->ended_on : t->end, b, sizeof(b));
	snprintf(buf, sizeof(buf), "dal %s al %s", a, b);
	pdf_field(p, "Periodo", buf);
	snprintf(buf, sizeof(buf), "%d ore e %02d minuti registrati", d->minutes_done / 60, d->minutes_done % 60);
	pdf_field(p, "Ore svolte", buf);
	snprintf(buf, sizeof(buf), "%d ore previste dal progetto", t->classroom_hours);
	pdf_field(p, "Formazione in aula", buf);
	pdf_field(p, "Profilo QRSP", d->qrsp);
	pdf_heading(p, "Competenze raggiunte");
	pdf_para(p, d->competences);
	pdf_heading(p, "Valutazione del tutor");
	pdf_para(p, d->judgement);
	pdf_field(p, "Tutor del comune", t->tutor_comune);
	pdf_field(p, "Tutor del soggetto promotore", t->tutor_promoter);
	if (url && *url) {
		pdf_heading(p, "Verifica del documento");
		snprintf(buf, sizeof(buf), "Inquadrare il codice o aprire %s", url);
		pdf_qr(p, url, 45, buf);
	}
	return pdf_finish(p, pdf, len);
}

int badge_card_pdf(const struct traineeship_doc *d, char **pdf, size_t *len)
{
	struct pdf_doc *p;
	const struct traineeship *t = &d->t;
	char buf[400], a[16], b[16];
	if (!d->badge[0])
		return error("badge card: no personal QR");
	p = pdf_new("QR personale per le presenze");
	if (!p)
		return -1;
	pdf_title(p, "QR personale per le presenze");
	snprintf(buf, sizeof(buf), "%s %s", t->given_name, t->family_name);
	pdf_field(p, "Tirocinante", buf);
	pdf_field(p, "Comune", d->comune_name);
	pdf_field(p, "Progetto", d->placement_title);
	date_it(t->start, a, sizeof(a));
	date_it(t->end, b, sizeof(b));
	snprintf(buf, sizeof(buf), "dal %s al %s", a, b);
	pdf_field(p, "Periodo", buf);
	pdf_qr(p, d->badge, 50, "Al chiosco del comune, in «Presenze», inquadrare questo codice per l'entrata e "
				 "per l'uscita, al posto della tessera sanitaria.");
	pdf_note(p, "Il codice non contiene dati personali. Se si perde, chiedere al tutor del comune un nuovo QR: "
		    "da quel momento questo non vale più.");
	return pdf_finish(p, pdf, len);
}
