"""Published replies as search documents (doc_type "letter", id = the Publication's id)."""

from __future__ import annotations

from django.urls import reverse

from zhengwu.core.registries.search import SearchDocument

from ..models import Publication

DOC_TYPE = "letter"


def _document(p: Publication) -> SearchDocument:
    department = p.letter.department
    return SearchDocument(
        doc_type=DOC_TYPE,
        doc_id=str(p.pk),
        title=p.title,
        body=f"{p.body}\n答复:{p.reply}",
        url=reverse("letters:published_detail", kwargs={"publication_id": p.pk}),
        published_at=p.published_at,
        department_code=department.code if department else "",
        department_name=department.name if department else "",
    )


def _published():
    return Publication.objects.filter(status=Publication.Status.PUBLISHED).select_related("letter__department")


def iter_all():
    for p in _published().order_by("pk").iterator(chunk_size=500):
        yield _document(p)


def get_one(doc_id):
    try:
        pk = int(doc_id)
    except (TypeError, ValueError):
        return None
    p = _published().filter(pk=pk).first()
    return _document(p) if p else None
