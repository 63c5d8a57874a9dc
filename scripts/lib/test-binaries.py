"""Reads cargo's JSON messages (cargo test --no-run --message-format=json…) on stdin and prints
shell assignments for the executables it built: bin_lib (the unit tests), bin_<name> for each integration test (tests/<name>/main.rs), and server (the
`slugbase` binary itself, built with the same features as the tests)."""
import json
import shlex
import sys

found = {}
for line in sys.stdin:
    if not line.startswith("{"):
        continue
    m = json.loads(line)
    if m.get("reason") != "compiler-artifact" or not m.get("executable"):
        continue
    target, exe = m["target"], m["executable"]
    kind = target["kind"][0]
    if not m["profile"]["test"]:
        if kind == "bin" and target["name"] == "slugbase":
            found["server"] = exe
    elif kind == "lib":
        found["bin_lib"] = exe
    elif kind == "test":
        found["bin_" + target["name"]] = exe
for name in ("bin_lib", "server"):
    if name not in found:
        sys.exit(f"test-binaries: cargo built no {name}")
for name, exe in sorted(found.items()):
    print(f"{name}={shlex.quote(exe)}")
