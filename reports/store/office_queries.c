/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The comune offices' reads (see office_queries.h): one portable query
 * per function, its columns in the order of the row struct's fields
 * (the offsets tables below), run through store_rows_read(). Start
 * reading at office_application_read().
 */
#include <stddef.h>
#include "reports/store/office_queries.h"
#include "reports/store/store.h"

#define ARGS(...) (&(struct store_args){ .v = { __VA_ARGS__ }, \
	.n = (int)(sizeof((const char *[]){ __VA_ARGS__ }) / sizeof(const char *)) })
#define READ STORE_ROWS_READ
#define F(type, field) offsetof(struct type, field)

int office_placements_read(struct store *s, const char *scope, struct store_rows *out)
{
	return READ(s, "SELECT p.code, p.title, p.office, p.seats, c.code, p.comune,"
		       " (SELECT count(*) FROM application a WHERE a.placement_code = p.code"
		       "  AND a.duplicate_of IS NULL),"
		       " (SELECT count(*) FROM application a WHERE a.placement_code = p.code"
		       "  AND a.duplicate_of IS NULL AND a.status IN ('received', 'interview')),"
		       " coalesce(f.final_at, '')"
		       " FROM placement p JOIN call c ON c.id = p.call_id"
		       " LEFT JOIN ranking_final f ON f.placement_code = p.code"
		       " WHERE (?1 = '' OR p.comune = ?1) ORDER BY p.comune, c.code, p.code LIMIT 2000",
		    ARGS(scope), office_placement, out,
		    F(office_placement, code), F(office_placement, title), F(office_placement, office),
		    F(office_placement, seats), F(office_placement, call_code), F(office_placement, comune),
		    F(office_placement, applications), F(office_placement, to_review),
		    F(office_placement, final_at));
}

int office_placement_card_read(struct store *s, const char *scope, const char *code, struct store_rows *out)
{
	return store_rows_one(READ(s, "SELECT p.title, p.office, p.address, p.seats, c.code, c.title, p.requirements,"
			       " coalesce(f.final_at, ''), p.comune FROM placement p JOIN call c ON c.id = p.call_id"
			       " LEFT JOIN ranking_final f ON f.placement_code = p.code"
			       " WHERE p.code = ?1 AND (?2 = '' OR p.comune = ?2)",
			    ARGS(code, scope), office_placement_card, out,
			    F(office_placement_card, title), F(office_placement_card, office),
			    F(office_placement_card, address), F(office_placement_card, seats),
			    F(office_placement_card, call_code), F(office_placement_card, call_title),
			    F(office_placement_card, requirements), F(office_placement_card, final_at),
			    F(office_placement_card, comune)), out);
}

int office_applicants_read(struct store *s, const char *scope, const char *code, struct store_rows *out)
{
	return READ(s, "SELECT a.protocol, coalesce(a.given_name, ''), coalesce(a.family_name, ''),"
		       " coalesce(a.phone, ''), coalesce(a.email, ''), a.status, a.submitted_at,"
		       " coalesce(x.requirements, ''), coalesce(x.interview_at, ''),"
		       " coalesce(CAST(x.score AS TEXT), ''), coalesce(x.outcome, ''),"
		       " CASE WHEN a.duplicate_of IS NULL THEN 0 ELSE 1 END,"
		       " CASE WHEN x.erased_at IS NULL THEN 0 ELSE 1 END, a.channel"
		       " FROM application a LEFT JOIN selection x ON x.uuid = a.uuid"
		       " WHERE a.placement_code = ?1 AND a.comune = ?2 ORDER BY a.submitted_at, a.protocol"
		       " LIMIT 2000", ARGS(code, scope), office_applicant, out,
		    F(office_applicant, protocol), F(office_applicant, given_name), F(office_applicant, family_name),
		    F(office_applicant, phone), F(office_applicant, email), F(office_applicant, status),
		    F(office_applicant, submitted_at), F(office_applicant, requirements),
		    F(office_applicant, interview_at), F(office_applicant, score), F(office_applicant, outcome),
		    F(office_applicant, duplicate), F(office_applicant, erased), F(office_applicant, channel));
}

