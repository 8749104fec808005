"""Parses SQL statements with sqlglot's Trino dialect; used by test/sql/dialects.test.ts.

Reads a JSON object {name: sql} on stdin and prints {name: {"error": null | text, "functions":
[names]}} on stdout. A statement passes only if sqlglot reads all of it as exactly one Trino
statement with errors raised; the function names let the test check each against the functions
both engines have.
"""
import json
import sys

import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel


def function_names(tree):
    names = set()
    for node in tree.find_all(exp.Func):
        if isinstance(node, exp.Anonymous):
            names.add(str(node.this).lower())
        else:
            names.add(node.sql_name().lower())
    return sorted(names)


out = {}
for name, sql in json.load(sys.stdin).items():
    try:
        trees = [t for t in sqlglot.parse(sql, read="trino", error_level=ErrorLevel.RAISE) if t is not None]
        if len(trees) != 1:
            out[name] = {"error": "not exactly one statement", "functions": []}
        else:
            out[name] = {"error": None, "functions": function_names(trees[0])}
    except Exception as err:  # noqa: BLE001 - any parse failure is reported by name
        out[name] = {"error": f"{type(err).__name__}: {err}", "functions": []}
print(json.dumps(out))
