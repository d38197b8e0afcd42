// SPDX-License-Identifier: EUPL-1.2
// Drives headless Chromium over the DevTools protocol for
// tests/e2e/office_calls.sh: a coordinator logs in through the real form,
// opens the calls page, fills the upload form and chooses the CSV file as
// a person would (the file input is given the file), presses "Controlla il
// file", then "Pubblica l'avviso" on the check page, and opens the
// network and fleet pages; a screenshot of each page (with its web fonts)
// and what each page shows are printed as JSON for the shell test.
// The pages have no scripts; this file is only the test's hand.
// usage: node office_cdp.js DEVTOOLS_PORT HUB_URL SHOTS_DIR USER PASSWORD CSV CODE OPENS DEADLINE
'use strict';
const fs = require('fs');
const http = require('http');
const { WsClient } = require('./ws_client.js');
const [devport, hub, shots, user, password, csv, code, opens, deadline] = process.argv.slice(2);

const getJson = url => new Promise((ok, bad) => {
	http.get(url, res => {
		const parts = [];
		res.on('data', d => parts.push(d));
		res.on('end', () => {
			try { ok(JSON.parse(Buffer.concat(parts).toString('utf8'))); } catch (e) { bad(e); }
		});
	}).on('error', bad);
});

async function main() {
	let targets = null;
	for (let i = 0; i < 100 && !targets; i++) {
		try {
			targets = (await getJson(`http://127.0.0.1:${devport}/json/list`)).filter(t => t.type === 'page');
			if (!targets.length) targets = null;
		} catch (e) {
			await new Promise(r => setTimeout(r, 100));
		}
	}
	if (!targets) throw new Error('no Chromium page target');
	const ws = new WsClient(targets[0].webSocketDebuggerUrl);
	await new Promise((ok, bad) => { ws.onopen = ok; ws.onerror = bad; });
	let id = 0;
	const pending = new Map(), waiters = [];
	ws.onmessage = m => {
		const msg = JSON.parse(m.data);
		if (msg.id && pending.has(msg.id)) {
			const p = pending.get(msg.id);
			pending.delete(msg.id);
			msg.error ? p.bad(new Error(JSON.stringify(msg.error))) : p.ok(msg.result);
		} else if (msg.method) {
			for (const w of waiters.splice(0)) w(msg);
		}
	};
	const send = (method, params = {}) => new Promise((ok, bad) => {
		const n = ++id;
		pending.set(n, { ok, bad });
		ws.send(JSON.stringify({ id: n, method, params }));
	});
	const loaded = () => new Promise(ok => {
		const wait = msg => (msg.method === 'Page.loadEventFired' ? ok() : waiters.push(wait));
		waiters.push(wait);
	});
	const evaluate = async expr => (await send('Runtime.evaluate', { expression: expr, returnByValue: true })).result.value;
	const settle = () => evaluate('document.fonts.ready.then(() => true)');
	const shot = async name => {
		const r = await send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true });
		fs.writeFileSync(`${shots}/${name}.png`, Buffer.from(r.data, 'base64'));
	};
	const page = async () => evaluate(`(() => ({
		url: location.pathname + location.search,
		h1: (document.querySelector('h1') || {}).textContent || '',
		fontsLoaded: [...document.fonts].filter(f => f.status === 'loaded').length,
		scripts: document.querySelectorAll('script').length,
		counts: Object.fromEntries([...document.querySelectorAll('[data-count]')].map(e => [e.dataset.count, e.textContent])),
		kpi: Object.fromEntries([...document.querySelectorAll('[data-kpi]')].map(e => [e.dataset.kpi, e.textContent])),
		internal: !!document.querySelector('[data-internal]'),
		rows: document.querySelectorAll('tr[data-comune], tr[data-kiosk], tr[data-code]').length,
		unlabelled: [...document.querySelectorAll('input:not([type=hidden]), select, textarea')].filter(e => !(e.id && document.querySelector('label[for=' + e.id + ']'))).length,
		ok: (document.querySelector('.ok') || {}).textContent || '',
		text: document.body.innerText.slice(0, 3000) }))()`);
	const go = async path => {
		const l = loaded();
		await send('Page.navigate', { url: hub + path });
		await l;
		await settle();
	};
	const submit = async (expr) => {
		const l = loaded();
		await evaluate(expr);
		await l;
		await settle();
	};

	await send('Page.enable');
	await send('Runtime.enable');
	await send('DOM.enable');
	await send('Emulation.setDeviceMetricsOverride', { width: 1280, height: 900, deviceScaleFactor: 1, mobile: false });
	const out = {};
	await go('/login');
	await submit(`(() => { document.querySelector('#name').value = ${JSON.stringify(user)};
		document.querySelector('#password').value = ${JSON.stringify(password)};
		document.querySelector('form').submit(); return true; })()`);
	await go('/coordinamento/avvisi');
	out.calls = await page();
	await shot('browser-01-avvisi');
	// The form as a person fills it: typed fields, and a file chosen.
	await evaluate(`(() => { document.querySelector('#code').value = ${JSON.stringify(code)};
		document.querySelector('#title').value = 'Avviso n. ' + ${JSON.stringify(code)} + ' (dal browser)';
		document.querySelector('#opens').value = ${JSON.stringify(opens)};
		document.querySelector('#deadline').value = ${JSON.stringify(deadline)}; return true; })()`);
	const doc = await send('DOM.getDocument', {});
	const input = await send('DOM.querySelector', { nodeId: doc.root.nodeId, selector: '#file' });
	await send('DOM.setFileInputFiles', { nodeId: input.nodeId, files: [csv] });
	await submit(`(() => { [...document.querySelectorAll('button')].find(b => b.textContent === 'Controlla il file').click(); return true; })()`);
	out.check = await page();
	await shot('browser-02-controllo');
	await submit(`(() => { [...document.querySelectorAll('button')].find(b => b.textContent === "Pubblica l'avviso").click(); return true; })()`);
	out.published = await page();
	await shot('browser-03-avviso-pubblicato');
	await go('/coordinamento/rete');
	out.network = await page();
	await shot('browser-04-rete');
	await go('/coordinamento/totem');
	out.fleet = await page();
	await shot('browser-05-totem');
	console.log(JSON.stringify(out));
	ws.close();
}

main().then(() => process.exit(0), e => { console.error('cdp: ' + e.message); process.exit(1); });
