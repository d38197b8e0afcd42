// SPDX-License-Identifier: EUPL-1.2
// A receipt page (/r/TOKEN) on a phone, in headless Chromium (DevTools
// protocol, tests/e2e/cdp.js): a 390x844 viewport (a common phone), the
// page loaded, a screenshot saved as SHOTS_DIR/SHOT.png, and what a person
// holding the phone sees printed as one JSON line: the page's width
// against the screen's (a wider page scrolls sideways), the stage and its
// sentence (the receipt's p.state and p.next, as tests/e2e/hub_lib.bash
// receipt_stage reads them from the HTML).
// Used by tests/e2e/selection_story.sh.
// usage: node receipt_phone_cdp.js DEVTOOLS_PORT URL SHOTS_DIR SHOT
'use strict';
const { cdpConnect } = require('./cdp.js');
const [devport, url, shots, shotName] = process.argv.slice(2);

async function main() {
	const { ws, send, loaded, evaluate, shot } = await cdpConnect(devport, shots);
	await send('Page.enable');
	await send('Runtime.enable');
	await send('Emulation.setDeviceMetricsOverride', { width: 390, height: 844, deviceScaleFactor: 2, mobile: true });
	const l = loaded();
	await send('Page.navigate', { url });
	await l;
	await evaluate('document.fonts.ready.then(() => true)');
	const seen = await evaluate(`(() => {
		const txt = sel => { const e = document.querySelector(sel); return e ? e.innerText.replace(/\\s+/g, ' ').trim() : ''; };
		return { scrollWidth: document.scrollingElement.scrollWidth, innerWidth: window.innerWidth,
			state: txt('p.state'), next: txt('p.next') };
	})()`);
	await shot(shotName);
	console.log(JSON.stringify(seen));
	ws.close();
}

main().then(() => process.exit(0), e => { console.error(String(e)); process.exit(1); });
