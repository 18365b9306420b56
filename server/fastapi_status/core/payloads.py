"""Does a returned value carry an error? The signals FST201 and FST203 share.

A payload is a dict literal returned directly, through a local variable bound once to a dict
literal and used nowhere else, or as the content of a JSON response class built without a status
(`JSONResponse({...})`). It is an error payload when it has a non-empty `"error"`/`"errors"`
literal, `"ok"`/`"success": False`, `"status": "error"` (in a payload that carries nothing but
its outcome), or a `"detail"`/`"message"`/`"msg"` whose text reads as a failure.

Some payloads carry an error on purpose and are never error payloads: JSON-RPC answers
(`"jsonrpc"`), GraphQL answers (`"data"` with `"errors"`), yes/no answers (`"valid": False`,
`"available": False`, `"exists": False`) and degraded answers that keep the data keys with
fallback values (`{"items": [], "error": "…"}`).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

from fastapi_status.core.index import cached_on, scope_nodes, scope_statements
from fastapi_status.core.model import FunctionNode, ModuleModel, Route, kwarg
from fastapi_status.core.text import lazy_pattern

if TYPE_CHECKING:
    from fastapi_status.core.context import Context
    from fastapi_status.core.flow import ReturnSite

JSON_RESPONSES = {
    "fastapi.responses.JSONResponse",
    "fastapi.responses.ORJSONResponse",
    "fastapi.responses.UJSONResponse",
}
TEXT_RESPONSES = JSON_RESPONSES | {"fastapi.responses.PlainTextResponse"}
# Keys whose text is the message a fix keeps as the exception's `detail`, in order of preference.
MESSAGE_KEYS = ("detail", "message", "msg", "error_message", "error_msg", "error_description", "error")
SIGNAL_KEYS = {"error", "errors", "ok", "success", "status", "detail", "message", "msg", "error_message",
               "error_msg", "error_description", "exception"}
# Keys that describe an error rather than carry data.
META_KEYS = {"code", "error_code", "errorcode", "status_code", "statuscode", "type", "error_type", "errortype",
             "reason", "timestamp", "time", "request_id", "requestid", "trace_id", "traceid", "path", "method",
             "hint", "details", "help", "title", "exception_type", "level", "severity"}
# A yes/no question answered: `{"valid": False}` is a result, not a failure (normalised: no `_`, no `is` prefix).
REPORT_FLAGS = {"valid", "exists", "exist", "available", "found", "allowed", "eligible", "match", "matches",
                "matched", "verified", "healthy", "alive", "ready", "reachable", "connected", "enabled", "active",
                "accepted", "approved", "unique", "taken", "duplicate", "compatible", "supported", "correct"}
_STATUS_WORDS = {"error", "errored", "failed", "failure", "fail"}
_EMPTY_TEXTS = {"", "none", "null", "n/a", "na", "false", "ok", "no", "0", "-"}

# Failure wording. Each alternative is matched on word boundaries; "failed"/"expired" only as a
# verb or at the end ("Login failed", "Failed to save", "Token expired"), not as an adjective
# ("failed jobs retried", "expired sessions purged").
_FAILURE = lazy_pattern(
    r"\b(?:"
    r"not (?:be |been )?found|wasn'?t found|does ?n[o']t exist|do ?n[o']t exist|no longer exists?|no such|"
    r"invalid|not valid|unauthori[sz]ed|not authori[sz]ed|not authenticated|unauthenticated|forbidden|"
    r"not allowed|not permitted|permission denied|access denied|denied|"
    r"already (?:exists?|registered|taken|in use)|conflicts?|"
    r"failed(?=\s+(?:to|with|for|due|because|on|at|in|while|during|after|when)\b|\s*[.:;,!)\-]|\s*$)|"
    r"(?:failures?|errors?)(?!\s+(?:reports?|logs?|logging|rates?|tracking|handlers?|pages?|counts?|thresholds?|"
    r"budgets?|metrics|stats|statistics|notifications?|callbacks?|hooks?|levels?|monitoring|analytics)\b)|"
    r"missing|(?:is|are) required|incorrect|wrong (?:password|credentials|username)|"
    r"expired(?=\s*[.:;,!)\-]|\s*$)|unable to|cannot|can ?n[o']t|could ?n[o']t|bad request|"
    r"not supported|unsupported|too many requests|rate limit(?:ed)? exceeded"
    r")\b",
    re.IGNORECASE,
)
_SUCCESS = lazy_pattern(
    r"\b(?:success(?:ful(?:ly)?)?|succeeded|ok|okay|deleted|removed|created|updated|saved|cleared|purged|"
    r"resolved|fixed|dismissed|acknowledged|invalidated|logged|recorded|reported|sent|queued|scheduled|"
    r"completed|finished|done|processed|retried|restored|revoked|accepted|received|stored|submitted|uploaded|"
    r"imported|exported|started|stopped|cancell?ed|paused|resumed|applied|generated)\b",
    re.IGNORECASE,
)
_NEGATORS = {"no", "not", "nothing", "none", "never", "without", "zero", "0", "non", "nobody"}
_CONDITIONAL = lazy_pattern(r"\b(?:if|when|whether|unless|in case)\b", re.IGNORECASE)
_PLACEHOLDER = "\u2026"  # stands for an f-string's `{…}` in the text we read
_COUNTED = lazy_pattern(r"^(?:errors?|failures?|failed|missing|invalid)$", re.IGNORECASE)

_HINTS: tuple[tuple[re.Pattern[str], int], ...] = (
    (lazy_pattern(r"not (?:be |been )?found|wasn'?t found|does ?n[o']t exist|do ?n[o']t exist|no such|"
                r"no longer exists?", re.I), 404),
    (lazy_pattern(r"unauthori[sz]ed|not authenticated|unauthenticated|credential|(?:invalid|missing|bad) "
                r"(?:api[ _-]?key|token|jwt)|(?:incorrect|wrong|invalid|bad) (?:username|password|login)|"
                r"(?:token|session|jwt|signature) (?:has |is )?expired|log ?in required|not logged in", re.I), 401),
    (lazy_pattern(r"forbidden|permission|not allowed|access denied|not permitted|not authori[sz]ed|denied", re.I), 403),
    (lazy_pattern(r"already (?:exists?|registered|taken|in use)|conflict|duplicate", re.I), 409),
    (lazy_pattern(r"too many requests|rate limit", re.I), 429),
    (lazy_pattern(r"invalid|not valid|required|missing|bad request|incorrect|not supported|unsupported|"
                r"expired|wrong", re.I), 400),
)
# The status an exception type stands for, by (part of) its name, checked in order. Only names
# that say it plainly: a `ValueError` or `KeyError` is as often the server's own bug as the client's.
_EXCEPTION_HINTS: tuple[tuple[re.Pattern[str], int], ...] = (
    (lazy_pattern(r"NotFound|DoesNotExist|NoResultFound", re.I), 404),
    (lazy_pattern(r"Unauthori[sz]ed|AuthenticationError|InvalidToken|ExpiredSignature", re.I), 401),
    (lazy_pattern(r"^PermissionError$|Forbidden|PermissionDenied|AccessDenied", re.I), 403),
    (lazy_pattern(r"IntegrityError|Conflict|AlreadyExists|Duplicate|UniqueViolation", re.I), 409),
    (lazy_pattern(r"ValidationError", re.I), 422),
    (lazy_pattern(r"Timeout", re.I), 504),
)


@dataclass
class Payload:
    mapping: ast.Dict
    message: ast.expr | None  # the expression to keep as the exception's detail
    text: str  # the literal text we could read, for inferring a status
    reason: str  # which signal fired, for the message
    envelope_only: bool  # every key reports the outcome (no data, no yes/no flag)
    flagged: bool  # the signal is an `ok`/`success`/`status` flag


@dataclass
class Source:
    """Where a returned payload comes from."""

    mapping: ast.Dict | None  # the dict sent (None for a plain string body)
    call: ast.Call | None  # the JSON response call around it, if any
    local: ast.Assign | ast.AnnAssign | None  # the assignment a local variable went through
    body: ast.expr | None = None  # the returned text when it is not a dict (FST203's `return str(exc)`)


# -- text --------------------------------------------------------------------------------------


def literal_text(expr: ast.expr | None) -> str | None:
    """The readable text of a string literal, an f-string (each `{…}` read as "…"), or an
    implicit concatenation of those."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value
    if isinstance(expr, ast.JoinedStr):
        parts = []
        for v in expr.values:
            if isinstance(v, ast.Constant) and isinstance(v.value, str):
                parts.append(v.value)
            else:
                parts.append(_PLACEHOLDER)
        return "".join(parts)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        left, right = literal_text(expr.left), literal_text(expr.right)
        if left is None and right is None:
            return None
        return (left if left is not None else _PLACEHOLDER) + (right if right is not None else _PLACEHOLDER)
    return None


