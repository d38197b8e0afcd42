#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# The kiosk talks to the hub over TLS with certificate verification on:
# a TLS front (Python's ssl module, as a load balancer would terminate
# TLS) on loopback with a certificate from a throwaway CA. The kiosk's
# sync thread (through synctool) must refuse the hub with the system CAs
# and with another CA, send nothing, keep its enrolment code; with the
# right ca_file it enrols, pulls the catalog and delivers every
# application exactly once.
. "$(dirname "$0")/hub_lib.bash"
command -v openssl >/dev/null || { echo "SKIP sync-tls: openssl missing"; exit 0; }

db=$T/hub.db
"$SYNCTOOL" catalog "$db" 015146 3 >/dev/null || { fail tls-setup catalog; finish; }
code=$("$DOTE_BIN/dote" kiosk enroll-code --comune 015146 --db "$db" 2>/dev/null)
start_hub hub "$db" --threads 2 || { fail tls-setup "hub did not start"; finish; }

# A CA, a server certificate for 127.0.0.1 signed by it, and an unrelated CA.
cd "$T" || exit 1
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=DoteComune test CA" 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.pem -days 2 -subj "/CN=Other CA" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout hub.key -out hub.csr -subj "/CN=127.0.0.1" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' > san.ext
openssl x509 -req -in hub.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out hub.pem -days 2 -extfile san.ext 2>/dev/null
[ -s hub.pem ] || { fail tls-setup "certificates"; finish; }

python3 - "$HUB_PORT" "$T/tls.port" "$T/hub.pem" "$T/hub.key" > "$T/tls.log" 2>&1 <<'PY' &
import socket, ssl, sys, threading
backend, portfile, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(64)
open(portfile, "w").write(str(srv.getsockname()[1]))
def pump(a, b):
    try:
        while True:
            d = a.recv(65536)
            if not d:
                break
            b.sendall(d)
    except OSError:
        pass
    for s in (a, b):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
def serve(c):
    try:
        t = ctx.wrap_socket(c, server_side=True)
    except (ssl.SSLError, OSError):
        c.close()
        return
    u = socket.create_connection(("127.0.0.1", backend))
    threading.Thread(target=pump, args=(u, t), daemon=True).start()
    pump(t, u)
while True:
    c, _ = srv.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
PIDS+=("$!")
for _ in $(seq 100); do [ -s "$T/tls.port" ] && break; sleep 0.05; done
url=https://127.0.0.1:$(cat "$T/tls.port")

SYNCTOOL_CA_FILE= "$SYNCTOOL" sync "$T/k.db" "$T/st" "$url" 015146 "$code" 4 > "$T/s1.log" 2>&1
check tls-system-cas-refuse-hub "$?" 1
check_match tls-says-certificate "$(cat "$T/s1.log")" '[Cc]ertificate|SSL|TLS'
SYNCTOOL_CA_FILE=$T/other.pem "$SYNCTOOL" sync "$T/k.db" "$T/st" "$url" 015146 "$code" 4 > "$T/s2.log" 2>&1
check tls-other-ca-refuses-hub "$?" 1
check tls-nothing-enrolled "$([ -s "$T/st/token" ] && echo token || echo none)" none
if SYNCTOOL_CA_FILE=$T/ca.pem "$SYNCTOOL" sync "$T/k.db" "$T/st" "$url" 015146 "$code" 20 > "$T/s3.log" 2>&1; then
	pass tls-right-ca-enrols
else
	fail tls-right-ca-enrols "$(cat "$T/s3.log")"
fi
check tls-catalog-over-tls "$(sqlite3 "$T/k.db" "SELECT count(*) FROM placement")" 3
"$SYNCTOOL" submit "$T/k.db" "$T/st" 25 7 0 > /dev/null || fail tls-submit 25
SYNCTOOL_CA_FILE=$T/ca.pem "$SYNCTOOL" sync "$T/k.db" "$T/st" "$url" 015146 - 20 > "$T/s4.log" 2>&1
check tls-applications-delivered "$("$SYNCTOOL" count "$db")" "applications 25 uuids 25 duplicates 0"
check tls-kiosk-clean "$("$SYNCTOOL" kiosk-db "$T/k.db")" "outbox 0 acked 25 personal 0 placements 3"
finish
