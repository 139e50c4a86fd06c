"""Writes bench/RESULTS.md and the chart from the raw data of one run (run.sh commits it to
bench/data/, so the tables can be re-derived: `report.py bench/data RESULTS.md CHART.png`).

One method for every implementation: a number is the median of its repetitions, and every
ratio comes with its spread, the range the ratio takes between the extreme repetitions
(min/max). A ratio whose spread crosses the line it is compared with (1.0 in the tables, the
goal in the targets) is reported as within noise, never as met or missed.

bench/NOTES.md, the analysis, is appended with its {{...}} placeholders replaced by numbers
from this run (see `fact()`), so prose and tables cannot disagree.
"""

import json
import pathlib
import re
import statistics
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402

out, results_md, chart_png = map(pathlib.Path, sys.argv[1:4])
notes_md = pathlib.Path(__file__).resolve().parent / "NOTES.md"

SIZES = [64, 1024, 65536, 1048576]
SIZE_NAMES = {64: "64 B", 1024: "1 KiB", 65536: "64 KiB", 1048576: "1 MiB"}
AEAD_IMPLS = ["wasmcap", "libsodium-wrappers", "noble", "sodium-native", "c-monocypher", "c-monocypher-pooled",
              "python-wasmtime"]
AEAD_LABELS = {
    "wasmcap": "wasmcap (Monocypher in Wasm)",
    "libsodium-wrappers": "Node libsodium-wrappers 0.8.4",
    "noble": "Node @noble/ciphers 2.4.0",
    "sodium-native": "Node sodium-native 5.1.0",
    "c-monocypher": "C Monocypher, gcc -O3 -march=native",
    "c-monocypher-pooled": "C Monocypher, nonces from a 4 KiB getrandom() pool",
    "python-wasmtime": "Python + wasmtime (our guest)",
}
SHORT = {
    "wasmcap": "wasmcap",
    "libsodium-wrappers": "libsodium-wrappers",
    "noble": "@noble/ciphers",
    "sodium-native": "sodium-native",
    "c-monocypher": "C Monocypher",
    "c-monocypher-pooled": "C, pooled nonces",
    "python-wasmtime": "Python+wasmtime",
}


def jsonl(name):
    path = out / name
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.startswith("{")]


def hyperfine(name):
    path = out / name
    return json.loads(path.read_text())["results"] if path.exists() else []


env = {r["key"]: r["value"] for r in jsonl("env.jsonl")}
aead = [r for r in jsonl("aead.jsonl") if r["bench"] == "aead"]
checks = {r["impl"]: r["mac"] for r in jsonl("aead.jsonl") if r["bench"] == "aead-check"}
csprngs = {r["impl"]: r for r in jsonl("aead.jsonl") if r["bench"] == "csprng"}
twosum = {r["impl"]: r for r in jsonl("twosum.jsonl") if r["bench"] == "twosum"}
inst = [r for r in jsonl("instantiate.jsonl") if r["bench"] == "instantiate"]
host = {r["metric"]: r for r in jsonl("host.jsonl") if r["bench"] == "host"}
cold_hello = hyperfine("coldstart-hello.json")
cold_aead = hyperfine("coldstart-aead.json")


class Sample:
    """The repetitions of one measurement (times, or rates): median and min-max."""

    def __init__(self, values=None, median=None, lo=None, hi=None):
        if values is not None:
            values = list(values)
            median, lo, hi = statistics.median(values), min(values), max(values)
        self.median, self.lo, self.hi = median, lo, hi


class Ratio:
    """a / b of two Samples, with the range it spans between their extreme repetitions."""

    def __init__(self, a, b):
        self.value = a.median / b.median
        self.lo, self.hi = a.lo / b.hi, a.hi / b.lo

    def crosses(self, line):
        return self.lo <= line <= self.hi

    def text(self, line=1.0):
        noise = ", within noise" if self.crosses(line) else ""
        return f"{self.value:.2f}× ({self.lo:.2f}–{self.hi:.2f}{noise})"

    def cell(self, line=1.0):
        noise = ", within noise" if self.crosses(line) else ""
        return f"{self.value:.2f}× <sub>{self.lo:.2f}–{self.hi:.2f}{noise}</sub>"


