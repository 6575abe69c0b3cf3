"""Validates a SARIF file against the SARIF 2.1.0 schema and checks that each
result carries a code flow with one thread flow per lock-order edge: at least
two for a cycle (LG1001), one for an order violation (LG1002).

usage: validate_sarif.py SCHEMA SARIF [EXPECTED_RESULTS]
"""
import json
import sys

import jsonschema

schema_path, sarif_path = sys.argv[1], sys.argv[2]
expected = int(sys.argv[3]) if len(sys.argv) > 3 else None
with open(schema_path) as f:
    schema = json.load(f)
with open(sarif_path) as f:
    doc = json.load(f)
jsonschema.validate(doc, schema)
results = doc["runs"][0]["results"]
if expected is not None and len(results) != expected:
    sys.exit("expected %d results, got %d" % (expected, len(results)))
for r in results:
    flows = r["codeFlows"][0]["threadFlows"]
    edges = 2 if r["ruleId"] == "LG1001" else 1
    if len(flows) < edges or not all(f["locations"] for f in flows):
        sys.exit("result without a thread flow per edge: %s" % r["message"]["text"])
print("SARIF valid: %d result(s)" % len(results))
