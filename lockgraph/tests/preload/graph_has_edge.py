"""graph_has_edge.py GRAPH FROM TO: exit 0 when the graph file (graph_out)
has an edge from class FROM to class TO, 1 otherwise (printing the edges)."""
import json
import sys

graph = json.load(open(sys.argv[1]))
edges = [(e["from"], e["to"]) for e in graph["edges"]]
if (sys.argv[2], sys.argv[3]) in edges:
    sys.exit(0)
print(f"no edge {sys.argv[2]} -> {sys.argv[3]} among {edges}")
sys.exit(1)
