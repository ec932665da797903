#!/usr/bin/env python3
"""The public API from rustdoc's JSON (nightly): how many public items each
module exposes, and every item reachable under more than one path.

    cargo +nightly rustdoc --lib --all-features -- -Z unstable-options --output-format json
    python3 .ci/public-items.py target/doc/awsig.json

Prints a Markdown table (module, items) and exits 1 when an item has two
public paths. Counted: every public item a user can name (types, traits,
functions, constants, statics, macros); not modules, fields, variants or
methods.
"""
import collections
import json
import sys

NAMED = {"struct", "enum", "trait", "function", "constant", "static", "macro", "type_alias", "union"}

doc = json.load(open(sys.argv[1]))
index = doc["index"]
paths = collections.defaultdict(list)   # item id -> public paths
counts = collections.Counter()          # module path -> items


def kind(item):
    return next(iter(item["inner"]))


def walk(module_id, prefix, seen):
    if module_id in seen:
        return
    seen = seen | {module_id}
    for child in index[str(module_id)]["inner"]["module"]["items"]:
        item = index.get(str(child))
        if item is None or item["visibility"] != "public":
            continue
        k = kind(item)
        if k == "use":
            use = item["inner"]["use"]
            target = use.get("id")
            if target is None or str(target) not in index:
                continue  # a re-export from another crate
            if use["is_glob"]:
                walk(target, prefix, seen)
                continue
            item, child, name = index[str(target)], target, use["name"]
            k = kind(item)
        else:
            name = item["name"]
        if k == "module":
            walk(child, prefix + [name], seen)
        elif k in NAMED:
            paths[child].append("::".join(prefix + [name]))
            counts["::".join(prefix) or "awsig"] += 1


walk(doc["root"], ["awsig"], frozenset())
print("| module | public items |")
print("| --- | --- |")
for module in sorted(counts):
    print(f"| `{module}` | {counts[module]} |")
print(f"| total | {sum(counts.values())} |")
twice = {i: p for i, p in paths.items() if len(p) > 1}
for p in twice.values():
    print("reachable under two paths: " + ", ".join(p), file=sys.stderr)
sys.exit(1 if twice else 0)