def process_runs(times, batches=5):
    """A Sample of hyperfine's single-process runs, made comparable with the other harnesses'
    batches: the runs are cut into `batches` consecutive groups, and the spread is the min-max
    of the groups' medians (one slow exec among 30 is the machine, not the program)."""
    size = max(1, len(times) // batches)
    groups = [times[i:i + size] for i in range(0, size * batches, size) if times[i:i + size]]
    meds = [statistics.median(g) for g in groups]
    return Sample(median=statistics.median(times), lo=min(meds), hi=max(meds))


def speedup(ours, theirs):
    """How many times faster ours is, from two Samples of times (> 1: ours is faster)."""
    return Ratio(theirs, ours)


def aead_get(impl, op, size):
    for r in aead:
        if r["impl"] == impl and r["op"] == op and r["size"] == size:
            return r
    return None


def mbps(impl, op, size):
    r = aead_get(impl, op, size)
    return size / statistics.median(r["us"]) if r else None


def aead_us(impl, op, size):
    r = aead_get(impl, op, size)
    return Sample(r["us"]) if r else None


def aead_ratio(op, size, peer):
    ours, theirs = aead_us("wasmcap", op, size), aead_us(peer, op, size)
    return speedup(ours, theirs) if ours and theirs else None


def twosum_ms(impl):
    r = twosum.get(impl)
    return Sample(r["ms"]) if r else None


def fmt_mbps(v):
    if v is None:
        return "–"
    return f"{v:.0f}" if v >= 100 else f"{v:.1f}" if v >= 1 else f"{v:.2f}"


def fmt_ratio(v):
    return "–" if v is None else f"{v:.2f}×"


def fmt_us(us):
    if us is None:
        return "–"
    return f"{us / 1000:.2f} ms" if us >= 1000 else f"{us:.2f} µs"


def spread(r):
    """min–max of the repetitions as a ± percentage of the median."""
    m = Sample(r["us"])
    return max(m.median - m.lo, m.hi - m.median) / m.median * 100


lines = []
w = lines.append

w("# wasmcap benchmark results")
w("")
w("Generated by `bench/run.sh` (see `bench/README.md`) from the raw data in `bench/data/`. Every number below comes")
w("from one run on one machine. Do not compare numbers across runs or machines — compare the ratios.")
w("")
w("| | |")
w("| --- | --- |")
for key, label in [("date", "date"), ("cpu", "CPU"), ("kernel", "kernel"), ("wasmcap", "wasmcap commit"),
                   ("node", "Node.js"), ("deno", "Deno"), ("python", "Python"), ("gcc", "gcc"),
                   ("load_before", "load average before / after"), ("duration_s", "run time"),
                   ("sections", "sections measured in this run")]:
    if key not in env:
        continue
    value = env[key]
    if key == "load_before":
        value = f"{env['load_before']} / {env.get('load_after', '?')}"
    if key == "duration_s":
        value = f"{value} s"
    w(f"| {label} | {value} |")
if env.get("quick"):
    w("| mode | **BENCH_QUICK smoke run: 2 repetitions of ≥ 50 ms; not for conclusions** |")
w("")

# --- targets --------------------------------------------------------------------------

targets = []  # (target, measured, ratio text, verdict)


def add_target(name, ratio, goal, higher_is_better=True, detail=""):
    """ratio: a Ratio (or None: not measured). Met or not by the median; within noise when the
    spread of the ratio crosses the goal."""
    if ratio is None:
        targets.append((name, detail, "–", "not measured"))
        return
    if ratio.crosses(goal):
        verdict = "within noise"
    else:
        met = ratio.value >= goal if higher_is_better else ratio.value <= goal
        verdict = "**met**" if met else "**not met**"
    targets.append((name, detail, f"{ratio.value:.2f}× <sub>{ratio.lo:.2f}–{ratio.hi:.2f}</sub>", verdict))


for peer, goal, sizes in [("libsodium-wrappers", 1.0, SIZES), ("noble", 1.0, SIZES),
                          ("sodium-native", 0.6, [65536, 1048576])]:
    for op in ["lock", "unlock"]:
        for size in sizes:
            add_target(f"AEAD {op} {SIZE_NAMES[size]} ≥ {goal:g}× {SHORT[peer]}", aead_ratio(op, size, peer), goal,
                       detail=f"{fmt_mbps(mbps('wasmcap', op, size))} vs {fmt_mbps(mbps(peer, op, size))} MB/s")
for size, name in [(1048576, "1 MiB lock ≥ 1.0× native C Monocypher"),
                   (64, "64 B lock, fresh nonce included, ≥ 1.0× native C + getrandom()")]:
    ours, c = aead_us("wasmcap", "lock", size), aead_us("c-monocypher", "lock", size)
    detail = f"{fmt_us(ours and ours.median)} vs {fmt_us(c and c.median)} per lock"
    add_target(name, speedup(ours, c) if ours and c else None, 1.0, detail=detail)

wasm, js, c = (twosum_ms(k) for k in ["wasmcap-wasm", "wasmcap-js", "c-native"])
if wasm and js:
    add_target("Two Sum: Wasm ≥ 8× faster than twoSumJs", speedup(wasm, js), 8.0,
               detail=f"{wasm.median:.1f} vs {js.median:.1f} ms (speed-up)")
if wasm and c:
    add_target("Two Sum: Wasm within 1.3× of native C", Ratio(wasm, c), 1.3, False,
               detail=f"{wasm.median:.1f} vs {c.median:.1f} ms (time ratio, ≤ 1.3 wanted)")


def cold(results, prefix):
    for r in results:
        if r["command"].startswith(prefix):
            return r
    return None


def cold_ratio(results, peer):
    """wasmcap's cold start / the fastest (by median) of the peer's commands, as a time ratio."""
    ours = cold(results, "wasmcap")
    theirs = [r for r in results if r["command"].startswith(peer)]
    if not ours or not theirs:
        return None, None
    best = min(theirs, key=lambda r: statistics.median(r["times"]))
    return Ratio(process_runs(ours["times"]), process_runs(best["times"])), best


for results, label in [(cold_hello, "examples/hello.js"), (cold_aead, "one-shot AEAD")]:
    ours = cold(results, "wasmcap")
    for peer, goal in [("deno", 0.5), ("node", 1.0)]:
        ratio, best = cold_ratio(results, peer)
        if ratio is None:
            continue
        add_target(f"cold start, {label}: ≤ {goal}× {best['command']}", ratio, goal, False,
                   detail=f"{statistics.median(ours['times']) * 1000:.1f} vs "
                          f"{statistics.median(best['times']) * 1000:.1f} ms (time ratio)")


def host_sample(metric):
    r = host.get(metric)
    return Sample(median=r["median"], lo=r["min"], hi=r["max"]) if r else None


if "call_us" in host and "baseline_call_us" in host:
    ours, base = host_sample("call_us"), host_sample("baseline_call_us")
    add_target("host call overhead ≤ 1.5× raw v8 call + serde_v8", Ratio(ours, base), 1.5, False,
               detail=f"{ours.median:.1f} vs {base.median:.1f} µs per call (time ratio)")
if "calls_per_s_1" in host and "calls_per_s_2" in host:
    one, two = host_sample("calls_per_s_1"), host_sample("calls_per_s_2")
    add_target("host pool scaling: 2 instances ≥ 1.8× 1", Ratio(two, one), 1.8,
               detail=f"{two.median:.0f} vs {one.median:.0f} calls/s")

w("## Targets")
w("")
counts = {v: sum(1 for t in targets if t[3] == v) for v in ["**met**", "**not met**", "within noise"]}
w(f"{counts['**met**']} of {len(targets)} met, {counts['**not met**']} not met, {counts['within noise']} within noise.")
w("Ratios are medians, ours/peer in throughput (higher is better) unless marked as a time ratio (lower is")
w("better); the small range after each is its spread (extreme repetitions against each other). A target")
w("whose spread crosses its goal is *within noise*: neither met nor missed in this run. Why the misses")
w("miss: see *Analysis* below.")
w("")
w("| target | measured | ratio | |")
w("| --- | --- | --- | --- |")
for name, detail, ratio, met in targets:
    w(f"| {name} | {detail} | {ratio} | {met} |")
w("")

# --- AEAD -----------------------------------------------------------------------------

w("## 1. AEAD throughput (XChaCha20-Poly1305)")
w("")
w("Median of the repetitions, each timing enough iterations for ≥ 200 ms, in MB/s (10⁶ bytes of plaintext")
w("per second). Every lock draws a fresh random 24-byte nonce; key fixed; no additional data; outputs are")
w("fresh arrays per call wherever the API allocates them.")
w("")
if checks:
    distinct = set(checks.values())
    verdict = "identical" if len(distinct) == 1 else "**DIFFERENT — the comparison is void**"
    w(f"Check vector (fixed key, nonce, ad, 1000-byte plaintext): every implementation's mac is {verdict}"
      f" (`{next(iter(distinct))}`)." if len(distinct) == 1 else f"Check vector macs: {verdict}: {checks}")
    w("")
rng_notes = ["wasmcap: a 4 KiB pool refilled by its CSPRNG op (`getrandom()`), inside `mc.lock`",
             "C Monocypher: `getrandom()` per nonce", "C, pooled nonces: wasmcap's pool, written in C",
             "Python: `os.urandom(24)`"]
for impl, r in csprngs.items():
    times = ", ".join(f"`{k}` {v:.2f} µs" for k, v in r["rngs"].items())
    rng_notes.append(f"{SHORT.get(impl, impl)}: `{r['chosen']}`, the fastest of {times}")
w("Nonce sources: " + "; ".join(rng_notes) + ".")
w("")
for op in ["lock", "unlock"]:
    w(f"### {op}")
    w("")
    present = [i for i in AEAD_IMPLS if any(r["impl"] == i and r["op"] == op for r in aead)]
    w("| size | " + " | ".join(SHORT[i] for i in present) + " |")
    w("| --- |" + " ---: |" * len(present))
    for size in SIZES:
        cells = []
        for i in present:
            r = aead_get(i, op, size)
            cells.append("–" if r is None else f"{fmt_mbps(mbps(i, op, size))} <sub>±{spread(r):.0f}%</sub>")
        w(f"| {SIZE_NAMES[size]} | " + " | ".join(cells) + " |")
    w("")
    w(f"wasmcap / peer ({op}, throughput ratio of the medians, > 1 means wasmcap is faster; below it the")
    w("spread, and *within noise* where the spread crosses 1.0):")
    w("")
    peers = [i for i in present if i != "wasmcap"]
    w("| size | " + " | ".join(SHORT[i] for i in peers) + " |")
    w("| --- |" + " ---: |" * len(peers))
    for size in SIZES:
        ratios = [aead_ratio(op, size, i) for i in peers]
        w(f"| {SIZE_NAMES[size]} | " + " | ".join(r.cell() if r else "–" for r in ratios) + " |")
    w("")
if any(r["impl"] == "wasmcap-guest-call" for r in aead):
    w("Where wasmcap's time goes: the guest's `crypto_aead_lock`/`unlock` called directly on data already in")
    w("guest memory (`wasmcap-guest-call`, no nonce draw, no copies, no output array) against the full API call.")
    w("")
    w("| op | size | API call | guest call alone | API overhead | C Monocypher (for scale) |")
    w("| --- | --- | ---: | ---: | ---: | ---: |")
    for op in ["lock", "unlock"]:
        for size in SIZES:
            api, raw, c = (aead_us(i, op, size) for i in ["wasmcap", "wasmcap-guest-call", "c-monocypher"])
            if not (api and raw):
                continue
            w(f"| {op} | {SIZE_NAMES[size]} | {fmt_us(api.median)} | {fmt_us(raw.median)}"
              f" | {fmt_us(api.median - raw.median)} | {fmt_us(c and c.median)} |")
    w("")
    if any(r["op"] == "unlock-bad-mac" for r in aead):
        w("The guest's lock split in its two ciphers: Poly1305 is timed as an unlock whose mac is wrong (HChaCha20,")
        w("the one block for the Poly1305 key, the whole text authenticated, nothing decrypted); ChaCha20 is the")
        w("lock minus that (lock authenticates the same bytes). Medians.")
        w("")
        w("| size | guest lock | Poly1305 | ChaCha20 | Poly1305 share |")
        w("| --- | ---: | ---: | ---: | ---: |")
        for size in SIZES:
            lock, poly = aead_us("wasmcap-guest-call", "lock", size), aead_us("wasmcap-guest-call", "unlock-bad-mac", size)
            if lock and poly:
                w(f"| {SIZE_NAMES[size]} | {fmt_us(lock.median)} | {fmt_us(poly.median)}"
                  f" | {fmt_us(lock.median - poly.median)} | {poly.median / lock.median * 100:.0f}% |")
        w("")
if any(r["impl"] == "wasmcap-into" for r in aead):
    w("Into arrays of the caller's: `mc.lockInto(box, ...)` / `mc.unlockInto(plaintext, ...)` allocate nothing per")
    w("call, where `lock`/`unlock` return new arrays. Medians, µs per call, and the speed-up with its spread.")
    w("")
    w("| op | size | new arrays | into yours | speed-up | against libsodium-wrappers (into yours) |")
    w("| --- | --- | ---: | ---: | ---: | ---: |")
    for op in ["lock", "unlock"]:
        for size in SIZES:
            api, into, peer = (aead_us(i, op, size) for i in ["wasmcap", "wasmcap-into", "libsodium-wrappers"])
            if api and into:
                w(f"| {op} | {SIZE_NAMES[size]} | {fmt_us(api.median)} | {fmt_us(into.median)} | {speedup(into, api).cell()}"
                  f" | {speedup(into, peer).cell() if peer else '–'} |")
    w("")
lk, nr, gr = (aead_us("c-monocypher", op, 64) for op in ["lock", "lock-no-rng", "getrandom"])
wl, pl = aead_us("wasmcap", "lock", 64), aead_us("c-monocypher-pooled", "lock", 64)
if lk and nr and gr and wl:
    w(f"64 B lock, per call (medians): native C {fmt_us(lk.median)} = cipher {fmt_us(nr.median)}"
      f" + `getrandom()` {fmt_us(gr.median)}"
      + (f"; native C drawing nonces from a pool as wasmcap does {fmt_us(pl.median)}" if pl else "")
      + f"; wasmcap `mc.lock` {fmt_us(wl.median)}.")
    w("")

# --- Two Sum --------------------------------------------------------------------------

w("## 2. Two Sum, 500,000 int32s, full scan")
w("")
w("Seeded even numbers from [-10⁹, 10⁹], the last one odd: the only pair reaching the odd target")
w("nums[123457] + nums[499999] ends the scan at the last element. Median (and min–max) of N runs.")
w("")
TS = [
    ("wasmcap-wasm", "wasmcap `twoSum` (C in Wasm; copies nums in, scans, wipes the arena)"),
    ("wasmcap-wasm-scan-only", "wasmcap, the guest's `twosum()` alone (nums already in guest memory)"),
    ("wasmcap-js", "wasmcap `twoSumJs` (JS Map)"),
    ("node-js", "Node.js 20, the same Map algorithm"),
    ("c-native", "guest/twosum.c natively, gcc -O3 -march=native (the function alone)"),
    ("python-dict", "Python dict, the same algorithm"),
    ("python-wasmtime", "Python + wasmtime running guest/twosum.wasm (struct.pack_into in)"),
]
base = twosum_ms("wasmcap-wasm")
w("| implementation | answer | median | min–max | time / wasmcap twoSum |")
w("| --- | --- | ---: | ---: | ---: |")
for key, label in TS:
    r, m = twosum.get(key), twosum_ms(key)
    if not r:
        continue
    rel = Ratio(m, base).cell() if base else "–"
    w(f"| {label} | {r['answer']} | {m.median:.2f} ms | {m.lo:.2f}–{m.hi:.2f} ms | {rel} |")
w("")

# --- cold start -----------------------------------------------------------------------

w("## 3. Cold start (hyperfine)")
w("")
w("Wall time of a whole process, from exec to exit, after warm-up runs (so the page cache is warm; Deno")
w("may also use its V8 code cache in `DENO_DIR`).")
w("")
for results, title, what in [
    (cold_hello, "`examples/hello.js`", "the same file in all three (two console.log lines, a randomUUID)"),
    (cold_aead, "one-shot AEAD", "wasmcap: `bench/aead_once.js` (`wasmcap:monocypher`); node/deno: "
                                 "`bench/aead_once_node.mjs`, @noble/ciphers (pure JS) or libsodium-wrappers (Wasm)"),
]:
    if not results:
        continue
    w(f"{title} — {what}:")
    w("")
    ours = cold(results, "wasmcap")
    w("| command | median | min–max of 5 batch medians | wasmcap / this (time ratio) |")
    w("| --- | ---: | ---: | ---: |")
    for r in results:
        m = process_runs(r["times"])
        rel = Ratio(process_runs(ours["times"]), m).cell() if ours else "–"
        w(f"| {r['command']} | {m.median * 1000:.1f} ms | {m.lo * 1000:.1f}–{m.hi * 1000:.1f} ms | {rel} |")
    w("")

# --- instantiation --------------------------------------------------------------------

if inst:
    w("## 4. Guest instantiation")
    w("")
    w("| what | median per op |")
    w("| --- | ---: |")
    for r in inst:
        who = "" if r["impl"] == "wasmcap" else f"{r['impl']}: "
        w(f"| {who}{r['what']} | {fmt_us(statistics.median(r['us']))} |")
    w("")

if host:
    w("## 5. Extension host (`wasmcap::host`)")
    w("")
    w("| what | median | min–max |")
    w("| --- | ---: | ---: |")
    names = {
        "call_us": "call, small struct in and out (`Extension::call`)",
        "baseline_call_us": "same call on the caller's thread: raw `v8::Function::call` + serde_v8",
        "calls_per_s_1": "CPU-bound calls from 8 tasks, 1 instance",
        "calls_per_s_2": "CPU-bound calls from 8 tasks, pool of 2 instances",
        "recycle_ms": "recycle: from a call stopped at its deadline to the next call's answer",
    }
    for key, label in names.items():
        r = host.get(key)
        if r:
            w(f"| {label} | {r['median']:.1f} {r['unit']} | {r['min']:.1f}–{r['max']:.1f} |")
    w("")

# --- the analysis, with this run's numbers ------------------------------------------------


def fact(spec):
    """The text for one {{...}} placeholder of NOTES.md, from this run's data."""
    kind, *args = spec.split()
    missing = "(not measured in this run)"
    if kind == "ratio":  # ratio OP SIZE PEER: wasmcap's throughput / the peer's
        op, size, peer = args
        r = aead_ratio(op, int(size), peer)
        return r.text() if r else missing
    if kind == "us":  # us IMPL OP SIZE: median time per op
        m = aead_us(args[0], args[1], int(args[2]))
        return fmt_us(m.median) if m else missing
    if kind == "into":  # into OP SIZE PEER: wasmcap's *Into call against the peer's
        op, size, peer = args
        ours, theirs = aead_us("wasmcap-into", op, int(size)), aead_us(peer, op, int(size))
        return speedup(ours, theirs).text() if ours and theirs else missing
    if kind == "overhead":  # overhead OP SIZE: the API call minus the guest call alone
        api, raw = aead_us("wasmcap", args[0], int(args[1])), aead_us("wasmcap-guest-call", args[0], int(args[1]))
        return fmt_us(api.median - raw.median) if api and raw else missing
    if kind == "twosum":
        wasm, scan, js, c = (twosum_ms(k) for k in ["wasmcap-wasm", "wasmcap-wasm-scan-only", "wasmcap-js", "c-native"])
        if not (wasm and scan and js and c):
            return missing
        return {
            "speedup": lambda: speedup(wasm, js).text(8.0),
            "vs-c": lambda: Ratio(wasm, c).text(1.3),
            "scan-vs-c": lambda: Ratio(scan, c).text(),
            "api-ms": lambda: f"{wasm.median - scan.median:.1f} ms",
        }[args[0]]()
    if kind == "cold":  # cold hello|aead deno|node: time ratio
        ratio, _ = cold_ratio({"hello": cold_hello, "aead": cold_aead}[args[0]], args[1])
        return ratio.text({"deno": 0.5, "node": 1.0}[args[1]]) if ratio else missing
    if kind == "host":
        call, base = host_sample("call_us"), host_sample("baseline_call_us")
        one, two, recycle = host_sample("calls_per_s_1"), host_sample("calls_per_s_2"), host_sample("recycle_ms")
        if not (call and base and one and two and recycle):
            return missing
        return {
            "call": lambda: f"{call.median:.1f} µs",
            "baseline": lambda: f"{base.median:.1f} µs",
            "call-ratio": lambda: Ratio(call, base).text(1.5),
            "scaling": lambda: Ratio(two, one).text(1.8),
            "recycle": lambda: f"{recycle.median:.1f} ms",
        }[args[0]]()
    raise KeyError(f"bench/NOTES.md: unknown placeholder {{{{{spec}}}}}")


if notes_md.exists():
    w(re.sub(r"\{\{([^}]*)\}\}", lambda m: fact(m.group(1).strip()), notes_md.read_text()).rstrip())
    w("")

results_md.write_text("\n".join(lines))

# --- chart ----------------------------------------------------------------------------

fig, axes = plt.subplots(2, 2, figsize=(14, 10))
colors = {"wasmcap": "#d62728", "libsodium-wrappers": "#1f77b4", "noble": "#2ca02c", "sodium-native": "#9467bd",
          "c-monocypher": "#7f7f7f", "c-monocypher-pooled": "#bcbd22", "python-wasmtime": "#ff7f0e"}
for ax, op in zip(axes[0], ["lock", "unlock"]):
    present = [i for i in AEAD_IMPLS if any(r["impl"] == i and r["op"] == op for r in aead)]
    width = 0.8 / max(1, len(present))
    for k, impl in enumerate(present):
        xs = [s + (k - (len(present) - 1) / 2) * width for s in range(len(SIZES))]
        ys = [mbps(impl, op, size) or 0 for size in SIZES]
        ax.bar(xs, ys, width, label=AEAD_LABELS[impl], color=colors[impl])
    ax.set_yscale("log")
    ax.set_xticks(range(len(SIZES)), [SIZE_NAMES[s] for s in SIZES])
    ax.set_ylabel("MB/s (log)")
    ax.set_title(f"AEAD {op}" + (" (fresh random nonce each)" if op == "lock" else ""))
    ax.grid(axis="y", which="both", alpha=0.3)
handles, labels = axes[0][0].get_legend_handles_labels()
fig.legend(handles, labels, loc="upper center", ncol=3, fontsize=9, bbox_to_anchor=(0.5, 0.955))

ax = axes[1][0]
present = [(k, label) for k, label in TS if k in twosum]
ax.barh([label.split(" (")[0].replace("`", "") for _, label in present],
        [twosum_ms(k).median for k, _ in present],
        color=["#d62728" if k.startswith("wasmcap-wasm") else "#7f7f7f" for k, _ in present])
ax.set_xscale("log")
ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
ax.set_xlabel("ms, median of N (log; lower is better)")
ax.set_title("Two Sum, 500,000 int32s")
ax.invert_yaxis()
ax.grid(axis="x", which="both", alpha=0.3)

ax = axes[1][1]
rows = [(f"hello: {r['command']}", r) for r in cold_hello] + [(f"aead: {r['command']}", r) for r in cold_aead]
if rows:
    meds = [process_runs(r["times"]) for _, r in rows]
    ax.barh([name for name, _ in rows], [m.median * 1000 for m in meds],
            xerr=[[(m.median - m.lo) * 1000 for m in meds], [(m.hi - m.median) * 1000 for m in meds]],
            color=["#d62728" if r["command"].startswith("wasmcap") else "#7f7f7f" for _, r in rows])
    ax.invert_yaxis()
ax.set_xlabel("ms, median (lower is better)")
ax.set_title("Cold start (hyperfine)")
ax.grid(axis="x", alpha=0.3)

fig.suptitle(f"wasmcap benchmarks — {env.get('cpu', '')}, {env.get('date', '')}")
fig.tight_layout(rect=(0, 0, 1, 0.9))
fig.savefig(chart_png, dpi=110)
print(f"wrote {results_md} and {chart_png}", file=sys.stderr)
