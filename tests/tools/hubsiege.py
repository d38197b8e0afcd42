#!/usr/bin/env python3
# SPDX-License-Identifier: EUPL-1.2
"""Attacks on the hub that need many addresses at once, for the tests of
issue 21 (tests/e2e/hub_slowbody.sh, hub_fatbody.sh, hub_login_spray.sh).
Everything goes to 127.0.0.0/8, is bounded in count and time and stops by
itself. Each subcommand prints one line of `key=value` pairs.

  slowbody PORT TOKEN BATCHES N ADDRS SECONDS
      The kiosk with TOKEN posts the batch files BATCHES (a directory of
      *.json, one new connection each, as a kiosk after its keep-alive
      lapsed) a few times alone (the baseline), then while N connections
      from ADDRS addresses (127.0.0.2 on, each under the hub's
      per-address cap) send complete headers of `POST /login` with
      Content-Length 16000 (every other one `POST /v1/enroll`, 4000)
      and then one body byte a second; a connection the hub cuts is
      opened again, as an attacker would. The kiosk posts the rest of
      its batches during SECONDS of attack. Prints the batches answered
      200 in each phase, their p95 in ms, and how many attack
      connections were open at the end of the attack.
  fatbody PORT PID TOKEN PATH PARALLEL ROUNDS RECORDS
      ROUNDS rounds of PARALLEL requests at once to PATH with the kiosk's
      TOKEN, each a JSON body of RECORDS tiny records (about 20 bytes
      each); prints the hub's RSS before (KiB), its peak (VmHWM) and its
      RSS 3 s after the last round, and the answers' status codes.
  spray PORT USER PASSWORD ADDRS PER_ADDR SECONDS EVERY
      ADDRS addresses (127.0.0.2 on) each try PER_ADDR wrong logins spread
      over SECONDS (half on USER, half on unknown names), while USER, who
      logged in from 127.0.0.1 once before the spray, logs in again with
      PASSWORD every EVERY seconds; prints the user's answers (303 is a
      login) and their p95 time, and the attackers' answers.
"""
import http.client
import os
import re
import socket
import sys
import threading
import time


def pct(values, p):
    if not values:
        return -1.0
    v = sorted(values)
    return v[min(len(v) - 1, int(len(v) * p))]


def rss_kib(pid, key="VmRSS:"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key):
                return int(line.split()[1])
    return -1


def post_batch(port, token, body, timeout=10.0):
    """One batch on a new connection: (status or 0, ms)."""
    t = time.monotonic()
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        c.request("POST", "/v1/applications", body=body,
                  headers={"Authorization": f"Bearer {token}",
                           "Content-Type": "application/json"})
        r = c.getresponse()
        r.read()
        status = r.status
        c.close()
    except (OSError, http.client.HTTPException):
        status = 0
    return status, (time.monotonic() - t) * 1000


