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


def markdown():
    for f in sorted((ROOT / "content").rglob("*.md"))[:40]:
        write("markdown_links", f.read_bytes())
    for f in sorted((ROOT / "tests" / "bad-input").rglob("*.md")):
        write("markdown_links", f.read_bytes())
    for s in ["See [the form](form%aé.pdf).", '[AP](https://ap.nl "Q&A privé")', "## Hi {onmouseover=alert(1) #main .x}",
              "[x](step:isolate) [y](source:gdpr-art33) [z](contact:ap) ![i](../static/form%20é.pdf)",
              "<script>alert(1)</script> [j](javascript:x) ![r](https://e.example/p.png)",
              "- [ ] task **b** [l](02-analysis.nl.md#x)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[^1]\n\n[^1]: note"]:
        write("markdown_links", s.encode())


def single():
    for s in ['<h2 id="a">T</h2><a href="#a" title="Q&amp;A privé">x</a><img src="../../static/logo.png" alt="">',
              '<nav class="sidebar"><a href="a.html">a</a></nav><p aria-labelledby="a b">x</p>',
              '<script src="../assets/x.js"></script><div data-assessment="t" style="color:red">&#xe9;&</div>',
              '<a href="../../static/logo.png">logo</a><a href="phases/a.html#x%20y">p</a><a href="//e.example">e</a>',
              '<!-- c --><title>é</title><textarea></textarea><main><main>']:
        write("single_file", s.encode())


def yaml_files():
    content = ROOT / "content"
    for i, name in enumerate(["playbooks", "contacts.yaml", "handbook.yaml", "sources", "assessments"]):
        path = content / name
        files = sorted(path.glob("*.yaml"))[:3] if path.is_dir() else [path]
        for f in files:
            write("yaml_file", bytes([i]) + f.read_bytes())
    for f in sorted((ROOT / "tests" / "bad-input").rglob("*.yaml")):
        data = f.read_bytes()
        if len(data) < 20000:
            write("yaml_file", bytes([0]) + data)


def answers_files():
    for d in [ROOT / "tests" / "fixtures" / "edpb-cases", ROOT / "tests" / "scenarios"]:
        for f in sorted(d.glob("*.yaml")):
            write("answers_file", f.read_bytes())
    for s in ["personal_data: yes\nsubjects: .nan\n", "subjects: 1\nsubjects: 2\n", "answers: {personal_data: yes}\nsubjects: 3\n",
              "{\"personal_data\": \"unknown\"}", "[1, 2]", "personal_data: [[[[]]]]"]:
        write("answers_file", s.encode())


handbook()
expressions()
answers()
markdown()
single()
yaml_files()
answers_files()
