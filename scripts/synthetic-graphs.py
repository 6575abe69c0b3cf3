#!/usr/bin/env python3
"""Writes synthetic lock-order graph files for benchmarking `lockgraph check`.

Each run nests locks of a large class hierarchy in its declared order (a lower
class before a higher one, a few levels apart, as layered code does); a few
runs also take one pair the other way round, so the merged graph is a big
acyclic hierarchy with a handful of cycles across runs. That is what a large
test suite's graphs look like, and where the cost of cycle search is in the
acyclic part. With --readers N the runs instead nest N classes in every order,
each only shared->shared: a complete graph whose astronomically many cycles
are none of them deadlocks (check leaves such classes out before searching).
--writers N is the same graph with every order exclusive: every cycle is a
deadlock, more than the search enumerates.

Usage: synthetic-graphs.py OUT_DIR [--classes N] [--runs N] [--edges-per-run N]
                           [--inversions N] [--readers N | --writers N] [--seed N]
"""
import argparse
import json
import os
import random


def frame(pc, function, file, line):
    return {"pc": pc, "function": function, "file": file, "line": line, "inlined": False}


def edge(src, dst, mode, run):
    return {
        "from": src,
        "to": dst,
        "modes": [mode],
        "instance_edges": 1,
        "thread": {"tid": 1000 + run, "name": "worker"},
        "stack": [
            frame("0x401000", "Lock" + dst, "layer.cc", 10),
            frame("0x402000", "Hold" + src, "layer.cc", 20),
            frame("0x403000", "RunTest", "test_main.cc", 30),
        ],
    }


def hierarchy(args, rng):
    names = ["c%05d" % i for i in range(args.classes)]
    runs = [[] for _ in range(args.runs)]
    for run in runs:
        for _ in range(args.edges_per_run):
            a = rng.randrange(args.classes - 1)
            b = min(args.classes - 1, a + rng.randint(1, 8))
            run.append((names[a], names[b]))
    for k in range(args.inversions):
        a = rng.randrange(args.classes - 1)
        b = min(args.classes - 1, a + rng.randint(1, 3))
        runs[k % args.runs].append((names[b], names[a]))
    return names, [[(a, b, "exclusive->exclusive") for a, b in run] for run in runs]


def every_order(args, count, prefix, mode):
    names = ["%s%03d" % (prefix, i) for i in range(count)]
    pairs = [(a, b, mode) for a in names for b in names if a != b]
    return names, [pairs[k::args.runs] for k in range(args.runs)]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out_dir")
    p.add_argument("--classes", type=int, default=3000)
    p.add_argument("--runs", type=int, default=200)
    p.add_argument("--edges-per-run", type=int, default=100)
    p.add_argument("--inversions", type=int, default=12)
    p.add_argument("--readers", type=int, default=0)
    p.add_argument("--writers", type=int, default=0)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    rng = random.Random(args.seed)
    if args.readers:
        names, runs = every_order(args, args.readers, "r", "shared->shared")
    elif args.writers:
        names, runs = every_order(args, args.writers, "w", "exclusive->exclusive")
    else:
        names, runs = hierarchy(args, rng)
    os.makedirs(args.out_dir, exist_ok=True)
    for i, run in enumerate(runs):
        used = sorted({c for a, b, _ in run for c in (a, b)})
        # Every key the schema (docs/graph-file.schema.json) requires.
        doc = {
            "format": "lockgraph-graph",
            "version": 1,
            "pid": 1000 + i,
            "program": "/usr/lib/test/suite_%03d" % i,
            "classes": [{"name": c, "site": "layer.cc:" + c[1:], "function": "Layer::Layer()",
                         "instances": 1} for c in used],
            "edges": [edge(a, b, mode, i) for a, b, mode in run],
            "cycles": [],
            "reports": [],
            "stats": {"live_nodes": len(used), "live_edges": len(run), "stacks": len(run),
                      "slow_path_calls": len(run), "dropped_edges": 0, "memory_bytes": 0},
        }
        with open(os.path.join(args.out_dir, "run_%03d.json" % i), "w") as f:
            json.dump(doc, f)


if __name__ == "__main__":
    main()
