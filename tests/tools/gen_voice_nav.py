#!/usr/bin/env python3
# SPDX-License-Identifier: EUPL-1.2
# Shortens the focus moves of a keys-only script (issue 22): each run of
# arrow keys that ends in `expect-focus X` (up to `expect-presses`) is
# replaced by the shortest sequence over the kiosk's focus order, dumped
# at that point: Up/Down step through everything the voice guide stops
# on, Left/Right jump between controls (kiosk/ui.c, focus_step()); Down
# in a field would enter its keyboard, so it is not used there.
# Usage: tests/tools/gen_voice_nav.py IN.script > OUT.script
import json, os, subprocess, sys, collections
TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
NAV = {'key Down', 'key Up', 'key Left', 'key Right'}

def run(lines):
    path = os.path.join(TOP, 'build', 'voice_nav.script')
    open(path, 'w').write('\n'.join(lines + ['dump d']) + '\n')
    r = subprocess.run(['bash', f'{TOP}/tests/ui/run-one', path], capture_output=True, text=True,
                       env=dict(os.environ, O='build'), cwd=TOP)
    if r.returncode:
        print(r.stdout, r.stderr, file=sys.stderr); sys.exit('script failed')
    return json.load(open(f'{TOP}/build/ui-shots/voice_nav/d.json'))

def shortest(d, target):
    order = d['order']; n = len(order)
    ids = [o['id'] for o in order]
    if target not in ids: return None
    start = ids.index(d['focus']) if d['focus'] in ids else -1
    def step(cur, dr, controls):
        if cur < 0: cur = n - 1 if dr > 0 else 0
        for _ in range(n):
            cur = (cur + dr) % n
            if not controls or not order[cur]['text']: break
        return cur
    prev = {start: None}; q = collections.deque([start])
    while q:
        c = q.popleft()
        if c >= 0 and ids[c] == target: break
        infield = c >= 0 and (ids[c].startswith('field:') or ids[c] == 'search')
        for name, dr, ctl in (('Down', 1, False), ('Up', -1, False), ('Right', 1, True), ('Left', -1, True)):
            if name == 'Down' and infield: continue
            m = step(c, dr, ctl)
            if m not in prev: prev[m] = (c, name); q.append(m)
    t = ids.index(target)
    if t not in prev: return None
    out = []; c = t
    while prev[c]: c, name = prev[c]; out.append('key ' + name)
    return list(reversed(out))

src = open(sys.argv[1]).read().split('\n')
out = []; i = 0; done = False
while i < len(src):
    l = src[i]
    if 'expect-presses' in l: done = True
    if not done and l in NAV:
        j = i
        while j < len(src) and src[j] in NAV: j += 1
        if j < len(src) and src[j].startswith('expect-focus '):
            target = src[j].split(' ', 1)[1]
            p = shortest(run(out), target)
            if p is not None and (len(p) <= j - i or os.environ.get('ALWAYS')):
                print(f'{target}: {j - i} -> {len(p)}', file=sys.stderr)
                out += p; i = j; continue
    out.append(l); i += 1
for l in out: print(l)
