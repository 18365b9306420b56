"""The handler walk: which status assignments reach which return, except clauses, loops."""

from __future__ import annotations

import ast

from fastapi_status.core.flow import analyze_handler
from fastapi_status.core.model import ModuleModel


def flow_of(src: str):
    tree = ast.parse(src)
    m = ModuleModel(tree)
    handler = next(n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)))
    return analyze_handler(handler, m)


HEAD = "from fastapi import Response\n"


def test_assignment_reaches_only_the_paths_it_is_on():
    f = flow_of(
        HEAD
        + """
def h(x, response: Response):
    if x:
        response.status_code = 404
        return {"a": 1}
    return {"b": 2}
"""
    )
    assert f.response_param == "response"
    assert [bool(r.assignments) for r in f.returns] == [True, False]


def test_loops_are_walked_once_per_node_and_merge_states():
    f = flow_of(
        HEAD
        + """
def h(items, response: Response):
    for i in items:
        if i:
            return i
        response.status_code = 207
    return None
"""
    )
    assert len(f.returns) == 2
    # The assignment of an earlier iteration reaches the return inside the loop.
    assert [bool(r.assignments) for r in f.returns] == [True, True]
    assert len(f.assignments) == 1


def test_except_clause_and_fall_through():
    f = flow_of(
        """
def h():
    try:
        do()
    except ValueError as exc:
        return {"error": str(exc)}
"""
    )
    assert f.returns[0].handler is not None
    assert f.returns[-1].node is None  # falls off the end after the try


def test_while_true_without_break_never_falls_through():
    f = flow_of(
        """
def h():
    while True:
        if ready():
            return 1
"""
    )
    assert [r.node is None for r in f.returns] == [False]


def test_nested_functions_are_not_entered():
    f = flow_of(
        """
def h():
    def inner():
        return {"error": "x"}
    return inner
"""
    )
    assert len(f.returns) == 1