class Attacker:
    """One slow-body connection, reopened when the hub cuts it."""

    def __init__(self, port, src, i):
        self.port, self.src, self.i = port, src, i
        self.sock = None
        self.opened = 0

    def open(self):
        s = socket.socket()
        s.settimeout(2)
        try:
            s.bind((self.src, 0))
            s.connect(("127.0.0.1", self.port))
            if self.i % 2:
                head = (b"POST /v1/enroll HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        b"Content-Length: 4000\r\n\r\n{")
            else:
                head = (b"POST /login HTTP/1.1\r\nHost: x\r\n"
                        b"Content-Type: application/x-www-form-urlencoded\r\n"
                        b"Content-Length: 16000\r\n\r\nn")
            s.sendall(head)
            s.setblocking(False)
            self.sock = s
            self.opened += 1
        except OSError:
            s.close()
            self.sock = None

    def drip(self):
        """A body byte; False when the hub has closed the connection."""
        if not self.sock:
            return False
        try:
            d = self.sock.recv(4096)
            if d == b"" or d:
                raise OSError("closed or answered")
        except BlockingIOError:
            pass
        except OSError:
            self.close()
            return False
        try:
            self.sock.send(b"a")
        except BlockingIOError:
            pass
        except OSError:
            self.close()
            return False
        return True

    def close(self):
        if self.sock:
            self.sock.close()
        self.sock = None


def slowbody(port, token, batchdir, n, addrs, seconds):
    files = sorted(os.path.join(batchdir, f) for f in os.listdir(batchdir) if f.endswith(".json"))
    bodies = [open(f, "rb").read() for f in files]
    base_n = max(5, len(bodies) // 3)
    base = [post_batch(port, token, b) for b in bodies[:base_n]]
    attack_bodies = bodies[base_n:]

    attackers = [Attacker(port, f"127.0.0.{2 + i % addrs}", i) for i in range(n)]
    stop = threading.Event()
    stats = {"open_end": 0, "reopened": 0}

    def siege():
        for a in attackers:
            a.open()
        t_end = time.monotonic() + seconds
        while time.monotonic() < t_end and not stop.is_set():
            for a in attackers:
                if not a.drip():
                    a.open()	# the attacker comes back at once
            time.sleep(1.0)
        stats["open_end"] = sum(1 for a in attackers if a.sock)
        stats["reopened"] = sum(a.opened - 1 for a in attackers if a.opened > 1)
        for a in attackers:
            a.close()

    th = threading.Thread(target=siege)
    th.start()
    time.sleep(3.0)		# every slot taken, the bodies trickling
    during = []
    t_end = time.monotonic() + seconds - 5
    for b in attack_bodies:
        if time.monotonic() > t_end:
            break
        during.append(post_batch(port, token, b))
        time.sleep(0.3)
    stop.set()
    th.join()
    ok_b = sum(1 for s, _ in base if s == 200)
    ok_d = sum(1 for s, _ in during if s == 200)
    codes = {}
    for s, _ in during:
        codes[s] = codes.get(s, 0) + 1
    print(f"base_sent={len(base)} base_ok={ok_b} base_p95_ms={pct([m for _, m in base], 0.95):.1f} "
          f"attack_sent={len(during)} attack_ok={ok_d} "
          f"attack_p95_ms={pct([m for _, m in during], 0.95):.1f} "
          f"attack_codes={','.join(f'{k}:{v}' for k, v in sorted(codes.items()))} "
          f"attackers_open_end={stats['open_end']} attackers_reopened={stats['reopened']}")


def fatbody(port, pid, token, path, parallel, rounds, records):
    rec = b'{"uuid":"0000000"}'
    body = (b'{"kiosk_id":"K01","records":[' + b",".join([rec] * records) + b"]}")
    if path.endswith("heartbeat"):
        body = (b'{"kiosk_id":"K01","usage":[' + b",".join([rec] * records) + b"]}")
    before = rss_kib(pid)
    codes = {}
    lock = threading.Lock()

    def one():
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            c.request("POST", path, body=body,
                      headers={"Authorization": f"Bearer {token}",
                               "Content-Type": "application/json"})
            r = c.getresponse()
            r.read()
            s = r.status
            c.close()
        except (OSError, http.client.HTTPException):
            s = 0
        with lock:
            codes[s] = codes.get(s, 0) + 1

    for _ in range(rounds):
        ts = [threading.Thread(target=one) for _ in range(parallel)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
    time.sleep(3.0)
    after = rss_kib(pid)
    hwm = rss_kib(pid, "VmHWM:")
    print(f"body_bytes={len(body)} rss_before={before} hwm={hwm} rss_after={after} "
          f"codes={','.join(f'{k}:{v}' for k, v in sorted(codes.items()))}")


def login(port, src, name, password, state):
    """One login through the form; state caches the pre-login cookie."""
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30,
                                       source_address=(src, 0))
        if "pre" not in state:
            c.request("GET", "/login")
            r = c.getresponse()
            html = r.read().decode("utf-8", "replace")
            m = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
            ck = r.getheader("Set-Cookie") or ""
            state["pre"] = (m.group(1) if m else "", ck.split(";")[0])
        csrf, cookie = state["pre"]
        form = (f"name={name}&password={password}&csrf={csrf}").encode()
        c.request("POST", "/login", body=form,
                  headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
        r = c.getresponse()
        r.read()
        c.close()
        return r.status
    except (OSError, http.client.HTTPException):
        return 0


def spray(port, user, password, addrs, per_addr, seconds, every):
    stop_at = time.monotonic() + seconds
    acodes = {}
    lock = threading.Lock()

    def attacker(k):
        src = f"127.0.0.{2 + k}"
        state = {}
        gap = seconds / per_addr
        t0 = time.monotonic() + (k % 10) * gap / 10
        for j in range(per_addr):
            wait = t0 + j * gap - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            if time.monotonic() > stop_at:
                break
            name = user if j % 2 == 0 else f"nobody{k}x{j}"
            s = login(port, src, name, "wrong-password-123", state)
            with lock:
                acodes[s] = acodes.get(s, 0) + 1

    # The user has logged in from this address before (staff do).
    # Its login time with no spray, the baseline of the same run: the
    # median of three.
    state = {}
    base = []
    for _ in range(3):
        t = time.monotonic()
        first = login(port, "127.0.0.1", user, password, state)
        base.append((time.monotonic() - t) * 1000)
    ts = [threading.Thread(target=attacker, args=(k,)) for k in range(addrs)]
    for t in ts:
        t.start()
    ucodes, times = [], []
    time.sleep(min(2.0, every))
    while time.monotonic() + 1 < stop_at:
        t = time.monotonic()
        ucodes.append(login(port, "127.0.0.1", user, password, state))
        times.append((time.monotonic() - t) * 1000)
        time.sleep(max(0.0, every - (time.monotonic() - t)))
    for t in ts:
        t.join()
    ok = sum(1 for s in ucodes if s == 303)
    print(f"user_before={first} user_tries={len(ucodes)} user_ok={ok} user_codes={','.join(str(s) for s in ucodes)} "
          f"user_p95_ms={pct(times, 0.95):.0f} user_base_ms={sorted(base)[1]:.0f} "
          f"attack_codes={','.join(f'{k}:{v}' for k, v in sorted(acodes.items()))}")


def main():
    a = sys.argv[1:]
    if not a:
        print(__doc__)
        return 2
    if a[0] == "slowbody":
        slowbody(int(a[1]), a[2], a[3], int(a[4]), int(a[5]), float(a[6]))
    elif a[0] == "fatbody":
        fatbody(int(a[1]), int(a[2]), a[3], a[4], int(a[5]), int(a[6]), int(a[7]))
    elif a[0] == "spray":
        spray(int(a[1]), a[2], a[3], int(a[4]), int(a[5]), float(a[6]), float(a[7]))
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
