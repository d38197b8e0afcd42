/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The receipt check page (see receipt_page.h): what a citizen's phone
 * opens from the receipt's QR code. The same look as the hub's other
 * pages (html.c's frame: Designers Italia colours and Titillium Web,
 * served by the hub itself), no scripts, one column that reads on a
 * phone; every sentence in Italian, times in Italian local time. Start
 * reading at receipt_page().
 */
#include "core/util.h"
#include "reports/web/html.h"
#include "reports/web/receipt_page.h"

static const char receipt_css[] =
	"<style>main{max-width:40rem;margin:0 auto;padding:16px}dl.r{display:grid;"
	"grid-template-columns:max-content 1fr;gap:4px 16px;margin:12px 0}dl.r dt{font-weight:600}"
	"dl.r dd{margin:0}.state{font-size:1.15em;font-weight:600;margin:16px 0 4px}"
	".ok{color:#00703c}.ko{color:#b30000}.next{background:#f2f7fc;padding:12px;border-left:4px solid #0066cc}"
	"@media (max-width:30rem){dl.r{grid-template-columns:1fr}dl.r dt{margin-top:6px}}</style>";

/* Appends <tag>text</tag> with text HTML-escaped. */
static void para(struct hbuf *b, const char *open, const char *text, const char *close)
{
	hbuf_add(b, open);
	hbuf_esc(b, text ? text : "");
	hbuf_add(b, close);
}

static void item(struct hbuf *b, const char *label, const char *value)
{
	para(b, "<dt>", label, "</dt>");
	para(b, "<dd>", value, "</dd>");
}

/* What went wrong with a code, for a citizen. */
static const char *result_it(enum receipt_result r)
{
	switch (r) {
	case RECEIPT_MALFORMED:
		return "Il codice non è quello di una ricevuta DoteComune, oppure ne manca una parte: inquadra di "
		       "nuovo il codice QR stampato sulla ricevuta.";
	case RECEIPT_UNKNOWN_KEY:
		return "La ricevuta è firmata da uno sportello che questa rete non conosce.";
	case RECEIPT_REVOKED:
		return "La ricevuta è firmata da uno sportello ritirato dal servizio prima che la domanda arrivasse.";
	case RECEIPT_BAD_SIGNATURE:
		return "La ricevuta è stata modificata oppure non è stata firmata dal suo sportello.";
	case RECEIPT_LOOKUP_ERROR:
		return "Il servizio non riesce a verificare la ricevuta in questo momento: riprova tra poco.";
	default:
		return "La ricevuta non si può verificare.";
	}
}

void receipt_page(const struct receipt_view *v, struct http_response *resp)
{
	struct hbuf b;
	int status = 200;

	hbuf_init(&b, 1 << 20);
	html_page_start(&b, "Verifica ricevuta - DoteComune", "/dashboard/font/");
	hbuf_add(&b, receipt_css);
	hbuf_add(&b, "<header class=\"top\"><p class=\"brand\">DoteComune</p><p class=\"sub\">");
	hbuf_esc(&b, v->comune && *v->comune ? v->comune : "Tirocini nei Comuni");
	hbuf_add(&b, "</p></header><main><h1>Verifica ricevuta</h1>");
	if (v->result == RECEIPT_OK) {
		para(&b, "<p class=\"ok\"><strong>", "Ricevuta autentica.", "</strong></p><dl class=\"r\">");
		item(&b, "Protocollo", v->protocol);
		item(&b, "Progetto", v->placement);
		item(&b, "Inviata il", v->sent);
		hbuf_add(&b, "</dl>");
		if (v->arrived) {
			para(&b, "<p class=\"state\">Stato della domanda: ", v->status, "</p>");
			para(&b, "<p class=\"next\">", v->status_text, "</p>");
			if (v->ranking) {
				hbuf_add(&b, "<p>La graduatoria definitiva del progetto, con i soli numeri di protocollo: <a href=\"");
				hbuf_esc(&b, v->ranking);
				hbuf_add(&b, "\">Graduatoria definitiva (PDF)</a>.</p>");
			}
			if (v->before_revocation)
				para(&b, "<p>", "Lo sportello che l'ha emessa è stato poi ritirato dal "
				     "servizio; la domanda era già arrivata alla sede centrale.", "</p>");
			if (v->certificate) {
				hbuf_add(&b, "<p><a id=\"attestato\" href=\"");
				hbuf_esc(&b, v->certificate);
				hbuf_add(&b, "\">Scarica l'attestato di tirocinio e delle competenze (PDF)</a></p>");
			}
		} else {
			para(&b, "<p class=\"next\">", "La domanda non è ancora arrivata alla sede centrale: lo sarà "
			     "appena lo sportello si collega.", "</p>");
		}
	} else {
		status = v->result == RECEIPT_LOOKUP_ERROR ? 503 : 404;
		para(&b, "<p class=\"ko\"><strong>", "Ricevuta NON valida.", "</strong></p>");
		para(&b, "<p>", result_it(v->result), "</p>");
		para(&b, "<p>", "Per conoscere lo stato della domanda usa «Controlla la mia domanda» allo sportello "
		     "DoteComune del Comune, con il numero di protocollo e il codice fiscale.", "</p>");
	}
	hbuf_add(&b, "</main>");
	html_page_end(&b);
	html_respond(resp, status, "text/html; charset=utf-8", &b);
	http_response_header(resp, "Content-Security-Policy", html_csp);
}
