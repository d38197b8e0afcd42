# SPDX-License-Identifier: EUPL-1.2
# The placement statistics under the attacks of issue 20 (issue 19:
# "protected by the same cell key method, tested by the same attack
# suite"), driven by tests/e2e/sdc_attack2.sh. Two steps:
#
#   fill DB        gives a placement (table traineeship) to every started,
#                  completed and dropped-out application that `dote demo`
#                  left without one (the demo makes 40 of each), with
#                  confirmed registers, paid months, end reasons and
#                  follow-ups, so that the comuni have small placement
#                  cells (a fixed seed: the hub secret is what varies).
#   attack DB PUB  reads what the script published (`dote report` with the
#                  placement measures over every geography x period
#                  bucket, the end_reason splits, the open data, the
#                  coordinators' page /coordinamento/tirocini) and runs:
#     1. consistency: the same set of placements has one value in every
#        output; no count from 1 to 4 is published;
#     2. the average attack: every shown hours / classroom / allowance
#        total and attendance rate against the candidate trainee counts;
#     3. parent minus children: every published parent of a small comune
#        x month cell (province, region, network, any period bucket, and
#        the end_reason splits of dropouts) minus the published values of
#        the rest of it, intersected over all parents;
#     4. an exact-likelihood Bayesian attacker per comune x month cell of
#        every additive count (started, completed, dropped out by month
#        of leaving, followed up, employed after) over every published
#        value whose set contains it, the rest of the set integrated out
#        (its cells' own published values give their distribution; exact
#        convolution up to REST_EXACT cells, a normal law beyond), and
#        the end_reason splits as multinomial splits. A rest whose
#        variance exceeds VAR_MAX (a province's month of 50 comuni, a
#        year, the network) is left out: with all of them the attacker
#        did worse than the best fixed guess (62% right against 73% in
#        one run: the rests' errors are shared between the values, which
#        the product of likelihoods counts again each time), with rests
#        up to a variance of 20 it is at its best (72%), as it is with
#        exact rests only (73%).
# The true counts come from the database, only to score and (to the
# attacker's advantage) as the prior and the reasons' shares.
import html
import math
import os
import random
import re
import sqlite3
import sys

MEASURES = ('placements_started', 'placements_completed', 'placements_dropped_out', 'followed_up', 'employed_after')
SHORT = {'placements_started': 'started', 'placements_completed': 'completed',
         'placements_dropped_out': 'dropped out', 'followed_up': 'followed up', 'employed_after': 'employed after'}
REASONS = ('job', 'personal', 'excluded', 'health', 'other')


