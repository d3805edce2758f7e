"""What participation puts into other parts of the platform: portal panels, the office link, search."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from zhengwu.core.bounds import is_id_text
from zhengwu.core.registries.search import SearchDocument
from zhengwu.org import responsibility

from .models import Phase, Solicitation
from .selectors import questionnaire_list_public, solicitation_list_public
from .services.common import DRAFT_ROLES

PANEL_ROWS = 5


def _panel(id_prefix: str):
    def render(request) -> str:
        # Section pages are cached for anonymous visitors: nothing here depends on who asks.
        today = timezone.localdate()
        solicitations, _ = solicitation_list_public(today=today, phase=Phase.OPEN)
        questionnaires = questionnaire_list_public(today=today, phase=Phase.OPEN)
        return render_to_string("participation/_panel.html", {
            "solicitations": solicitations[:PANEL_ROWS], "questionnaires": questionnaires[:PANEL_ROWS],
            "id_prefix": id_prefix,
        })

    return render


section_panel = _panel("section")
home_panel = _panel("home")


def office_link_visible(user) -> bool:
    return responsibility.posts_for(user).holds(DRAFT_ROLES)


def _document(s: Solicitation) -> SearchDocument:
    parts = [s.background, s.body]
    if s.summary_published_at:
        parts.append("意见采纳情况:" + s.summary)
    return SearchDocument(
        doc_type="solicitation", doc_id=str(s.pk), title=f"【意见征集】{s.title}", body="\n".join(p for p in parts if p),
        url=reverse("participation:solicitation_detail", args=[s.pk]), published_at=s.published_at,
        department_code=s.department.code, department_name=s.department.name,
    )


def search_iter_all():
    qs = Solicitation.objects.filter(status=Solicitation.Status.PUBLISHED).select_related("department").order_by("pk")
    for s in qs.iterator(chunk_size=200):
        yield _document(s)


def search_get_one(doc_id: str):
    if not is_id_text(doc_id):
        return None
    s = Solicitation.objects.filter(pk=int(doc_id), status=Solicitation.Status.PUBLISHED).select_related("department").first()
    return _document(s) if s else None