int office_application_read(struct store *s, const char *scope, const char *id, struct store_rows *out)
{
	return store_rows_one(READ(s, "SELECT a.uuid, a.protocol, a.placement_code, coalesce(p.title, ''),"
			       " coalesce(a.given_name, ''), coalesce(a.family_name, ''), coalesce(a.cf, ''),"
			       " coalesce(a.phone, ''), coalesce(a.email, ''), coalesce(a.birth_date, ''),"
			       " coalesce(a.residence, ''), a.applicant_status, a.education, a.submitted_at, a.status,"
			       " coalesce(x.requirements, ''), coalesce(x.requirements_note, ''),"
			       " coalesce(x.interview_at, ''), coalesce(x.interview_place, ''),"
			       " coalesce(x.outcome, ''), coalesce(CAST(x.score AS TEXT), ''),"
			       " CASE WHEN x.erased_at IS NULL THEN 0 ELSE 1 END, coalesce(a.duplicate_of, ''),"
			       " CASE WHEN f.placement_code IS NULL THEN 0 ELSE 1 END, coalesce(x.marks, '')"
			       " FROM application a LEFT JOIN placement p ON p.code = a.placement_code"
			       " LEFT JOIN selection x ON x.uuid = a.uuid"
			       " LEFT JOIN ranking_final f ON f.placement_code = a.placement_code"
			       " WHERE (a.protocol = ?1 OR a.uuid = ?1) AND a.comune = ?2",
			    ARGS(id, scope), office_application, out,
			    F(office_application, uuid), F(office_application, protocol),
			    F(office_application, placement_code), F(office_application, placement_title),
			    F(office_application, given_name), F(office_application, family_name),
			    F(office_application, cf), F(office_application, phone), F(office_application, email),
			    F(office_application, birth_date), F(office_application, residence),
			    F(office_application, applicant_status), F(office_application, education),
			    F(office_application, submitted_at), F(office_application, status),
			    F(office_application, requirements), F(office_application, requirements_note),
			    F(office_application, interview_at), F(office_application, interview_place),
			    F(office_application, outcome), F(office_application, score),
			    F(office_application, erased), F(office_application, duplicate_of),
			    F(office_application, ranking_final), F(office_application, marks)), out);
}

int office_application_history(struct store *s, const char *uuid, struct store_rows *out)
{
	return READ(s, "SELECT at, by, action, from_status, to_status, note FROM selection_audit"
		       " WHERE uuid = ?1 ORDER BY id", ARGS(uuid), office_audit, out,
		    F(office_audit, at), F(office_audit, by), F(office_audit, action), F(office_audit, from_status),
		    F(office_audit, to_status), F(office_audit, note));
}

int office_audit_read(struct store *s, const char *scope, struct store_rows *out)
{
	return READ(s, "SELECT s.at, s.by, s.comune, coalesce(a.protocol, ''), s.placement_code, s.action,"
		       " s.from_status, s.to_status, s.note FROM selection_audit s"
		       " LEFT JOIN application a ON a.uuid = s.uuid"
		       " WHERE (?1 = '' OR s.comune = ?1) ORDER BY s.id DESC LIMIT 1000",
		    ARGS(scope), office_audit, out,
		    F(office_audit, at), F(office_audit, by), F(office_audit, comune), F(office_audit, protocol),
		    F(office_audit, placement_code), F(office_audit, action), F(office_audit, from_status),
		    F(office_audit, to_status), F(office_audit, note));
}

int office_erasures_read(struct store *s, struct store_rows *out)
{
	return READ(s, "SELECT at, by, days, applications, placements FROM retention_log"
		       " ORDER BY id DESC LIMIT 100", NULL, office_erasure, out,
		    F(office_erasure, at), F(office_erasure, by), F(office_erasure, days),
		    F(office_erasure, applications), F(office_erasure, placements));
}
