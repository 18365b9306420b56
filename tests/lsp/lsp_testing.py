"""Helpers shared by the server tests."""

from __future__ import annotations

import asyncio

WAIT = 30.0  # seconds: generous for a slow CI machine; a passing test never waits this long


async def until(predicate, what: str, timeout: float = WAIT):
    """Wait for `predicate()` to return something truthy, and return it."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)
