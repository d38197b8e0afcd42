-- SPDX-License-Identifier: EUPL-1.2
-- Fixed rows the UI scripts rely on, added on top of the demo data (or
-- of an empty kiosk database when `dote demo` is not available). Dates
-- assume DOTE_NOW = 2026-03-02 (tests/ui/run-one).
INSERT OR IGNORE INTO call(id, code, title, region, opens, deadline, rules, status) VALUES
 (900, 'UI/2026', 'Avviso UI/2026 - DoteComune: tirocini nei servizi comunali', 'Lombardia',
  '2026-01-01', '2026-12-31',
  '{"min_age":18,"max_age":67,"statuses":["unemployed","never_employed","student","neet"],"neet_max_age":29,"student_min_age":16,"residence_region":"Lombardia","no_other_placement":true}',
  'open');
INSERT OR IGNORE INTO placement(code, call_id, comune, area, office, title, description, requirements,
  address, months, hours_week, allowance_eur, qrsp, seats, applied, deadline, status) VALUES
 ('UI-015146-001', 900, '015146', 'education', 'Servizi educativi', 'Sportello Città dei Ragazzi',
  'Accoglienza delle famiglie, iscrizioni ai centri estivi, supporto alle attività del consiglio comunale dei ragazzi.',
  'Buone capacità di relazione. Uso di base del computer.', 'Via Larga 12, Milano', 6, 20, 500,
  'Operatore ai servizi di accoglienza', 3, 7, '2026-06-30', 'open'),
 ('UI-015146-002', 900, '015146', 'library', 'Biblioteca Sormani', 'Biblioteca: prestito e catalogazione',
  'Prestito, riordino a scaffale, catalogazione delle nuove acquisizioni, promozione della lettura.',
  'Interesse per i libri e la lettura.', 'Corso di Porta Vittoria 6, Milano', 9, 20, 450,
  'Addetto ai servizi bibliotecari', 2, 1, '2026-06-30', 'open'),
 ('UI-015146-003', 900, '015146', 'registry', 'Ufficio Anagrafe', 'Anagrafe: accoglienza e orientamento del pubblico',
  'Prima accoglienza agli sportelli anagrafici, gestione delle code, informazioni sui documenti.',
  '', 'Via Larga 12, Milano', 3, 18, 300, 'Addetto all''accoglienza', 1, 0, '2026-06-30', 'open'),
 ('UI-015209-001', 900, '015209', 'environment', 'Ufficio Ambiente', 'Verde pubblico e orti urbani',
  'Censimento del verde, supporto agli orti urbani e alle giornate del verde.', '',
  'Piazza della Resistenza 20, Sesto San Giovanni', 12, 20, 400, 'Operatore del verde', 2, 0,
  '2026-06-30', 'open');
-- A trainee with a running placement at 015146 for the attendance screen
-- (tests/ui/attendance.script); the kiosk creates the table itself too.
CREATE TABLE IF NOT EXISTS attendance_roster (
  cf TEXT PRIMARY KEY, initials TEXT NOT NULL,
  start_date TEXT NOT NULL, end_date TEXT NOT NULL);
INSERT OR REPLACE INTO attendance_roster(cf, initials, start_date, end_date) VALUES
 ('RSSNNA90E52F205E', 'A. R.', '2026-02-16', '2026-05-15');
