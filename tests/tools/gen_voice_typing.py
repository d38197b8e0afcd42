#!/usr/bin/env python3
# SPDX-License-Identifier: EUPL-1.2
# Rewrites the typing in tests/ui/voice_journey.script for the keypad's
# fast entry (issue 22): digits straight from the keypad, letters over the
# alphabetical keyboard (kiosk/osk.c: `abc`, rows wrap round, disabled
# keys skipped, entry on "a", the keyboard's Next keeps the keypad in the
# next field's keyboard). Key paths by a breadth-first search over the
# kiosk's own nearest-key rule, on the key rectangles the kiosk dumps.
# Usage: tests/tools/gen_voice_typing.py IN.script > OUT.script
import json, os, subprocess, sys, collections
TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))

def run(lines):
    path = os.path.join(TOP, 'build', 'voice_try.script')
    open(path, 'w').write('\n'.join(lines + ['dump d']) + '\n')
    r = subprocess.run(['bash', f'{TOP}/tests/ui/run-one', path], capture_output=True, text=True,
                       env=dict(os.environ, O='build'), cwd=TOP)
    if r.returncode:
        print(r.stdout, r.stderr, file=sys.stderr); sys.exit('script failed')
    return json.load(open(f'{TOP}/build/ui-shots/voice_try/d.json'))

def nearest(keys, frm, dx, dy):
    fx = keys[frm]['x'] + keys[frm]['w'] // 2; fy = keys[frm]['y'] + keys[frm]['h'] // 2
    best = -1; bd = 0
    for i, k in enumerate(keys):
        cx = k['x'] + k['w'] // 2; cy = k['y'] + k['h'] // 2
        along = (cx - fx) * dx + (cy - fy) * dy
        side = abs(cy - fy) if dx else abs(cx - fx)
        if i == frm or along <= 0 or not k['enabled']: continue
        if dx and side > keys[frm]['h'] // 2: continue
        dd = along + side * 3
        if best < 0 or dd < bd: best = i; bd = dd
    if best < 0 and dx:
        for i, k in enumerate(keys):
            cy = k['y'] + k['h'] // 2
            if i == frm or not k['enabled'] or abs(cy - fy) > keys[frm]['h'] // 2: continue
            if best < 0 or (k['x'] < keys[best]['x'] if dx > 0 else k['x'] > keys[best]['x']): best = i
    return best

def path(keys, frm, to):
    prev = {frm: None}; q = collections.deque([frm])
    while q:
        c = q.popleft()
        if c == to: break
        for name, dx, dy in (('Left', -1, 0), ('Right', 1, 0), ('Up', 0, -1), ('Down', 0, 1)):
            n = nearest(keys, c, dx, dy)
            if n >= 0 and n not in prev: prev[n] = (c, name); q.append(n)
    out = []; c = to
    while prev[c]: c, name = prev[c]; out.append(name)
    return ['key ' + n for n in reversed(out)]

def keys_of(d): return [w for w in d['widgets'] if w['role'] == 'key']

def type_text(lines, text, enter_first=True):
    """The keypad in the focused field's keyboard: types text, digits
    straight from the keypad; returns with the selection where it ended."""
    if enter_first: lines.append('key Down')
    keys = keys_of(run(lines))
    ids = [k['id'].lower() for k in keys]
    sel = ids.index('key:a') if 'key:a' in ids else 0
    for ch in text:
        if ch.isdigit():
            lines.append('key ' + ch); continue
        t = ids.index('key:' + ch.lower()) if ch != ' ' else ids.index('key:space')
        lines.extend(path(keys, sel, t)); lines.append('key Return'); sel = t
    return keys, sel

def press_next(lines, keys, sel):
    ids = [k['id'].lower() for k in keys]
    t = ids.index('key:enter')
    lines.extend(path(keys, sel, t)); lines.append('key Return')

src = open(sys.argv[1]).read().split('\n')
out = []
i = 0
def until(marker):
    global i
    while src[i] != marker: i += 1
while i < len(src):
    l = src[i]
    out.append(l); i += 1
    if l == 'expect-focus search' and 'expect-field search citta' not in out:
        type_text(out, 'citta'); until('expect-field search citta')
    elif l == 'expect-focus field:age':
        out += ['key 3', 'key 1']; until('expect-field field:age 31')
        out.append(src[i]); i += 1
        until('expect-not keyboard'); i += 1
        out += ['key Escape', 'expect-not keyboard']
    elif l == 'expect-focus field:given_name':
        keys, sel = type_text(out, 'Lucia'); press_next(out, keys, sel)
        out += ['expect-field field:given_name Lucia', 'expect-focus field:family_name']
        keys, sel = type_text(out, 'Verdi', False); press_next(out, keys, sel)
        out += ['expect-field field:family_name Verdi', 'expect-focus field:cf']
        keys, sel = type_text(out, 'VRDLCU95A41F205U', False); press_next(out, keys, sel)
        out += ['expect-field field:cf VRDLCU95A41F205U', 'expect-focus field:phone']
        out += ['key ' + c for c in '3331234567']
        out += ['expect-field field:phone 3331234567']
        until('expect-focus field:email')
        # The phone's keyboard: Back to the field, Right to the e-mail.
        out += ['key Escape', 'key Right']
for l in out: print(l)
