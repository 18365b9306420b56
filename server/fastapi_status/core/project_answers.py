"""What the routes of the module being checked can answer, read in the whole project
(core/route_statuses.py) and what their OpenAPI documents (core/documented.py): the facts the
OpenAPI rules (FST401, FST402) share, computed once per analysis, and the project's status
model once per project index.

When the project read another text of the module than the one checked (the fix loop's later
rounds, a fix being applied), the module's routes are read in the text checked and the rest
of the project as it was read (`StatusModel.rebased`)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi_status.core.context import Context
from fastapi_status.core.documented import Documented, documented
from fastapi_status.core.project import ModuleInfo, ProjectIndex
from fastapi_status.core.project_routes import ProjectRoute
from fastapi_status.core.route_statuses import RouteStatuses, StatusModel
from fastapi_status.core.text import collector_paused

_MEMO = "project-answers"
ALONE = "__checked__"  # the name of a module checked without its project


@dataclass(frozen=True)
class Answers:
    """One inclusion of a route (a router can be included more than once): where it is served,
    what it can answer, what its OpenAPI documents."""

    route: ProjectRoute
    statuses: RouteStatuses
    documented: Documented


def route_answers(ctx: Context, alone: bool = False) -> dict[tuple[str, int, int], list[Answers]] | None:
    """The module's routes by (handler name, handler line, registration line), each with its
    inclusions. Without a project: None, or with `alone`, the module read as a project of its
    own (nothing outside it resolves, so whatever it reaches there stays unresolved). None
    also when the project cannot read the module, or the routes of the text checked cannot
    be matched with those it read."""
    view = ctx.settings.project
    if view is None or view.name is None:
        if not alone:
            return None
        return ctx.memo(_MEMO + ".alone", lambda: _answers(_alone(ctx), ALONE, ctx, None))
    if view.index.module(view.name) is None:
        return None
    return ctx.memo(_MEMO, lambda: _answers(view.index, view.name, ctx, view.reads))


def _alone(ctx: Context) -> ProjectIndex:
    index = ProjectIndex({ALONE: "<checked>"}, lambda path: ctx.source)
    index.preload(ALONE, ModuleInfo.of(ALONE, None, ctx.tree), ctx.source)
    return index


def routers_shared_elsewhere(ctx: Context) -> frozenset[str]:
    """The names of the module's routers that routes of other modules of the project are
    registered on too (`from .api import router` and `@router.get(…)` there): what their
    `responses=` says applies to those routes as well."""
    view = ctx.settings.project
    if view is None or view.name is None or view.index.module(view.name) is None:
        return frozenset()
    name = view.name
    return frozenset(
        p.chain[-1].name for p in _model(view.index).routes if p.chain and p.chain[-1].module == name and p.module.name != name
    )


def _model(index: ProjectIndex) -> StatusModel:
    known = index.memo.get(_MEMO)
    if not isinstance(known, tuple):
        with collector_paused():
            model = StatusModel(index)
        known = index.memo[_MEMO] = (model, frozenset(index.modules))  # (any module's change drops it)
    return known[0]


def _answers(index: ProjectIndex, name: str, ctx: Context, reads: set[str] | None):
    model = _model(index)
    if index.holds(name, ctx.source):
        routes = [p for p in model.routes if p.module.name == name]
    else:
        info = index.module(name)
        rebased = model.rebased(ModuleInfo.of(name, info.path if info else None, ctx.tree), ctx.model)
        if rebased is None:
            return None
        model, routes = rebased
    found: dict[tuple[str, int, int], list[Answers]] = {}
    with collector_paused():
        for proute in routes:
            handler, registration = proute.route.handler, proute.route.registration
            key = (handler.name, handler.lineno, registration.lineno)
            found.setdefault(key, []).append(Answers(proute, model.statuses(proute), documented(index, proute)))
    if reads is not None:
        reads.update(index.parsed_paths())  # (a cache of this module's findings depends on them all)
    return found
