"""POST /api/v1/letters/route-suggestion: the routing suggestion for a text, for staff."""

from __future__ import annotations

from ninja import Router, Schema

from zhengwu.core.api_auth import staff_auth

from .services import routing_suggest

router = Router(tags=["信件分办建议"])


class RouteSuggestionIn(Schema):
    # Optional in the schema so that a missing or empty text gets the service's Chinese 400.
    text: str | None = None


class SuggestionOut(Schema):
    department_code: str
    department_name: str
    work_areas: list[str]
    score: float
    basis: str = "match"  # "fallback": nothing matched; the general office is suggested
    note: str = ""


class RouteSuggestionOut(Schema):
    suggestions: list[SuggestionOut]


@router.post(
    "/route-suggestion", response=RouteSuggestionOut, auth=staff_auth,
    summary="信件分办建议:根据信件内容推荐承办部门(前三名,按得分从高到低)",
)
def route_suggestion(request, payload: RouteSuggestionIn):
    suggestions = routing_suggest(text=payload.text if payload.text is not None else "")
    return {"suggestions": [s.as_dict() for s in suggestions]}
