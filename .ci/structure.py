#!/usr/bin/env python3
"""The shape of src/: layers that only point down, short functions.

    python3 .ci/structure.py            # check; exit 1 on a violation
    python3 .ci/structure.py --report   # also list file and function sizes

Layers, lowest first (the crate docs list the same):

  0 primitives  rejection, error, ct, inline, sink, digits, scan, sort, encode, mac,
                time, credentials, output, crc32
  1 canonical   canonical/*, request
  2 schemes     v4/*, v4a/*, v2
  3 s3          s3/*
  4 verify      verify/*
  5 adapters    http, lib.rs

Within the primitives the order above is a layering of its own (so that
no two of them import each other). A module may use `crate::x` only when
x's layer is at or below its own. Test code (`#[cfg(test)] mod tests`) is
not checked, nor are comments (doc links may point anywhere). A function
may have at most MAX_FN_LINES lines.
"""
import pathlib
import re
import sys

MAX_FN_LINES = 80
PRIMITIVES = ["rejection", "error", "ct", "inline", "sink", "digits", "scan", "sort", "encode", "mac",
              "time", "credentials", "output", "crc32"]
LAYERS = {name: (0, i) for i, name in enumerate(PRIMITIVES)}
LAYERS.update({"canonical": (1, 0), "request": (1, 0), "v4": (2, 0), "v4a": (2, 0), "v2": (2, 0),
               "s3": (3, 0), "verify": (4, 0), "http": (5, 0), "lib": (5, 0)})
ROOT_ITEMS = {"Error": "error", "Credentials": "credentials", "SigningTime": "time",
              "Request": "request", "Payload": "canonical", "PayloadHash": "canonical",
              "Output": "output", "Trace": "output", "EMPTY_SHA256": "canonical"}

src = pathlib.Path(__file__).resolve().parent.parent / "src"


def module_of(path):
    rel = path.relative_to(src).with_suffix("")
    return rel.parts[0]


def strip_tests(text):
    """The text before the first `#[cfg(test)]` module (they come last)."""
    m = re.search(r"^#\[cfg\(test\)\]\s*\nmod tests", text, re.M)
    return text[: m.start()] if m else text


def functions(text):
    """(name, first line, line count) of each `fn` item with a body."""
    out = []
    lines = text.split("\n")
    for i, line in enumerate(lines):
        m = re.match(r"\s*(?:pub(?:\([^)]*\))?\s+)?(?:const\s+)?(?:unsafe\s+)?fn\s+(\w+)", line)
        if not m:
            continue
        depth, parens, started = 0, 0, False
        for j in range(i, len(lines)):
            code = re.sub(r'"(?:\\.|[^"\\])*"|//.*', "", lines[j])
            code = re.sub(r"'(?:\\.|[^'\\])'", "", code)
            parens += code.count("(") - code.count(")")
            # A declaration without a body ends with `;` outside the
            # parameter list (`[u8; 32]` inside it is not an end).
            if not started and parens <= 0 and code.rstrip().endswith(";") and "{" not in code:
                break
            depth += code.count("{") - code.count("}")
            started = started or "{" in code
            if started and depth <= 0:
                out.append((m.group(1), i + 1, j - i + 1))
                break
    return out


errors, report = [], []
for path in sorted(src.rglob("*.rs")):
    text = strip_tests(path.read_text())
    mod = module_of(path)
    here = LAYERS[mod]
    code = re.sub(r"//.*", "", text)
    for m in re.finditer(r"crate::(\w+)", code):
        target = ROOT_ITEMS.get(m.group(1), m.group(1))
        if target not in LAYERS or target == mod:
            continue
        if LAYERS[target] > here:
            line = code.count("\n", 0, m.start()) + 1
            errors.append(f"{path.relative_to(src.parent)}:{line}: {mod} (layer {here}) uses {target} (layer {LAYERS[target]})")
    code_lines = sum(1 for l in text.split("\n") if l.strip() and not l.strip().startswith("//"))
    report.append(f"{code_lines:5} lines of code  {path.relative_to(src.parent)}")
    for name, start, n in functions(text):
        if n > MAX_FN_LINES:
            errors.append(f"{path.relative_to(src.parent)}:{start}: fn {name} has {n} lines (at most {MAX_FN_LINES})")

if "--report" in sys.argv:
    print("\n".join(sorted(report, reverse=True)))
for e in errors:
    print(e)
print(f"structure: {len(errors)} violation(s)")
sys.exit(1 if errors else 0)
