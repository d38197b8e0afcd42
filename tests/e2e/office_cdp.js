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
const { cdpConnect } = require('./cdp.js');
const [devport, hub, shots, user, password, csv, code, opens, deadline] = process.argv.slice(2);

async function main() {
	const { ws, send, loaded, evaluate, shot } = await cdpConnect(devport, shots);
	const settle = () => evaluate('document.fonts.ready.then(() => true)');
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
