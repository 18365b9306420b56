"""pygls' LanguageServerProtocol, with three changes:

- a request whose params do not fit the LSP types (a hover whose `textDocument` is a string, a
  negative line, a missing field) is answered with -32602 (InvalidParams) and a message naming
  what is wrong; a notification like that is logged in one line. (pygls raises while decoding
  the message, so the request got no answer and a traceback was printed.)
- a `$/cancelRequest` for a request already answered is normal (clients cancel what they no
  longer need): logged at debug level, not as a warning;
- the workspace keeps its documents with LSP's line rules (lsp/documents.py)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

import cattrs
from cattrs.v import format_exception
from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import JsonRPCNotification, JsonRPCRequestMessage, MsgId
from pygls.protocol.language_server import lsp_method

from fastapi_status.lsp.documents import LspWorkspace

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Malformed:
    """A request or notification whose params could not be read."""

    method: str
    id: MsgId | None  # None: a notification
    problem: str


def describe(exc: Exception) -> str:
    """What is wrong with a message, in one line: `invalid value for type, expected str @
    $.params.textDocument.uri` (with LSP's names for the fields)."""
    if isinstance(exc, cattrs.BaseValidationError):
        problems = cattrs.transform_error(exc, path="$", format_exception=_detail)
        return "; ".join(_lsp_names(p) for p in problems)
    return f"{type(exc).__name__}: {exc}"


def _detail(exc: BaseException, type_: Any) -> str:
    """cattrs' description of one failure, with the validator's reason when it gave one (a
    negative line: "Position.line should be in range [0:2147483647], but was -1.")."""
    text = format_exception(exc, type_)
    if isinstance(exc, (ValueError, TypeError)) and str(exc) and not isinstance(exc, cattrs.BaseValidationError):
        text = f"{text} ({exc})"
    return text


def _lsp_names(problem: str) -> str:
    """`… @ $.params.text_document` → `… @ $.params.textDocument` (the names the client sent)."""
    text, at, path = problem.rpartition(" @ ")
    if not at:
        return problem
    return f"{text} @ " + re.sub(r"_([a-z])", lambda m: m.group(1).upper(), path)


class FastapiStatusProtocol(LanguageServerProtocol):
    def structure_message(self, data: dict[str, Any]):
        """pygls' decoding, except that a request or notification that does not decode becomes
        `Malformed` (answered in `handle_message`) instead of an exception."""
        if "jsonrpc" not in data or "method" not in data:
            return super().structure_message(data)
        method = data["method"]
        is_request = "id" in data
        try:
            fallback = JsonRPCRequestMessage if is_request else JsonRPCNotification
            return self._converter.structure(data, self.get_message_type(method) or fallback)
        except Exception as exc:  # noqa: BLE001 (whatever fails to decode is answered, not raised)
            msg_id = data.get("id") if isinstance(data.get("id"), (int, str)) else None
            return Malformed(str(method), msg_id if is_request else None, describe(exc))

    def handle_message(self, message) -> None:
        if isinstance(message, Malformed):
            self.reject(message)
            return
        super().handle_message(message)

    def reject(self, message: Malformed) -> None:
        """Answer a malformed request with InvalidParams; log a malformed notification."""
        text = f"Invalid params for {message.method}: {message.problem}"
        if message.id is None:
            self._server.window_log_message(
                types.LogMessageParams(type=types.MessageType.Warning, message=f"Ignored: {text}")
            )
            return
        log.debug("%s (request %s)", text, message.id)
        self._send_response(message.id, error=JsonRpcInvalidParams(text).to_response_error())

    def _handle_cancel_notification(self, msg_id: MsgId) -> None:
        """Cancel the request if it is still running; one already answered is not worth a
        word (clients cancel what they no longer need, often after the answer came)."""
        future = self._request_futures.pop(msg_id, None)
        if future is None:
            log.debug('Cancel notification for unknown message id "%s"', msg_id)
        elif future.cancel():
            log.debug('Cancelled request with id "%s"', msg_id)

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(self, params: types.InitializeParams):
        """pygls' initialize, with its workspace replaced by an `LspWorkspace` as soon as it is
        made (before the server's own initialize handler runs)."""
        steps = super().lsp_initialize(params)
        reply = None
        while True:
            try:
                step = steps.send(reply)
            except StopIteration as done:
                self._use_lsp_workspace()
                return done.value
            self._use_lsp_workspace()
            reply = yield step

    def _use_lsp_workspace(self) -> None:
        if self._workspace is not None and not isinstance(self._workspace, LspWorkspace):
            self._workspace = LspWorkspace.like(self._workspace, self._server._text_document_sync_kind)
