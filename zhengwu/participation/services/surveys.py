"""Writes of 网上调查 / 评选: questionnaires, questions, publishing and responses.

One response per real-name user, or per browser for anonymous polls. The rule is a unique
constraint on the response row, so two concurrent submits cannot both land; the early
check only gives the common case a friendly message without a failed insert.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengwu.core.bounds import is_id_text
from zhengwu.core.access import is_applicant
from zhengwu.core.audit import audit_record
from zhengwu.core.errors import Conflict, FieldErrors, NotFound, PermissionDenied, ValidationFailed

from ..models import Answer, Choice, Phase, Question, Questionnaire, Response
from ..plain_text import clean_line, clean_plain_text
from .common import (
    DRAFT_ROLES,
    PUBLISH_ROLES,
    ip_digest,
    parse_date,
    rate_limit,
    setting,
    require_department,
    sync_instance,
)

TITLE_MAX = 200
DESCRIPTION_MAX = 10_000
QUESTION_MAX = 500
CHOICE_MAX = 200
MAX_CHOICES = 50
MAX_QUESTIONS = 100
TEXT_ANSWER_MAX = 1_000


def _choice_of(enum, value, label: str) -> str:
    if value not in enum.values:
        raise ValidationFailed(f"{label}取值无效", code="option_invalid")
    return value


def _questionnaire_fields(*, title, description, kind, identity_mode, results_mode, opens_on, closes_on) -> dict:
    opens = parse_date(opens_on, label="开始日期") if opens_on else timezone.localdate()
    closes = parse_date(closes_on, label="截止日期")
    if closes < opens:
        raise ValidationFailed("截止日期不能早于开始日期", code="period_reversed")
    if (closes - opens).days > 366:
        raise ValidationFailed("调查期限不能超过一年", code="period_too_long")
    return {
        "title": clean_line(title, label="标题", max_length=TITLE_MAX, code="title"),
        "description": clean_plain_text(description, label="说明", max_length=DESCRIPTION_MAX, required=False,
                                        code="description"),
        "kind": _choice_of(Questionnaire.Kind, kind, "类型"),
        "identity_mode": _choice_of(Questionnaire.IdentityMode, identity_mode, "参与方式"),
        "results_mode": _choice_of(Questionnaire.ResultsMode, results_mode, "结果公开方式"),
        "opens_on": opens,
        "closes_on": closes,
    }


@transaction.atomic
def questionnaire_create(*, actor, department, title, closes_on, description: str = "",
                         kind=Questionnaire.Kind.SURVEY, identity_mode=Questionnaire.IdentityMode.REAL_NAME,
                         results_mode=Questionnaire.ResultsMode.AFTER_CLOSE, opens_on=None) -> Questionnaire:
    require_department(actor, department, DRAFT_ROLES, "信息员或审核员")
    fields = _questionnaire_fields(title=title, description=description, kind=kind, identity_mode=identity_mode,
                                   results_mode=results_mode, opens_on=opens_on, closes_on=closes_on)
    questionnaire = Questionnaire.objects.create(department=department, created_by=actor, **fields)
    audit_record(actor=actor, action="participation.questionnaire.create", obj=questionnaire,
                 details={"title": questionnaire.title, "kind": questionnaire.kind,
                          "identity_mode": questionnaire.identity_mode})
    return questionnaire


def _locked_draft(questionnaire: Questionnaire) -> Questionnaire:
    locked = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    if locked.status != Questionnaire.Status.DRAFT:
        raise Conflict("问卷已发布,不能再修改", code="questionnaire_published")
    return locked


@transaction.atomic
def questionnaire_update(*, actor, questionnaire: Questionnaire, title, closes_on, description: str = "",
                         kind=Questionnaire.Kind.SURVEY, identity_mode=Questionnaire.IdentityMode.REAL_NAME,
                         results_mode=Questionnaire.ResultsMode.AFTER_CLOSE, opens_on=None) -> Questionnaire:
    require_department(actor, questionnaire.department, DRAFT_ROLES, "信息员或审核员")
    locked = _locked_draft(questionnaire)
    fields = _questionnaire_fields(title=title, description=description, kind=kind, identity_mode=identity_mode,
                                   results_mode=results_mode, opens_on=opens_on or locked.opens_on,
                                   closes_on=closes_on)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save()
    audit_record(actor=actor, action="participation.questionnaire.update", obj=locked, details={"title": locked.title})
    sync_instance(questionnaire, locked)
    return locked


def _int(value, label: str, default: int = 0) -> int:
    if value in (None, ""):
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(f"{label}必须是整数", code="number_invalid") from None


@transaction.atomic
def question_add(*, actor, questionnaire: Questionnaire, kind, text, required: bool = True, choices=(),
                 min_choices=None, max_choices=None) -> Question:
    """Add a question to a draft; choice questions need 2–50 distinct options."""
    require_department(actor, questionnaire.department, DRAFT_ROLES, "信息员或审核员")
    locked = _locked_draft(questionnaire)
    kind = _choice_of(Question.Kind, kind, "题型")
    count = locked.questions.count()
    if count >= MAX_QUESTIONS:
        raise ValidationFailed(f"每份问卷最多 {MAX_QUESTIONS} 题", code="too_many_questions")
    labels: list[str] = []
    low = high = 0
    if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        if isinstance(choices, str):
            choices = choices.splitlines()
        for i, raw in enumerate(choices or [], start=1):
            label = clean_line(raw, label=f"第 {i} 个选项", max_length=CHOICE_MAX, required=False, code="choice")
            if label and label not in labels:
                labels.append(label)
        if len(labels) < 2:
            raise ValidationFailed("选择题至少需要两个不同的选项", code="choices_too_few")
        if len(labels) > MAX_CHOICES:
            raise ValidationFailed(f"每题最多 {MAX_CHOICES} 个选项", code="choices_too_many")
        if kind == Question.Kind.MULTIPLE:
            low = _int(min_choices, "最少选择项数", 1 if required else 0)
            high = _int(max_choices, "最多选择项数", len(labels))
            if required and low < 1:
                low = 1
            if not (0 <= low <= high <= len(labels)) or high < 1:
                raise ValidationFailed(f"最少、最多选择项数应满足 0 ≤ 最少 ≤ 最多 ≤ 选项数({len(labels)})",
                                       code="choice_limits_invalid")
        else:
            low, high = (1 if required else 0), 1
    question = Question.objects.create(
        questionnaire=locked, position=count + 1, kind=kind, required=bool(required),
        text=clean_line(text, label="题目", max_length=QUESTION_MAX, code="question"),
        min_choices=low, max_choices=high,
    )
    Choice.objects.bulk_create([Choice(question=question, position=i, label=label) for i, label in enumerate(labels, 1)])
    audit_record(actor=actor, action="participation.question.add", obj=question,
                 details={"questionnaire_id": locked.pk, "kind": kind, "choices": len(labels)})
    return question


@transaction.atomic
def question_delete(*, actor, question: Question) -> None:
    require_department(actor, question.questionnaire.department, DRAFT_ROLES, "信息员或审核员")
    locked = _locked_draft(question.questionnaire)
    position, pk = question.position, question.pk
    question.delete()
    # Renumber in two steps so the unique (questionnaire, position) never sees a clash.
    later = list(locked.questions.filter(position__gt=position).order_by("position"))
    for q in later:
        q.position += 10_000
    Question.objects.bulk_update(later, ["position"])
    for q in later:
        q.position -= 10_001
    Question.objects.bulk_update(later, ["position"])
    audit_record(actor=actor, action="participation.question.delete", object_type="participation.question",
                 object_id=pk, details={"questionnaire_id": locked.pk, "position": position})


@transaction.atomic
def questionnaire_publish(*, actor, questionnaire: Questionnaire) -> Questionnaire:
    require_department(actor, questionnaire.department, PUBLISH_ROLES, "审核员")
    locked = _locked_draft(questionnaire)
    if locked.closes_on < timezone.localdate():
        raise ValidationFailed("截止日期已过,请修改截止日期后再发布", code="closes_in_past")
    if not locked.questions.exists():
        raise ValidationFailed("问卷还没有题目", code="no_questions")
    locked.status = Questionnaire.Status.PUBLISHED
    locked.published_by, locked.published_at = actor, timezone.now()
    locked.save(update_fields=["status", "published_by", "published_at", "updated_at"])
    audit_record(actor=actor, action="participation.questionnaire.publish", obj=locked,
                 details={"title": locked.title, "opens_on": locked.opens_on.isoformat(),
                          "closes_on": locked.closes_on.isoformat()})
    sync_instance(questionnaire, locked)
    return locked


# ------------------------------------------------------------------ responses


def already_answered_message(questionnaire: Questionnaire) -> str:
    if questionnaire.kind == Questionnaire.Kind.VOTE:
        return "您已经投过票了,每人只能投票一次"
    return "您已经提交过本问卷,每人只能提交一次"


def _period_refusal(questionnaire: Questionnaire, phase: str) -> str:
    noun = "投票" if questionnaire.kind == Questionnaire.Kind.VOTE else "调查"
    if phase == Phase.UPCOMING:
        return f"本次{noun}将于 {questionnaire.opens_on:%Y年%m月%d日} 开始"
    return f"本次{noun}已于 {questionnaire.closes_on:%Y年%m月%d日} 结束,不再接受提交"


def _choice_ids(value, where: str) -> list[int]:
    values = value if isinstance(value, (list, tuple)) else [value]
    out = []
    for v in values:
        if v is None or v == "":
            continue
        if isinstance(v, int) and not isinstance(v, bool):
            out.append(v)
        elif isinstance(v, str) and is_id_text(v.strip()):
            out.append(int(v.strip()))
        else:
            raise ValidationFailed(f"{where}的所选选项不存在", code="choice_invalid")
    return out


def answers_validate(*, questionnaire: Questionnaire, answers: dict) -> list[Answer]:
    """Check ``answers`` ({question id: choice id | [choice ids] | 1–5 | text}) and return unsaved Answer rows."""
    if not isinstance(answers, dict):
        raise ValidationFailed("答卷格式不正确", code="answers_invalid")
    questions = list(questionnaire.questions.prefetch_related("choices").order_by("position"))
    by_id = {str(q.pk): q for q in questions}
    unknown = [k for k in answers if str(k) not in by_id]
    if unknown:
        raise ValidationFailed("答卷中有不属于本问卷的题目", code="question_unknown")
    given = {str(k): v for k, v in answers.items()}
    rows: list[Answer] = []
    # Every question is checked, so a respondent sees all unanswered or wrong ones at once.
    errors = FieldErrors()

    def one(q) -> list[Answer]:
        out: list[Answer] = []
        value = given.get(str(q.pk))
        where = f"第 {q.position} 题"
        if q.has_choices:
            ids = _choice_ids(value, where)
            valid = {c.pk: c for c in q.choices.all()}
            if any(i not in valid for i in ids):
                raise ValidationFailed(f"{where}的所选选项不存在", code="choice_invalid", details={"question": q.pk})
            if len(set(ids)) != len(ids):
                raise ValidationFailed(f"{where}的选项重复", code="choice_duplicate", details={"question": q.pk})
            if q.kind == Question.Kind.SINGLE and len(ids) > 1:
                raise ValidationFailed(f"{where}是单选题,只能选择一项", code="too_many_choices",
                                       details={"question": q.pk})
            if not ids and q.required:
                raise ValidationFailed(f"{where}为必答题,请选择", code="answer_required", details={"question": q.pk})
            if ids and q.kind == Question.Kind.MULTIPLE:
                if len(ids) > q.max_choices:
                    raise ValidationFailed(f"{where}最多选择 {q.max_choices} 项", code="too_many_choices",
                                           details={"question": q.pk, "max": q.max_choices})
                if len(ids) < q.min_choices:
                    raise ValidationFailed(f"{where}至少选择 {q.min_choices} 项", code="too_few_choices",
                                           details={"question": q.pk, "min": q.min_choices})
            out.extend(Answer(question=q, choice=valid[i]) for i in ids)
        elif q.kind == Question.Kind.RATING:
            if value in (None, ""):
                if q.required:
                    raise ValidationFailed(f"{where}为必答题,请评分", code="answer_required", details={"question": q.pk})
                return out
            # Whole numbers only: 3.5 or True must not become 3 or 1.
            if isinstance(value, int) and not isinstance(value, bool):
                score = value
            elif isinstance(value, str) and is_id_text(value.strip()):
                score = int(value.strip())
            else:
                score = None
            if score is None or not 1 <= score <= 5:
                raise ValidationFailed(f"{where}的评分应为 1 到 5 分", code="rating_invalid", details={"question": q.pk})
            out.append(Answer(question=q, rating=score))
        else:
            text = clean_plain_text(value, label=f"{where}的回答", max_length=TEXT_ANSWER_MAX, required=q.required,
                                    code="text_answer")
            if text:
                out.append(Answer(question=q, text=text))
        return out

    for q in questions:
        try:
            rows.extend(one(q))
        except ValidationFailed as exc:
            errors.add(f"q{q.pk}", exc.message, exc.code, exc.details)
    errors.raise_if_any()
    return rows


def response_submit(*, actor, questionnaire: Questionnaire, answers: dict, browser_token: str | None = None,
                    ip: str | None = None) -> Response:
    """Record one response; a second one from the same person or browser is refused (409, Chinese message).

    Real-name questionnaires take citizens and enterprises signed in; anonymous polls take
    anyone holding the signed browser token the page set, at most
    ZHENGWU_PARTICIPATION_POLL_PER_IP_HOUR (default 30) responses per IP an hour.
    """
    phase = questionnaire.phase(timezone.localdate())
    if phase == Phase.DRAFT:
        raise NotFound("未找到该问卷", code="questionnaire_not_found")
    if phase != Phase.OPEN:
        raise ValidationFailed(_period_refusal(questionnaire, phase), code="questionnaire_closed")
    real_name = questionnaire.identity_mode == Questionnaire.IdentityMode.REAL_NAME
    if real_name:
        if actor is None or not is_applicant(actor):
            raise PermissionDenied("本问卷须以实名认证的个人或企业账户登录后填写", code="real_name_required")
        taken = Response.objects.filter(questionnaire=questionnaire, respondent=actor).exists()
    else:
        if not browser_token or not isinstance(browser_token, str) or len(browser_token) > 64:
            raise ValidationFailed("无法识别您的浏览器,请允许本站使用 Cookie 后刷新页面重试", code="browser_token_missing")
        taken = Response.objects.filter(questionnaire=questionnaire, browser_token=browser_token).exists()
    if taken:
        raise Conflict(already_answered_message(questionnaire), code="already_responded")
    rows = answers_validate(questionnaire=questionnaire, answers=answers)
    if not rows:
        raise ValidationFailed("请至少回答一题", code="answers_empty")
    digest = ip_digest(ip, scope=f"questionnaire:{questionnaire.pk}")
    if not real_name and digest:
        rate_limit(key=f"participation:poll:{questionnaire.pk}:ip:{digest}",
                   limit=int(setting("POLL_PER_IP_HOUR", 30)), window_seconds=3600)
    try:
        with transaction.atomic():
            response = Response.objects.create(
                questionnaire=questionnaire, respondent=actor if real_name else None,
                browser_token=None if real_name else browser_token, ip_digest=digest,
            )
            for row in rows:
                row.response = response
            Answer.objects.bulk_create(rows)
            # Live results are public content: a "participation." action refreshes cached pages.
            audit_record(actor=actor if real_name else None, action="participation.response.create", obj=response,
                         details={"questionnaire_id": questionnaire.pk, "mode": questionnaire.identity_mode,
                                  "answers": len(rows)})
    except IntegrityError:
        # The concurrent twin won the unique constraint.
        raise Conflict(already_answered_message(questionnaire), code="already_responded") from None
    return response


@transaction.atomic
def questionnaire_export(*, actor, questionnaire: Questionnaire) -> bytes:
    """Build the Excel file of all responses for the department's staff; the export itself is audited."""
    from ..excel import questionnaire_export_xlsx

    require_department(actor, questionnaire.department, DRAFT_ROLES, "信息员或审核员")
    content = questionnaire_export_xlsx(questionnaire=questionnaire)
    audit_record(actor=actor, action="participation.questionnaire.export", obj=questionnaire,
                 details={"bytes": len(content)})
    return content
