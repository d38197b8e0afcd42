// SPDX-License-Identifier: EUPL-1.2
// The hand of tests/e2e/office_chain.sh in headless Chromium (DevTools
// protocol, tests/e2e/cdp.js): one action per run, on the page Chromium
// has open, so the browser keeps its session cookie between actions as a
// person's browser does. Every form is filled and sent through its own
// fields and its own button: a field the page lacks, a value the field
// refuses or a form the browser would not send (required, min, max)
// fails the action, as it would stop a person. Prints what the page then
// shows as JSON, and saves a full-page screenshot as SHOTS_DIR/SHOT.png.
// The pages have no scripts; this file is only the test's hand.
// usage: node office_chain_cdp.js DEVTOOLS_PORT HUB_URL SHOTS_DIR SHOT VERB ARGS...
//   login USER PASSWORD                    the login form
//   open PATH                              a page
//   upload CSV CODE TITLE OPENS DEADLINE RULES   the call upload form, "Controlla il file"
//   press BUTTON_TEXT                      a button of the page open now
//   follow LINK_TEXT                       a link of the page open now
//   form PATH ACTION NAME=VALUE...         on PATH, the form whose hidden azione is
//                                          ACTION (or whose action is ACTION), filled, sent
'use strict';
const { cdpConnect } = require('./cdp.js');
const [devport, hub, shots, shotName, verb, ...args] = process.argv.slice(2);

async function main() {
	const { ws, send, loaded, evaluate, shot } = await cdpConnect(devport, shots);
	const settle = () => evaluate('document.fonts.ready.then(() => true)');
	const page = () => evaluate(`(() => {
		const nav = performance.getEntriesByType('navigation')[0] || {};
		const txt = sel => [...document.querySelectorAll(sel)].map(e => e.innerText.trim()).join(' | ');
		return {
			url: location.pathname + location.search,
			status: nav.responseStatus || 0,
			title: document.title,
			h1: txt('h1'),
			ok: txt('.ok'),
			error: txt('.err, .errbox, .ko'),
			counts: Object.fromEntries([...document.querySelectorAll('[data-count]')].map(e => [e.dataset.count, e.textContent])),
			scripts: document.querySelectorAll('script').length,
			unlabelled: [...document.querySelectorAll('input:not([type=hidden]):not([type=radio]), select, textarea')]
				.filter(e => !(e.id && document.querySelector('label[for="' + e.id + '"]'))).length,
			buttons: [...document.querySelectorAll('button')].map(b => b.textContent.trim()),
			text: document.body.innerText.replace(/\\s+/g, ' ').trim() };
	})()`);
	const go = async path => {
		const l = loaded();
		await send('Page.navigate', { url: hub + path });
		await l;
		await settle();
	};
	// Runs expr (which must return true, or a reason) and waits for the page it loads.
	const submit = async expr => {
		const l = loaded();
		const r = await evaluate(expr);
		if (r !== true) throw new Error(String(r));
		await l;
		await settle();
	};
	const press = text => `(() => { const b = [...document.querySelectorAll('button')].find(b => b.textContent.trim() === ${JSON.stringify(text)});
		if (!b) return 'no button ' + ${JSON.stringify(text)};
		if (b.form && !b.form.checkValidity()) return 'the browser would not send the form: ' +
			[...b.form.elements].filter(e => !e.checkValidity()).map(e => e.name + ' (' + e.validationMessage + ')').join(', ');
		b.click(); return true; })()`;

	await send('Page.enable');
	await send('Runtime.enable');
	await send('DOM.enable');
	await send('Emulation.setDeviceMetricsOverride', { width: 1280, height: 900, deviceScaleFactor: 1, mobile: false });
	if (verb === 'login') {
		await go('/login');
		await evaluate(`(() => { document.querySelector('#name').value = ${JSON.stringify(args[0])};
			document.querySelector('#password').value = ${JSON.stringify(args[1])}; return true; })()`);
		await submit(`(() => { document.querySelector('form').requestSubmit(); return true; })()`);
	} else if (verb === 'open') {
		await go(args[0]);
	} else if (verb === 'upload') {
		const [csv, code, title, opens, deadline, rules] = args;
		await go('/coordinamento/avvisi');
		const r = await evaluate(`(() => { const set = (id, v) => { const e = document.querySelector('#' + id);
				if (!e) throw new Error('no field ' + id); e.value = v; };
			set('code', ${JSON.stringify(code)}); set('title', ${JSON.stringify(title)});
			set('opens', ${JSON.stringify(opens)}); set('deadline', ${JSON.stringify(deadline)});
			set('rules', ${JSON.stringify(rules)}); return true; })()`);
		if (r !== true) throw new Error('upload form: ' + r);
		const doc = await send('DOM.getDocument', {});
		const input = await send('DOM.querySelector', { nodeId: doc.root.nodeId, selector: '#file' });
		if (!input.nodeId) throw new Error('upload form: no file field');
		await send('DOM.setFileInputFiles', { nodeId: input.nodeId, files: [csv] });
		await submit(press('Controlla il file'));
	} else if (verb === 'press') {
		await submit(press(args[0]));
	} else if (verb === 'follow') {
		await submit(`(() => { const a = [...document.querySelectorAll('a')].find(a => a.textContent.trim() === ${JSON.stringify(args[0])});
			if (!a) return 'no link ' + ${JSON.stringify(args[0])}; a.click(); return true; })()`);
	} else if (verb === 'form') {
		const [path, action, ...kv] = args;
		await go(path);
		const fields = kv.map(s => [s.slice(0, s.indexOf('=')), s.slice(s.indexOf('=') + 1)]);
		await submit(`(() => {
			const forms = [...document.querySelectorAll('form')];
			const f = forms.find(f => (f.elements.azione && f.elements.azione.value === ${JSON.stringify(action)}) ||
				f.getAttribute('action') === ${JSON.stringify(action)});
			if (!f) return 'no form ' + ${JSON.stringify(action)} + ' on this page';
			for (const [name, value] of ${JSON.stringify(fields)}) {
				const els = [...f.querySelectorAll('[name="' + name + '"]')];
				if (!els.length) return 'no field ' + name + ' in the form';
				if (els[0].type === 'radio') {
					const r = els.find(e => e.value === value);
					if (!r) return 'no choice ' + value + ' for ' + name;
					r.checked = true;
				} else if (els[0].tagName === 'SELECT') {
					if (![...els[0].options].some(o => o.value === value))
						return 'no option ' + value + ' for ' + name + ' (' + [...els[0].options].map(o => o.value).join(',') + ')';
					els[0].value = value;
				} else {
					els[0].value = value;
					if (els[0].value !== value) return 'the field ' + name + ' refuses ' + value;
				}
			}
			if (!f.checkValidity())
				return 'the browser would not send the form: ' + [...f.elements].filter(e => !e.checkValidity())
					.map(e => e.name + ' (' + e.validationMessage + ')').join(', ');
			const b = f.querySelector('button[type=submit], button:not([type])');
			if (!b) return 'the form has no button';
			b.click();
			return true; })()`);
	} else {
		throw new Error('unknown verb ' + verb);
	}
	const out = await page();
	await shot(shotName);
	console.log(JSON.stringify(out));
	ws.close();
}

main().then(() => process.exit(0), e => { console.error('cdp: ' + e.message); process.exit(1); });
