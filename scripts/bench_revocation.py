#!/usr/bin/env python3
"""Revocation across instances under load: two `slugbase serve` processes on one PostgreSQL
database, wrk keeping both busy with signed-in requests (64 connections), and round after round
a personal token revoked, or a session ended, on instance A while instance B had it warm in its
caches. Reports how many rounds B's very next request still honoured the revoked credential,
and how long A took to answer the revocation (median and p99); with --baseline, the same for
another build, side by side in one run.

Usage: scripts/bench_revocation.py --binary target/release/slugbase [--baseline OTHER]
       --pg-url URL --psql PATH [--rounds 100]
(`scripts/bench` runs it on its temporary PostgreSQL server.)"""

import argparse, http.client, json, os, re, statistics, subprocess, sys, tempfile, time, uuid

sys.path.insert(0, os.path.dirname(__file__))
from bench import free_port, new_database, request  # noqa: E402

SECRET = "bench-revocation-jwt-secret-of-32-bytes-or-more"


def start(binary, data_dir, port, db_url):
    env = dict(os.environ, DATA_DIR=data_dir, PORT=str(port), HOST="127.0.0.1", RUST_LOG="warn",
               SLUGBASE_MODE="selfhosted", JWT_SECRET=SECRET, DATABASE_URL=db_url,
               RATE_LIMIT_AUTH_PER_MINUTE="100000", RATE_LIMIT_WRITE_PER_MINUTE="100000",
               LINK_CHECK_CONCURRENCY="0")
    proc = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            if request(port, "GET", "/api/health")[0].status == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.05)
    proc.kill(); sys.exit("server did not start")


class Conn:
    """One keep-alive connection, as a client of one instance."""

    def __init__(self, port):
        self.c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def send(self, method, path, bearer, body=None):
        headers = {"authorization": f"Bearer {bearer}", "content-type": "application/json"}
        self.c.request(method, path, json.dumps(body) if body is not None else None, headers)
        r = self.c.getresponse(); data = r.read()
        return r.status, data


def measure(binary, a_args, rounds):
    db_url = new_database(a_args)
    data_dir = tempfile.mkdtemp(prefix="slugbase-revoke-")
    pa, pb = free_port(), free_port()
    a = start(binary, data_dir, pa, db_url)
    b = start(binary, data_dir, pb, db_url)
    load = []
    try:
        r, data = request(pa, "POST", "/api/auth/setup",
                          {"email": "bench@example.com", "name": "Bench", "password": "Bench-pass-1"})
        assert r.status == 200, data
        admin = re.search(r"(?<![\w-])token=([^;]+)", r.getheader("set-cookie")).group(1)
        for n in range(20):
            request(pa, "POST", "/api/bookmarks", {"title": f"b{n}", "url": f"https://b{n}.example.com/"}, token=admin)
        # The load: signed-in reads on both instances (48 connections on B, 16 on A) for longer
        # than the rounds take; it is stopped when they are done.
        for port, conns, path in ((pb, 48, "/api/bookmarks?limit=20"), (pa, 16, "/api/auth/me")):
            load.append(subprocess.Popen(
                ["wrk", "-t1", f"-c{conns}", "-d600s", "-H", f"Authorization: Bearer {admin}",
                 f"http://127.0.0.1:{port}{path}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        time.sleep(2)
        ca, cb = Conn(pa), Conn(pb)
        stale, took = 0, []
        for n in range(rounds):
            status, data = ca.send("POST", "/api/tokens", admin, {"name": f"r{n}"})
            assert status == 201, data
            created = json.loads(data)
            for _ in range(3):
                assert cb.send("GET", "/api/auth/me", created["token"])[0] == 200
            t = time.perf_counter()
            status, _ = ca.send("DELETE", f"/api/tokens/{created['id']}", admin)
            took.append((time.perf_counter() - t) * 1000)
            assert status == 200, status
            stale += cb.send("GET", "/api/auth/me", created["token"])[0] != 401

            r, data = request(pa, "POST", "/api/auth/login", {"email": "bench@example.com", "password": "Bench-pass-1"})
            session = re.search(r"(?<![\w-])token=([^;]+)", r.getheader("set-cookie")).group(1)
            for _ in range(3):
                assert cb.send("GET", "/api/auth/me", session)[0] == 200
            t = time.perf_counter()
            status, _ = ca.send("POST", "/api/auth/logout", session, {})
            took.append((time.perf_counter() - t) * 1000)
            assert status == 200, status
            stale += cb.send("GET", "/api/auth/me", session)[0] != 401
        took.sort()
        return stale, statistics.median(took), took[int(len(took) * 0.99) - 1]
    finally:
        for p in load:
            p.terminate(); p.wait()
        for p in (a, b):
            p.terminate(); p.wait(timeout=30)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--baseline")
    ap.add_argument("--pg-url", required=True); ap.add_argument("--psql", required=True)
    ap.add_argument("--rounds", type=int, default=100)
    a = ap.parse_args()
    a.backend = "postgres"
    builds = [("this build", a.binary)] + ([("baseline", a.baseline)] if a.baseline else [])
    results = [(label, measure(binary, a, a.rounds)) for label, binary in builds]
    print(f"\n### revocation across two instances under load ({a.rounds} tokens revoked and "
          f"{a.rounds} sessions ended on A; wrk on both)\n")
    print("| build | B honoured a revoked credential | revocation answered in (median) | p99 |")
    print("| --- | ---: | ---: | ---: |")
    for label, (stale, median, p99) in results:
        print(f"| {label} | {stale} of {2 * a.rounds} | {median:.1f} ms | {p99:.1f} ms |")


if __name__ == "__main__":
    main()
