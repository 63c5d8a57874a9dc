#!/usr/bin/env python3
"""The library benchmark of issue 23: one organization holding a real library's shape (100,000
bookmarks in 1,000 nested folders, 2,000 tags, 50 people, 20 teams, things shared with people
and teams) and the median time of every library page, the palette and the forms, asked for as
the owner and as a member, beside GET /api/health in the same run.

Usage: scripts/bench_library.py --binary target/release/slugbase --backend sqlite|postgres
       [--pg-url URL --psql PATH] [--bookmarks N] [--requests N] [--reuse DIR] [--pages WORD,…]
(`scripts/bench` runs it for both backends.)"""

import argparse, csv, io, json, os, random, re, sqlite3, subprocess, sys, tempfile, time, uuid

sys.path.insert(0, os.path.dirname(__file__))
from bench import WORDS, free_port, median_ms, new_database, request, rss_mb, start_server  # noqa: E402

PEOPLE, TEAMS, FOLDERS, TAGS = 50, 20, 1_000, 2_000


def ident():
    return str(uuid.uuid4())


def library(n, org, owner, now):
    """Every row of the library, table by table, from a fixed seed."""
    rnd = random.Random(23)
    t = {k: [] for k in ("users", "org_members", "teams", "team_members", "folders", "tags",
                         "bookmarks", "bookmark_folders", "bookmark_tags", "bookmark_user_shares",
                         "bookmark_team_shares", "folder_user_shares", "folder_team_shares")}
    people = [owner]
    for i in range(1, PEOPLE):
        uid = ident()
        people.append(uid)
        t["users"].append((uid, f"member{i}@example.com", f"Member {i}", uuid.uuid4().hex[:12], now, now))
        t["org_members"].append((org, uid, "member", now))
    teams = [ident() for _ in range(TEAMS)]
    for i, tid in enumerate(teams):
        t["teams"].append((tid, org, f"Team {i}", now, now))
    in_team = {p: set() for p in people}
    for i, p in enumerate(people):
        for tid in {teams[i % TEAMS], teams[(i * 7 + 3) % TEAMS]}:
            t["team_members"].append((org, tid, p))
            in_team[p].add(tid)
    # The owner has 90% of everything, the members the rest; folders nest up to five deep.
    def owner_of(i, total):
        return owner if i < total * 9 // 10 else people[1 + i % (PEOPLE - 1)]
    folders_of = {p: [] for p in people}
    for i in range(FOLDERS):
        p, fid = owner_of(i, FOLDERS), ident()
        mine = folders_of[p]
        parent = rnd.choice(mine[-40:]) if mine and rnd.random() < 0.8 else None
        t["folders"].append((fid, org, p, f"{rnd.choice(WORDS).title()} {i}", parent, now - i, now - i))
        mine.append(fid)
    tags_of = {p: [] for p in people}
    for i in range(TAGS):
        p, tid = owner_of(i, TAGS), ident()
        t["tags"].append((tid, org, p, f"{rnd.choice(WORDS)}-{i}", now))
        tags_of[p].append(tid)
    for i in range(n):
        p, bid = owner_of(i, n), ident()
        title = " ".join(rnd.choice(WORDS) for _ in range(4)) + f" {i}"
        if i % 10_000 == 7:
            title += " zanzibar"
        created = now - (n - i) * 1000
        t["bookmarks"].append((bid, org, p, title, f"https://{rnd.choice(WORDS)}.example.com/{i}",
                               f"link-{i}", True, i % 97 == 0, i % 211 == 0, i % 13, created, created))
        if folders_of[p] and rnd.random() < 0.85:
            t["bookmark_folders"].append((org, bid, rnd.choice(folders_of[p])))
        for tid in set(rnd.sample(tags_of[p], min(len(tags_of[p]), rnd.randint(0, 3)))):
            t["bookmark_tags"].append((org, bid, tid))
        if i % 50 == 1:
            t["bookmark_team_shares"].append((org, bid, rnd.choice(teams)))
        if i % 200 == 3:
            t["bookmark_user_shares"].append((org, bid, rnd.choice(people[1:])))
    for fid in folders_of[owner][:40]:
        t["folder_team_shares"].append((org, fid, rnd.choice(teams)))
    for fid in folders_of[owner][40:70]:
        t["folder_user_shares"].append((org, fid, rnd.choice(people[1:])))
    return t, people, teams


