"""What an error message says: the status it names, and whether what it reports missing is
what the request names. Shared by the rules that compare a message with the status the client
gets (FST306: an HTTPException's own status; FST209: a plain exception that becomes 500).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi_status.core.model import Route
from fastapi_status.core.params import path_parameters, request_parameters
from fastapi_status.core.payloads import MESSAGE_KEYS, literal_key, literal_text
from fastapi_status.core.text import lazy_pattern, words

if TYPE_CHECKING:
    from fastapi_status.core.context import Context


@dataclass(frozen=True)
class Meaning:
    status: int
    what: str  # how the message reads, for the diagnostic
    pattern: lazy_pattern
    contradicted_by: frozenset[int]  # the statuses that say something else


_NOT_FOUND = lazy_pattern(
    r"\b(?:not (?:be )?found|was ?n[o']t found|could not be found|does ?n[o']t exist|do ?n[o']t exist|"
    r"no longer exists?|no such)\b",
    re.I,
)
MEANINGS = (
    Meaning(404, "not found", _NOT_FOUND, frozenset({400, 422, 500})),
    Meaning(
        401,
        "not authenticated",
        lazy_pattern(
            r"\b(?:not authenticated|unauthenticated|authentication (?:is )?required|login (?:is )?required|"
            r"(?<!and )(?<!with )(?<!or )(?:missing|no) (?:bearer |access |auth(?:orization|entication)? )?(?:token|credentials|authorization header)|"
            r"invalid (?:or expired )?(?:api key|(?:access |bearer |auth(?:entication)? |session )?token)|"
            r"(?:token|session) (?:has |is )?expired)\b",
            re.I,
        ),
        frozenset({400, 404}),
    ),
    Meaning(
        403,
        "not allowed",
        lazy_pattern(
            r"\b(?:permission denied|insufficient (?:permissions?|privileges?|rights)|"
            r"(?:do|does) ?n[o']t have (?:the )?(?:required |necessary )?(?:permissions?|access|rights|privileges?)|"
            r"not authori[sz]ed to \w+|you (?:are|re) not (?:allowed|permitted) to|access (?:is )?denied|"
            r"only (?:an? )?(?:admins?|administrators?|owners?|the owner|proxy admins?|superusers?) (?:can|may|are allowed)|"
            r"(?:admin|administrator|superuser) (?:access|privileges?|rights|role) (?:is )?required)\b",
            re.I,
        ),
        frozenset({400, 401}),
    ),
    Meaning(
        409,
        "already exists",
        lazy_pattern(r"\b(?:already exists?|already registered|already in use|already taken|duplicate)\b", re.I),
        frozenset({500}),
    ),
    Meaning(
        429,
        "rate limited",
        lazy_pattern(r"\b(?:too many requests|rate limit(?:ed| exceeded| reached)|rate-limited)\b", re.I),
        frozenset({400, 403, 500}),
    ),
    Meaning(
        413,
        "too large",
        lazy_pattern(
            r"\b(?:(?:file|upload|payload|body|request|content|attachment|image)s? (?:\w+ )?(?:is |are )?too (?:large|big)|"
            r"exceeds? (?:the )?max(?:imum)? (?:file |upload |request |payload |body )?size)\b",
            re.I,
        ),
        frozenset({400, 422, 500}),
    ),
)
# Any of them: one search tells most messages apart from those worth the six.
_ANY_MEANING = lazy_pattern("|".join(f"(?:{m.pattern._args[0]})" for m in MEANINGS), re.I)
# A message that guesses ("This probably means you don't have access") says nothing for sure.
HEDGED = lazy_pattern(r"\b(?:probably|possibly|perhaps|maybe|might|may be|likely|could be)\b", re.I)
# Words between a "not found" message's subject and its "not found".
_FILLER = {"the", "a", "an", "requested", "given", "specified", "provided", "this", "that", "with", "id", "ids",
           "name", "of", "for", "your", "any", "one", "or", "more", "no", "record", "entry", "was", "were", "is",
           "are", "be", "been", "could", "can", "has", "have", "key", "uuid", "s"}


def message_text(ctx: Context, expr: ast.expr | None) -> tuple[str, set[str]] | None:
    """The text of a message (`"Item not found"`, an f-string with "…" for what it
    interpolates, `"… {}".format(x)`, a string constant of the module or of one of its classes),
    and the names it interpolates."""
    if expr is None:
        return None
    if isinstance(expr, ast.Dict):  # `detail={"error": "…"}`: the message under its key
        texts = {literal_key(k): v for k, v in zip(expr.keys, expr.values)}
        value = next((texts[k] for k in MESSAGE_KEYS if k in texts), None)
        return message_text(ctx, value) if value is not None else None
    if isinstance(expr, (ast.Constant, ast.JoinedStr)):
        text = literal_text(expr)
        names = {n.id for n in ast.walk(expr) if isinstance(n, ast.Name)}
        return (text, names) if text is not None else None
    if (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Attribute)
        and expr.func.attr == "format"
        and isinstance(expr.func.value, ast.Constant)
        and isinstance(expr.func.value.value, str)
    ):
        names = {n.id for arg in [*expr.args, *(k.value for k in expr.keywords)] for n in ast.walk(arg) if isinstance(n, ast.Name)}
        return expr.func.value.value, names
    constant = _string_constant(ctx, expr)
    return (constant, set()) if constant is not None else None


def _string_constant(ctx: Context, expr: ast.expr) -> str | None:
    """`NOT_FOUND` bound once at module level, or `Errors.NOT_FOUND` in a class of the module,
    to a string literal (looked up by name: the module's statements are not tabled)."""
    if isinstance(expr, ast.Name):
        return _bound_once(ctx.tree.body, expr.id)
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
        cls = ctx.model.classes.get(expr.value.id)
        return _bound_once(cls.body, expr.attr) if cls is not None else None
    return None


def _bound_once(body: list[ast.stmt], name: str) -> str | None:
    """The string literal `name` is bound to in `body`, when it is bound there once."""
    found = []
    for node in body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign):
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id == name:
            found.append(value)
    if len(found) == 1 and isinstance(found[0], ast.Constant) and isinstance(found[0].value, str):
        return found[0].value
    return None


