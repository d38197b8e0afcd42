#!/usr/bin/env python3
# SPDX-License-Identifier: EUPL-1.2
# Builds tests/ui/keypad_only.script: a whole application with `key` lines only.
# Focus moves are found by trying (Down until the target has focus); key paths in
# the on-screen keyboard by a breadth-first search over the same nearest-key rule
# as kiosk/osk.c, on the key rectangles the kiosk dumps.
import json, os, subprocess, sys, collections
TOP=os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
lines=[]
def run(extra):
    path=os.path.join(TOP, 'build', 'keypad_try.script')
    open(path,'w').write('\n'.join(lines+extra)+'\n')
    r=subprocess.run(['bash',f'{TOP}/tests/ui/run-one',path],capture_output=True,text=True,env=dict(os.environ,O='build'),cwd=TOP)
    if r.returncode: print(r.stdout, r.stderr); sys.exit('script failed')
    return json.load(open(f'{TOP}/build/ui-shots/keypad_try/d.json'))
def dump(): return run(['dump d'])
def focus(target, key='Down', limit=60):
    for _ in range(limit):
        d=dump()
        if d['focus']==target:
            lines.append(f'expect-focus {target}'); return
        f=d['focus']
        lines.append('key Right' if f.startswith('field:') or f=='search' else f'key {key}')
    sys.exit('cannot reach '+target)
def nearest(keys, frm, dx, dy):
    fx=keys[frm]['x']+keys[frm]['w']//2; fy=keys[frm]['y']+keys[frm]['h']//2
    best=-1; bd=0
    for i,k in enumerate(keys):
        cx=k['x']+k['w']//2; cy=k['y']+k['h']//2
        along=(cx-fx)*dx+(cy-fy)*dy
        side=abs(cy-fy) if dx else abs(cx-fx)
        if i==frm or along<=0 or not k['enabled']: continue
        if dx and side>keys[frm]['h']//2: continue
        dd=along+side*3
        if best<0 or dd<bd: best=i; bd=dd
    if best<0 and dx:
        # rows wrap round (kiosk/osk.c, wrap_key)
        for i,k in enumerate(keys):
            cy=k['y']+k['h']//2
            if i==frm or not k['enabled'] or abs(cy-fy)>keys[frm]['h']//2: continue
            if best<0 or (k['x']<keys[best]['x'] if dx>0 else k['x']>keys[best]['x']): best=i
    return best
sel=None
def keys_now():
    d=dump(); return [w for w in d['widgets'] if w['role']=='key']
def goto(keys, target_id):
    global sel
    ids=[k['id'] for k in keys]
    if target_id not in ids: sys.exit('no key '+target_id+' in '+str(ids))
    t=ids.index(target_id)
    prev={sel:None}; q=collections.deque([sel])
    while q:
        c=q.popleft()
        if c==t: break
        for name,dx,dy in (('Left',-1,0),('Right',1,0),('Up',0,-1),('Down',0,1)):
            n=nearest(keys,c,dx,dy)
            if n>=0 and n not in prev: prev[n]=(c,name); q.append(n)
    path=[]; c=t
    while prev[c]: c,name=prev[c][0],prev[c][1]; path.append(name)
    for name in reversed(path): lines.append(f'key {name}')
    sel=t
def type_osk(text):
    """Enter the keyboard of the focused field and type text; sel = first key."""
    global sel
    lines.append('key Down')
    keys=keys_now()
    low=[k['id'].lower() for k in keys]
    # the keypad lands on "a" (the alphabetical keyboard), a numeric pad's first key
    sel=low.index('key:a') if 'key:a' in low else 0
    for ch in text:
        ids=[k['id'] for k in keys]
        if ch.isdigit(): lines.append(f'key {ch}'); continue
        if ch==' ': goto(keys,'key:space'); lines.append('key Return'); continue
        # a name's capital comes on its own, the codice fiscale is in capitals:
        # a letter is its key whatever the case shown
        low=[i.lower() for i in ids]
        if f'key:{ch.lower()}' in low: goto(keys,ids[low.index(f'key:{ch.lower()}')]); lines.append('key Return'); continue
        # shift once for a capital letter
        goto(keys,'key:shift'); lines.append('key Return'); keys=keys_now()
        goto(keys,f'key:{ch}'); lines.append('key Return'); keys=keys_now()