def add_months(ym, k):
    y, m = int(ym[:4]), int(ym[5:7]) - 1 + k
    return '%04d-%02d' % (y + m // 12, m % 12 + 1)


def fill(db_path):
    """Placements for the demo's started, completed and dropped-out
    applications that have none, with their registers."""
    db = sqlite3.connect(db_path)
    rnd = random.Random(19)
    rows = db.execute("SELECT a.uuid, a.comune, a.placement_code, a.status, substr(a.status_at, 1, 10), p.months,"
                      " p.hours_week, p.allowance_eur FROM application a JOIN placement p ON p.code = a.placement_code"
                      " WHERE a.status IN ('started', 'completed', 'dropped_out')"
                      " AND a.uuid NOT IN (SELECT uuid FROM traineeship) ORDER BY a.uuid").fetchall()
    today = '2026-12'
    made = regs = 0
    for uuid, comune, code, status, at, months, hours_week, allowance in rows:
        mo = int(months)
        ended = ''
        if status == 'started':
            start, st = at, 'running'
        else:
            back = mo if status == 'completed' else rnd.randint(1, max(1, mo - 1))
            start = add_months(at[:7], -back) + at[7:10]
            if start[8:10] > '28':
                start = start[:8] + '28'
            ended, st = at, status
        end = add_months(start[:7], mo) + start[7:]
        reason = rnd.choices(REASONS, (30, 25, 15, 10, 20))[0] if st == 'dropped_out' else None
        db.execute("INSERT INTO traineeship(uuid, comune, placement_code, cf, start_date, end_date, months,"
                   " weekly_minutes, classroom_hours, tutor_comune, tutor_promoter, rule, status, ended_on, end_reason,"
                   " started_by, started_at) VALUES (?,?,?,?,?,?,?,?,?,'tutor','tutor','{}',?,?,?,'test',?)",
                   (uuid, comune, code, 'XXXXXX00A00F205X', start, end, mo, int(hours_week) * 60,
                    rnd.randint(18, 72), st, ended or None, reason, start))
        last = ended[:7] if ended else add_months(today, -1)
        m = start[:7]
        while m <= last and m < today:
            exp = int(hours_week) * 60 * 4
            att = int(exp * rnd.uniform(0.5, 1.0))
            due = int(allowance) * 100 if att >= 0.8 * exp else int(allowance) * att * 100 // exp
            db.execute("INSERT INTO register_month(uuid, month, classroom_minutes, confirmed_at, confirmed_by,"
                       " expected_minutes, attended_minutes, due_cents, paid_at) VALUES (?,?,?,?,?,?,?,?,?)",
                       (uuid, m, rnd.choice((0, 0, 180, 360)), m + '-28T10:00:00Z', 'tutor', exp, att, due,
                        None if m >= add_months(today, -2) else m + '-28T10:00:00Z'))
            regs += 1
            m = add_months(m, 1)
        if ended and rnd.random() < 0.75:
            db.execute("INSERT INTO traineeship_followup(uuid, status, followed_on, recorded_by, recorded_at)"
                       " VALUES (?,?,?,'tutor',?)", (uuid, rnd.choice(('employed', 'employed', 'not_employed',
                                                                      'education', 'unknown')),
                                                    add_months(ended[:7], 6) + '-15', ended))
        made += 1
    db.commit()
    n = db.execute("SELECT COUNT(*), COUNT(DISTINCT comune) FROM traineeship").fetchone()
    print('# placements: %d made (%d registers); %d in all, in %d comuni' % (made, regs, n[0], n[1]))


# =====================================================================
# the attack
# =====================================================================
fails = 0


def ok(name, cond, why=''):
    global fails
    print(('PASS ' if cond else 'FAIL ') + 'sdc attack placements: ' + name + ('' if cond else ': ' + why))
    fails += 0 if cond else 1


# ---- the published p-table (docs/reports.md) ----
from sdc_ptable import preimage, ptab, read_csv  # noqa: E402


def quarter(m):
    return '%s-Q%d' % (m[:4], (int(m[5:7]) + 2) // 3)


def attack(db_path, pub):
    import numpy as np
    db = sqlite3.connect(db_path)
    geo = {c: (p, r) for c, p, r in db.execute("SELECT istat, province, region FROM comune")}
    # The universe the attacker sees: the host comuni (the catalog) and the
    # months of the national month tables.
    hosts = sorted({c for (c,) in db.execute("SELECT DISTINCT comune FROM placement")})
    # ---- the truth, per measure and comune x month (to score only) ----
    truth = {m: {} for m in MEASURES}
    by_reason = {}
    for c, start, status, endm, reason, fu in db.execute(
            "SELECT t.comune, substr(t.start_date, 1, 7), t.status, coalesce(substr(t.ended_on, 1, 7), ''),"
            " coalesce(t.end_reason, ''), coalesce(f.status, '') FROM traineeship t"
            " LEFT JOIN traineeship_followup f ON f.uuid = t.uuid"):
        def inc(m, key):
            truth[m][key] = truth[m].get(key, 0) + 1
        inc('placements_started', (c, start))
        if status == 'completed':
            inc('placements_completed', (c, endm))
        if status == 'dropped_out':
            inc('placements_dropped_out', (c, endm))
            by_reason[reason] = by_reason.get(reason, 0) + 1
        if status != 'running' and fu:
            inc('followed_up', (c, endm))
            if fu == 'employed':
                inc('employed_after', (c, endm))
    months = sorted({k[1] for t in truth.values() for k in t})
    months = [add_months(months[0], i) for i in range(1000) if add_months(months[0], i) <= months[-1]]
    units = [(c, m) for c in hosts for m in months]

    set_cache = {}

    def sets_of(geo_dim, tim_dim):
        """{(geo value, time value): frozenset of units} of a table with these dims."""
        out = set_cache.get((geo_dim, tim_dim))
        if out is None:
            acc = {}
            for c, m in units:
                g = {'comune': c, 'province': geo[c][0], 'region': geo[c][1], '': ''}[geo_dim]
                t = {'month': m, 'quarter': quarter(m), 'year': m[:4], '': ''}[tim_dim]
                acc.setdefault((g, t), []).append((c, m))
            out = set_cache[(geo_dim, tim_dim)] = {k: frozenset(v) for k, v in acc.items()}
        return out

    # ---- every published value: obs[measure][set] = list of (source, value); reason splits apart ----
    obs = {m: {} for m in MEASURES}
    splits = {}      # set -> list of ({reason: value}, source)
    small_shown = []
    sums = []        # (source, published trainees, row)
    tables = [0]

    def take(name, dims, opts, meas, rows):
        """One published table: dims as `dote report` names them, opts
        its filters (comune, province, period), meas its columns; a row
        left out is published 0."""
        tables[0] += 1
        gd = next((d for d in ('comune', 'province', 'region') if d in dims), '')
        td = next((d for d in dims if d in ('month', 'quarter', 'year')), '')
        per = opts.get('period', '')
        if not gd:
            gd = 'comune' if 'comune' in opts else 'province' if 'province' in opts else ''
        if per and not td:
            td = 'year' if len(per) == 4 else 'quarter' if 'Q' in per else 'month'
        shown = {}
        for r in rows:
            g = r[gd] if gd in dims else opts.get(gd, '')
            t = r[td] if td in dims else per
            shown.setdefault((g, t), []).append(r)
        for (g, t), s in sets_of(gd, td).items():
            if gd in opts and g != opts[gd]:
                continue
            if 'province' in opts and gd != 'province' and geo.get(g, ('', ''))[0] != opts['province']:
                continue
            if per and not (t[:4] == per if len(per) == 4 else
                            (t if td == 'quarter' else quarter(t)) == per if 'Q' in per else t == per):
                continue
            if 'province' in opts and gd != 'province':
                s = frozenset(u for u in s if geo[u[0]][0] == opts['province'])
            rs = shown.get((g, t), [])
            if 'end_reason' in dims:
                split = {r['end_reason']: int(r['placements_dropped_out']) for r in rs}
                small_shown.extend((name, v) for v in split.values() if 1 <= v <= 4)
                splits.setdefault(s, []).append(({k: split.get(k, 0) for k in REASONS}, name))
                continue
            r = rs[0] if rs else None
            for m in MEASURES:
                if m not in meas:
                    continue
                v = r[m] if r else '0'
                if v in ('', '*'):
                    continue
                v = int(v)
                if 1 <= v <= 4:
                    small_shown.append((name, v))
                obs[m].setdefault(s, []).append((name, v))
            if r and r.get('trainees', '') not in ('', '*'):
                sums.append((name, int(r['trainees']), r))

    for line in open(os.path.join(pub, 'pl', 'manifest')):
        f, dims, filt, meas = line.rstrip('\n').split('|')
        take(f, [d for d in dims.split(',') if d], dict(re.findall(r'--(\w+) (\S+)', filt)), meas.split(','),
             read_csv(os.path.join(pub, f)))
    # The coordinators' page: its four tables, for a province and a period.
    labels = {'Ha trovato lavoro': 'job', 'Motivi personali': 'personal', "Escluso dall'ente ospitante": 'excluded',
              'Motivi di salute': 'health', 'Altro': 'other'}
    for line in open(os.path.join(pub, 'pl', 'pages')):
        f, prov, per = line.rstrip('\n').split('|')
        html_ = open(os.path.join(pub, f), encoding='utf-8').read()
        opts = {'province': prov, 'period': per}
        for tid, dims in (('tirocini-rete', []), ('interruzioni-motivo', ['end_reason']),
                          ('interruzioni-mese', ['month'])):
            body = re.search(r'<table id="%s">(.*?)</table>' % tid, html_, re.S)
            rows = []
            tbody = re.search(r'<tbody>(.*?)</tbody>', body.group(1) if body else '', re.S)
            for tr in re.findall(r'<tr>(.*?)</tr>', tbody.group(1) if tbody else '', re.S):
                cells = [(re.search(r'data-measure="(\w+)"', a).group(1) if 'data-measure' in a else '', v)
                         for a, v in re.findall(r'<t[hd]([^>]*)>([^<]*)</t[hd]>', tr)]
                if not cells or not any(k for k, v in cells):
                    continue
                row = {k: ('*' if v == 'riservato' else v.replace('.', '').replace(',', '.')) for k, v in cells if k}
                firsts = [v for k, v in cells if not k]
                if dims == ['end_reason']:
                    row['end_reason'] = labels.get(html.unescape(firsts[0]), firsts[0])
                elif dims == ['month']:
                    row['month'] = firsts[0]
                rows.append(row)
            meas = list(rows[0]) if rows else ['placements_dropped_out'] if dims else list(MEASURES)
            take('%s#%s' % (f, tid), dims, opts, meas, rows)
    print('# %d placement tables read; %s published values' % (tables[0], sum(len(v) for o in obs.values() for v in o.values())))
    ok('no placement count from 1 to 4 is published (%d are)' % len(small_shown), not small_shown, str(small_shown[:3]))

    # ---- 1. consistency: one value per set of placements ----
    nonzero = {m: frozenset(truth[m]) for m in MEASURES}

    def eff(m, s):
        return s & nonzero[m]
    clash = []
    repeated = 0
    for m in MEASURES:
        by = {}
        for s, lst in obs[m].items():
            for f, v in lst:
                by.setdefault(eff(m, s), {}).setdefault(v, []).append(f)
        for s, vals in by.items():
            repeated += sum(len(x) for x in vals.values()) > 1
            if len(vals) > 1:
                clash.append((m, len(s), {v: fs[:2] for v, fs in vals.items()}))
    ok('one value per set of placements across %d repeated cells (tables, filters, buckets, open data, page)'
       % repeated, not clash, str(clash[:2]))

    # ---- 2. the average attack ----
    narrowed_avg = shown_avg = 0
    for f, p, r in sums:
        cand = [n for n in preimage(p) if n >= 10]
        for m, unit in (('hours_on_the_job', 60), ('classroom_hours', 60), ('allowance_paid_eur', 100)):
            t = r.get(m, '')
            if t in ('', '*'):
                continue
            shown_avg += 1
            val = float(t.replace(',', '.'))
            dec = len(t.split('.')[1]) if '.' in t else 0
            tol = 0.5 * 10 ** -dec * unit
            # the true total in minutes or cents is whole: n * (shown / p) must be, to the printing
            a = val * unit / p
            left = [n for n in cand if abs(n * a - round(n * a)) <= tol * n / p + 1e-9]
            narrowed_avg += len(left) < 3
    print('# average attack: %d shown sums, %d narrow their trainee count below 3 values' % (shown_avg, narrowed_avg))
    ok('average attack: hours, classroom hours and allowance narrow no trainee count below 3 values (%d of %d)'
       % (narrowed_avg, shown_avg), narrowed_avg <= 0.01 * max(shown_avg, 1))
    ok('average attack: sums are shown somewhere (%d)' % shown_avg, shown_avg > 0)

    # ---- per measure: the leaves and their candidates ----
    results = {}
    for m in MEASURES:
        leaf = {}
        for s, lst in obs[m].items():
            if len(s) == 1:
                leaf[next(iter(s))] = lst[0][1]
        for u in units:
            leaf.setdefault(u, 0)

        dcache = {}

        def derived(s, v):
            """A comune-level value that is the sum of its months' published values (rule 4)."""
            d = dcache.get((s, v))
            if d is None:
                d = dcache[(s, v)] = (len(s) > 1 and v < 50 and len(s) <= len(months) and
                                      len({c for c, mm in s}) == 1 and v == sum(leaf[u] for u in s))
            return d
        # candidates of a set from all its own published values
        cset = {}
        for s, lst in obs[m].items():
            c = None
            for f, v in lst:
                c = set(preimage(v)) if c is None else c & set(preimage(v))
            cset[s] = c
        if m == 'placements_dropped_out':
            for s, lst in splits.items():
                for split, f in lst:
                    acc = {0}
                    for k, v in split.items():
                        acc = {a + n for a in acc for n in preimage(v)}
                    cset[s] = cset[s] & acc if s in cset else acc
        results[m] = (leaf, derived, cset)

    # ---- 3. parent minus children ----
    def sumset(cands):
        acc = np.zeros(1, bool)
        acc[0] = True
        for cs in cands:
            v = np.zeros(max(cs) + 1, bool)
            v[list(cs)] = True
            acc = np.convolve(acc, v) > 0
        return np.nonzero(acc)[0]
    pinned_pc = narrowed_pc = small_pc = 0
    by_unit = {}
    for m in MEASURES:
        for s in results[m][2]:
            if len(s) > 1:
                for u in s:
                    by_unit.setdefault((m, u), []).append(s)
    for m in MEASURES:
        leaf, derived, cset = results[m]
        for u, n in truth[m].items():
            if not 1 <= n <= 4:
                continue
            small_pc += 1
            cand = set(preimage(leaf[u]))
            for s in by_unit.get((m, u), []):
                if len(s) > 20 or all(derived(s, v) for f, v in obs[m].get(s, [])) and s not in splits:
                    # a rest of 20 cells sums to a range of over 150 values: it
                    # narrows nothing; a sum of leaves says nothing new
                    continue
                # the rest as leaves, and (a bucket over months) as the same geography's other months
                parts = [[preimage(leaf[x]) for x in s if x != u]]
                other_m = {}
                for x in s - {u}:
                    if x[1] != u[1]:
                        other_m.setdefault(x[1], set()).add(x)
                ms = [frozenset(v) for v in other_m.values()]
                if ms and all(x in cset for x in ms):
                    same_month = [preimage(leaf[x]) for x in s if x[1] == u[1] and x != u]
                    parts.append([sorted(cset[x]) for x in ms] + same_month)
                for p in parts:
                    if any(not x for x in p) or not cset[s]:
                        continue
                    rest = sumset(p) if p else np.array([0])
                    cand &= {P - o for P in cset[s] for o in rest if P - o >= 0}
            pinned_pc += len(cand) <= 1
            narrowed_pc += len(cand) < 3
    print('# parent minus children: %d small comune x month cells, %d pinned, %d narrowed below 3 values'
          % (small_pc, pinned_pc, narrowed_pc))
    ok('parent minus children pins no small placement cell (%d of %d)' % (pinned_pc, small_pc), pinned_pc == 0)
    ok('parent minus children narrows at most 1%% of small placement cells below 3 values (%d of %d)'
       % (narrowed_pc, small_pc), narrowed_pc <= 0.01 * max(small_pc, 1))

    # ---- 4. the Bayesian attacker ----
    T = 15
    fact = np.array([math.factorial(i) for i in range(T)], float)
    PT_LEN = 8192
    ptv = {}

    def pt_vec(p):
        v = ptv.get(p)
        if v is None:
            v = np.zeros(PT_LEN)
            for n in preimage(p):
                v[n] = ptab(n).get(p, 0.0)
            ptv[p] = v
        return v
    lgam = np.array([math.lgamma(i + 1) for i in range(PT_LEN)])
    rshare = {k: by_reason.get(k, 0) / max(1, sum(by_reason.values())) for k in REASONS}
    hits, errs, truths, supports = [], [], [], []
    used = 0
    per_measure = {}
    for m in MEASURES:
        leaf, derived, cset = results[m]
        cells = [truth[m].get(u, 0) for u in units]
        NMAX = max(cells) + 20
        # The prior of a comune x month cell: the distribution of that
        # month's cells (the truth, an advantage: an attacker would take
        # it from the published month totals).
        priors = {}
        for mo in months:
            pr = np.bincount([truth[m].get((c, mo), 0) for c in hosts], minlength=NMAX).astype(float)[:NMAX] + 0.05
            priors[mo] = pr / pr.sum()
        post = {}
        for u in units:
            L = priors[u[1]] * pt_vec(leaf[u])[:NMAX]
            post[u] = L / L.sum()
        mom = {u: (float(np.dot(np.arange(NMAX), post[u])),
                   float(np.dot(np.arange(NMAX) ** 2, post[u]))) for u in units}
        set_mom = {}

        def rest_of(s, u):
            """The rest of set s without u: ('exact', pmf array) up to REST_EXACT
            cells, else ('normal', mean, variance)."""
            if len(s) - 1 <= REST_EXACT:
                R = np.ones(1)
                for x in s:
                    if x != u:
                        R = np.convolve(R, post[x])
                        R = R[:np.nonzero(R > 1e-12)[0].max() + 1]
                return ('exact', R)
            sm = set_mom.get(s)
            if sm is None:
                mu = sum(mom[x][0] for x in s)
                var = sum(mom[x][1] - mom[x][0] ** 2 for x in s)
                sm = set_mom[s] = (mu, var)
            return ('normal', sm[0] - mom[u][0], max(sm[1] - (mom[u][1] - mom[u][0] ** 2), 0.25))

        def rest_pmf(r, lo, hi):
            """P(rest = k) for k in lo..hi-1."""
            k = np.arange(lo, hi)
            if r[0] == 'exact':
                R = r[1]
                out = np.zeros(len(k))
                in_ = (k >= 0) & (k < len(R))
                out[in_] = R[k[in_]]
                return out
            if r[0] == 'poisson':
                lam = r[1]
                out = np.zeros(len(k))
                in_ = k >= 0
                kk = k[in_]
                out[in_] = np.exp(-lam + kk * math.log(lam) - lgam[kk]) if lam > 0 else (kk == 0) * 1.0
                return out
            mu, var = r[1], r[2]
            return np.exp(-(k - mu) ** 2 / (2 * var)) / math.sqrt(2 * math.pi * var)

        def like_from(v, r):
            """P(published v | x) for x in 0..T-1, the true count being x plus the rest r."""
            pre = preimage(v)
            pv = np.array([ptab(n).get(v, 0.0) for n in range(pre[0], pre[-1] + 1)])
            A = rest_pmf(r, pre[0] - (T - 1), pre[-1] + 1)
            return np.correlate(A, pv, 'valid')[::-1]

        def like_split(split, r):
            """P(published reason split | x): x splits by the reasons' shares, the rest as Poisson."""
            rest_mean = r[1] if r[0] == 'normal' else float(np.dot(np.arange(len(r[1])), r[1]))
            poly = np.zeros(T)
            poly[0] = 1.0
            for k, v in split.items():
                pi = rshare.get(k, 0.0)
                if pi <= 0:
                    continue
                g = like_from(v, ('poisson', pi * rest_mean))
                poly = np.convolve(poly, g * pi ** np.arange(T) / fact)[:T]
            return poly * fact
        mh = []
        for u in units:
            true_n = truth[m].get(u, 0)
            if not 1 <= true_n <= 4:
                continue
            L = priors[u[1]][:T] * pt_vec(leaf[u])[:T]
            for s in by_unit.get((m, u), []):
                r = None
                # one value per set (the same set repeated in several outputs says it once)
                for v in sorted({v for f, v in obs[m].get(s, [])}):
                    if derived(s, v):
                        continue
                    r = r or rest_of(s, u)
                    if r[0] == 'normal' and r[2] > VAR_MAX:
                        continue
                    lk = like_from(v, r)
                    if lk.sum() > 0:
                        L = L * lk
                        L = L / L.max()
                        used += 1
                uniq = {tuple(sorted(sp.items())): sp for sp, f in splits.get(s, [])}
                for split in uniq.values() if m == 'placements_dropped_out' else []:
                    r = r or rest_of(s, u)
                    lk = like_split(split, r)
                    if lk.sum() > 0:
                        L = L * lk
                        L = L / L.max()
                        used += 1
            if L.sum() <= 0:
                continue
            p = L / L.sum()
            supports.append(int(np.sum(p > 1e-9)))
            small = p[1:5] / p[1:5].sum() if p[1:5].sum() > 0 else np.full(4, .25)
            hit = int(np.argmax(small)) + 1 == true_n
            hits.append(hit)
            mh.append(hit)
            errs.append(float(np.dot(small, np.arange(1, 5))) - true_n)
            truths.append(true_n)
        per_measure[m] = (len(mh), float(np.mean(mh)) if mh else 0.0)
    truths_a = np.array(truths)
    n_small = len(truths_a)
    vals, counts = np.unique(truths_a, return_counts=True)
    best_hit = counts.max() / counts.sum()
    best_rms = float(np.sqrt(np.mean((truths_a - truths_a.mean()) ** 2)))
    hit = float(np.mean(hits))
    rms = float(np.sqrt(np.mean(np.array(errs) ** 2)))
    pinned = sum(1 for s in supports if s <= 1)
    narrow = sum(1 for s in supports if s < 3)
    print('# Bayesian attacker: %d small comune x month placement cells (%s), %d published values used; right'
          ' %.1f%% (best fixed guess %d: %.1f%%), RMS %.2f (best fixed guess %.2f); %d pinned, %d narrowed below 3'
          % (n_small, ', '.join('%s %d: %.0f%%' % (SHORT[m], k, 100 * h) for m, (k, h) in per_measure.items()),
             used, 100 * hit, vals[counts.argmax()], 100 * best_hit, rms, best_rms, pinned, narrow))
    ok('Bayesian attacker: the hub has small placement cells to attack (%d)' % n_small, n_small > 300)
    ok('Bayesian attacker: no small placement cell pinned (%d)' % pinned, pinned == 0)
    ok('Bayesian attacker: at most 1%% of small placement cells narrowed below 3 values (%d of %d)'
       % (narrow, n_small), narrow <= 0.01 * n_small)
    ok('Bayesian attacker: right on small placement cells within 5 points of the best fixed guess'
       ' (%.1f%% against %.1f%%)' % (100 * hit, 100 * best_hit), hit <= best_hit + 0.05)
    ok('Bayesian attacker: RMS error on small placement cells at least 90%% of the best fixed guess\'s'
       ' (%.2f against %.2f)' % (rms, best_rms), rms >= 0.9 * best_rms)
    return 1 if fails else 0


REST_EXACT = 40
VAR_MAX = float(os.environ.get('SDC_VAR_MAX', 20))

if __name__ == '__main__':
    if sys.argv[1] == 'fill':
        fill(sys.argv[2])
        sys.exit(0)
    sys.exit(attack(sys.argv[2], sys.argv[3]))