COLUMNS = {
    "users": "id, email, name, user_key, created_at, updated_at",
    "org_members": "org_id, user_id, role, joined_at",
    "teams": "id, org_id, name, created_at, updated_at",
    "team_members": "org_id, team_id, user_id",
    "folders": "id, org_id, user_id, name, parent_id, created_at, updated_at",
    "tags": "id, org_id, user_id, name, created_at",
    "bookmarks": "id, org_id, user_id, title, url, slug, forwarding_enabled, pinned, share_all_teams, "
                 "access_count, created_at, updated_at",
    "bookmark_folders": "org_id, bookmark_id, folder_id",
    "bookmark_tags": "org_id, bookmark_id, tag_id",
    "bookmark_user_shares": "org_id, bookmark_id, user_id",
    "bookmark_team_shares": "org_id, bookmark_id, team_id",
    "folder_user_shares": "org_id, folder_id, user_id",
    "folder_team_shares": "org_id, folder_id, team_id",
}


def seed(a, db_url, data_dir, tables, password_hash):
    if a.backend == "sqlite":
        con = sqlite3.connect(os.path.join(data_dir, "slugbase.db"), timeout=60)
        with con:
            for table, rows in tables.items():
                cols = COLUMNS[table]
                marks = ",".join("?" * len(cols.split(",")))
                con.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)
            con.execute("UPDATE users SET password_hash = ?, email_verified = 1 WHERE password_hash IS NULL",
                        (password_hash,))
        con.execute("ANALYZE")
        # A write-ahead log of the whole library would slow every read until checkpointed.
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)"); con.close()
        return
    for table, rows in tables.items():
        buf = io.StringIO(); w = csv.writer(buf)
        for r in rows:
            w.writerow(["t" if v is True else "f" if v is False else "" if v is None else v for v in r])
        subprocess.run([a.psql, db_url, "-q", "-v", "ON_ERROR_STOP=1", "-c",
                        f"COPY {table} ({COLUMNS[table]}) FROM STDIN WITH (FORMAT csv)"],
                       input=buf.getvalue().encode(), check=True)
    # psql fills in :'h' only in what it reads, not in -c.
    subprocess.run([a.psql, db_url, "-q", "-v", "ON_ERROR_STOP=1", "-v", f"h={password_hash}"],
                   input=b"UPDATE users SET password_hash = :'h', email_verified = TRUE "
                         b"WHERE password_hash IS NULL;\n", check=True)
    subprocess.run([a.psql, db_url, "-q", "-c", "VACUUM ANALYZE"], check=True)
    subprocess.run([a.psql, db_url, "-q", "-c", "CHECKPOINT"], check=True)


def owner_password_hash(a, db_url, data_dir):
    sql = "SELECT password_hash FROM users WHERE email = 'bench@example.com'"
    if a.backend == "sqlite":
        con = sqlite3.connect(os.path.join(data_dir, "slugbase.db"))
        h = con.execute(sql).fetchone()[0]; con.close(); return h
    return subprocess.run([a.psql, db_url, "-At", "-c", sql], capture_output=True, text=True,
                          check=True).stdout.strip()


