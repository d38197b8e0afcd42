# SPDX-License-Identifier: EUPL-1.2
"""The cell key method's published p-table (docs/reports.md), as the
attack suites (sdc_attack2.py, sdc_attack_placement.py) model it: the
attacker knows the method and its parameters; and reading the published
CSV files."""

import csv

DEV = [(-4, .02), (-3, .04), (-2, .08), (-1, .16), (0, .40), (1, .16), (2, .08), (3, .04), (4, .02)]


def ptab(n):
    """{published value: probability} for true count n."""
    if n <= 0:
        return {0: 1.0}
    if n <= 4:
        return {0: .5, 5: .5}
    out = {}
    scale = .96 if n <= 8 else 1.0
    if n <= 8:
        out[0] = .04
    for d, pr in DEV:
        v = max(5, n + d)
        out[v] = out.get(v, 0) + pr * scale
    return out


_pre = {}


def preimage(p):
    """The true counts that can be published as p."""
    v = _pre.get(p)
    if v is None:
        v = _pre[p] = [n for n in range(0, p + 10) if ptab(n).get(p, 0) > 0]
    return v


def read_csv(path):
    """A published CSV file's rows, as dicts (the BOM dropped)."""
    with open(path, newline='', encoding='utf-8-sig') as f:
        return list(csv.DictReader(f))
