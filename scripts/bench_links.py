#!/usr/bin/env python3
"""Link-check benchmark: 10,000 bookmarks across 100 hosts (100 small HTTP servers on loopback,
named h0.bench … h99.bench through LINK_CHECK_RESOLVE), checked by the server's background
checker at LINK_CHECK_CONCURRENCY=100 and one request per host per second. Measures how long the
whole library takes, the per-host pacing as the servers saw it, and hot /go/<slug> with wrk
(64 connections) while nothing is checked and while the checker runs.

Usage: scripts/bench_links.py --binary target/release/slugbase [--bookmarks 10000 --hosts 100]"""

import argparse, http.server, json, os, re, sqlite3, sys, tempfile, threading, time, uuid
from http.server import ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(__file__))
from bench import free_port, request, wrk  # noqa: E402

ARRIVALS = {}  # host index -> arrival times
LOCK = threading.Lock()


def target_server(index):
    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self):
            with LOCK:
                ARRIVALS.setdefault(index, []).append(time.monotonic())
            self.send_response(200); self.send_header("content-length", "0"); self.end_headers()

        do_HEAD = do_GET = _answer

        def log_message(self, *args):
            pass

    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--bookmarks", type=int, default=10_000)
    ap.add_argument("--hosts", type=int, default=100)
    ap.add_argument("--seconds", type=int, default=10)
    a = ap.parse_args()

    servers = [target_server(i) for i in range(a.hosts)]
    resolve = ",".join(f"h{i}.bench=127.0.0.1" for i in range(a.hosts))
    data_dir = tempfile.mkdtemp(prefix="slugbase-links-")
    port = free_port()
    env = dict(os.environ, DATA_DIR=data_dir, PORT=str(port), HOST="127.0.0.1", RUST_LOG="warn",
               SLUGBASE_MODE="selfhosted", RATE_LIMIT_AUTH_PER_MINUTE="100000",
               RATE_LIMIT_WRITE_PER_MINUTE="100000", LINK_CHECK_ALLOW_PRIVATE="true",
               LINK_CHECK_RESOLVE=resolve, LINK_CHECK_CONCURRENCY="100", LINK_CHECK_POLL_MS="1000")
    import subprocess
    proc = subprocess.Popen([a.binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(300):
            try:
                if request(port, "GET", "/api/health")[0].status == 200:
                    break
            except OSError:
                time.sleep(0.05)
        r, data = request(port, "POST", "/api/auth/setup",
                          {"email": "bench@example.com", "name": "Bench", "password": "Bench-pass-1"})
        token = re.search(r"(?<![\w-])token=([^;]+)", r.getheader("set-cookie")).group(1)
        user = json.loads(data)["id"]
        org = json.loads(request(port, "GET", "/api/session/org", token=token)[1])["organizationId"]

        # Seeded not due (far future), so the first /go measurement runs with the checker idle.
        now = int(time.time() * 1000)
        far = now + 10 * 365 * 86_400_000
        con = sqlite3.connect(os.path.join(data_dir, "slugbase.db"), timeout=60)
        with con:
            con.executemany(
                "INSERT INTO bookmarks (id, org_id, user_id, title, url, slug, forwarding_enabled, pinned, "
                "share_all_teams, access_count, created_at, updated_at, link_check_due_at) "
                "VALUES (?,?,?,?,?,?,1,0,0,0,?,?,?)",
                ((str(uuid.uuid4()), org, user, f"Page {i}",
                  f"http://h{i % a.hosts}.bench:{servers[i % a.hosts].server_address[1]}/page/{i}",
                  f"link-{i}", now, now, far) for i in range(a.bookmarks)))
        time.sleep(6)  # past the caches' ceiling
        base = f"http://127.0.0.1:{port}"
        assert request(port, "GET", "/go/link-42", token=token)[0].status == 302
        wrk(f"{base}/go/link-42", token=token, seconds=2)
        idle = wrk(f"{base}/go/link-42", token=token, seconds=a.seconds)

        # Everything due now: the checker starts within its poll period.
        with con:
            con.execute("UPDATE bookmarks SET link_check_due_at = 0")
        started = time.monotonic()
        busy = wrk(f"{base}/go/link-42", token=token, seconds=a.seconds)
        while True:
            done = con.execute("SELECT COUNT(*) FROM bookmarks WHERE link_status = 'ok'").fetchone()[0]
            if done >= a.bookmarks:
                break
            if time.monotonic() - started > 3600:
                sys.exit(f"only {done} of {a.bookmarks} checked after an hour")
            time.sleep(0.5)
        took = time.monotonic() - started
        con.close()
        with LOCK:
            gaps = [b - x for times in ARRIVALS.values() for x, b in zip(sorted(times), sorted(times)[1:])]
            total = sum(len(t) for t in ARRIVALS.values())
        print(f"\n### link checks: {a.bookmarks} bookmarks across {a.hosts} hosts (SQLite, concurrency 100)\n")
        print(f"all {a.bookmarks} checked in {took:.0f} s ({a.bookmarks / took:.0f} checks/s); "
              f"{total} requests reached the hosts; smallest gap between two requests to one host: "
              f"{min(gaps) * 1000:.0f} ms\n")
        print("| measurement | requests/s | p99 |")
        print("| --- | ---: | ---: |")
        print(f"| GET /go/<one slug>, checker idle | {idle[0]:,.0f} | {idle[1]:.2f} ms |")
        print(f"| GET /go/<one slug>, checker at work | {busy[0]:,.0f} | {busy[1]:.2f} ms |")
    finally:
        proc.terminate(); proc.wait(timeout=30)


if __name__ == "__main__":
    main()
