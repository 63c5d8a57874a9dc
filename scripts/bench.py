#!/usr/bin/env python3
"""SlugBase benchmark: loads N bookmarks into one organization and measures, on one server,
/go/<slug> against /api/health (requests/s and p99 with wrk, 64 keep-alive connections), and the
median time of a first page of GET /api/bookmarks and of a `q` search.

Usage: scripts/bench.py --binary target/release/slugbase --backend sqlite|postgres [--pg-url URL --psql PATH]
(`scripts/bench` runs it for both backends.)"""

import argparse, csv, http.client, io, json, os, random, re, socket, sqlite3, statistics
import subprocess, sys, tempfile, threading, time, uuid

WORDS = ("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november "
         "oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu").split()


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


def request(port, method, path, body=None, token=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    c.request(method, path, json.dumps(body) if body is not None else None, headers)
    r = c.getresponse(); data = r.read(); c.close()
    return r, data


def start_server(binary, data_dir, port, database_url):
    env = dict(os.environ, DATA_DIR=data_dir, PORT=str(port), HOST="127.0.0.1", RUST_LOG="warn",
               SLUGBASE_MODE="selfhosted", RATE_LIMIT_AUTH_PER_MINUTE="100000", RATE_LIMIT_WRITE_PER_MINUTE="100000",
               # The seeded URLs are made up; scripts/bench_links.py measures /go with the checker at work.
               LINK_CHECK_CONCURRENCY="0")
    if database_url:
        env["DATABASE_URL"] = database_url
    proc = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(300):
        try:
            r, _ = request(port, "GET", "/api/health")
            if r.status == 200:
                return proc
        except OSError:
            time.sleep(0.05)
    proc.kill(); sys.exit("server did not start: " + proc.stderr.read().decode())


def rows(n, org, user):
    now = int(time.time() * 1000)
    rnd = random.Random(42)
    for i in range(n):
        title = " ".join(rnd.choice(WORDS) for _ in range(4)) + f" {i}"
        if i % 10_000 == 7:
            title += " zanzibar"  # a rare word for the search measurement
        url = f"https://{rnd.choice(WORDS)}.example.com/{rnd.choice(WORDS)}/{i}"
        yield (str(uuid.uuid4()), org, user, title, url, f"link-{i}", True, False, False, 0, None,
               now - (n - i) * 1000, now - (n - i) * 1000)


COLUMNS = ("id, org_id, user_id, title, url, slug, forwarding_enabled, pinned, share_all_teams, "
           "access_count, last_accessed_at, created_at, updated_at")


def seed_sqlite(db_path, n, org, user):
    con = sqlite3.connect(db_path, timeout=60)
    with con:
        con.executemany(f"INSERT INTO bookmarks ({COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows(n, org, user))
    con.execute("ANALYZE"); con.close()


def seed_postgres(psql, url, n, org, user):
    buf = io.StringIO(); w = csv.writer(buf)
    for r in rows(n, org, user):
        w.writerow(["t" if v is True else "f" if v is False else "" if v is None else v for v in r])
    subprocess.run([psql, url, "-q", "-v", "ON_ERROR_STOP=1", "-c",
                    f"COPY bookmarks ({COLUMNS}) FROM STDIN WITH (FORMAT csv)"],
                   input=buf.getvalue().encode(), check=True)
    # Vacuum now, so autovacuum does not steal the CPU in the middle of a measurement.
    subprocess.run([psql, url, "-q", "-c", "VACUUM ANALYZE"], check=True)
    subprocess.run([psql, url, "-q", "-c", "CHECKPOINT"], check=True)


def wrk(url, token=None, script=None, seconds=10):
    cmd = ["wrk", "-t2", "-c64", f"-d{seconds}s", "--latency"]
    if token:
        cmd += ["-H", f"Authorization: Bearer {token}"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"\s99%\s+([\d.]+)(us|ms|s)", out)
    p99_ms = float(p99.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, p99_ms, int(errors.group(1)) if errors else 0


def median_ms(port, path, token, n=200, page=False):
    """Median time of `path` over keep-alive requests; a page is asked for as a browser does,
    with the session cookie, and its HTML is returned as is."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    times = []
    headers = {"cookie": f"token={token}"} if page else {"authorization": f"Bearer {token}"}
    for i in range(n + 10):
        t = time.perf_counter()
        c.request("GET", path, headers=headers)
        r = c.getresponse(); body = r.read()
        if r.status != 200:
            sys.exit(f"{path}: {r.status} {body[:200]}")
        if i >= 10:  # warm-up excluded
            times.append((time.perf_counter() - t) * 1000)
    c.close()
    return statistics.median(times), (body.decode() if page else json.loads(body))


class Writer(threading.Thread):
    """Adds bookmarks to another organization at `per_second`, as a busy neighbour would."""

    def __init__(self, port, token, org, per_second=100):
        super().__init__(daemon=True)
        self.port, self.token, self.org, self.period = port, token, org, 1 / per_second
        self.stop, self.written, self.failed = threading.Event(), 0, 0

    def run(self):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"content-type": "application/json", "authorization": f"Bearer {self.token}",
                   "x-organization-id": self.org}
        next_at = time.perf_counter()
        while not self.stop.is_set():
            n = f"{id(self)}-{self.written + self.failed}"
            c.request("POST", "/api/bookmarks", json.dumps({"title": f"n{n}", "url": "https://n.example.com/",
                                                           "slug": f"neighbour-{n}"}), headers)
            r = c.getresponse(); r.read()
            if r.status == 201:
                self.written += 1
            else:
                self.failed += 1
            next_at += self.period
            time.sleep(max(0, next_at - time.perf_counter()))
        c.close()


def cross_instance_lag(port_a, port_b, token, rounds=200):
    """Changes a go-link's target on instance A and asks instance B for it until B follows:
    the time from A's answer to B's, and how often B's very first answer was already right."""
    _, data = request(port_a, "POST", "/api/bookmarks", {"title": "lag", "url": "https://lag.example.com/",
                                                         "slug": "lag-probe", "forwarding_enabled": True}, token=token)
    bid = json.loads(data)["id"]
    a = http.client.HTTPConnection("127.0.0.1", port_a, timeout=30)
    b = http.client.HTTPConnection("127.0.0.1", port_b, timeout=30)
    auth = {"authorization": f"Bearer {token}", "content-type": "application/json"}
    lags, first = [], 0
    for n in range(rounds):
        for _ in range(3):  # B's caches are warm
            b.request("GET", "/go/lag-probe", headers=auth); b.getresponse().read()
        target = f"https://lag{n}.example.com/"
        a.request("PUT", f"/api/bookmarks/{bid}", json.dumps({"title": "lag", "url": target, "slug": "lag-probe",
                                                                     "forwarding_enabled": True}), auth)
        r = a.getresponse(); r.read(); assert r.status == 200, r.status
        acked = time.perf_counter()
        for attempt in range(100000):
            b.request("GET", "/go/lag-probe", headers=auth)
            r = b.getresponse(); r.read()
            if r.getheader("location") == target:
                lags.append((time.perf_counter() - acked) * 1000)
                first += attempt == 0
                break
            if time.perf_counter() - acked > 5:
                sys.exit(f"instance B still answers {r.status} {r.getheader('location')} 5 s after the change")
    lags.sort()
    return statistics.median(lags), lags[int(len(lags) * 0.99) - 1], first / rounds


def new_database(a):
    """A new empty PostgreSQL database's URL for `--backend postgres`; None for SQLite."""
    if a.backend != "postgres":
        return None
    db_name = f"slugbase_bench_{uuid.uuid4().hex[:8]}"
    subprocess.run([a.psql, a.pg_url, "-q", "-c", f"CREATE DATABASE {db_name}"], check=True)
    return a.pg_url.rsplit("/", 1)[0] + "/" + db_name


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1)) / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--backend", choices=["sqlite", "postgres"], required=True)
    ap.add_argument("--pg-url"); ap.add_argument("--psql")
    ap.add_argument("--bookmarks", type=int, default=100_000)
    ap.add_argument("--seconds", type=int, default=10)
    a = ap.parse_args()

    data_dir = tempfile.mkdtemp(prefix="slugbase-bench-")
    port = free_port()
    db_url = new_database(a)
    server = start_server(a.binary, data_dir, port, db_url)
    try:
        r, data = request(port, "POST", "/api/auth/setup", {"email": "bench@example.com", "name": "Bench", "password": "Bench-pass-1"})
        assert r.status == 200, data
        token = re.search(r"(?<![\w-])token=([^;]+)", r.getheader("set-cookie")).group(1)
        user = json.loads(data)["id"]
        _, data = request(port, "GET", "/api/session/org", token=token)
        org = json.loads(data)["organizationId"]

        t = time.perf_counter()
        if a.backend == "sqlite":
            seed_sqlite(os.path.join(data_dir, "slugbase.db"), a.bookmarks, org, user)
        else:
            seed_postgres(a.psql, db_url, a.bookmarks, org, user)
        seeded = time.perf_counter() - t
        time.sleep(6)  # past the caches' five-second ceiling: nothing stale from before the load

        r, _ = request(port, "GET", "/go/link-4242", token=token)
        assert r.status == 302, r.status
        base = f"http://127.0.0.1:{port}"
        lua = os.path.join(data_dir, "spread.lua")
        with open(lua, "w") as f:
            f.write(f'request = function() return wrk.format(nil, "/go/link-" .. math.random(0, {a.bookmarks - 1})) end\n')
        # Two seconds of each load first, unrecorded: connections, caches and the CPU settle.
        for url, script in ((f"{base}/api/health", None), (f"{base}/go/link-4242", None), (base, lua)):
            wrk(url, token=token, script=script, seconds=2)
        health = wrk(f"{base}/api/health", seconds=a.seconds)
        go_hot = wrk(f"{base}/go/link-4242", token=token, seconds=a.seconds)
        go_spread = wrk(base, token=token, script=lua, seconds=a.seconds)
        # Hot /go again while another organization adds 100 bookmarks a second.
        _, data = request(port, "POST", "/api/organizations", {"name": "Neighbour"}, token=token)
        neighbour = json.loads(data)["id"]
        # Four writers at 25/s each: one alone cannot keep a steady 100/s while wrk has the CPUs.
        writers = [Writer(port, token, neighbour, per_second=25) for _ in range(4)]
        for w in writers:
            w.start()
        go_busy = wrk(f"{base}/go/link-4242", token=token, seconds=a.seconds)
        for w in writers:
            w.stop.set(); w.join()
        written = sum(w.written for w in writers)
        assert sum(w.failed for w in writers) == 0, "the neighbour's writes failed"
        rss = rss_mb(server.pid)
        list_ms, page = median_ms(port, "/api/bookmarks", token)
        search_ms, found = median_ms(port, "/api/bookmarks?q=zanzibar", token)
        dash_ms, dash = median_ms(port, "/", token, page=True)
        page_ms, html = median_ms(port, "/bookmarks", token, page=True)
        assert "link-" in dash and html.count('class="card"') == 50, "pages show the library"
        assert page["total"] == a.bookmarks and len(page["items"]) == 50, page["total"]
        assert found["total"] == len([i for i in range(a.bookmarks) if i % 10_000 == 7]), found["total"]

        print(f"\n### {a.backend}: {a.bookmarks} bookmarks in one organization (seeded in {seeded:.1f} s)\n")
        print("| measurement | requests/s | p99 | share of /api/health |")
        print("| --- | ---: | ---: | ---: |")
        print(f"| GET /api/health (ceiling) | {health[0]:,.0f} | {health[1]:.2f} ms | 100% |")
        print(f"| GET /go/<one slug> | {go_hot[0]:,.0f} | {go_hot[1]:.2f} ms | {go_hot[0] / health[0]:.0%} |")
        print(f"| GET /go/<random of {a.bookmarks}> | {go_spread[0]:,.0f} | {go_spread[1]:.2f} ms | {go_spread[0] / health[0]:.0%} |")
        print(f"| GET /go/<one slug> while another organization adds {written / a.seconds:.0f} bookmarks/s "
              f"| {go_busy[0]:,.0f} | {go_busy[1]:.2f} ms | {go_busy[0] / health[0]:.0%} |")
        print()
        if a.backend == "postgres":
            port_b = free_port()
            second = start_server(a.binary, data_dir, port_b, db_url)
            try:
                lag_median, lag_p99, first = cross_instance_lag(port, port_b, token)
            finally:
                second.terminate(); second.wait(timeout=30)
            print(f"cross-instance lag (change on A, until B follows; 200 changes): median {lag_median:.2f} ms, "
                  f"p99 {lag_p99:.2f} ms; B's very next request already followed in {first:.0%}\n")
        print("| measurement | median |")
        print("| --- | ---: |")
        print(f"| GET /api/bookmarks (first page of 50, total {page['total']}) | {list_ms:.2f} ms |")
        print(f"| GET /api/bookmarks?q=zanzibar ({found['total']} hits) | {search_ms:.2f} ms |")
        print(f"| page GET / (dashboard) | {dash_ms:.2f} ms |")
        print(f"| page GET /bookmarks (first page, 50 cards) | {page_ms:.2f} ms |")
        print(f"\nserver memory after the load: {rss:.0f} MB RSS; non-2xx/3xx answers: "
              f"{health[2] + go_hot[2] + go_spread[2] + go_busy[2]}")
    finally:
        server.terminate(); server.wait(timeout=30)


if __name__ == "__main__":
    main()
