#!/usr/bin/env python3
# SPDX-License-Identifier: EUPL-1.2
"""Hostile and measuring HTTP clients for tests/e2e/hub_guard.sh, all on
loopback, bounded in count and time, stopping by themselves. Each
subcommand prints one line of `key=value` pairs the test asserts on.

  slowloris PORT FROM N SECONDS   N connections from address FROM, each
      trickling a header line byte by byte (one byte every 0.5 s, never
      ending the headers); prints how many the hub refused at once, how
      many it still held after 1 s and after SECONDS, and how long the
      longest-lived lasted.
  trickle PORT MODE SECONDS [TOKEN]   one connection from 127.0.0.3 that
      trickles (MODE headers: a header line; MODE body: a 4000-byte
      /v1/enroll body) a byte every 0.5 s; prints when the hub closed it.
  bodies PORT PID N SIZE PATH [TOKEN]   N POSTs of SIZE bytes held open
      at once from 127.0.1.1-16 (headers first, then the body but its
      last byte); prints
      the answers got before the body was sent and the hub's RSS (KiB)
      before and while they are in flight. Waits up to 3 s for answers to
      the headers: for all N, or for $EXPECT of them when set.
  raw PORT   reads a raw request from stdin, prints the status code.
  stall PORT DB TOKEN SECONDS   a kiosk's keep-alive connection asks
      again while the hub's only thread is held up: an outside writer
      locks the SQLite file DB for SECONDS, another kiosk's heartbeat
      waits on it in the hub's thread, and the first connection's next
      request (sent at once) sits unread meanwhile; prints its status
      (or closed) and how long it took.
  latency URL N [SECONDS]   N sequential GETs (or as many as fit in
      SECONDS); prints their median, p95 and max in ms and failures.
"""
import os
import select
import socket
import sys
import time
import urllib.request


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def status_of(data):
    try:
        return int(data.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return 0


def alive(s):
    """True while the peer has not closed the connection."""
    s.setblocking(False)
    try:
        d = s.recv(4096)
        return d != b""	# data (an answer) still counts as open
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        s.setblocking(True)


def slowloris(port, src, n, seconds):
    conns, refused = [], 0
    t0 = time.monotonic()
    for _ in range(n):
        s = socket.socket()
        s.settimeout(2)
        try:
            s.bind((src, 0))
            s.connect(("127.0.0.1", port))
            s.sendall(b"GET /v1/catalog?comune=015146 HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            conns.append([s, True, 0.0])
        except OSError:
            refused += 1
            s.close()
    held_1s = None
    i = 0
    while time.monotonic() - t0 < seconds:
        now = time.monotonic() - t0
        for c in conns:
            if not c[1]:
                continue
            if not alive(c[0]):
                c[1], c[2] = False, now
                continue
            try:
                c[0].send(b"a")
            except OSError:
                c[1], c[2] = False, now
        if held_1s is None and now >= 1.0:
            held_1s = sum(1 for c in conns if c[1])
        i += 1
        time.sleep(0.5)
    held_end = sum(1 for c in conns if c[1])
    longest = max([c[2] for c in conns if not c[1]] or [0.0])
    for c in conns:
        c[0].close()
    print(f"connected={len(conns)} refused={refused} held_1s={held_1s} "
          f"held_end={held_end} longest_closed={longest:.1f}")


def trickle(port, mode, seconds, token=None):
    s = socket.socket()
    s.bind(("127.0.0.3", 0))
    s.connect(("127.0.0.1", port))
    if mode == "headers":
        s.sendall(b"GET /v1/catalog?comune=015146 HTTP/1.1\r\nHost: x\r\nX-A: ")
        drip = b"a"
    else:
        s.sendall(b"POST /v1/enroll HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 4000\r\n\r\n{")
        drip = b" "
    t0 = time.monotonic()
    closed = -1.0
    while time.monotonic() - t0 < seconds:
        time.sleep(0.5)
        if not alive(s):
            closed = time.monotonic() - t0
            break
        try:
            s.send(drip)
        except OSError:
            closed = time.monotonic() - t0
            break
    s.close()
    print(f"closed_after={closed:.1f}")


def bodies(port, pid, n, size, path, token=None, expect=None):
    before = rss_kib(pid)
    conns, answers = [], {}
    head = (f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Content-Length: {size}\r\n")
    if token:
        head += f"Authorization: Bearer {token}\r\n"
    head = (head + "\r\n").encode()
    for i in range(n):
        s = socket.socket()
        s.settimeout(5)
        try:
            # From 16 addresses: one client address may hold only so many.
            s.bind((f"127.0.1.{i % 16 + 1}", 0))
            s.connect(("127.0.0.1", port))
            s.sendall(head)
            conns.append(s)
        except OSError:
            answers["refused"] = answers.get("refused", 0) + 1
            s.close()
    # An answer to the headers alone comes without the body, or not at all:
    # wait until EXPECT connections (default all) are readable, up to 3 s
    # (a busy machine may take more than half a second to answer 150; a hub
    # that waits for the body answers none in 3 s, below the test hub's
    # 4 s body_timeout, and the bodies are sent after).
    want = len(conns) if expect is None else min(expect, len(conns))
    deadline = time.monotonic() + 3.0
    waiting, got = list(conns), 0
    while got < want and waiting and time.monotonic() < deadline:
        ready = select.select(waiting, [], [], max(0.0, deadline - time.monotonic()))[0]
        got += len(ready)
        waiting = [s for s in waiting if s not in ready]
    chunk = b" " * 65536
    for s in conns:
        s.setblocking(False)
        try:
            d = s.recv(4096)
            code = status_of(d) if d else "closed"
        except BlockingIOError:
            code = "none"
        except OSError:
            code = "reset"
        s.setblocking(True)
        answers[code] = answers.get(code, 0) + 1
        if code != "none":
            continue
        s.settimeout(5)
        left = size - 1
        try:
            while left > 0:
                k = min(left, len(chunk))
                s.sendall(chunk[:k])
                left -= k
        except OSError:
            pass
    time.sleep(1.0)
    during = rss_kib(pid)
    for s in conns:
        s.close()
    summary = " ".join(f"a{k}={v}" for k, v in sorted(answers.items(), key=str))
    print(f"rss_before={before} rss_during={during} {summary}")


def raw(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(sys.stdin.buffer.read())
    try:
        d = s.recv(4096)
    except OSError:
        d = b""
    print(f"status={status_of(d) if d else 'closed'}")


def latency(url, n, seconds=60.0):
    times, failed = [], 0
    t0 = time.monotonic()
    for _ in range(n):
        if time.monotonic() - t0 > seconds:
            break
        t = time.monotonic()
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                r.read()
        except Exception:
            failed += 1
        times.append((time.monotonic() - t) * 1000)
    times.sort()
    med = times[len(times) // 2] if times else -1
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))] if times else -1
    mx = times[-1] if times else -1
    print(f"n={len(times)} median_ms={med:.0f} p95_ms={p95:.0f} max_ms={mx:.0f} failed={failed}")


def stall(port, db, token, seconds):
    import http.client
    import sqlite3
    import threading

    kiosk = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    kiosk.request("GET", "/healthz")
    first = kiosk.getresponse()
    first.read()
    lock = sqlite3.connect(db, isolation_level=None, timeout=5, check_same_thread=False)
    lock.execute("BEGIN EXCLUSIVE")

    def heartbeat():
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            c.request("POST", "/v1/heartbeat", body=b"{}",
                      headers={"Authorization": f"Bearer {token}",
                               "Content-Type": "application/json"})
            c.getresponse().read()
        except OSError:
            pass

    hb = threading.Thread(target=heartbeat)
    hb.start()
    time.sleep(0.3)		# the heartbeat now waits on the lock, in the hub's thread
    t = time.monotonic()
    kiosk.request("GET", "/healthz")
    timer = threading.Timer(seconds - 0.3, lambda: lock.execute("COMMIT"))
    timer.start()
    try:
        r = kiosk.getresponse()
        r.read()
        status = r.status
    except (OSError, http.client.HTTPException):
        status = "closed"
    secs = time.monotonic() - t
    timer.join()
    hb.join()
    print(f"first={first.status} status={status} secs={secs:.1f}")


def main():
    a = sys.argv[1:]
    if not a:
        print(__doc__)
        return 2
    cmd = a[0]
    if cmd == "slowloris":
        slowloris(int(a[1]), a[2], int(a[3]), float(a[4]))
    elif cmd == "trickle":
        trickle(int(a[1]), a[2], float(a[3]))
    elif cmd == "bodies":
        expect = int(os.environ["EXPECT"]) if os.environ.get("EXPECT") else None
        token = a[6] if len(a) > 6 and a[6] else None
        bodies(int(a[1]), int(a[2]), int(a[3]), int(a[4]), a[5], token, expect)
    elif cmd == "raw":
        raw(int(a[1]))
    elif cmd == "stall":
        stall(int(a[1]), a[2], a[3], float(a[4]))
    elif cmd == "latency":
        latency(a[1], int(a[2]), float(a[3]) if len(a) > 3 else 60.0)
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