# The server's own setup is missing: the message tells the operator to set an environment
# variable ("AWS region not found. Set AWS_REGION_NAME in the proxy environment."). Whatever
# else it says (that something is "not found"), the client can do nothing about it.
_ENV_NAME = lazy_pattern(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]{2,}\b")
_ENV_WHERE = lazy_pattern(
    r"\b(?:environment|env(?: var(?:iable)?s?)?|(?:on|in) the (?:proxy|server)|config(?:uration)? file)\b", re.I
)
_ENV_TELL = lazy_pattern(r"\b(?:set|add|configure|define|export|provide)\b", re.I)
SERVER_SETUP = Meaning(500, "the server's own setup is missing", _ENV_WHERE, frozenset({400, 401, 404, 422}))
# ... unless it also blames the request ("Unsupported path …; set …"), or it is about a feature
# the server has not turned on or licensed (a refusal: 403 or 501 may be the design there).
_NOT_ONLY_SETUP = lazy_pattern(
    r"\b(?:unsupported|not supported|invalid|must be|premium|enterprise|licen[cs]e|feature|not enabled|disabled)\b",
    re.I,
)


def meaning_of(text: str) -> Meaning | None:
    """The one status the message names; None when it names none, or more than one ("not
    found or not allowed"). A message that tells the operator to set an environment variable
    names the server's setup (500), whatever else it says."""
    if "_" in text and _ENV_NAME.search(text) and _ENV_WHERE.search(text) and _ENV_TELL.search(text):
        return None if _NOT_ONLY_SETUP.search(text) else SERVER_SETUP
    if not _ANY_MEANING.search(text):
        return None
    found = [m for m in MEANINGS if m.pattern.search(text)]
    return found[0] if len(found) == 1 else None


def subject(text: str) -> str | None:
    """The noun a "not found" message is about: `Item` in "Item 3 not found", `endpoint` in
    "Endpoint with ID {} was not found"."""
    m = _NOT_FOUND.search(text)
    if m is None:
        return None
    return next((w for w in reversed(words(text[: m.start()])) if w not in _FILLER and not w.isdigit()), None)


def singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def names_the_request(route: Route, text: str, names: set[str]) -> bool:
    """What the message says is missing is what the request's URL names: a path or query
    parameter it interpolates, or its subject is what a path parameter stands for (`item` for
    `{item_id}`, or for `{id}` in `/items/{id}`). A name in the body does not count (RPC-style
    `POST /team/delete` with `{"team_id": …}` answers 400 by design)."""
    if names & request_parameters(route.handler, route.path):
        return True
    noun = subject(text)
    return noun is not None and singular(noun) in path_nouns(route.path)


def path_nouns(path: str | None) -> set[str]:
    """What the path's parameters stand for: `/items/{id}/tags/{tag_name}` → {"item", "tag"}."""
    nouns: set[str] = set()
    segments = [s for s in (path or "").split("/") if s]
    for i, seg in enumerate(segments):
        if "{" not in seg:
            continue
        nouns |= {singular(w) for p in path_parameters(seg) for w in words(p) if w not in _ID_WORDS}
        if i and "{" not in segments[i - 1]:
            nouns |= {singular(w) for w in words(segments[i - 1])[-1:]}
    return nouns


_ID_WORDS = {"id", "ids", "uuid", "key", "name", "slug", "path", "identifier", "pk"}


def quoted(text: str) -> str:
    """A message as a diagnostic quotes it: at most 60 characters, `{}` shown as `…`."""
    short = text if len(text) <= 60 else text[:57] + "…"
    return '"' + short.replace("{}", "…") + '"'
