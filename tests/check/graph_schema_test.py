#!/usr/bin/env python3
"""docs/graph-file.schema.json against every graph file there is:

- the schema itself is a valid draft 2020-12 schema, and describes every key;
- the graph files of graph_scenarios (empty, cycle, profile, many classes,
  same-class nesting, odd names) and of a C program under the preload
  library validate, with no key the schema does not describe;
- the fixtures under tests/testdata/graphs: good/ validate and `lockgraph
  check` reads them; bad/ fail the schema and `lockgraph check` refuses them
  (exit 2) with a message that names the file and the schema;
- the files scripts/synthetic-graphs.py writes for benchmarks validate;
- so do the graph files earlier tests of this build left behind
  (lockgraph_add_test writes them under BUILD/lockgraph-graphs).

Exit 0 when all hold, 1 otherwise, 77 (skipped) without Python's jsonschema.
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import graph_schema  # noqa: E402  pylint: disable=wrong-import-position

FAILS = []


def check(what, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        FAILS.append(what)
        if detail:
            print("     " + str(detail).replace("\n", "\n     "))


def undescribed(node, where="schema"):
    """Paths of properties (and $defs) in the schema that have no description."""
    out = []
    if isinstance(node, dict):
        for group in ("properties", "$defs"):
            for name, sub in node.get(group, {}).items():
                path = f"{where}.{group}.{name}"
                if "description" not in sub:
                    out.append(path)
                out += undescribed(sub, path)
        for key in ("items", "additionalProperties"):
            if isinstance(node.get(key), dict):
                out += undescribed(node[key], f"{where}.{key}")
    return out


def validate(check_fn, paths, what):
    found = [p for path in paths for p in graph_schema.problems(check_fn, path)]
    check(f"{what}: {len(paths)} file(s) validate", paths and not found, "\n".join(found[:10]))


def run_graph(argv, path, options="", env_extra=None):
    env = dict(os.environ)
    env["LOCKGRAPH_OPTIONS"] = f"graph_out={path}" + (":" + options if options else "")
    env.update(env_extra or {})
    result = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120, check=False)
    check(f"{' '.join(os.path.basename(a) for a in argv)} writes {os.path.basename(path)}",
          result.returncode == 0 and os.path.exists(path), result.stderr[-2000:])
    return path if os.path.exists(path) else None


def scenarios(args, work, strict):
    expectations = {
        "empty": lambda g: not g["classes"] and not g["edges"],
        "cycle": lambda g: g["cycles"] and g["reports"][0]["kind"] == "lock-order-inversion",
        "profile": lambda g: g.get("profile") and any(r["kind"] == "long-hold" for r in g["reports"]),
        "many": lambda g: len(g["classes"]) >= 300 and any(len(e["modes"]) == 4 for e in g["edges"]),
        "same_class": lambda g: {e.get("ranked") for e in g["edges"] if e.get("same_class")} ==
        {True, False} and any(r["kind"] == "rank-violation" for r in g["reports"]),
        "odd_names": lambda g: any("\ufffd" in c["name"] for c in g["classes"]) and
        any('"' in c["name"] for c in g["classes"]),
    }
    written = []
    for name, expect in expectations.items():
        options = "profile=1:hold_warn_ms=1" if name == "profile" else ""
        path = run_graph([args.scenarios, name], os.path.join(work, f"{name}.json"), options)
        if path is None:
            continue
        written.append(path)
        with open(path, encoding="utf-8") as f:
            check(f"scenario {name}: the graph holds what it should", expect(json.load(f)))
    validate(strict, written, "graph_scenarios")
    if args.preload and args.preload_program:
        path = run_graph([args.preload_program], os.path.join(work, "preload.json"),
                         env_extra={"LD_PRELOAD": args.preload})
        if path:
            validate(strict, [path], "preload mode")


def fixtures(args, open_schema):
    good = sorted(glob.glob(os.path.join(args.fixtures, "good", "*.json")))
    bad = sorted(glob.glob(os.path.join(args.fixtures, "bad", "*.json")))
    validate(open_schema, good, "tests/testdata/graphs/good")
    for path in good:
        result = subprocess.run([args.cli, "check", path], capture_output=True, text=True,
                                check=False)
        check(f"lockgraph check reads good/{os.path.basename(path)}", result.returncode in (0, 1),
              result.stderr)
    for path in bad:
        name = os.path.basename(path)
        check(f"the schema refuses bad/{name}", graph_schema.problems(open_schema, path) != [])
        result = subprocess.run([args.cli, "check", path], capture_output=True, text=True,
                                check=False)
        check(f"lockgraph check refuses bad/{name}, naming the file and the schema",
              result.returncode == 2 and path in result.stderr and
              "; see " in result.stderr and "graph-file.schema.json" in result.stderr,
              f"exit {result.returncode}: {result.stderr}")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--schema", required=True)
    p.add_argument("--cli", required=True)
    p.add_argument("--scenarios", required=True)
    p.add_argument("--fixtures", required=True)
    p.add_argument("--synthetic", required=True)
    p.add_argument("--collect", required=True)
    p.add_argument("--preload")
    p.add_argument("--preload-program")
    args = p.parse_args()
    schema = graph_schema.load_schema(args.schema)
    try:
        open_schema = graph_schema.validator(schema)
    except ImportError:
        print("skipped: Python's jsonschema module is not installed")
        return graph_schema.SKIP
    strict = graph_schema.validator(graph_schema.closed(schema))
    check("the schema is draft 2020-12 with an $id and a version",
          schema.get("$schema", "").endswith("/draft/2020-12/schema") and schema.get("$id") and
          schema["properties"]["version"].get("const") == 1)
    missing = undescribed(schema)
    check("every property of the schema has a description", not missing, missing)

    with tempfile.TemporaryDirectory() as work:
        scenarios(args, work, strict)
        fixtures(args, open_schema)
        synthetic = os.path.join(work, "synthetic")
        subprocess.run([sys.executable, args.synthetic, synthetic, "--classes", "60", "--runs", "3",
                        "--edges-per-run", "20", "--inversions", "2"], check=True)
        validate(strict, sorted(glob.glob(os.path.join(synthetic, "*.json"))),
                 "scripts/synthetic-graphs.py")
    left = sorted(glob.glob(os.path.join(args.collect, "**", "*.json"), recursive=True))
    if left:
        validate(strict, left, f"graph files of earlier tests in {args.collect}")
    else:
        print(f"note: no graph files of earlier tests in {args.collect} (run the whole suite)")
    print(f"graph_schema_test: {len(FAILS)} failed")
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
