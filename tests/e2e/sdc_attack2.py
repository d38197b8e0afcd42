# SPDX-License-Identifier: EUPL-1.2
# The attacker of tests/e2e/sdc_attack2.sh (issue 20). Reads what the
# shell script collected from the system's outputs and runs:
#   1. the average attack: a published days_to_selection a and selected
#      count p leave the true counts n in the p-table's preimage of p with
#      n * a a whole number (to the precision printed); parent minus
#      children then narrows the selected count of small comune x month
#      cells;
#   2. the catalog comparison: the public catalog's `applied` of every
#      placement against `dote report --dims placement`;
#   3. the internal marking of every exact output listed by the script;
#   4. a Bayesian attacker per comune: for every small comune x month cell
#      (true count 1-4) the exact likelihood of each published value that
#      contains it, under the published p-table (docs/reports.md), with
#      the other cells of the same sum integrated out (their own
#      published values give their distribution), over every period
#      bucket, call, both streams and the five attribute splits of each.
# Published values that are the sum of published finer values, and a
# second stream that always repeats the first, carry no information of
# their own: the attacker knows the method and skips them.
# The true counts come from the database and are used only to score, and
# (to the attacker's advantage) as the prior over cell counts.
import json
import math
import os
import re
import sqlite3
import sys

import numpy as np

db_path, pub = sys.argv[1:3]
db = sqlite3.connect(db_path)
fails = 0
ATTRS = ('applicant_status', 'age_band', 'sex', 'education', 'residence')


def ok(name, cond, why=''):
    global fails
    print(('PASS ' if cond else 'FAIL ') + 'sdc attack 2: ' + name + ('' if cond else ': ' + why))
    fails += 0 if cond else 1


# ---- the published p-table (docs/reports.md) ----
from sdc_ptable import preimage, ptab, read_csv  # noqa: E402


_pt_cache = {}
PT_LEN = 4096


def pt_vec(p, length):
    """P(published p | n) for n in 0..length-1 (computed once per p)."""
    v = _pt_cache.get(p)
    if v is None:
        v = np.zeros(PT_LEN)
        for n in range(max(0, p - 5), min(PT_LEN, p + 10)):
            v[n] = ptab(n).get(p, 0.0)
        if p == 0:
            v[0] = 1.0
        _pt_cache[p] = v
    if length <= PT_LEN:
        return v[:length]
    return np.concatenate([v, np.zeros(length - PT_LEN)])


# ---- the public universe: host comuni, calls and their months ----
hosts = sorted({c for (c,) in db.execute("SELECT DISTINCT comune FROM placement")})
calls = {str(i): code for i, code in db.execute("SELECT id, code FROM call")}
truth, truth_sel = {}, {}
for c, k, m, n, s in db.execute("SELECT comune, CAST(call_id AS TEXT), month, applications, selected"
                                " FROM rollup_comune WHERE attr = ''"):
    truth[(c, k, m)] = truth.get((c, k, m), 0) + n
    truth_sel[(c, k, m)] = truth_sel.get((c, k, m), 0) + s
units = sorted({(k, m) for (c, k, m) in truth})          # (call, month): public
months = sorted({m for k, m in units})
month_units = {m: [u for u in units if u[1] == m] for m in months}