def press(keyid):
    keys=keys_now(); goto(keys,keyid); lines.append('key Return')

hdr='''# SPDX-License-Identifier: EUPL-1.2
# A whole application with a navigation keypad alone (EZ Access style:
# arrows, Enter, Back): only `key` lines drive the kiosk. Down and Up
# move between controls; in a text field, Down enters the on-screen
# keyboard, the arrows move between its keys by where they are, Enter
# presses one, its "Next" key moves to the next field. The expect lines
# check each step. (Written by a generator that finds the key paths with
# the kiosk's own nearest-key rule, tests/tools/gen_keypad_script.py;
# see kiosk/osk.c.)'''.split('\n')
lines+=hdr
lines.append('expect-screen home')
lines.append('# Help speaks what the screen is for (and starts the voice guide,')
lines.append('# with which the keypad reaches text as well as controls).')
lines.append('key F1')
lines.append('expect-speech-part Usa Su e Giù per spostarti')
focus('start'); lines.append('key Return'); lines.append('expect-screen browse')
focus('search'); type_osk('citta'); lines.append('expect-field search citta'); lines.append('expect-speech-part a'); lines.append('shot 01-keyboard-keypad')
lines.append('key Escape'); lines.append('expect-focus search'); lines.append('key Escape'); lines.append('expect-not keyboard')
focus('placement:UI-015146-001'); lines.append('key Return'); lines.append('expect-screen detail')
focus('apply'); lines.append('key Return'); lines.append('expect-screen eligibility')
focus('field:age'); type_osk('31'); lines.append('expect-field field:age 31')
lines.append('key Escape'); lines.append('key Escape'); lines.append('expect-not keyboard')
focus('status:unemployed'); lines.append('key Return'); lines.append('expect-checked status:unemployed')
focus('residence:015146'); lines.append('key Return'); lines.append('expect-checked residence:015146')
focus('other:no'); lines.append('key Return'); lines.append('expect-checked other:no')
focus('next'); lines.append('key Return'); lines.append('expect-screen form')
focus('field:given_name'); type_osk('Lucia'); press('key:enter'); lines.append('expect-field field:given_name Lucia')
lines.append('expect-focus field:family_name'); type_osk('Verdi'); press('key:enter'); lines.append('expect-field field:family_name Verdi')
lines.append('expect-focus field:cf'); type_osk('VRDLCU95A41F205U'); press('key:enter'); lines.append('expect-field field:cf VRDLCU95A41F205U')
lines.append('expect-text Nata il 01/01/1995 a Milano (MI)') if False else None
lines.append('expect-focus field:phone'); type_osk('3331234567'); press('key:enter'); lines.append('expect-field field:phone 3331234567')
lines.append('expect-focus field:email'); lines.append('key Escape'); lines.append('expect-not keyboard')
focus('education:upper_secondary'); lines.append('key Return'); lines.append('expect-checked education:upper_secondary')
focus('next'); lines.append('key Return'); lines.append('expect-screen privacy')
focus('consent'); lines.append('key Return'); lines.append('expect-checked consent')
focus('next'); lines.append('key Return'); lines.append('expect-screen review')
focus('review:cf'); lines.append('expect-speech Codice fiscale: nascosto.')
focus('submit'); lines.append('key Return'); lines.append('expect-screen receipt')
lines.append('expect-speech-part Il tuo numero di protocollo: D, C, trattino, 0, 1, 5, 1, 4, 6, trattino, L, O, C, A, L, trattino, 2, 0, 2, 6, trattino, 0, 0, 0, 0, 0, 1.')
lines.append("expect-sql 1 SELECT count(*) FROM application WHERE placement_code = 'UI-015146-001' AND given_name = 'Lucia' AND family_name = 'Verdi' AND cf = 'VRDLCU95A41F205U' AND phone = '3331234567' AND education = 'upper_secondary'")
lines.append('expect-sql-shown SELECT protocol FROM application')
lines.append('shot receipt')
focus('done'); lines.append('key Return'); lines.append('expect-screen home')
lines.append('# The session is over: the voice guide is off for the next citizen.')
lines.append('expect-unchecked speech')
open(f'{TOP}/tests/ui/keypad_only.script','w').write('\n'.join(l for l in lines if l)+'\n')
print(len(lines),'lines')