def _words_before(text: str, index: int, count: int = 3) -> list[str]:
    return re.findall(r"[\w\u2026']+", text[:index].lower())[-count:]


def _negated(text: str, match: re.Match[str]) -> bool:
    """`No errors found`, `completed without errors`, `nothing failed`, `0 errors`, `{n} failed`."""
    phrase = match.group(0).lower()
    if phrase.split()[0] in _NEGATORS:  # "not found", "no such": the phrase itself is the negation
        return False
    before = _words_before(text, match.start())
    if any(w in _NEGATORS for w in before):
        return True
    if before and _COUNTED.match(phrase) and (before[-1].isdigit() or before[-1] == _PLACEHOLDER):
        return True  # a count in a summary: "3 failed", "{n} errors"
    return False


def _conditional(text: str, match: re.Match[str]) -> bool:
    """`If the email is not found, nothing happens`: a statement about a case, not a failure."""
    start = max(text.rfind(c, 0, match.start()) for c in ".!?;\n") + 1
    return bool(_CONDITIONAL.search(text, start, match.start()))


def reads_as_success(text: str) -> bool:
    return any(not _negated(text, m) for m in _SUCCESS.finditer(text))


def reads_as_failure(text: str) -> bool:
    if reads_as_success(text):
        return False
    return any(not _negated(text, m) and not _conditional(text, m) for m in _FAILURE.finditer(text))