def quarter(m):
    return '%s-Q%d' % (m[:4], (int(m[5:7]) + 2) // 3)


def unit_set(row, dims):
    """The units (call, month) a published row of a comune covers."""
    out = []
    for k, m in units:
        if 'month' in dims and row['month'] != m:
            continue
        if 'quarter' in dims and row['quarter'] != quarter(m):
            continue
        if 'year' in dims and row['year'] != m[:4]:
            continue
        if 'call' in dims and row['call'] != k:
            continue
        out.append((k, m))
    return frozenset(out)


def cell_sets(dims):
    """Every (set of units) a table with these time/call dims has, keyed as its rows are."""
    sets = {}
    for k, m in units:
        key = tuple({'month': m, 'quarter': quarter(m), 'year': m[:4], 'call': k}[d] for d in dims)
        sets.setdefault(key, set()).add((k, m))
    return {key: frozenset(s) for key, s in sets.items()}


# =====================================================================
# 1. the average attack
# =====================================================================
def decimals_of(a):
    s = repr(a)
    return len(s.split('.')[1]) if '.' in s and 'e' not in s else 17


def avg_candidates(p, a, text_decimals=None):
    """True selected counts compatible with published count p and average a."""
    cand = [n for n in preimage(p) if n >= 10] if a is not None else preimage(p)
    if a is None:
        return cand
    d = text_decimals if text_decimals is not None else decimals_of(a)
    tol = 0.5 * 10 ** -d if d <= 6 else 1e-9
    return [n for n in cand if abs(n * a - round(n * a)) <= tol * n + 1e-9]


sel_obs = {}   # (comune, frozenset units) -> candidate list
narrowed_direct = shown_avgs = 0
for line in open(os.path.join(pub, 'avg', 'manifest')):
    f, dims = line.strip().split('|')
    dims = dims.split(',')
    tdims = [d for d in dims if d != 'comune']
    doc = json.load(open(os.path.join(pub, 'avg', f)))
    seen = set()
    for r in doc['rows']:
        key = tuple(str(r[d]) for d in tdims)
        s = cell_sets(tdims).get(key)
        if s is None or r.get('selected') in (None, '*'):
            continue
        a = r.get('days_to_selection')
        a = a if isinstance(a, (int, float)) else None
        cand = avg_candidates(int(r['selected']), a)
        if a is not None:
            shown_avgs += 1
            narrowed_direct += len(cand) < 3
        seen.add((r['comune'], s))
        prev = sel_obs.get((r['comune'], s))
        sel_obs[(r['comune'], s)] = cand if prev is None else [n for n in prev if n in cand]
    for c in hosts:   # rows left out: published 0
        for s in cell_sets(tdims).values():
            if (c, s) not in seen and (c, s) not in sel_obs:
                sel_obs[(c, s)] = preimage(0)
# The open data: selected and its average per comune and call, 4 decimals.
od_rows = read_csv(os.path.join(pub, 'od', 'posti_comune_avviso.csv'))
for r in od_rows:
    if r['selected'] in ('', '*'):
        continue
    s = cell_sets(['call']).get((r['call'],))
    if s is None:
        continue
    a = None if r['days_to_selection'] in ('', '*') else float(r['days_to_selection'])
    dec = len(r['days_to_selection'].split('.')[1]) if a is not None and '.' in r['days_to_selection'] else 0
    cand = avg_candidates(int(r['selected']), a, dec)
    if a is not None:
        shown_avgs += 1
        narrowed_direct += len(cand) < 3
    prev = sel_obs.get((r['comune'], s))
    sel_obs[(r['comune'], s)] = cand if prev is None else [n for n in prev if n in cand]
print('# averages: %d published, %d narrow their own count to fewer than 3 values' % (shown_avgs, narrowed_direct))


def sumset(cands):
    """The possible sums of one value from each candidate list (a boolean array)."""
    acc = np.zeros(1, bool)
    acc[0] = True
    for cs in cands:
        v = np.zeros(max(cs) + 1, bool)
        v[list(cs)] = True
        acc = np.convolve(acc, v) > 0
    return acc


pinned_avg = narrowed_avg = small_sel = 0
sel_by_c = {}
for (cc, s), pc in sel_obs.items():
    sel_by_c.setdefault(cc, []).append((s, pc))
for c in hosts:
    for m in months:
        t = frozenset(month_units[m])
        true_n = sum(truth_sel.get((c, k, mm), 0) for k, mm in t)
        if not 1 <= true_n <= 4:
            continue
        small_sel += 1
        cand = set(sel_obs.get((c, t), preimage(0)))
        for s, pc in sel_by_c.get(c, []):
            if not t < s:
                continue
            others = [frozenset(month_units[mm]) for mm in sorted({mm for k, mm in s - t})]
            if any(frozenset(o) - s for o in others):
                continue
            oc = [sel_obs.get((c, o), preimage(0)) for o in others]
            if any(not x for x in oc) or not pc:
                continue
            osum = np.nonzero(sumset(oc))[0]
            cand &= {P - o for P in pc for o in osum if P - o >= 0}
        pinned_avg += len(cand) <= 1
        narrowed_avg += len(cand) < 3
print('# average attack: %d small comune x month selected counts, %d pinned, %d narrowed below 3 values'
      % (small_sel, pinned_avg, narrowed_avg))
ok('average attack: averages narrow no count below the p-table (%d of %d published averages do)'
   % (narrowed_direct, shown_avgs), narrowed_direct <= 0.01 * max(shown_avgs, 1))
ok('average attack: parent minus children pins no small selected count (%d of %d pinned)'
   % (pinned_avg, small_sel), pinned_avg == 0)
ok('average attack: at most 1%% of small selected counts narrowed below 3 values (%d of %d)'
   % (narrowed_avg, small_sel), narrowed_avg <= 0.01 * max(small_sel, 1))

# =====================================================================
# 2. the catalog against the reports
# =====================================================================
rep = {r['placement']: int(r['applications']) for r in read_csv(os.path.join(pub, 'placements.csv'))
       if r['applications'] not in ('', '*')}
cat_vals = []
for f in sorted(os.listdir(os.path.join(pub, 'cat'))):
    try:
        doc = json.load(open(os.path.join(pub, 'cat', f)))
    except ValueError:
        continue
    for p in doc.get('placements', []):
        cat_vals.append((p['code'], p.get('applied')))
true_pl = dict(db.execute("SELECT placement_code, COUNT(*) FROM application GROUP BY 1").fetchall())
small_cat = sum(1 for code, v in cat_vals if isinstance(v, int) and 1 <= v <= 4)
differ = sum(1 for code, v in cat_vals if v != rep.get(code, 0))
exact_small = sum(1 for code, v in cat_vals if 1 <= true_pl.get(code, 0) <= 4 and v == true_pl.get(code, 0))
print('# catalog: %d placements, %d show 1-4, %d differ from the report, %d small ones exact'
      % (len(cat_vals), small_cat, differ, exact_small))
ok('catalog: the public catalog has open placements to compare (%d)' % len(cat_vals), len(cat_vals) > 100)
ok('catalog: no placement shows a count from 1 to 4 (%d do)' % small_cat, small_cat == 0)
ok('catalog: every placement shows the value the reports publish (%d of %d differ)' % (differ, len(cat_vals)),
   differ == 0)

# =====================================================================
# 3. every exact output is marked internal
# =====================================================================
k = 0
for line in open(os.path.join(pub, 'pages', 'internal')):
    k += 1
    role, path, what = line.rstrip('\n').split('|')
    meta = open(os.path.join(pub, 'pages', 'p%d.meta' % k)).read().split()
    body = open(os.path.join(pub, 'pages', 'p%d.out' % k), 'rb').read().decode('utf-8', 'replace')
    status = meta[0] if meta else '?'
    if 'csv' in path and 'formato=csv' in path:
        first = body.lstrip('\ufeff').split('\n', 1)[0]
        marked = 'USO INTERNO' in first
        where = 'its first line'
    else:
        marked = 'USO INTERNO' in body
        where = 'the page'
    ok('internal marking: %s %s (%s) says USO INTERNO in %s' % ('coordinator' if role == 'jc' else 'comune staff',
                                                                 path.split('?')[0], what, where),
       status == '200' and marked, 'status %s, marked %s' % (status, marked))
dash = open(os.path.join(pub, 'pages', 'dash.csv'), encoding='utf-8', errors='replace').read()
ok('internal marking: the protected dashboard CSV is not marked internal', 'USO INTERNO' not in dash)

# =====================================================================
# 4. the Bayesian attacker per comune over every decomposition
# =====================================================================
# obs[c][(stream, attr, frozenset units)] = {attr value: published}; '' attr = the total.
obs = {c: {} for c in hosts}
attr_values = {a: set() for a in ATTRS}
for line in open(os.path.join(pub, 'rep', 'manifest')):
    f, dims = line.strip().split('|')
    dims = dims.split(',')
    attr = next((d for d in dims if d in ATTRS), '')
    tdims = [d for d in dims if d not in ('comune',) + ATTRS]
    sets = cell_sets(tdims)
    rows = read_csv(os.path.join(pub, 'rep', f))
    got = {}
    for r in rows:
        key = tuple(r[d] for d in tdims)
        if key not in sets or r['comune'] not in obs:
            continue
        val = r[attr] if attr else ''
        if attr:
            attr_values[attr].add(val)
        for stream in ('applications', 'applicants'):
            if r.get(stream, '') in ('', '*'):
                continue
            got.setdefault((r['comune'], stream, sets[key]), {})[val] = int(r[stream])
    for c in hosts:   # rows left out are published zeros
        for s in sets.values():
            for stream in ('applications', 'applicants'):
                d = obs[c].setdefault((stream, attr, s), {})
                d.update(got.get((c, stream, s), {}))
for c in hosts:
    for (stream, attr, s), d in obs[c].items():
        for v in (attr_values[attr] if attr else ['']):
            d.setdefault(v, 0)

# The placement, area and office splits (a placement's comune is public:
# the catalog). Each group's share of its comune's applications is
# taken from the truth (an advantage); a group absent from a table was
# published 0 there.
GROUPS = ('placement', 'area', 'office')
group_values, gshares = {}, {}
for c, code, area, office, n in db.execute(
        "SELECT p.comune, p.code, p.area, p.office, COALESCE(SUM(r.applications), 0) FROM placement p"
        " LEFT JOIN rollup_placement r ON r.placement_code = p.code GROUP BY p.code"):
    for g, v in (('placement', code), ('area', area), ('office', office)):
        group_values.setdefault((c, g), set()).add(v)
        gs = gshares.setdefault((c, g), {})
        gs[v] = gs.get(v, 0) + n
for key, gs in gshares.items():
    z = sum(gs.values()) or 1
    gshares[key] = {v: n / z for v, n in gs.items()}
groups_used = 0
for line in open(os.path.join(pub, 'rep', 'groups')):
    f, dims = line.strip().split('|')
    dims = dims.split(',')
    g = next(d for d in dims if d in GROUPS)
    tdims = [d for d in dims if d not in ('comune',) + GROUPS]
    sets = cell_sets(tdims)
    got = {}
    for r in read_csv(os.path.join(pub, 'rep', f)):
        key = tuple(r[d] for d in tdims)
        if key not in sets or r['comune'] not in obs or r.get('applications', '') in ('', '*'):
            continue
        got.setdefault((r['comune'], sets[key]), {})[r[g]] = int(r['applications'])
    groups_used += 1
    for c in hosts:
        for s in sets.values():
            d = obs[c].setdefault(('applications', g, s), {})
            d.update(got.get((c, s), {}))
            for v in group_values.get((c, g), ()):
                d.setdefault(v, 0)
print('# placement, area and office splits: %d tables published' % groups_used)

# A person applies once per call: on a set within one call the applicants
# stream has the same true count. If its published values always repeat
# the applications' (one noise for both), it says nothing new.
same = diff = 0
for c in hosts:
    for (stream, attr, s), d in obs[c].items():
        if stream == 'applicants' and len({k for k, m in s}) == 1:
            other = obs[c].get(('applications', attr, s))
            if other is not None:
                for v, p in d.items():
                    same += other.get(v) == p
                    diff += other.get(v) != p
applicants_new = diff > 0.01 * (same + diff)
print('# applicants stream: %d values equal to applications, %d differ: %s' %
      (same, diff, 'independent noise, used' if applicants_new else 'the same noise, skipped'))


def derived(c, stream, attr, s, d):
    """True when a coarse published value is the sum of its months' published values."""
    parts = [obs[c].get((stream, attr, frozenset(month_units[m]))) for m in sorted({m for k, m in s})]
    if any(p is None for p in parts) or len(parts) < 2:
        return False
    return all(d[v] == sum(p.get(v, 0) for p in parts) for v in d)


# The attacker's prior: the distribution of comune x month counts (the truth: an advantage).
cm_truth = {}
for (c, k, m), n in truth.items():
    cm_truth[(c, m)] = cm_truth.get((c, m), 0) + n
allcells = [cm_truth.get((c, m), 0) for c in hosts for m in months]
NMAX = max(allcells) + 20
prior = np.bincount(allcells, minlength=NMAX).astype(float) + 0.5
prior /= prior.sum()
shares = {}
for a in ATTRS:
    tot = {}
    for v, n in db.execute("SELECT value, SUM(applications) FROM rollup_comune WHERE attr = ? GROUP BY 1", (a,)):
        tot[v] = n
    z = sum(tot.values()) or 1
    shares[a] = {v: tot.get(v, 0) / z for v in attr_values[a] | set(tot)}

T = 15   # the target's values considered: 0..14 (a small cell's published value allows at most 0..13)
fact = np.array([math.factorial(i) for i in range(T)], float)


_pois = {}


def poisson(lam, rn):
    key = (round(lam, 3), rn)
    v = _pois.get(key)
    if v is None:
        r = np.arange(rn)
        v = np.exp(-lam + r * math.log(lam) - np.array([math.lgamma(i + 1) for i in r])) if lam > 0 else (r == 0) * 1.0
        _pois[key] = v
    return v


_al = {}


def attr_like_cached(attr, pubs, rest_mean, length, c=None):
    group = attr in GROUPS
    key = (attr, c if group else None, tuple(sorted(pubs.items())), round(rest_mean, 2))
    v = _al.get(key)
    if v is None:
        v = _al[key] = attr_like(pubs, gshares.get((c, attr), {}) if group else shares[attr], rest_mean, length)
    return v


def attr_like(pubs, sh, rest_mean, length):
    """P(the published attribute split | x) for x in 0..length-1: x splits
    multinomially by the shares; the rest of the sum (if any) splits as
    Poisson with the rest's mean."""
    poly = np.zeros(length)
    poly[0] = 1.0
    for v, p in pubs.items():
        pi = sh.get(v, 0.0)
        if pi <= 0:
            continue
        lam = pi * rest_mean
        rn = int(lam + 6 * math.sqrt(lam) + 10) if lam > 0 else 1
        pr = poisson(lam, rn)
        g = np.correlate(pt_vec(p, length + rn - 1), pr, 'valid')
        term = g * pi ** np.arange(length) / fact[:length]
        poly = np.convolve(poly, term)[:length]
    return poly * fact[:length]


hits = []
rms_att = []
truths = []
supports = []
used_eq = 0
for c in hosts:
    mine = obs[c]
    rest_cache = {}
    # Each month's own distribution from its own published values (total, both streams).
    post_m = {}
    for m in months:
        s = frozenset(month_units[m])
        L = prior.copy()
        for stream in ('applications', 'applicants') if applicants_new else ('applications',):
            d = mine.get((stream, '', s))
            if d is not None:
                L = L * pt_vec(d[''], NMAX)
        post_m[m] = L / L.sum() if L.sum() > 0 else prior
    for m in months:
        true_n = cm_truth.get((c, m), 0)
        if not 1 <= true_n <= 4:
            continue
        t = frozenset(month_units[m])
        L = prior[:T].copy()
        for (stream, attr, s), d in mine.items():
            if not t <= s:
                continue
            if stream == 'applicants' and (not applicants_new or len({k for k, mm in s}) > 1):
                continue
            if len({mm for k, mm in s}) > 1 and derived(c, stream, attr, s, d):
                continue
            rest = tuple(mm for mm in sorted({mm for k, mm in s}) if mm != m)
            R = rest_cache.get(rest)
            if R is None:
                R = np.ones(1)
                for mm in rest:
                    R = np.convolve(R, post_m[mm])
                    R = R[:np.nonzero(R > 1e-12)[0].max() + 1]
                rest_cache[rest] = (R, float(np.dot(np.arange(len(R)), R)))
            else:
                R = R[0]
            if not attr:
                ln = len(R) + T
                pv = pt_vec(d[''], ln)
                like = np.correlate(pv, R, 'valid')[:T]
            else:
                like = attr_like_cached(attr, d, rest_cache[rest][1], T, c)
            if like.sum() <= 0:
                continue   # not explained by the model: the attacker drops it
            used_eq += 1
            L = L * like
            L = L / L.max()
        if L.sum() <= 0:
            continue
        post = L / L.sum()
        supports.append(int(np.sum(post > 1e-9)))
        small = post[1:5] / post[1:5].sum() if post[1:5].sum() > 0 else np.full(4, .25)
        hits.append(int(np.argmax(small)) + 1 == true_n)
        rms_att.append(float(np.dot(small, np.arange(1, 5))) - true_n)
        truths.append(true_n)
truths = np.array(truths)
n_small = len(truths)
vals, counts = np.unique(truths, return_counts=True)
best_hit = counts.max() / counts.sum()
best_rms = float(np.sqrt(np.mean((truths - truths.mean()) ** 2)))
hit = float(np.mean(hits))
rms = float(np.sqrt(np.mean(np.array(rms_att) ** 2)))
pinned = sum(1 for s in supports if s <= 1)
narrow = sum(1 for s in supports if s < 3)
print('# Bayesian attacker: %d small comune x month cells, %d published values used; right %.1f%% (best fixed'
      ' guess %d: %.1f%%), RMS %.2f (best fixed guess %.2f); %d pinned, %d narrowed below 3 values'
      % (n_small, used_eq, 100 * hit, vals[counts.argmax()], 100 * best_hit, rms, best_rms, pinned, narrow))
ok('Bayesian attacker: the demo has small comune x month cells to attack (%d)' % n_small, n_small > 200)
ok('Bayesian attacker: no small cell pinned (%d)' % pinned, pinned == 0)
ok('Bayesian attacker: at most 1%% of small cells narrowed below 3 values (%d of %d)' % (narrow, n_small),
   narrow <= 0.01 * n_small)
ok('Bayesian attacker: right on small cells within 5 points of the best fixed guess (%.1f%% against %.1f%%)'
   % (100 * hit, 100 * best_hit), hit <= best_hit + 0.05)
ok('Bayesian attacker: RMS error on small cells at least 90%% of the best fixed guess\'s (%.2f against %.2f)'
   % (rms, best_rms), rms >= 0.9 * best_rms)
sys.exit(1 if fails else 0)
