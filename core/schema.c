/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The core schema, shared by the kiosk (catalog cache, applications,
 * outbox) and the hub (the network's master copy). One list of
 * migrations, versioned by PRAGMA user_version; append, never edit a
 * released step. Components with tables of their own (hub accounts,
 * rollups) migrate them with db_migrate() under their own name.
 *
 * Dates are "YYYY-MM-DD", instants ISO-8601 UTC "YYYY-MM-DDTHH:MM:SSZ".
 * Enumerations are stored as their stable English keys (core/model.h).
 */
#include "core/db.h"
#include "core/util.h"

static const struct migration core_migrations[] = {
	{ 1,
	/* Italian comuni (ISTAT), loaded from assets/data/comuni.tsv. */
	"CREATE TABLE comune ("
	"  istat TEXT PRIMARY KEY,"		/* '015146' */
	"  name TEXT NOT NULL,"			/* 'Milano' */
	"  province TEXT NOT NULL,"		/* 'MI' */
	"  province_name TEXT NOT NULL,"
	"  region TEXT NOT NULL,"		/* 'Lombardia' */
	"  belfiore TEXT NOT NULL,"		/* 'F205' */
	"  population INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX comune_province ON comune(province);"
	"CREATE INDEX comune_region ON comune(region);"

	/* A call (avviso): a set of placements with common rules. */
	"CREATE TABLE call ("
	"  id INTEGER PRIMARY KEY,"
	"  code TEXT NOT NULL UNIQUE,"		/* '6/2025' */
	"  title TEXT NOT NULL,"
	"  region TEXT NOT NULL,"
	"  opens TEXT NOT NULL,"		/* date */
	"  deadline TEXT NOT NULL,"		/* date: last day to apply */
	"  rules TEXT NOT NULL DEFAULT '{}',"	/* eligibility JSON, core/eligibility.h */
	"  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed')));"

	/* A placement (progetto) at a host comune (ente ospitante). */
	"CREATE TABLE placement ("
	"  id INTEGER PRIMARY KEY,"
	"  code TEXT NOT NULL UNIQUE,"		/* 'DC06-015146-003' */
	"  call_id INTEGER NOT NULL REFERENCES call(id),"
	"  comune TEXT NOT NULL REFERENCES comune(istat),"
	"  area TEXT NOT NULL,"			/* model.h area key: 'registry', 'library', ... */
	"  office TEXT NOT NULL,"		/* 'Ufficio Anagrafe' */
	"  title TEXT NOT NULL,"
	"  description TEXT NOT NULL DEFAULT '',"
	"  requirements TEXT NOT NULL DEFAULT '',"
	"  address TEXT NOT NULL,"
	"  months INTEGER NOT NULL CHECK (months IN (3,6,9,12)),"
	"  hours_week INTEGER NOT NULL CHECK (hours_week BETWEEN 1 AND 40),"
	"  allowance_eur INTEGER NOT NULL CHECK (allowance_eur BETWEEN 0 AND 2000),"
	"  qrsp TEXT NOT NULL,"			/* regional competence profile */
	"  seats INTEGER NOT NULL CHECK (seats >= 1),"
	"  applied INTEGER NOT NULL DEFAULT 0,"	/* applications known (hub: live; kiosk: last sync) */
	"  deadline TEXT NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed')),"
	"  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));"
	"CREATE INDEX placement_comune ON placement(comune, status);"
	"CREATE INDEX placement_call ON placement(call_id);"

	/* Full-text search over placements, accent-insensitive ('citta'
	 * finds 'Città'); kept in step with placement by triggers. */
	"CREATE VIRTUAL TABLE placement_fts USING fts5("
	"  title, office, area, description, comune_name,"
	"  tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3');"
	"CREATE TRIGGER placement_fts_ai AFTER INSERT ON placement BEGIN"
	"  INSERT INTO placement_fts(rowid, title, office, area, description, comune_name)"
	"  VALUES (new.id, new.title, new.office, new.area, new.description,"
	"          (SELECT name FROM comune WHERE istat = new.comune));"
	" END;"
	"CREATE TRIGGER placement_fts_ad AFTER DELETE ON placement BEGIN"
	"  DELETE FROM placement_fts WHERE rowid = old.id;"
	" END;"
	"CREATE TRIGGER placement_fts_au AFTER UPDATE OF title, office, area, description, comune ON placement BEGIN"
	"  DELETE FROM placement_fts WHERE rowid = old.id;"
	"  INSERT INTO placement_fts(rowid, title, office, area, description, comune_name)"
	"  VALUES (new.id, new.title, new.office, new.area, new.description,"
	"          (SELECT name FROM comune WHERE istat = new.comune));"
	" END;"

	/* Kiosks known to this database (on the hub: every enrolled kiosk;
	 * on a kiosk: itself). */
	"CREATE TABLE kiosk ("
	"  id TEXT PRIMARY KEY,"		/* 'K03' */
	"  comune TEXT NOT NULL REFERENCES comune(istat),"
	"  name TEXT NOT NULL DEFAULT '',"
	"  public_key BLOB,"			/* Ed25519, 32 bytes */
	"  token_hash TEXT,"			/* hub: hash of the bearer token */
	"  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','revoked')),"
	"  enrolled_at TEXT, revoked_at TEXT, last_seen TEXT,"
	"  version TEXT, queue_depth INTEGER, printer TEXT, last_frame_ms INTEGER);"

	/* An application. On the kiosk the personal columns are cleared once
	 * the hub has acknowledged it (acked_at set). */
	"CREATE TABLE application ("
	"  uuid TEXT PRIMARY KEY,"		/* UUIDv7 */
	"  protocol TEXT NOT NULL UNIQUE,"	/* 'DC-015146-K03-2026-000123' */
	"  kiosk_id TEXT NOT NULL,"
	"  seq INTEGER NOT NULL,"		/* per-kiosk sequence */
	"  call_id INTEGER NOT NULL,"
	"  placement_code TEXT NOT NULL,"
	"  comune TEXT NOT NULL,"		/* host comune (ISTAT) */
	"  cf_hash TEXT NOT NULL,"		/* hex SHA-256 of call_id + codice fiscale: one per person per call */
	"  cf TEXT,"				/* personal, NULL once acked on a kiosk */
	"  given_name TEXT, family_name TEXT, phone TEXT, email TEXT,"
	"  sex TEXT CHECK (sex IN ('F','M')),"
	"  birth_date TEXT,"
	"  age INTEGER,"			/* at submission */
	"  birthplace TEXT,"			/* Belfiore code */
	"  residence TEXT,"			/* ISTAT of the comune of residence */
	"  applicant_status TEXT NOT NULL,"	/* model.h */
	"  education TEXT NOT NULL,"		/* model.h */
	"  lang TEXT NOT NULL DEFAULT 'it',"
	"  submitted_at TEXT NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'received',"
	"  status_at TEXT,"
	"  duplicate_of TEXT,"			/* hub: uuid of an earlier application by the same person to the same call */
	"  receipt TEXT,"			/* signed token (core/receipt.h) */
	"  acked_at TEXT,"			/* kiosk: when the hub acknowledged it */
	"  received_at TEXT);"			/* hub: when it arrived */
	"CREATE INDEX application_person ON application(call_id, cf_hash);"
	"CREATE INDEX application_placement ON application(placement_code);"
	"CREATE INDEX application_comune ON application(comune, submitted_at);"
	"CREATE UNIQUE INDEX application_kiosk_seq ON application(kiosk_id, seq);"

	/* Kiosk: applications waiting to reach the hub. */
	"CREATE TABLE outbox ("
	"  uuid TEXT PRIMARY KEY REFERENCES application(uuid),"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_try_ms INTEGER NOT NULL DEFAULT 0,"	/* wall clock ms */
	"  last_error TEXT,"
	"  created_at TEXT NOT NULL);"

	/* Who changed an application's status, and when. */
	"CREATE TABLE status_history ("
	"  id INTEGER PRIMARY KEY,"
	"  uuid TEXT NOT NULL,"
	"  status TEXT NOT NULL,"
	"  at TEXT NOT NULL,"
	"  by TEXT NOT NULL,"
	"  note TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX status_history_uuid ON status_history(uuid);"

	/* Anonymous usage counts (funnel): no personal data. */
	"CREATE TABLE usage_count ("
	"  day TEXT NOT NULL,"
	"  kiosk_id TEXT NOT NULL,"
	"  comune TEXT NOT NULL,"
	"  event TEXT NOT NULL,"		/* session, view, form, submit */
	"  n INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (day, kiosk_id, event));"

	/* Key/value settings (kiosk identity, catalog ETag, ...). */
	"CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	},
	{ 2,
	/* Browsing a comune's open placements in deadline order (the kiosk's
	 * list without a search): the first page is read straight from this
	 * index. Kiosks before version 2 created it at start-up under the
	 * name kiosk_placement_browse; that copy is replaced. */
	"DROP INDEX IF EXISTS kiosk_placement_browse;"
	"CREATE INDEX placement_browse ON placement(comune, status, deadline, code);"
	},
};

/* Kiosk: what the hub said about an application besides its status
 * (the interview's date and place), for "check my application". Its own
 * component, so it never takes a core version number. */
static const struct migration notice_migrations[] = {
	{ 1,
	"CREATE TABLE status_notice ("
	"  uuid TEXT PRIMARY KEY,"
	"  interview_at TEXT NOT NULL,"		/* 'YYYY-MM-DDTHH:MM', the comune's local time */
	"  interview_place TEXT NOT NULL);"
	},
	/* Issue 18: the hub's whole answer for the application (stage, the
	 * receipt page's label and sentence, reason, ranking position, the
	 * office's contact), as JSON; '' from a hub that sends none. */
	{ 2,
	"ALTER TABLE status_notice ADD COLUMN detail TEXT NOT NULL DEFAULT '';"
	},
};

int db_migrate_core(sqlite3 *db)
{
	if (db_migrate(db, "core", core_migrations, (int)ARRAY_SIZE(core_migrations)))
		return -1;
	return db_migrate(db, "status_notice", notice_migrations, (int)ARRAY_SIZE(notice_migrations));
}