def infer_status(text: str, uses_422: bool) -> int | None:
    """The status a failure message stands for (not found 404, unauthorized 401, …)."""
    for pattern, code in _HINTS:
        if pattern.search(text):
            return 422 if code == 400 and uses_422 else code
    return None


def exception_status(handler: ast.ExceptHandler) -> int | None:
    """The status the exception types of an `except` clause stand for, when they all agree."""
    if handler.type is None:
        return None
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    codes = set()
    for t in types:
        name = t.attr if isinstance(t, ast.Attribute) else t.id if isinstance(t, ast.Name) else ""
        codes.add(next((c for pattern, c in _EXCEPTION_HINTS if pattern.search(name)), None))
    return codes.pop() if len(codes) == 1 else None


# -- where a payload comes from ----------------------------------------------------------------


def payload_source(expr: ast.expr | None, model: ModuleModel, handler: FunctionNode) -> Source | None:
    """The dict (or text) a returned expression sends with the route's status. None when it is
    not visibly one, or when a response object sets its own status."""
    local = None
    if isinstance(expr, ast.Name):
        local = single_literal_local(handler, expr)
        if local is None:
            return None
        expr = local.value
    call = None
    if isinstance(expr, ast.Call):
        cls = model.response_class_of(expr.func)
        if cls is None:
            return Source(None, None, local, expr)  # `str(exc)`, or a call we know nothing of
        if cls not in TEXT_RESPONSES:
            return None
        if len(expr.args) > 1 or kwarg(expr, "status_code") or any(k.arg is None for k in expr.keywords):
            return None
        call = expr
        kw = kwarg(expr, "content")
        expr = expr.args[0] if expr.args else kw.value if kw else None
        if cls not in JSON_RESPONSES:  # PlainTextResponse: only a text body
            return Source(None, call, local, expr) if expr is not None and not isinstance(expr, ast.Dict) else None
    if isinstance(expr, ast.Dict):
        return Source(expr, call, local)
    if expr is not None:
        return Source(None, call, local, expr)
    return None


def success_payloads(ctx: "Context", route: Route, in_except: bool) -> Iterator[tuple["ReturnSite", Source]]:
    """The returns of a route that answers 2xx, with the payload each sends (`payload_source`):
    those inside an `except` clause when `in_except`, else those outside one. A return after
    which the handler sets the status itself (`response.status_code = …`) is left out."""
    status = route.effective_status
    if status is None or not 200 <= status < 300:
        return
    for site in ctx.flow(route.handler).returns:
        if site.node is None or site.assignments or (site.handler is not None) != in_except:
            continue
        source = payload_source(site.value, ctx.model, route.handler)
        if source is not None:
            yield site, source


