# SPDX-License-Identifier: EUPL-1.2
# What the documented method (docs/reports.md, the p-table and issue 20's
# rule 4) allows a published count to be, computed from the raw rows:
# for tests that check published values against SQL (dashboard_chromium).
# A cell above comune level is the p-table's value for its true count; a
# comune-level cell is the sum of its comune x call x month leaves' values
# while that sum is below 50 (LEAF_SUM_BELOW), its own p-table value
# from there up. Start at allowed().
LEAF_SUM_BELOW = 50


def support(n):
    """The p-table's published values for true count n."""
    if n == 0:
        return {0}
    if n <= 4:
        return {0, 5}
    return {max(5, n + d) for d in range(-4, 5)} | ({0} if n <= 8 else set())


def leaf_sums(leaves):
    """Every sum of one published value per leaf (true counts)."""
    acc = {0}
    for n in leaves:
        acc = {a + v for a in acc for v in support(n)}
    return acc


def allowed(db, where, params=(), selected=False):
    """The values a comune-level count of the applications matching where
    (SQL over application a) may be published as."""
    expr = "SUM(a.status IN ('selected', 'started', 'completed', 'dropped_out'))" if selected else "COUNT(*)"
    leaves = [n for (n,) in db.execute("SELECT %s FROM application a WHERE %s"
                                       " GROUP BY a.comune, a.call_id, substr(a.submitted_at, 1, 7)"
                                       % (expr, where), params)]
    total = sum(leaves)
    return {v for v in leaf_sums(leaves) if v < LEAF_SUM_BELOW} | support(total)
