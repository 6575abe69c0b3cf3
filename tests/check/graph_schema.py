#!/usr/bin/env python3
"""Validates lockgraph graph files against docs/graph-file.schema.json.

    graph_schema.py [--if-available] SCHEMA GRAPH.json...

Exit 0 when every file validates, 1 otherwise (each problem printed with the
file and the path of the key), 77 when Python's jsonschema module is missing
(0 with --if-available, for tests whose main check is something else).

Files are checked "closed": the schema allows keys it does not describe (a
later writer of the same version may add some), but a key lockgraph writes
today must be in the schema, so the check also refuses keys the schema does
not list. Files written by something else (an older writer, a fixture with
keys from the future) are checked with the schema as it is.
"""
import copy
import json
import sys

SKIP = 77


def load_schema(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def closed(schema):
    """The schema with every described object refusing undescribed keys."""
    schema = copy.deepcopy(schema)

    def close(node):
        if isinstance(node, dict):
            if "properties" in node:
                node.setdefault("additionalProperties", False)
            for value in node.values():
                close(value)
        elif isinstance(node, list):
            for value in node:
                close(value)

    close(schema)
    return schema


def validator(schema):
    import jsonschema  # pylint: disable=import-outside-toplevel

    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def problems(check, path):
    """Every way the file at `path` fails `check`, as 'PATH: KEY.PATH: MESSAGE'."""
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        return [f"{path}: not a JSON document: {e}"]
    out = []
    for error in sorted(check.iter_errors(doc), key=lambda e: list(e.absolute_path)):
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        out.append(f"{path}: {where.lstrip('.') or '(top level)'}: {error.message}")
    return out


def main(argv):
    if_available = argv[:1] == ["--if-available"]
    args = argv[1:] if if_available else argv
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        check = validator(closed(load_schema(args[0])))
    except ImportError:
        print("graph_schema: skipped, Python's jsonschema module is not installed")
        return 0 if if_available else SKIP
    found = [p for path in args[1:] for p in problems(check, path)]
    for p in found:
        print(p)
    if not found:
        print(f"graph_schema: {len(args) - 1} graph file(s) valid")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
