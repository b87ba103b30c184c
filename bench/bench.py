#!/usr/bin/env python3
"""irbook benchmark suite: build times and peak memory for the default
handbook and generated corpora, output size, wasm size, plan evaluation,
and how fast `irbook serve` has a new version ready after an edit.
Writes docs/PERFORMANCE.md (regenerated, never edited by hand).

Usage: python3 bench/bench.py [--quick]   (--quick skips the 10 000-page corpus)
"""
import gzip
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(REPO, "target", "bench")
# Site output goes to memory-backed storage when there is some, so the numbers
# measure irbook rather than this machine's disk (which varies run to run here).
OUTDIR = "/dev/shm/irbook-bench" if os.path.isdir("/dev/shm") else WORK
GEN = os.path.join(REPO, "..", "shared", "tools", "gen-corpus.py")
# The binary `cargo build --release` makes, wherever CARGO_TARGET_DIR puts it.
BIN = os.path.join(os.environ.get("CARGO_TARGET_DIR") or os.path.join(REPO, "target"), "release", "irbook")


def run_measured(args, cwd):
    """Runs a command; returns (seconds, peak RSS in MiB, CPU seconds, stderr)."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace")
    if proc.returncode != 0:
        sys.exit(f"command failed: {' '.join(args)}\n{err}")
    return elapsed, usage.ru_maxrss / 1024.0, usage.ru_utime + usage.ru_stime, err


def best_of(n, args, cwd):
    runs = [run_measured(args, cwd) for _ in range(n)]
    return min(r[0] for r in runs), max(r[1] for r in runs)


def runs_of(n, args, cwd):
    """n runs: (best, median, worst seconds, peak MiB, CPU seconds of the best
    run, stage timings of the best run as [(ms, stage)] from `--timings`)."""
    runs = sorted(run_measured(args, cwd) for _ in range(n))
    stages = []
    for line in runs[0][3].splitlines():
        parts = line.strip().split(" ms  ", 1)
        if len(parts) == 2:
            try:
                stages.append((float(parts[0]), parts[1]))
            except ValueError:
                pass
    return runs[0][0], runs[len(runs) // 2][0], runs[-1][0], max(r[1] for r in runs), runs[0][2], stages


def tree_bytes(path):
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            total += os.path.getsize(os.path.join(root, f))
    return total


def count_html(path):
    return sum(1 for root, _, files in os.walk(path) for f in files if f.endswith(".html"))


def search_index(site):
    """Bytes and gzipped bytes of the search indexes (assets/<lang>/search-index.js), all languages."""
    raw = gz = 0
    langs = []
    assets = os.path.join(site, "assets")
    for lang in sorted(os.listdir(assets)):
        f = os.path.join(assets, lang, "search-index.js")
        if os.path.isfile(f):
            data = open(f, "rb").read()
            raw += len(data)
            gz += len(gzip.compress(data, 9))
            langs.append(lang)
    return raw, gz, langs


def corpus(pages):
    out = os.path.join(WORK, f"corpus-{pages}")
    if not os.path.exists(os.path.join(out, "handbook.yaml")):
        subprocess.run([sys.executable, GEN, "--flavor", "irbook", "--pages", str(pages), "--out", out, "--force"], check=True, stdout=subprocess.DEVNULL)
    return out


def serve_latency(edits=9):
    """Edits one page of a copy of the default handbook while `irbook serve`
    runs; returns (median, best, worst) milliseconds from the write to the
    server answering a waiting long poll with the new version, the median of
    the server's own rebuild time, and its peak memory in MiB."""
    src = os.path.join(WORK, "serve-content")
    shutil.rmtree(src, ignore_errors=True)
    shutil.copytree(os.path.join(REPO, "content"), src)
    proc = subprocess.Popen([BIN, "serve", src, "--port", "0"], cwd=WORK, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        base = None
        for line in proc.stdout:
            if line.startswith("Serving ") and " at http://127.0.0.1:" in line:
                base = line.split(" at ", 1)[1].strip()
                break
        if base is None:
            sys.exit("irbook serve did not start")
        # Keep reading its output so that the server never blocks on a full pipe.
        threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()
        page = os.path.join(src, "phases", "01-first-response.en.md")
        original = open(page, encoding="utf-8").read()
        totals, builds = [], []
        for i in range(edits):
            status = json.load(urllib.request.urlopen(base + "__irbook/status"))
            got = {}

            def wait(generation=status["generation"]):
                got["status"] = json.load(urllib.request.urlopen(f"{base}__irbook/wait?g={generation}", timeout=30))
                got["at"] = time.perf_counter()

            waiter = threading.Thread(target=wait)
            waiter.start()
            time.sleep(0.3)  # the long poll is waiting before the edit
            start = time.perf_counter()
            with open(page, "w", encoding="utf-8") as f:
                f.write(original.replace("## What this phase is for", f"## What this phase is for (edit {i})"))
            waiter.join()
            if got["status"]["version"] <= status["version"]:
                sys.exit(f"serve answered without a new version: {got['status']}")
            totals.append((got["at"] - start) * 1000)
            builds.append(got["status"]["build_ms"])
        peak = 0.0
        for line in open(f"/proc/{proc.pid}/status"):
            if line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024.0
        totals.sort()
        builds.sort()
        return totals[len(totals) // 2], totals[0], totals[-1], builds[len(builds) // 2], peak
    finally:
        proc.terminate()
        proc.wait()


def host_speed():
    """Seconds for a fixed pure-Python loop: the same work every time, so it
    shows how fast this (shared) machine was while the benchmark ran."""
    best = None
    for _ in range(3):
        start = time.perf_counter()
        total = 0
        for i in range(10**7):
            total += i
        took = time.perf_counter() - start
        best = took if best is None else min(best, took)
    return best


def main():
    quick = "--quick" in sys.argv
    os.makedirs(WORK, exist_ok=True)
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    speed_before = host_speed()
    rows = []

    os.makedirs(OUTDIR, exist_ok=True)
    out = os.path.join(OUTDIR, "out-default")
    t, mem = best_of(5, [BIN, "build", "-o", out, "--quiet"], WORK)
    rows.append(("default handbook build (built-in, release)", f"{t * 1000:.0f} ms", f"{mem:.0f} MiB", f"{count_html(out)} pages, {tree_bytes(out) / 1e6:.1f} MB", "under 100 ms"))

    med, best, worst, build, peak = serve_latency()
    rows.append(("serve: edit → new version served (default handbook)", f"{med:.0f} ms", f"{peak:.0f} MiB", f"median of 9 edits (best {best:.0f}, worst {worst:.0f} ms); rebuild itself {build:.0f} ms", "under 30 ms"))
    raw, gz, langs = search_index(out)
    rows.append(("search index, default handbook", f"{gz / 1024:.0f} KB gzipped", "", f"{raw / 1024:.0f} KB raw, {len(langs)} languages ({', '.join(langs)}), loaded on first search", "under 100 KB gzipped"))

    sizes = {}
    profile = []
    for n in ([1000] if quick else [1000, 10000]):
        src = corpus(n)
        out = os.path.join(OUTDIR, f"out-{n}")
        # This machine's speed varies run to run (shared host): best and median of several runs.
        count = 7 if n <= 1000 else 5
        best, med, worst, mem, cpu, stages = runs_of(count, [BIN, "build", src, "-o", out, "--quiet", "--timings"], WORK)
        sizes[n] = (best, tree_bytes(out))
        target = "under 0.3 s" if n == 1000 else "under 3.5 s, under 240 MiB"
        rows.append((f"{n} generated pages, section sidebar", f"{best:.2f} s", f"{mem:.0f} MiB", f"{count_html(out)} pages, {sizes[n][1] / 1e6:.1f} MB; median {med:.2f} s, worst {worst:.2f} s of {count} runs; {cpu:.2f} s CPU", target))
        if n == max(sizes):
            profile = (n, best, stages)
        if n == 1000:
            raw, gz, _ = search_index(out)
            text = open(os.path.join(out, "assets", "en", "search-index.js"), encoding="utf-8").read()
            docs = json.loads(text.split("] = ", 1)[1].rstrip().rstrip(";"))["docs"]
            share = len(json.dumps(docs, ensure_ascii=False).encode()) / raw
            rows.append(("search index, 1000 generated pages", f"{gz / 1024:.0f} KB gzipped", "", f"{raw / 1e6:.2f} MB raw, {share:.0%} of it page titles and snippet text", "under 500 KB gzipped"))
    if 10000 in sizes:
        rows.append(("growth 1k → 10k", f"time ×{sizes[10000][0] / sizes[1000][0]:.1f}", "", f"output ×{sizes[10000][1] / sizes[1000][1]:.1f}", "linear (×10)"))

    site = os.path.join(OUTDIR, "out-default")
    engine = open(os.path.join(site, "assets", "engine.js"), "rb").read()
    glue = open(os.path.join(site, "assets", "irbook.js"), "rb").read()
    gz = len(gzip.compress(engine, 9)) + len(gzip.compress(glue, 9))
    rows.append(("wasm + glue, gzipped", f"{gz / 1024:.1f} KB", "", f"engine.js {len(engine) / 1024:.0f} KB raw", "under 80 KB"))

    data = os.path.join(WORK, "plan-500")
    env = dict(os.environ, IRBOOK_BENCH_WRITE=data)
    res = subprocess.run(["cargo", "run", "--release", "--quiet", "-p", "assessment-wasm", "--example", "bench_plan"], cwd=REPO, check=True, capture_output=True, text=True, env=env)
    metrics = dict(line.split("=", 1) for line in res.stdout.split() if "=" in line)
    if "plan_500_rules_us_per_call" in metrics:
        rows.append(("plan, 500-rule assessment (native)", f"{float(metrics['plan_500_rules_us_per_call']):.0f} µs", "", f"compile {metrics.get('compile_ms', '?')} ms", "under 1 ms"))
    # The same plan in Chromium, through the shipped engine.js (needs the browser-test setup).
    if os.path.exists("/usr/bin/chromium") and os.path.isdir(os.path.join(REPO, "tests", "browser", "node_modules", "playwright-core")):
        res = subprocess.run(["node", os.path.join(REPO, "bench", "browser-plan.js"), os.path.join(site, "assets", "engine.js"), data], capture_output=True, text=True)
        if res.returncode == 0:
            m = dict(line.split("=", 1) for line in res.stdout.split() if "=" in line)
            rows.append(("plan, 500-rule assessment (Chromium, wasm)", f"{float(m['browser_plan_ms_per_call']):.2f} ms", "", f"engine load {m.get('browser_load_ms', '?')} ms", "under 5 ms"))
        else:
            rows.append(("plan, 500-rule assessment (Chromium, wasm)", "failed", "", res.stderr.strip().splitlines()[-1] if res.stderr.strip() else "", "under 5 ms"))
    else:
        rows.append(("plan, 500-rule assessment (Chromium, wasm)", "not run", "", "run bash tests/browser/run.sh once to install Chromium", "under 5 ms"))

    speed_after = host_speed()
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    lines = [
        "# Performance",
        "",
        "Regenerated by `python3 bench/bench.py`; do not edit by hand.",
        "",
        f"Machine: {os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}, {time.strftime('%Y-%m-%d')}.",
        "Times are the best of several runs, each replacing the previous output (this machine is a shared",
        "host whose speed varies by up to 2× from one run to the next, so the median is given too);",
        f"memory is the peak resident set of the irbook process. Output written to {OUTDIR}.",
        f"Host speed check: a fixed Python loop (10 million additions) took {speed_before:.2f} s before the runs and",
        f"{speed_after:.2f} s after (best of 3 each), to compare with runs on other days.",
        "Corpora come from `../shared/tools/gen-corpus.py --flavor irbook` (~600-word pages in sections of 50).",
        "",
        "| what | time | peak memory | output | target |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| {a} | {b} | {c} | {d} | {e} |" for a, b, c, d, e in rows]
    if profile:
        n, best, stages = profile
        lines += [
            "",
            f"## Where the time goes ({n} pages, best run, `irbook build --timings`)",
            "",
            "| stage | ms | share | runs on |",
            "|---|---|---|---|",
        ]
        runs_on = {
            "read files": "listing: one core; reading: all",
            "read front matter and YAML": "pages: all cores; other files: one",
            "templates, navigation, questionnaires": "one core",
            "render pages": "all cores",
            "search index": "merging: one core; encoding: all",
            "swap in the new output": "removing the old output: all cores",
        }
        total = sum(ms for ms, _ in stages) or 1
        lines += [f"| {stage} | {ms:.0f} | {ms / total:.0%} | {runs_on.get(stage, '')} |" for ms, stage in stages]
        lines += [
            "",
            "Rendering a page is Markdown (pulldown-cmark), the Tera templates with the",
            "section sidebar, writing the file, and reading the rendered text back into",
            "the search collector of its thread; the collectors are merged once at the end.",
        ]
    doc = os.path.join(REPO, "docs", "PERFORMANCE.md")
    with open(doc, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