def single_literal_local(handler: FunctionNode, name: ast.Name) -> ast.Assign | ast.AnnAssign | None:
    """The one assignment `name = {…}` / `name = JSONResponse(...)` / `name = f"…"` of a local that is bound
    nowhere else and used only where it is returned (not mutated, not passed on, no attribute set)."""
    args = handler.args
    params = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg] if a}
    if name.id in params or name.id not in _literal_assignments(handler):
        return None
    assign = None
    returned, by_name = _locals_table(handler)
    for node in by_name.get(name.id, ()):
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            return None
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            if assign is not None or len(_targets(node)) != 1 or node.value is None:
                return None
            assign = node
            continue
        if isinstance(node.ctx, (ast.Store, ast.Del)) and not (assign is not None and node in _targets(assign)):  # type: ignore[attr-defined]
            return None  # bound again (a loop, `with … as`, walrus, `except … as`)
        if isinstance(node.ctx, ast.Load) and id(node) not in returned:  # type: ignore[attr-defined]
            return None  # used elsewhere: may be mutated or passed on
    if assign is None or not isinstance(assign.value, _LITERALS):
        return None
    return assign


_LITERALS = (ast.Dict, ast.Call, ast.JoinedStr, ast.BinOp, ast.Constant)


def _literal_assignments(handler: FunctionNode) -> set[str]:
    """The names a statement of the handler's own scope assigns a value `single_literal_local`
    accepts (`name = {…}`): the quick test before `_locals_table` walks every node of it (kept
    on the node)."""
    return cached_on(handler, "literal_assignments", lambda: _assigned_literals(handler.body))


def _assigned_literals(body: list[ast.stmt]) -> set[str]:
    assignments = [n for n in scope_statements(body) if isinstance(n, (ast.Assign, ast.AnnAssign))]
    return {t.id for n in assignments if isinstance(n.value, _LITERALS) for t in _targets(n) if isinstance(t, ast.Name)}


def _locals_table(handler: FunctionNode) -> tuple[set[int], dict[str, list[ast.AST]]]:
    """What `single_literal_local` reads of a handler, found in one walk (kept on the node):
    the ids of returned values, and for each name, in walk order, the `global`/`nonlocal`
    declarations naming it, the assignments with it as a plain target, and its uses."""
    return cached_on(handler, "locals_table", lambda: _build_locals_table(handler))


def _build_locals_table(handler: FunctionNode) -> tuple[set[int], dict[str, list[ast.AST]]]:
    returned: set[int] = set()
    by_name: dict[str, list[ast.AST]] = {}
    for node in _walk_own(handler):
        kind = node.__class__
        if kind is ast.Name:
            by_name.setdefault(node.id, []).append(node)  # type: ignore[attr-defined]
        elif kind is ast.Return:
            if node.value is not None:  # type: ignore[attr-defined]
                returned.add(id(node.value))  # type: ignore[attr-defined]
        elif kind is ast.Assign or kind is ast.AnnAssign:
            for target in dict.fromkeys(t.id for t in _targets(node) if isinstance(t, ast.Name)):  # type: ignore[arg-type]
                by_name.setdefault(target, []).append(node)
        elif kind is ast.Global or kind is ast.Nonlocal:
            for declared in dict.fromkeys(node.names):  # type: ignore[attr-defined]
                by_name.setdefault(declared, []).append(node)
    return returned, by_name


def _targets(assign: ast.Assign | ast.AnnAssign) -> list[ast.expr]:
    return assign.targets if isinstance(assign, ast.Assign) else [assign.target]


def _walk_own(handler: FunctionNode) -> list[ast.AST]:
    """The handler's nodes, not entering nested functions, lambdas or classes (computed once
    per function: several rules ask)."""
    return cached_on(handler, "own_nodes", lambda: scope_nodes(handler.body))


# -- the payload -------------------------------------------------------------------------------


