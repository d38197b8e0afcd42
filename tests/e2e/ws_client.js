// SPDX-License-Identifier: EUPL-1.2
// A minimal WebSocket client (RFC 6455) on Node's own http module, for
// the DevTools tests (tests/e2e/cdp.js): Debian 12's nodejs is
// 18, which has no WebSocket, and the tests fetch nothing from npm.
// Enough for Chromium's DevTools endpoint on loopback: ws:// only, text
// messages out (masked, as a client must), text or binary messages in
// (fragmented or not, any length), ping answered, close. The interface
// is the browser's: new WsClient(url), onopen, onmessage({data}),
// onerror, onclose, send(text), close().
'use strict';
const crypto = require('crypto');
const http = require('http');

class WsClient {
	constructor(url) {
		const u = new URL(url);
		if (u.protocol !== 'ws:')
			throw new Error('ws_client: only ws:// URLs');
		this.onopen = this.onmessage = this.onerror = this.onclose = () => {};
		this.socket = null;
		this.buf = Buffer.alloc(0);
		this.parts = [];
		const key = crypto.randomBytes(16).toString('base64');
		const req = http.request({
			host: u.hostname, port: u.port || 80, path: u.pathname + u.search,
			headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13',
				   'Sec-WebSocket-Key': key },
		});
		req.on('upgrade', (res, socket, head) => {
			const want = crypto.createHash('sha1')
				.update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
			if (res.headers['sec-websocket-accept'] !== want) {
				socket.destroy();
				this.onerror(new Error('ws_client: bad Sec-WebSocket-Accept'));
				return;
			}
			this.socket = socket;
			socket.setNoDelay(true);
			socket.on('data', d => this.received(d));
			socket.on('error', e => this.onerror(e));
			socket.on('close', () => this.onclose());
			this.onopen();
			if (head && head.length)
				this.received(head);
		});
		req.on('response', res => this.onerror(new Error('ws_client: HTTP ' + res.statusCode + ', no upgrade')));
		req.on('error', e => this.onerror(e));
		req.end();
	}

	frame(opcode, payload) {
		const n = payload.length, mask = crypto.randomBytes(4);
		let head;
		if (n < 126) {
			head = Buffer.from([0x80 | opcode, 0x80 | n]);
		} else if (n < 65536) {
			head = Buffer.alloc(4);
			head[0] = 0x80 | opcode; head[1] = 0x80 | 126; head.writeUInt16BE(n, 2);
		} else {
			head = Buffer.alloc(10);
			head[0] = 0x80 | opcode; head[1] = 0x80 | 127; head.writeBigUInt64BE(BigInt(n), 2);
		}
		const body = Buffer.alloc(n);
		for (let i = 0; i < n; i++)
			body[i] = payload[i] ^ mask[i & 3];
		this.socket.write(Buffer.concat([head, mask, body]));
	}

	send(text) {
		this.frame(0x1, Buffer.from(text, 'utf8'));
	}

	close() {
		if (this.socket) {
			this.frame(0x8, Buffer.alloc(0));
			this.socket.end();
		}
	}

	// Takes whole frames off the front of the buffer as they complete.
	received(data) {
		this.buf = this.buf.length ? Buffer.concat([this.buf, data]) : data;
		for (;;) {
			const b = this.buf;
			if (b.length < 2)
				return;
			const fin = b[0] & 0x80, opcode = b[0] & 0x0f, masked = b[1] & 0x80;
			let n = b[1] & 0x7f, at = 2;
			if (n === 126) {
				if (b.length < 4) return;
				n = b.readUInt16BE(2); at = 4;
			} else if (n === 127) {
				if (b.length < 10) return;
				n = Number(b.readBigUInt64BE(2)); at = 10;
			}
			const mask = masked ? b.subarray(at, at + 4) : null;
			if (masked) at += 4;
			if (b.length < at + n)
				return;
			let payload = b.subarray(at, at + n);
			this.buf = b.subarray(at + n);
			if (mask) {
				payload = Buffer.from(payload);
				for (let i = 0; i < n; i++) payload[i] ^= mask[i & 3];
			}
			if (opcode === 0x8) {
				this.socket.end();
				return;
			}
			if (opcode === 0x9) {
				this.frame(0xa, payload);
				continue;
			}
			if (opcode === 0xa)
				continue;
			this.parts.push(payload);
			if (fin) {
				const whole = Buffer.concat(this.parts);
				this.parts = [];
				this.onmessage({ data: whole.toString('utf8') });
			}
		}
	}
}

module.exports = { WsClient };
