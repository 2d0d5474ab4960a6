#!/usr/bin/python3
"""Speed of Math-Verify in one process, no worker: parse(gold) + parse(pred) + verify per item, the same
calls as run.py (and the same MVREF_PATH). Input: the JSONL run.py reads, e.g. the one
`npx tsx src/verify/math/bench.ts --mv --write-jsonl FILE` writes.

    /usr/bin/python3 scripts/mathverify-ref/bench.py FILE.jsonl [rounds]
"""
import json, sys, time, os, resource
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run

items = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 1
run._lib()
run.evaluate(items[0])  # warm-up (imports, regex compile)
t0 = time.perf_counter(); c0 = time.process_time()
n = ok = err = 0
for _ in range(rounds):
    for it in items:
        r = run.evaluate(it)
        n += 1; ok += r["verdict"] is True; err += r["error"] is not None
dt = time.perf_counter() - t0; cpu = time.process_time() - c0
print(f"{sys.argv[1]}: {n} verifications in {dt:.1f} s wall = {n/dt:.1f}/s; {cpu:.1f} s CPU = {n/cpu:.1f} per CPU-second; {ok} true, {err} errors")