def literal_key(node: ast.expr | None) -> str | None:
    """A dict literal's string key, lower-cased (`"Error"` → "error")."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.lower()
    return None


def _flag_name(key: str) -> str:
    k = key.replace("_", "").replace("-", "")
    return k[2:] if k.startswith("is") and len(k) > 2 else k


def _empty_container(value: ast.expr) -> bool:
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        return not value.elts
    if isinstance(value, ast.Dict):
        return not value.keys
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id in ("list", "dict", "tuple", "set")
        and not value.args
        and not value.keywords
    )


def _non_empty(value: ast.expr) -> bool:
    """A value that visibly holds an error (a variable may be empty: partial-success batches)."""
    if isinstance(value, ast.Constant):
        if isinstance(value.value, str):
            text = value.value.strip()
            return text.lower() not in _EMPTY_TEXTS and not reads_as_success(text)
        return bool(value.value) and value.value is not None
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        return bool(value.elts)
    if isinstance(value, ast.Dict):
        return bool(value.keys)
    if isinstance(value, ast.JoinedStr):
        return True
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in ("str", "repr"):
        return True
    return False


def _is_textual(expr: ast.expr) -> bool:
    if isinstance(expr, (ast.JoinedStr, ast.Name, ast.Attribute)):
        return True
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return True
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        return literal_text(expr) is not None
    return isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id in ("str", "repr")


def carries_error_by_design(mapping: ast.Dict) -> bool:
    """JSON-RPC and GraphQL answers, yes/no answers, and degraded answers that keep their data
    keys with fallback values: the error in them is part of the answer."""
    entries = {k: v for k, v in ((literal_key(k), v) for k, v in zip(mapping.keys, mapping.values)) if k is not None}
    if "jsonrpc" in entries or ("data" in entries and "errors" in entries):
        return True
    if "request" in entries:
        return True  # a template context (Starlette's templates need the request): a page, not JSON
    for key, value in entries.items():
        if _flag_name(key) in REPORT_FLAGS and isinstance(value, ast.Constant) and isinstance(value.value, bool):
            return True
    flags_failure = any(
        isinstance(entries.get(k), ast.Constant) and entries[k].value is False for k in ("ok", "success")
    ) or _status_word(entries.get("status"))
    if not flags_failure:
        for key, value in entries.items():
            if key not in SIGNAL_KEYS and key not in META_KEYS and _empty_container(value):
                return True  # {"items": [], "error": "…"}: the answer, degraded
    return False


def _nested_text(value: ast.expr) -> str:
    """The readable text inside an error structure (`{"message": "…"}`, `["…", "…"]`)."""
    texts = []
    for node in ast.walk(value):
        if isinstance(node, ast.Dict):
            for k, v in zip(node.keys, node.values):
                if literal_key(k) in MESSAGE_KEYS and literal_text(v):
                    texts.append(literal_text(v))
        elif isinstance(node, (ast.List, ast.Tuple)):
            texts += [t for t in (literal_text(e) for e in node.elts) if t]
    return " ".join(texts)  # type: ignore[arg-type]


def _status_word(value: ast.expr | None) -> bool:
    if isinstance(value, ast.Constant) and value.value is False:
        return True
    return isinstance(value, ast.Constant) and isinstance(value.value, str) and value.value.lower() in _STATUS_WORDS


def error_payload(mapping: ast.Dict) -> Payload | None:
    if any(k is None for k in mapping.keys) or carries_error_by_design(mapping):
        return None  # `**other` may hold anything
    entries: dict[str, ast.expr] = {}
    for k, v in zip(mapping.keys, mapping.values):
        key = literal_key(k)
        if key is not None:
            entries[key] = v
    envelope_only = all(k in SIGNAL_KEYS or k in META_KEYS for k in entries)
    message = next((entries[k] for k in MESSAGE_KEYS if k in entries and _is_textual(entries[k])), None)
    text = literal_text(message) or ""

    def found(reason: str, flagged: bool = False, msg: ast.expr | None = message, txt: str = text) -> Payload:
        return Payload(mapping, msg, txt, reason, envelope_only, flagged)

    for key in ("error", "errors"):
        if key in entries and _non_empty(entries[key]):
            value = entries[key]
            if message is None and isinstance(value, (ast.Dict, ast.List)):
                # `{"error": {"code": …, "message": "Not found"}}`: the structure is the detail
                return found(f'a non-empty "{key}"', msg=value, txt=_nested_text(value))
            return found(f'a non-empty "{key}"', txt=text or literal_text(value) or "")
    for key in ("ok", "success"):
        value = entries.get(key)
        if isinstance(value, ast.Constant) and value.value is False:
            return found(f'"{key}": False', flagged=True)
    status = entries.get("status")
    if envelope_only and _status_word(status):
        shown = "False" if status.value is False else f'"{status.value}"'  # type: ignore[union-attr]
        return found(f'"status": {shown}', flagged=True)
    for key in ("detail", "message", "msg", "error_message", "error_description"):
        t = literal_text(entries.get(key))
        if t and reads_as_failure(t):
            return found(f'a "{key}" that reports a failure', msg=entries[key], txt=t)
    return None


# -- the exception's own text (FST203) -----------------------------------------------------------

_ERROR_KEYS = {"error", "errors", "detail", "message", "msg", "reason", "exception", "error_message", "error_msg",
               "error_description", "err"}


def mentions_exception(expr: ast.AST, name: str | None) -> bool:
    """`str(exc)`, `repr(exc)`, `f"... {exc}"`, `exc.args`, or `exc` itself."""
    if not name:
        return False
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(expr))


def exception_text_in(mapping: ast.Dict, name: str | None) -> ast.expr | None:
    """The value of an error-ish key that carries the caught exception's text."""
    if not name or carries_error_by_design(mapping) or any(k is None for k in mapping.keys):
        return None
    for key, value in zip(mapping.keys, mapping.values):
        if literal_key(key) in _ERROR_KEYS and mentions_exception(value, name):
            text = literal_text(value)
            if text and reads_as_success(text):
                continue
            return value
    return None


