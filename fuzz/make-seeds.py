#!/usr/bin/env python3
"""Writes the small seed corpora in fuzz/seeds/ from the repository's own
content, fixtures and bad-input cases (see fuzz/README.md). Run from fuzz/."""

import hashlib
import json
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fuzz" / "seeds"
# The order of the base files in src/checks.rs (`BASE`): chunk i replaces file i.
SLOTS = ["handbook.yaml", "playbooks/lost.yaml", "phases/01-first.nl.md", "assessments/quick.yaml",
         "contacts.yaml", "sources/sources.yaml", "pages/guides/call.nl.md", "faq/encrypted.nl.md"]


def write(target, data):
    d = SEEDS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()[:16]).write_bytes(data)


def slot(i, data):
    return b"\0" * i + data


def handbook():
    write("load_handbook", b"")
    content = ROOT / "content"
    write("load_handbook", slot(0, (content / "handbook.yaml").read_bytes()))
    write("load_handbook", slot(4, (content / "contacts.yaml").read_bytes()))
    for f in sorted((content / "playbooks").glob("*.yaml"))[:4]:
        write("load_handbook", slot(1, f.read_bytes()))
    for f in sorted((content / "assessments").glob("*.yaml")):
        write("load_handbook", slot(3, f.read_bytes()))
    for f in sorted((content / "sources").glob("*.yaml")):
        write("load_handbook", slot(5, f.read_bytes()))
    for f in sorted((content / "phases").glob("*.md"))[:2]:
        write("load_handbook", slot(2, f.read_bytes()))
    for f in sorted((content / "faq").glob("*.md"))[:2]:
        write("load_handbook", slot(7, f.read_bytes()))
    # Each bad-input case, its files added by name over the test handbook.
    for case in sorted((ROOT / "tests" / "bad-input").iterdir()):
        chunks = [b"@" + str(f.relative_to(case)).encode() + b"\n" + f.read_bytes()
                  for f in sorted(case.rglob("*")) if f.is_file() and f.name != "expected.txt"]
        if chunks:
            write("load_handbook", b"\0".join(chunks))


def expressions():
    seen = set()
    for f in sorted((ROOT / "content" / "assessments").glob("*.yaml")):
        for m in re.finditer(r'^\s*-?\s*(?:when|show_if|expr):\s*"(.*)"\s*$', f.read_text(), re.M):
            seen.add(m.group(1))
    seen.update(["-(1.5e3 / 2) * x", "'it\\'s' != \"x\"", "count(a) > 2 or not b", "[]", "f()", "a == b"])
    for e in sorted(seen):
        write("expr_parse", e.encode())


def answers():
    fixtures = ROOT / "tests" / "fixtures" / "edpb-cases"
    for f in sorted(fixtures.glob("case-*.yaml")):
        # The answers block is flat `key: value` YAML; JSON needs quoted words.
        block = f.read_text().split("answers:", 1)[1].split("expected:", 1)[0]
        out = {}
        for line in block.splitlines():
            m = re.match(r"\s+(\w+):\s*(.+?)\s*$", line)
            if not m:
                continue
            key, raw = m.groups()
            if raw.startswith("["):
                out[key] = [w.strip() for w in raw.strip("[]").split(",") if w.strip()]
            elif re.fullmatch(r"-?\d+(\.\d+)?", raw):
                out[key] = float(raw) if "." in raw else int(raw)
            else:
                out[key] = raw.strip("\"'")
        write("engine_plan", json.dumps(out).encode())
    write("engine_plan", b"{}")
    write("engine_plan", b'{"answers": {"personal_data": "unknown"}}')
    # With times (little-endian f64 ms, f64 ms, i32 minutes) and a time zone.
    import struct
    times = struct.pack("<ddi", 1795424400000.0, 1795431600000.0, 60)
    write("engine_plan", b'{"personal_data": "yes"}\0' + times)
    write("engine_plan", b'{"personal_data": "yes"}\0' + times + b'{"eu":{"standard_offset_min":60}}')


handbook()
expressions()
answers()
