"""HTTP status codes as FastAPI/Starlette name them, with their phrases and where they are defined.

The names follow `starlette.status` (which `fastapi.status` re-exports); the deprecated names
are the ones Starlette warns about. Nothing here imports Starlette.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from http import HTTPStatus


@dataclass(frozen=True)
class StatusInfo:
    code: int
    constant: str  # the name in fastapi.status
    phrase: str
    spec: str  # where the code is defined, e.g. "RFC 9110, section 15.5.5"


# code: (constant suffix, phrase, spec). RFC 9110 section numbers where 9110 defines the code.
_TABLE: dict[int, tuple[str, str, str]] = {
    100: ("CONTINUE", "Continue", "RFC 9110 §15.2.1"),
    101: ("SWITCHING_PROTOCOLS", "Switching Protocols", "RFC 9110 §15.2.2"),
    102: ("PROCESSING", "Processing", "RFC 2518 §10.1"),
    103: ("EARLY_HINTS", "Early Hints", "RFC 8297 §2"),
    200: ("OK", "OK", "RFC 9110 §15.3.1"),
    201: ("CREATED", "Created", "RFC 9110 §15.3.2"),
    202: ("ACCEPTED", "Accepted", "RFC 9110 §15.3.3"),
    203: ("NON_AUTHORITATIVE_INFORMATION", "Non-Authoritative Information", "RFC 9110 §15.3.4"),
    204: ("NO_CONTENT", "No Content", "RFC 9110 §15.3.5"),
    205: ("RESET_CONTENT", "Reset Content", "RFC 9110 §15.3.6"),
    206: ("PARTIAL_CONTENT", "Partial Content", "RFC 9110 §15.3.7"),
    207: ("MULTI_STATUS", "Multi-Status", "RFC 4918 §11.1"),
    208: ("ALREADY_REPORTED", "Already Reported", "RFC 5842 §7.1"),
    226: ("IM_USED", "IM Used", "RFC 3229 §10.4.1"),
    300: ("MULTIPLE_CHOICES", "Multiple Choices", "RFC 9110 §15.4.1"),
    301: ("MOVED_PERMANENTLY", "Moved Permanently", "RFC 9110 §15.4.2"),
    302: ("FOUND", "Found", "RFC 9110 §15.4.3"),
    303: ("SEE_OTHER", "See Other", "RFC 9110 §15.4.4"),
    304: ("NOT_MODIFIED", "Not Modified", "RFC 9110 §15.4.5"),
    305: ("USE_PROXY", "Use Proxy", "RFC 9110 §15.4.6"),
    306: ("RESERVED", "(Unused)", "RFC 9110 §15.4.7"),
    307: ("TEMPORARY_REDIRECT", "Temporary Redirect", "RFC 9110 §15.4.8"),
    308: ("PERMANENT_REDIRECT", "Permanent Redirect", "RFC 9110 §15.4.9"),
    400: ("BAD_REQUEST", "Bad Request", "RFC 9110 §15.5.1"),
    401: ("UNAUTHORIZED", "Unauthorized", "RFC 9110 §15.5.2"),
    402: ("PAYMENT_REQUIRED", "Payment Required", "RFC 9110 §15.5.3"),
    403: ("FORBIDDEN", "Forbidden", "RFC 9110 §15.5.4"),
    404: ("NOT_FOUND", "Not Found", "RFC 9110 §15.5.5"),
    405: ("METHOD_NOT_ALLOWED", "Method Not Allowed", "RFC 9110 §15.5.6"),
    406: ("NOT_ACCEPTABLE", "Not Acceptable", "RFC 9110 §15.5.7"),
    407: ("PROXY_AUTHENTICATION_REQUIRED", "Proxy Authentication Required", "RFC 9110 §15.5.8"),
    408: ("REQUEST_TIMEOUT", "Request Timeout", "RFC 9110 §15.5.9"),
    409: ("CONFLICT", "Conflict", "RFC 9110 §15.5.10"),
    410: ("GONE", "Gone", "RFC 9110 §15.5.11"),
    411: ("LENGTH_REQUIRED", "Length Required", "RFC 9110 §15.5.12"),
    412: ("PRECONDITION_FAILED", "Precondition Failed", "RFC 9110 §15.5.13"),
    413: ("CONTENT_TOO_LARGE", "Content Too Large", "RFC 9110 §15.5.14"),
    414: ("URI_TOO_LONG", "URI Too Long", "RFC 9110 §15.5.15"),
    415: ("UNSUPPORTED_MEDIA_TYPE", "Unsupported Media Type", "RFC 9110 §15.5.16"),
    416: ("RANGE_NOT_SATISFIABLE", "Range Not Satisfiable", "RFC 9110 §15.5.17"),
    417: ("EXPECTATION_FAILED", "Expectation Failed", "RFC 9110 §15.5.18"),
    418: ("IM_A_TEAPOT", "I'm a teapot", "RFC 9110 §15.5.19"),
    421: ("MISDIRECTED_REQUEST", "Misdirected Request", "RFC 9110 §15.5.20"),
    422: ("UNPROCESSABLE_CONTENT", "Unprocessable Content", "RFC 9110 §15.5.21"),
    423: ("LOCKED", "Locked", "RFC 4918 §11.3"),
    424: ("FAILED_DEPENDENCY", "Failed Dependency", "RFC 4918 §11.4"),
    425: ("TOO_EARLY", "Too Early", "RFC 8470 §5.2"),
    426: ("UPGRADE_REQUIRED", "Upgrade Required", "RFC 9110 §15.5.22"),
    428: ("PRECONDITION_REQUIRED", "Precondition Required", "RFC 6585 §3"),
    429: ("TOO_MANY_REQUESTS", "Too Many Requests", "RFC 6585 §4"),
    431: ("REQUEST_HEADER_FIELDS_TOO_LARGE", "Request Header Fields Too Large", "RFC 6585 §5"),
    451: ("UNAVAILABLE_FOR_LEGAL_REASONS", "Unavailable For Legal Reasons", "RFC 7725 §3"),
    500: ("INTERNAL_SERVER_ERROR", "Internal Server Error", "RFC 9110 §15.6.1"),
    501: ("NOT_IMPLEMENTED", "Not Implemented", "RFC 9110 §15.6.2"),
    502: ("BAD_GATEWAY", "Bad Gateway", "RFC 9110 §15.6.3"),
    503: ("SERVICE_UNAVAILABLE", "Service Unavailable", "RFC 9110 §15.6.4"),
    504: ("GATEWAY_TIMEOUT", "Gateway Timeout", "RFC 9110 §15.6.5"),
    505: ("HTTP_VERSION_NOT_SUPPORTED", "HTTP Version Not Supported", "RFC 9110 §15.6.6"),
    506: ("VARIANT_ALSO_NEGOTIATES", "Variant Also Negotiates", "RFC 2295 §8.1"),
    507: ("INSUFFICIENT_STORAGE", "Insufficient Storage", "RFC 4918 §11.5"),
    508: ("LOOP_DETECTED", "Loop Detected", "RFC 5842 §7.2"),
    510: ("NOT_EXTENDED", "Not Extended", "RFC 2774 §7"),
    511: ("NETWORK_AUTHENTICATION_REQUIRED", "Network Authentication Required", "RFC 6585 §6"),
}

STATUSES: dict[int, StatusInfo] = {
    code: StatusInfo(code, f"HTTP_{code}_{suffix}", phrase, spec) for code, (suffix, phrase, spec) in _TABLE.items()
}
BY_CONSTANT: dict[str, StatusInfo] = {info.constant: info for info in STATUSES.values()}

# Deprecated fastapi.status / starlette.status names and their replacements.
DEPRECATED_CONSTANTS: dict[str, str] = {
    "HTTP_413_REQUEST_ENTITY_TOO_LARGE": "HTTP_413_CONTENT_TOO_LARGE",
    "HTTP_414_REQUEST_URI_TOO_LONG": "HTTP_414_URI_TOO_LONG",
    "HTTP_416_REQUESTED_RANGE_NOT_SATISFIABLE": "HTTP_416_RANGE_NOT_SATISFIABLE",
    "HTTP_422_UNPROCESSABLE_ENTITY": "HTTP_422_UNPROCESSABLE_CONTENT",
}

_CONSTANT_RE = re.compile(r"HTTP_([1-5][0-9][0-9])_[A-Z0-9_]+")


def code_of_constant(name: str) -> int | None:
    """`HTTP_404_NOT_FOUND` → 404 (deprecated and unknown-but-well-formed names too)."""
    m = _CONSTANT_RE.fullmatch(name)
    return int(m.group(1)) if m else None


def code_of_http_status(member: str) -> int | None:
    """`NOT_FOUND` (a member of http.HTTPStatus) → 404."""
    try:
        return int(HTTPStatus[member])
    except KeyError:
        return None


def http_status_member(code: int) -> str | None:
    """201 → `CREATED`: the name of the member of `http.HTTPStatus` (the running Python's)."""
    try:
        return HTTPStatus(code).name
    except ValueError:
        return None


def body_allowed(code: int) -> bool:
    """FastAPI's `is_body_allowed_for_status_code`: no body for 1xx, 204, 205 and 304."""
    return not (code < 200 or code in (204, 205, 304))


def phrase(code: int) -> str:
    info = STATUSES.get(code)
    if info:
        return info.phrase
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return ""


def describe(code: int) -> str:
    """`404 Not Found`."""
    p = phrase(code)
    return f"{code} {p}" if p else str(code)