def sign_in(port, email):
    r, data = request(port, "POST", "/api/auth/login", {"email": email, "password": "Bench-pass-1"})
    assert r.status == 200, data
    return re.search(r"(?<![\w-])token=([^;]+)", r.getheader("set-cookie")).group(1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--backend", choices=["sqlite", "postgres"], required=True)
    ap.add_argument("--pg-url"); ap.add_argument("--psql")
    ap.add_argument("--bookmarks", type=int, default=100_000)
    ap.add_argument("--requests", type=int, default=40, help="timed requests per page")
    ap.add_argument("--reuse", metavar="DIR", help="SQLite only: seed DIR once, then reuse it (for profiling)")
    ap.add_argument("--pages", help="only the pages whose names contain one of these comma-separated words")
    a = ap.parse_args()

    reused = bool(a.reuse) and os.path.exists(os.path.join(a.reuse, "slugbase.db"))
    if a.reuse:
        assert a.backend == "sqlite", "--reuse is for SQLite"
        os.makedirs(a.reuse, exist_ok=True)
    data_dir = a.reuse or tempfile.mkdtemp(prefix="slugbase-bench-library-")
    port, db_url = free_port(), new_database(a)
    server = start_server(a.binary, data_dir, port, db_url)
    try:
        if reused:
            owner_token = sign_in(port, "bench@example.com")
            r, data = request(port, "GET", "/api/auth/me", token=owner_token)
            owner = json.loads(data)["id"]
        else:
            r, data = request(port, "POST", "/api/auth/setup",
                              {"email": "bench@example.com", "name": "Bench", "password": "Bench-pass-1"})
            assert r.status == 200, data
            owner_token = re.search(r"(?<![\w-])token=([^;]+)", r.getheader("set-cookie")).group(1)
            owner = json.loads(data)["id"]
        _, data = request(port, "GET", "/api/session/org", token=owner_token)
        org = json.loads(data)["organizationId"]
        now = int(time.time() * 1000)
        t = time.perf_counter()
        ids_file = os.path.join(data_dir, "bench-ids.json")
        if reused:
            ids = json.load(open(ids_file))
        else:
            tables, people, teams = library(a.bookmarks, org, owner, now)
            seed(a, db_url, data_dir, tables, owner_password_hash(a, db_url, data_dir))
            # The library as a server finds it when it starts: a server that watched 250 MB
            # arrive behind its back still reads through the write-ahead log it left.
            server.terminate(); server.wait(timeout=30)
            server = start_server(a.binary, data_dir, port, db_url)
            owner_token = sign_in(port, "bench@example.com")

            def some(table, col, who):
                for r in tables[table]:
                    if r[2] == who:
                        return r[col]
            ids = {
                "member": people[1],
                "deep": next(f for f in tables["folders"] if f[4] is not None and f[2] == owner)[0],
                "tag": {p: some("tags", 0, p) for p in (owner, people[1])},
                "bookmark": {p: some("bookmarks", 0, p) for p in (owner, people[1])},
            }
            if a.reuse:
                json.dump(ids, open(ids_file, "w"))
        seeded = time.perf_counter() - t
        member_token = sign_in(port, "member1@example.com")
        people = [owner, ids["member"]]

        def pages(who):
            return [
                ("dashboard", "/"),
                ("bookmarks, first page", "/bookmarks"),
                ("bookmarks, table", "/bookmarks?view=table"),
                ("bookmarks, page 500", "/bookmarks?offset=25000"),
                ("bookmarks, search", "/bookmarks?q=zanzibar"),
                ("bookmarks, one folder", f"/bookmarks?folder_id={ids['deep']}" if who == owner else "/bookmarks?scope=shared_with_me"),
                ("bookmarks, one tag", f"/bookmarks?tag_id={ids['tag'][who]}"),
                ("folders", "/folders"),
                ("tags", "/tags"),
                ("new bookmark form", "/bookmarks/new"),
                ("edit form", f"/bookmarks/{ids['bookmark'][who]}/edit"),
                ("bookmark page", f"/bookmarks/{ids['bookmark'][who]}"),
                ("palette", "/palette?q=alpha"),
                ("go preferences", "/go-preferences"),
                # What the original SlugBase client asks for on its bookmarks page.
                ("api: every folder (no limit)", "/api/folders"),
                ("api: every tag (no limit)", "/api/tags"),
                ("api: who am I", "/api/auth/me"),
            ]
        if a.pages:
            words = a.pages.split(",")
            keep = lambda ps: [p for p in ps if any(w in p[0] for w in words)]
            pages_all = pages
            pages = lambda who: keep(pages_all(who))
        health, _ = median_ms(port, "/api/health", owner_token, n=a.requests * 5)
        rows = []
        for name, path in pages(owner):
            page = not path.startswith("/api/")
            rows.append([name, median_ms(port, path, owner_token, n=a.requests, page=page)[0]])
        for (name, path), row in zip(pages(people[1]), rows):
            page = not path.startswith("/api/")
            row.append(median_ms(port, path, member_token, n=a.requests, page=page)[0])
        rss = rss_mb(server.pid)
        budget = 20 if a.backend == "sqlite" else 40
        print(f"\n### {a.backend}: {a.bookmarks:,} bookmarks, {FOLDERS:,} nested folders, {TAGS:,} tags, "
              f"{PEOPLE} people, {TEAMS} teams (seeded in {seeded:.1f} s)\n")
        print(f"| page (median of {a.requests}) | owner | member |")
        print("| --- | ---: | ---: |")
        print(f"| GET /api/health | {health:.2f} ms | |")
        over = []
        for name, o, m in rows:
            print(f"| {name} | {o:.2f} ms | {m:.2f} ms |")
            over += [name] if max(o, m) > budget else []
        print(f"\nbudget {budget} ms: {'all within' if not over else 'over: ' + ', '.join(over)}; "
              f"server memory {rss:.0f} MB RSS")
    finally:
        server.terminate(); server.wait(timeout=30)


if __name__ == "__main__":
    main()
