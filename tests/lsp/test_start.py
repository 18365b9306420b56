"""Starting the server: `fastapi-status lsp --tcp` for debugging (stdio is what every other test
in this folder uses, through `python -m fastapi_status lsp`)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_tcp_mode_answers_initialize():
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "fastapi_status", "lsp", "--tcp", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                conn = socket.create_connection(("127.0.0.1", port), timeout=5)
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, server.stderr.read().decode()[-2000:]
                time.sleep(0.1)
        with conn:
            body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})
            conn.sendall(f"Content-Length: {len(body)}\r\n\r\n{body}".encode())
            data = b""
            while b"serverInfo" not in data:
                chunk = conn.recv(65536)
                assert chunk, "the server closed the connection"
                data += chunk
            assert b'"name": "fastapi-status"' in data and b"codeActionProvider" in data
    finally:
        server.kill()
        server.wait()
