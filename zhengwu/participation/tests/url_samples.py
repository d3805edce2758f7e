"""Sample objects of participation for the URL walk (zhengwu/core/tests/test_url_walk.py).

The walk's staff hold a 承办人 post, not 信息员/审核员, so every /office/participation/
page answers them 403 by declaration; the ids there only need to be well-formed.
"""


from zhengwu.core.tests.url_sample import Sample


def _world_samples(world):
    """One published solicitation and one live-results questionnaire in unit x (made once per world)."""
    cached = getattr(world, "_participation", None)
    if cached is None:
        from django.utils import timezone

        from zhengwu.accounts.tests.factories import StaffFactory
        from zhengwu.org.roles import Role
        from zhengwu.org.services import assignment_grant

        from .factories import published_questionnaire, published_solicitation

        unit = world.units["x"]
        editor, publisher = StaffFactory(username="walkeditor"), StaffFactory(username="walkpublisher")
        assignment_grant(actor=None, user=editor, unit=unit, role=Role.EDITOR)
        assignment_grant(actor=None, user=publisher, unit=unit, role=Role.PUBLISHER)
        today = timezone.localdate()
        s = published_solicitation(editor=editor, publisher=publisher, dept=unit, today=today)
        q = published_questionnaire(editor=editor, publisher=publisher, dept=unit, today=today)
        cached = world._participation = {"solicitation": s.pk, "questionnaire": q.pk}
    return cached


def solicitation_id(world) -> int:
    return _world_samples(world)["solicitation"]


def questionnaire_id(world) -> int:
    return _world_samples(world)["questionnaire"]


POST_ONLY = frozenset({405})
S = {"solicitation_id": solicitation_id}
Q = {"questionnaire_id": questionnaire_id}

PAGE_SAMPLES = {
    "participation:solicitation_list": Sample(),
    "participation:solicitation_detail": Sample(kwargs=S),
    "participation:comment_submit": Sample(kwargs=S, ok=POST_ONLY),
    "participation:questionnaire_list": Sample(),
    "participation:questionnaire_detail": Sample(kwargs=Q),
    "participation:questionnaire_results": Sample(kwargs=Q),
    "participation:office": Sample(),
    "participation:office_solicitation_new": Sample(),
    "participation:office_solicitation": Sample(kwargs={"solicitation_id": 1}),
    "participation:office_solicitation_articles": Sample(kwargs={"solicitation_id": 1}, ok=POST_ONLY),
    "participation:office_solicitation_publish": Sample(kwargs={"solicitation_id": 1}, ok=POST_ONLY),
    "participation:office_comment_publish": Sample(kwargs={"solicitation_id": 1, "comment_id": 1}, ok=POST_ONLY),
    "participation:office_comment_decide": Sample(kwargs={"solicitation_id": 1, "comment_id": 1}, ok=POST_ONLY),
    "participation:office_adoption_group": Sample(kwargs={"solicitation_id": 1}, ok=POST_ONLY),
    "participation:office_summary_publish": Sample(kwargs={"solicitation_id": 1}, ok=POST_ONLY),
    "participation:office_questionnaire_new": Sample(),
    "participation:office_questionnaire": Sample(kwargs={"questionnaire_id": 1}),
    "participation:office_question_add": Sample(kwargs={"questionnaire_id": 1}, ok=POST_ONLY),
    "participation:office_question_delete": Sample(kwargs={"questionnaire_id": 1, "question_id": 1}, ok=POST_ONLY),
    "participation:office_questionnaire_publish": Sample(kwargs={"questionnaire_id": 1}, ok=POST_ONLY),
    "participation:office_questionnaire_export": Sample(kwargs={"questionnaire_id": 1}),
}

API_SAMPLES = {
    ("GET", "/api/v1/participation/solicitations"): Sample(),
    ("GET", "/api/v1/participation/solicitations/{solicitation_id}"): Sample(kwargs=S),
    # An empty body: the schema's Chinese 422 for applicants; 401/403 for the others.
    ("POST", "/api/v1/participation/solicitations/{solicitation_id}/comments"): Sample(kwargs=S, ok=frozenset({422})),
    ("GET", "/api/v1/participation/questionnaires"): Sample(),
    ("GET", "/api/v1/participation/questionnaires/{questionnaire_id}"): Sample(kwargs=Q),
    ("POST", "/api/v1/participation/questionnaires/{questionnaire_id}/responses"): Sample(kwargs=Q, ok=frozenset({422})),
    ("GET", "/api/v1/participation/questionnaires/{questionnaire_id}/results"): Sample(kwargs=Q),
}
