#!/usr/bin/env bash
# The least Rust version the locked dependency graph allows: the highest `rust-version` among the
# packages built for this host (workspace members, their normal and build dependencies, and the
# members' dev-dependencies), from `cargo metadata --locked`. With --check, fails when the
# workspace's declared `rust-version` is lower than that.
set -euo pipefail
cd "$(dirname "$0")/.."
target=$(rustc -vV | sed -n 's/^host: //p')
cargo metadata --format-version 1 --locked --filter-platform "$target" | python3 -c '
import json, re, sys
check = len(sys.argv) > 1 and sys.argv[1] == "--check"
d = json.load(sys.stdin)
pkgs = {p["id"]: p for p in d["packages"]}
nodes = {n["id"]: n for n in d["resolve"]["nodes"]}
members = set(d["workspace_members"])
seen, todo = set(), list(members)
while todo:
    i = todo.pop()
    if i in seen:
        continue
    seen.add(i)
    for dep in nodes[i]["deps"]:
        kinds = {k["kind"] for k in dep["dep_kinds"]}
        if i not in members and kinds == {"dev"}:
            continue
        todo.append(dep["pkg"])
def ver(v):
    return tuple(int(x) for x in (v or "0").split("."))[:2]
need = max(seen - members, key=lambda i: ver(pkgs[i].get("rust_version")))
need_v = ver(pkgs[need].get("rust_version"))
declared = {ver(pkgs[m].get("rust_version")) for m in members}
p = pkgs[need]
print("dependencies need Rust %d.%d (%s %s)" % (need_v[0], need_v[1], p["name"], p["version"]))
low = [pkgs[m]["name"] for m in members if ver(pkgs[m].get("rust_version")) < need_v]
if check and low:
    print("declared rust-version below that in: " + ", ".join(sorted(low)), file=sys.stderr)
    sys.exit(1)
' "$@"
