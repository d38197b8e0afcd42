// SPDX-License-Identifier: EUPL-1.2
// The DevTools protocol session shared by the browser tests
// (tests/e2e/dashboard_cdp.js, tests/e2e/office_cdp.js): finds Chromium's
// page target on DEVTOOLS_PORT, opens its WebSocket, and returns the few
// verbs the tests use: send a command, wait for the next page load,
// evaluate an expression, save a full-page screenshot into SHOTS_DIR.
// Node 18 or later (Debian 12's nodejs), nothing from npm: the WebSocket
// is tests/e2e/ws_client.js, the HTTP request Node's own http module.
'use strict';
const fs = require('fs');
const http = require('http');
const { WsClient } = require('./ws_client.js');

const getJson = url => new Promise((ok, bad) => {
	http.get(url, res => {
		const parts = [];
		res.on('data', d => parts.push(d));
		res.on('end', () => {
			try { ok(JSON.parse(Buffer.concat(parts).toString('utf8'))); } catch (e) { bad(e); }
		});
	}).on('error', bad);
});

// cdpConnect(devport, shots): { ws, send, loaded, evaluate, shot }.
// Chromium may still be starting: the target list is polled for ~10 s.
async function cdpConnect(devport, shots) {
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
	return { ws, send, loaded, evaluate, shot };
}

module.exports = { cdpConnect };
