/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The coordinators' reads and the uploads waiting for confirmation (see
 * call_queries.h): one portable query per read, its columns in the order
 * of the row struct's fields, run through store_rows_read(). Start
 * reading at call_pending_keep().
 */
#include <stddef.h>
#include "reports/store/call_queries.h"
#include "reports/store/store.h"

#define ARGS(...) (&(struct store_args){ .v = { __VA_ARGS__ }, \
	.n = (int)(sizeof((const char *[]){ __VA_ARGS__ }) / sizeof(const char *)) })
#define READ STORE_ROWS_READ
#define F(type, field) offsetof(struct type, field)

int call_summaries_read(struct store *s, struct store_rows *out)
{
	return READ(s, "SELECT c.code, c.title, c.status, c.opens, c.deadline,"
		       " (SELECT count(*) FROM placement p WHERE p.call_id = c.id AND p.status = 'open'),"
		       " (SELECT count(*) FROM placement p WHERE p.call_id = c.id),"
		       " (SELECT coalesce(sum(p.seats), 0) FROM placement p WHERE p.call_id = c.id AND p.status = 'open'),"
		       " (SELECT count(*) FROM application a WHERE a.call_id = c.id)"
		       " FROM call c ORDER BY c.opens DESC, c.code LIMIT 500", NULL, call_summary, out,
		    F(call_summary, code), F(call_summary, title), F(call_summary, status), F(call_summary, opens),
		    F(call_summary, deadline), F(call_summary, open_placements), F(call_summary, placements),
		    F(call_summary, open_seats), F(call_summary, applications));
}

int call_row_read(struct store *s, const char *code, struct store_rows *out)
{
	return store_rows_one(READ(s, "SELECT id, code, title, region, opens, deadline, rules, status FROM call"
				      " WHERE code = ?1", ARGS(code), call_row, out,
				   F(call_row, id), F(call_row, code), F(call_row, title), F(call_row, region),
				   F(call_row, opens), F(call_row, deadline), F(call_row, rules), F(call_row, status)),
			      out);
}

int call_placement_items_read(struct store *s, const char *call_id, struct store_rows *out)
{
	return READ(s, "SELECT p.code, p.comune, p.area, p.office, p.months, p.hours_week,"
		       " p.allowance_eur, p.seats, p.deadline, p.status,"
		       " (SELECT count(*) FROM application a WHERE a.placement_code = p.code)"
		       " FROM placement p WHERE p.call_id = ?1 ORDER BY p.code", ARGS(call_id), call_placement_item, out,
		    F(call_placement_item, code), F(call_placement_item, comune), F(call_placement_item, area),
		    F(call_placement_item, office), F(call_placement_item, months), F(call_placement_item, hours_week),
		    F(call_placement_item, allowance_eur), F(call_placement_item, seats),
		    F(call_placement_item, deadline), F(call_placement_item, status),
		    F(call_placement_item, applications));
}

int call_placement_row_read(struct store *s, const char *code, struct store_rows *out)
{
	return store_rows_one(
		READ(s, "SELECT p.code, p.comune, p.area, p.office, p.title, p.description,"
			" p.requirements, p.address, p.months, p.hours_week, p.allowance_eur, p.qrsp, p.seats,"
			" p.deadline, p.status, c.code, c.status, p.call_id FROM placement p JOIN call c ON c.id = p.call_id"
			" WHERE p.code = ?1", ARGS(code), call_placement_row, out,
		     F(call_placement_row, code), F(call_placement_row, comune), F(call_placement_row, area),
		     F(call_placement_row, office), F(call_placement_row, title), F(call_placement_row, description),
		     F(call_placement_row, requirements), F(call_placement_row, address), F(call_placement_row, months),
		     F(call_placement_row, hours_week), F(call_placement_row, allowance_eur), F(call_placement_row, qrsp),
		     F(call_placement_row, seats), F(call_placement_row, deadline), F(call_placement_row, status),
		     F(call_placement_row, call_code), F(call_placement_row, call_status), F(call_placement_row, call_id)),
		out);
}

int catalog_changes_read(struct store *s, const char *call_id, const char *placement, struct store_rows *out)
{
	if (placement)
		return READ(s, "SELECT at, by, action, placement_code, version, note FROM catalog_version"
			       " WHERE call_id = ?1 AND placement_code = ?2 ORDER BY id DESC LIMIT 200",
			    ARGS(call_id, placement), catalog_change, out,
			    F(catalog_change, at), F(catalog_change, by), F(catalog_change, action),
			    F(catalog_change, placement_code), F(catalog_change, version), F(catalog_change, note));
	return READ(s, "SELECT at, by, action, placement_code, version, note FROM catalog_version"
		       " WHERE call_id = ?1 ORDER BY id DESC LIMIT 500", ARGS(call_id), catalog_change, out,
		    F(catalog_change, at), F(catalog_change, by), F(catalog_change, action),
		    F(catalog_change, placement_code), F(catalog_change, version), F(catalog_change, note));
}

