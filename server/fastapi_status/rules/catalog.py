"""The list of rule classes. A new rule is one module in this folder plus one line here."""

from __future__ import annotations

from fastapi_status.rules.fst101_create_without_201 import CreateWithout201
from fastapi_status.rules.fst102_body_on_no_content import BodyOnNoContent
from fastapi_status.rules.fst103_redirect_after_post_307 import RedirectAfterPost307
from fastapi_status.rules.fst104_delete_without_204 import DeleteWithout204
from fastapi_status.rules.fst201_error_body_with_2xx import ErrorBodyWith2xx
from fastapi_status.rules.fst202_none_for_missing import NoneForMissing
from fastapi_status.rules.fst203_except_answers_success import ExceptAnswersSuccess
from fastapi_status.rules.fst204_http_exception_swallowed import HttpExceptionSwallowed
from fastapi_status.rules.fst205_ignored_status_assignment import IgnoredStatusAssignment
from fastapi_status.rules.fst207_bad_input_answers_500 import BadInputAnswers500
from fastapi_status.rules.fst208_returned_http_exception import ReturnedHttpException
from fastapi_status.rules.fst209_client_error_raised_as_500 import ClientErrorRaisedAs500
from fastapi_status.rules.fst301_status_out_of_range import StatusOutOfRange
from fastapi_status.rules.fst302_http_exception_success_status import HttpExceptionSuccessStatus
from fastapi_status.rules.fst303_deprecated_status_constant import DeprecatedStatusConstant
from fastapi_status.rules.fst304_status_not_int import StatusNotInt
from fastapi_status.rules.fst305_declared_status_overridden import DeclaredStatusOverridden
from fastapi_status.rules.fst306_status_contradicts_message import StatusContradictsMessage
from fastapi_status.rules.fst401_undocumented_status import UndocumentedStatus
from fastapi_status.rules.fst402_documented_never_answered import DocumentedNeverAnswered
from fastapi_status.rules.fst501_bare_status_number import BareStatusNumber

RULES: list = [
    CreateWithout201,
    BodyOnNoContent,
    RedirectAfterPost307,
    DeleteWithout204,
    ErrorBodyWith2xx,
    NoneForMissing,
    ExceptAnswersSuccess,
    HttpExceptionSwallowed,
    IgnoredStatusAssignment,
    BadInputAnswers500,
    ReturnedHttpException,
    ClientErrorRaisedAs500,
    StatusOutOfRange,
    HttpExceptionSuccessStatus,
    DeprecatedStatusConstant,
    StatusNotInt,
    DeclaredStatusOverridden,
    StatusContradictsMessage,
    UndocumentedStatus,
    DocumentedNeverAnswered,
    BareStatusNumber,
]
