#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# The layers run one way (DESIGN.md, issue 17), read from the #include
# lines of core/, kiosk/ and reports/ (.c and .h). One PASS/FAIL line per
# rule; a FAIL names every offending edge, file or circle. Start reading
# at the rules below; the checks are the Python program after them.
#
# 1. Folder layers: an include may point down, never up or sideways.
#      core           -> core (and no <SDL, <curl/, <microhttpd, <libpq)
#      kiosk          -> kiosk, core
#      reports/store  -> store, core
#      reports/stats  -> stats, store, core
#      reports/web    -> web, stats, store, core
#      reports/hub    -> hub, web, stats, store, core
#      reports/cli    -> cli, web, stats, store, core
#    (cli and hub never include each other.)
# 2. No include circle between the modules of one folder: module = file
#    name without .c/.h; X -> Y when X.c or X.h includes Y.h. Each circle
#    (strongly connected set of modules) is reported with its members.
# 3. SQL only in store/ (and in the kiosk's data modules): no string
#    literal starting with SELECT, INSERT, UPDATE or DELETE in reports/web,
#    reports/hub, reports/cli nor kiosk/screens*.c. (Schema text, CREATE
#    and ALTER, is not checked yet: web/auth.c still keeps its tables'.)
# 4. HTML only in web/: no "<html", "<p>", "<table" or "<body" literal in
#    reports/store, reports/stats, reports/cli nor reports/hub.
#    hub/mail.c gets no exception: it builds its HTML mail through
#    reports/web/html.h, so the markup lives in web/ and mail.c has none.
set -u
top=${DOTE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$top" || exit 1
exec python3 - <<'EOF'
import os, re, sys

ALLOWED = {
    "core": {"core"},
    "kiosk": {"kiosk", "core"},
    "reports/store": {"reports/store", "core"},
    "reports/stats": {"reports/stats", "reports/store", "core"},
    "reports/web": {"reports/web", "reports/stats", "reports/store", "core"},
    "reports/hub": {"reports/hub", "reports/web", "reports/stats", "reports/store", "core"},
    "reports/cli": {"reports/cli", "reports/web", "reports/stats", "reports/store", "core"},
}
FORBIDDEN_IN_CORE = re.compile(r'#\s*include\s*<(SDL|curl/|microhttpd|libpq)')
INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)
SQL = re.compile(r'"\s*(SELECT|INSERT|UPDATE|DELETE)\b')
HTML = re.compile(r'<html|<p>|<table|<body')

failed = False
def report(name, problems):
    global failed
    if problems:
        failed = True
        print("FAIL %s: %s" % (name, "; ".join(problems)))
    else:
        print("PASS %s" % name)

def folder_of(path):
    d = os.path.dirname(path)
    return d if d in ALLOWED else None

def strip_comments(text):
    # Drops /* */ and // comments, keeping string literals (and line count).
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c == '"' or c == "'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1]); i = j + 1
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2); j = n if j < 0 else j + 2
            out.append("\n" * text.count("\n", i, j)); i = j
        elif text.startswith("//", i):
            j = text.find("\n", i); j = n if j < 0 else j
            i = j
        else:
            out.append(c); i += 1
    return "".join(out)

def literals(text):
    # (line, literal) for every string literal in comment-free text.
    for m in re.finditer(r'"(?:\\.|[^"\\\n])*"', text):
        if text[max(0, m.start() - 9):m.start()].rstrip().endswith("#include"):
            continue
        yield text.count("\n", 0, m.start()) + 1, m.group(0)

files = []
for root in ("core", "kiosk", "reports"):
    for d, _, names in os.walk(root):
        for f in sorted(names):
            if f.endswith((".c", ".h")):
                files.append(os.path.join(d, f))
files.sort()
src = {}
for f in files:
    with open(f, encoding="utf-8", errors="replace") as fh:
        src[f] = fh.read()

# 1. Folder layers.
for folder in ALLOWED:
    problems = []
    for f in files:
        if folder_of(f) != folder:
            continue
        for inc in INCLUDE.findall(src[f]):
            to = os.path.dirname(inc)
            if to not in ALLOWED:
                continue   # a header outside the three trees (none today)
            if to not in ALLOWED[folder]:
                problems.append("%s -> %s (%s includes %s)" % (folder, to, f, inc))
        if folder == "core":
            for line in src[f].splitlines():
                m = FORBIDDEN_IN_CORE.match(line.strip())
                if m:
                    problems.append("%s includes <%s...>" % (f, m.group(1)))
    report("layer %s includes only %s" % (folder, ", ".join(sorted(ALLOWED[folder]))), problems)

# 2. Module circles inside each folder (Tarjan's strongly connected sets).
def circles(nodes, edges):
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]
    def visit(v):
        index[v] = low[v] = counter[0]; counter[0] += 1
        stack.append(v); on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w); low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop(); on.discard(w); comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))
    sys.setrecursionlimit(10000)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out

for folder in ALLOWED:
    nodes, edges = set(), {}
    for f in files:
        if folder_of(f) != folder:
            continue
        x = os.path.splitext(os.path.basename(f))[0]
        nodes.add(x)
        for inc in INCLUDE.findall(src[f]):
            if os.path.dirname(inc) != folder or not inc.endswith(".h"):
                continue
            y = os.path.splitext(os.path.basename(inc))[0]
            if y != x:
                edges.setdefault(x, set()).add(y)
    found = circles(nodes, edges)
    report("no include circle in %s" % folder,
           ["circle of %d: %s" % (len(c), ", ".join(c)) for c in found])

# 3. SQL only in store/ and the kiosk's data modules.
def sql_scope(f):
    if f.startswith(("reports/web/", "reports/hub/", "reports/cli/")):
        return True
    return f.startswith("kiosk/screens") and f.endswith(".c")
problems = []
for f in files:
    if not sql_scope(f):
        continue
    hits = [str(line) for line, lit in literals(strip_comments(src[f])) if SQL.match(lit)]
    if hits:
        problems.append("%s: %d statement(s), lines %s" % (f, len(hits), ",".join(hits)))
report("SQL only in store (not in web, hub, cli, kiosk screens)", problems)

# 4. HTML only in web/.
def html_scope(f):
    return f.startswith(("reports/store/", "reports/stats/", "reports/cli/", "reports/hub/"))
problems = []
for f in files:
    if not html_scope(f):
        continue
    hits = [str(line) for line, lit in literals(strip_comments(src[f])) if HTML.search(lit)]
    if hits:
        problems.append("%s: lines %s" % (f, ",".join(hits)))
report("HTML only in web (not in store, stats, cli, hub)", problems)

sys.exit(1 if failed else 0)
EOF