def is_exception_text(expr: ast.expr, name: str | None) -> bool:
    """A text body made of the caught exception: `str(exc)`, `repr(exc)`, `f"failed: {exc}"`,
    `"failed: " + str(exc)`."""
    if not name:
        return False
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id in ("str", "repr"):
        return len(expr.args) == 1 and isinstance(expr.args[0], ast.Name) and expr.args[0].id == name
    if isinstance(expr, ast.JoinedStr) or (isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add)):
        text = literal_text(expr)
        if text is None or reads_as_success(text):
            return False
        return mentions_exception(expr, name)
    return False


# -- routes whose answer is a report ---------------------------------------------------------------

REPORT_WORDS = {"health", "healthz", "healthcheck", "check", "checks", "validate", "validation", "verify",
                "verification", "status", "ping", "test", "tests", "readiness", "liveness", "ready", "live",
                "livez", "readyz", "probe", "diagnose", "diagnostics", "debug", "introspect", "lint", "dry",
                "preview"}
# Callers of these routes (payment providers, chat platforms) retry on any non-2xx answer: a
# webhook receiver answers 200 on purpose, errors included. GraphQL and JSON-RPC answer 200 with
# errors in the body by specification.
ACKNOWLEDGE_WORDS = {"webhook", "webhooks", "hook", "hooks", "ipn", "slack", "telegram", "twilio", "whatsapp",
                     "stripe", "paypal", "graphql", "jsonrpc", "rpc"}


_WEBHOOK_NAME = lazy_pattern(r"web_?hook", re.IGNORECASE)
_SIGNATURE_HEADER = lazy_pattern(r"^[\w-]*signature[\w-]*$", re.IGNORECASE)


def receives_webhooks(handler: FunctionNode) -> bool:
    """The handler is a webhook receiver: its docstring or a name it uses says "webhook"
    (`stripe.Webhook.construct_event`), or it reads a signature header (`"stripe-signature"`,
    `"X-Hub-Signature-256"`)."""
    return cached_on(handler, "receives_webhooks", lambda: _receives_webhooks(handler))


def _receives_webhooks(handler: FunctionNode) -> bool:
    doc = ast.get_docstring(handler) or ""
    if _WEBHOOK_NAME.search(doc.split("\n", 1)[0]):
        return True
    for node in _walk_own(handler):
        if isinstance(node, ast.Name) and _WEBHOOK_NAME.search(node.id):
            return True
        if isinstance(node, ast.Attribute) and _WEBHOOK_NAME.search(node.attr):
            return True
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and _SIGNATURE_HEADER.match(node.value):
            return True
    return False


def response_handed_off(handler: FunctionNode, param: str | None) -> bool:
    """The injected `Response` is passed to a call (`set_status(response, 404)`, `setattr(...)`):
    its status may be set there."""
    if not param:
        return False
    for node in _walk_own(handler):
        if isinstance(node, ast.Call):
            args = [*node.args, *(k.value for k in node.keywords)]
            if any(isinstance(a, ast.Name) and a.id == param for a in args):
                return True
    return False


def in_same_block(handler: FunctionNode, first: ast.stmt, second: ast.stmt) -> bool:
    """Both statements sit in the same statement list, `first` before `second`."""
    for node in [handler, *_walk_own(handler)]:
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list) and first in block and second in block:
                return block.index(first) < block.index(second)
    return False