int call_pending_keep(struct store *s, const char *token_hash, const char *by, const char *now, const char *old,
		      const char *spec, const char *csv)
{
	/* Checked files wait an hour, five at most for one coordinator
	 * (the four newest are kept besides this one). */
	if (store_exec(s, "DELETE FROM call_import_pending WHERE created_at < ?1", ARGS(old)) < 0 ||
	    store_exec(s, "DELETE FROM call_import_pending WHERE by = ?1 AND token_hash NOT IN (SELECT token_hash"
			  " FROM call_import_pending WHERE by = ?1 ORDER BY created_at DESC, token_hash LIMIT 4)",
		       ARGS(by)) < 0 ||
	    store_exec(s, "INSERT INTO call_import_pending(token_hash, by, created_at, spec, csv) VALUES"
			  " (?1, ?2, ?3, ?4, ?5)", ARGS(token_hash, by, now, spec, csv)) != 1)
		return -1;
	return 0;
}

int call_pending_read(struct store *s, const char *token_hash, const char *by, const char *old,
		      struct store_rows *out)
{
	return store_rows_one(READ(s, "SELECT spec, csv FROM call_import_pending WHERE token_hash = ?1 AND by = ?2"
				      " AND created_at >= ?3", ARGS(token_hash, by, old), call_pending, out,
				   F(call_pending, spec), F(call_pending, csv)),
			      out);
}

int call_pending_drop(struct store *s, const char *token_hash)
{
	return store_exec(s, "DELETE FROM call_import_pending WHERE token_hash = ?1", ARGS(token_hash));
}

/* A placement withdrawn (its last version says so) offers no seats. */
#define WITHDRAWN \
	" EXISTS (SELECT 1 FROM catalog_version v WHERE v.call_id = p.call_id AND v.placement_code = p.code" \
	" AND v.action = 'withdrawn' AND v.version = (SELECT max(w.version) FROM catalog_version w" \
	" WHERE w.call_id = p.call_id AND w.placement_code = p.code))"
/* over: placements with more people selected than the seats they offer
 * now (seats cut, or withdrawn, after a selection). */
#define SEATS_COLS "SELECT p.comune, sum(CASE WHEN" WITHDRAWN " THEN 0 ELSE p.seats END), count(*)," \
	" max(p.deadline), sum(CASE WHEN (SELECT count(*) FROM application s WHERE s.placement_code = p.code" \
	" AND s.duplicate_of IS NULL AND s.status IN ('selected','started')) > CASE WHEN" WITHDRAWN \
	" THEN 0 ELSE p.seats END THEN 1 ELSE 0 END) FROM placement p"
#define APPS_COLS "SELECT a.comune, count(*)," \
	" sum(CASE WHEN a.status IN ('selected','started','completed','dropped_out') THEN 1 ELSE 0 END)," \
	" sum(CASE WHEN a.status IN ('started','completed','dropped_out') THEN 1 ELSE 0 END)," \
	" sum(CASE WHEN a.status = 'dropped_out' THEN 1 ELSE 0 END) FROM application a"
static const char seats_all[] = SEATS_COLS " GROUP BY p.comune";
static const char seats_call[] = SEATS_COLS " JOIN call c ON c.id = p.call_id WHERE c.code = ?1 GROUP BY p.comune";
static const char seats_period[] = SEATS_COLS " WHERE substr(p.deadline, 1, 7) BETWEEN ?1 AND ?2 GROUP BY p.comune";
static const char apps_all[] = APPS_COLS " GROUP BY a.comune";
static const char apps_call[] = APPS_COLS " JOIN call c ON c.id = a.call_id WHERE c.code = ?1 GROUP BY a.comune";
static const char apps_period[] = APPS_COLS " WHERE substr(a.submitted_at, 1, 7) BETWEEN ?1 AND ?2 GROUP BY a.comune";

int network_seats_read(struct store *s, const struct network_filter *f, struct store_rows *out)
{
	const struct store_args *a = f->call ? ARGS(f->call) : f->from ? ARGS(f->from, f->to) : NULL;

	return READ(s, f->call ? seats_call : f->from ? seats_period : seats_all, a, network_seats, out,
		    F(network_seats, comune), F(network_seats, seats), F(network_seats, placements),
		    F(network_seats, last_deadline), F(network_seats, over));
}

int network_applications_read(struct store *s, const struct network_filter *f, struct store_rows *out)
{
	const struct store_args *a = f->call ? ARGS(f->call) : f->from ? ARGS(f->from, f->to) : NULL;

	return READ(s, f->call ? apps_call : f->from ? apps_period : apps_all, a, network_applications, out,
		    F(network_applications, comune), F(network_applications, applications),
		    F(network_applications, selected), F(network_applications, started),
		    F(network_applications, dropped));
}
