# SPDX-License-Identifier: EUPL-1.2
# The utility cost of summing perturbed leaves (docs/reports.md, issue 20):
# for a hub database, simulates the p-table on comune x call x month leaves
# and prints, per table, the share of cells changed and the mean absolute
# error by true cell size, fresh noise per cell against sums of leaves,
# and against the rule chosen: the sum of leaves below H (50, the
# engine's LEAF_SUM_BELOW), the cell's own noise from H up.
# Usage: python3 tests/tools/sdc_utility.py HUB.db [H]
import sqlite3, random, collections, sys
db = sqlite3.connect(sys.argv[1])
H = int(sys.argv[2]) if len(sys.argv) > 2 else 50
random.seed(1)
DEV = [(-4, .02), (-3, .04), (-2, .08), (-1, .16), (0, .40), (1, .16), (2, .08), (3, .04), (4, .02)]
def perturb(n):
    if n <= 0: return 0
    u = random.random()
    if n <= 4: return 0 if u < .5 else 5
    if n <= 8:
        if u < .04: return 0
        u = (u - .04) / .96
    acc = 0
    for d, p in DEV:
        acc += p
        if u < acc: return max(5, n + d)
    return max(5, n + 4)
prov = dict(db.execute("select istat, province from comune"))
leaf = collections.Counter()
for c, k, m, n in db.execute("select comune, call_id, month, applications from rollup_comune where attr=''"):
    leaf[(c, k, m)] += n
pl = {key: perturb(n) for key, n in leaf.items()}
def q(m): return m[:4] + 'Q%d' % ((int(m[5:]) + 2) // 3)
tables = {
 'comune x month': lambda c,k,m: (c, m),
 'comune x year': lambda c,k,m: (c, m[:4]),
 'comune (all time)': lambda c,k,m: (c,),
 'province x month': lambda c,k,m: (prov[c], m),
 'province x quarter': lambda c,k,m: (prov[c], q(m)),
 'national x month': lambda c,k,m: (m,),
 'national': lambda c,k,m: ('',),
}
bands = [(1,4),(5,9),(10,49),(50,199),(200,999),(1000,10**9)]
print('| Table | cells | changed: fresh / leaves / chosen | MAE fresh / leaves / chosen by true size ' + ' '.join('%d-%s' % (a, b if b < 10**9 else '') for a,b in bands) + ' |')
for name, f in tables.items():
    tru = collections.Counter(); lsum = collections.Counter()
    for key, n in leaf.items():
        tru[f(*key)] += n; lsum[f(*key)] += pl[key]
    fresh = {k: perturb(v) for k, v in tru.items()}
    hyb = {k: (fresh[k] if lsum[k] >= H else lsum[k]) for k in tru}
    if name.startswith(('province', 'national')):
        hyb = fresh
    ch_f = sum(fresh[k] != tru[k] for k in tru) / len(tru)
    ch_l = sum(lsum[k] != tru[k] for k in tru) / len(tru)
    ch_h = sum(hyb[k] != tru[k] for k in tru) / len(tru)
    cols = []
    for a, b in bands:
        ks = [k for k in tru if a <= tru[k] <= b]
        if not ks: cols.append('-'); continue
        mf = sum(abs(fresh[k]-tru[k]) for k in ks)/len(ks); ml = sum(abs(lsum[k]-tru[k]) for k in ks)/len(ks)
        mh = sum(abs(hyb[k]-tru[k]) for k in ks)/len(ks)
        cols.append('%.1f / %.1f / %.1f (%d)' % (mf, ml, mh, len(ks)))
    print('| %s | %d | %.0f%% / %.0f%% / %.0f%% | %s |' % (name, len(tru), 100*ch_f, 100*ch_l, 100*ch_h, ' | '.join(cols)))
