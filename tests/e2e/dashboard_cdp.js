// SPDX-License-Identifier: EUPL-1.2
// Drives headless Chromium over the DevTools protocol for
// tests/e2e/dashboard_chromium.sh: logs in through the real form, opens
// the drill-down Italia -> region -> province -> comune by clicking the
// page's own links, saves a screenshot of each page, and prints what the
// page shows (JSON on stdout) for the shell test to compare with SQL.
// The pages themselves have no scripts; this file is only the test's hand.
// Node 18 or later (Debian 12's nodejs), nothing from npm: the WebSocket
// is tests/e2e/ws_client.js, the HTTP request Node's own http module.
// usage: node dashboard_cdp.js DEVTOOLS_PORT HUB_URL SHOTS_DIR USER PASSWORD
'use strict';
const fs = require('fs');
const http = require('http');
const { WsClient } = require('./ws_client.js');
const [devport, hub, shots, user, password] = process.argv.slice(2);

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
	const shot = async name => {
		const r = await send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true });
		fs.writeFileSync(`${shots}/${name}.png`, Buffer.from(r.data, 'base64'));
	};
	const page = async () => evaluate(`(() => ({
		url: location.pathname + location.search,
		title: document.title,
		h1: (document.querySelector('h1') || {}).textContent || '',
		lang: document.documentElement.lang,
		font: getComputedStyle(document.body).fontFamily,
		fontsLoaded: [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family + ' ' + f.weight),
		scripts: document.querySelectorAll('script').length,
		kpi: Object.fromEntries([...document.querySelectorAll('[data-kpi]')].map(e => [e.dataset.kpi, e.textContent])),
		rows: [...document.querySelectorAll('tr[data-key]')].map(tr => ({
			key: tr.dataset.key, label: tr.querySelector('th').textContent,
			applications: tr.querySelector('td[data-m=applications]').textContent,
			seats: tr.querySelector('td[data-m=seats]').textContent,
			selected: tr.querySelector('td[data-m=selected]').textContent })),
		unlabelled: [...document.querySelectorAll('input:not([type=hidden]), select')].filter(e => !(e.id && document.querySelector('label[for=' + e.id + ']'))).length,
		tablesWithoutHeaders: [...document.querySelectorAll('table')].filter(t => !t.querySelector('th')).length,
		svgWithoutTitle: [...document.querySelectorAll('svg')].filter(s => !s.querySelector('title')).length,
		text: document.body.innerText.slice(0, 4000) }))()`);
	const clickLink = async text => {
		const ok = await evaluate(`(() => { const a = [...document.querySelectorAll('tr[data-key] th a')].find(a => a.textContent === ${JSON.stringify(text)}); if (!a) return false; a.click(); return true; })()`);
		if (!ok) throw new Error('no link ' + text);
		await loaded();
		await evaluate('document.fonts.ready.then(() => true)');
	};

	await send('Page.enable');
	await send('Runtime.enable');
	await send('Emulation.setDeviceMetricsOverride', { width: 1280, height: 900, deviceScaleFactor: 1, mobile: false });
	const out = {};
	let l = loaded();
	await send('Page.navigate', { url: hub + '/login' });
	await l;
	await shot('01-login');
	out.login = await page();
	l = loaded();
	await evaluate(`(() => { document.querySelector('#name').value = ${JSON.stringify(user)};
		document.querySelector('#password').value = ${JSON.stringify(password)};
		document.querySelector('form').submit(); return true; })()`);
	await l;
	await evaluate('document.fonts.ready.then(() => true)');
	out.national = await page();
	await shot('02-italia');
	await clickLink('Lombardia');
	out.region = await page();
	await shot('03-lombardia');
	await clickLink('Milano (MI)');
	out.province = await page();
	await shot('04-provincia-milano');
	await clickLink('Milano');
	out.comune = await page();
	await shot('05-comune-milano');
	console.log(JSON.stringify(out));
	ws.close();
}

main().then(() => process.exit(0), e => { console.error('cdp: ' + e.message); process.exit(1); });
