#!/usr/bin/env python3
# SPDX-License-Identifier: EUPL-1.2
# A local SMTP sink for the tests (aiosmtpd): accepts every message on
# 127.0.0.1:PORT and writes each one to DIR/NNN.eml (as received) and
# DIR/NNN.txt (recipient, decoded subject and decoded body), so a test
# can read what a citizen would get.
#   python3 tests/tools/smtp_sink.py DIR PORT
import asyncio, email, email.header, email.policy, os, sys
from aiosmtpd.smtp import SMTP

out, port = sys.argv[1], int(sys.argv[2])
os.makedirs(out, exist_ok=True)
count = 0

class Handler:
    async def handle_DATA(self, server, session, envelope):
        global count
        count += 1
        base = os.path.join(out, "%03d" % count)
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = msg.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.content)
        with open(base + ".txt.tmp", "w", encoding="utf-8") as f:
            f.write("To: %s\nFrom: %s\nSubject: %s\n\n%s" % (",".join(envelope.rcpt_tos),
                    envelope.mail_from, str(msg["subject"]), body))
        os.rename(base + ".eml.tmp", base + ".eml")
        os.rename(base + ".txt.tmp", base + ".txt")
        return "250 OK"

async def main():
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(Handler()), "127.0.0.1", port)
    with open(os.path.join(out, "ready"), "w") as f:
        f.write("%d\n" % port)
    async with server:
        await server.serve_forever()

asyncio.run(main())
