/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The receipt check page (see receipt_page.h): plain HTML, no scripts,
 * no styles, readable on any phone. Start reading at receipt_page().
 */
#include "core/util.h"
#include "reports/web/html.h"
#include "reports/web/receipt_page.h"

/* Appends <tag>text</tag> with text HTML-escaped. */
static void para(struct hbuf *b, const char *open, const char *text, const char *close)
{
	hbuf_add(b, open);
	hbuf_esc(b, text ? text : "");
	hbuf_add(b, close);
}

void receipt_page(const struct receipt_view *v, struct http_response *resp)
{
	struct hbuf b;
	int status = 200;

	hbuf_init(&b, 1 << 20);
	hbuf_add(&b, "<!doctype html><html lang=\"it\"><head><meta charset=\"utf-8\">"
		     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		     "<title>Verifica ricevuta - DoteComune</title></head><body><main>"
		     "<h1>Verifica ricevuta</h1>");
	if (v->result == RECEIPT_OK) {
		para(&b, "<p><strong>", "Ricevuta autentica.", "</strong></p>");
		para(&b, "<p>Protocollo: ", v->protocol, "</p>");
		para(&b, "<p>Progetto: ", v->placement, "</p>");
		para(&b, "<p>Inviata il: ", v->sent, "</p>");
		if (v->arrived) {
			para(&b, "<p>Stato della domanda: ", v->status, "</p>");
			para(&b, "<p>", v->status_text, "</p>");
			if (v->before_revocation)
				para(&b, "<p>", "Lo sportello che l'ha emessa è stato poi ritirato dal "
				     "servizio; la domanda era già arrivata alla sede centrale.", "</p>");
		} else {
			para(&b, "<p>", "La domanda non è ancora arrivata alla sede centrale: lo sarà "
			     "appena lo sportello si collega.", "</p>");
		}
	} else {
		status = v->result == RECEIPT_LOOKUP_ERROR ? 503 : 404;
		para(&b, "<p><strong>", "Ricevuta NON valida.", "</strong></p>");
		para(&b, "<p>", receipt_result_str(v->result), "</p>");
	}
	hbuf_add(&b, "</main></body></html>\n");
	html_respond(resp, status, "text/html; charset=utf-8", &b);
	http_response_header(resp, "Content-Security-Policy", "default-src 'none'");
}
