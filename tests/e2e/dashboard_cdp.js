// SPDX-License-Identifier: EUPL-1.2
// Drives headless Chromium over the DevTools protocol for
// tests/e2e/dashboard_chromium.sh: logs in through the real form, opens
// the drill-down Italia -> region -> province -> comune by clicking the
// page's own links, saves a screenshot of each page, and prints what the
// page shows (JSON on stdout) for the shell test to compare with SQL.
// The pages themselves have no scripts; this file is only the test's hand.
// The DevTools session (target, WebSocket, commands) is tests/e2e/cdp.js.
// usage: node dashboard_cdp.js DEVTOOLS_PORT HUB_URL SHOTS_DIR USER PASSWORD
'use strict';
const { cdpConnect } = require('./cdp.js');
const [devport, hub, shots, user, password] = process.argv.slice(2);

async function main() {
	const { ws, send, loaded, evaluate, shot } = await cdpConnect(devport, shots);
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
