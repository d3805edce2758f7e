"""公众参与: opinion solicitation on drafts (意见征集) and questionnaires/votes (网上调查/评选).

Dates of a comment period or a survey are calendar ``date``s in Asia/Shanghai, both ends
included: a period "open 10-01, close 10-30" accepts comments for 30 days and closes at
the end of 10-30.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from zhengwu.core.encrypted_fields import PersonalDataTextField
from zhengwu.core.models import TimeStampedModel


class Phase(models.TextChoices):
    """Where a published solicitation or questionnaire stands today (derived, never stored)."""

    DRAFT = "draft", "草稿"
    UPCOMING = "upcoming", "未开始"
    OPEN = "open", "进行中"
    CLOSED = "closed", "已结束"
    SUMMARY = "summary", "已公布采纳情况"


def _phase(*, published: bool, opens_on: date, closes_on: date, today: date) -> str:
    if not published:
        return Phase.DRAFT
    if today < opens_on:
        return Phase.UPCOMING
    if today <= closes_on:
        return Phase.OPEN
    return Phase.CLOSED


# ------------------------------------------------------------------ 意见征集


class Solicitation(TimeStampedModel):
    """A draft document put out for public comment by a department."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"

    title = models.CharField("标题", max_length=200)
    background = models.TextField("起草说明", blank=True)
    body = models.TextField("征求意见稿全文")
    department = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="起草部门")
    is_major = models.BooleanField("重大行政决策", default=False)
    opens_on = models.DateField("征求意见开始日期")
    closes_on = models.DateField("征求意见截止日期")
    contact = models.CharField("联系方式", max_length=300, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="起草人")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="发布人",
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    summary = models.TextField("采纳情况总体说明", blank=True)
    summary_published_at = models.DateTimeField("采纳情况公布时间", null=True, blank=True)
    summary_published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="采纳情况发布人",
    )

    class Meta:
        ordering = ["-opens_on", "-id"]
        verbose_name = "意见征集"
        verbose_name_plural = "意见征集"
        indexes = [models.Index(fields=["status", "closes_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")), name="participation_solicitation_period"),
        ]

    def __str__(self):
        return self.title

    def phase(self, today: date) -> str:
        if self.summary_published_at is not None:
            return Phase.SUMMARY
        return _phase(published=self.status == self.Status.PUBLISHED, opens_on=self.opens_on,
                      closes_on=self.closes_on, today=today)

    @property
    def period_days(self) -> int:
        return (self.closes_on - self.opens_on).days + 1


class Article(models.Model):
    """One article (条) of the draft; comments may point at it."""

    solicitation = models.ForeignKey(Solicitation, on_delete=models.CASCADE, related_name="articles", verbose_name="意见征集")
    position = models.PositiveIntegerField("顺序")
    label = models.CharField("条号", max_length=40)
    heading = models.CharField("所在章节", max_length=200, blank=True)
    text = models.TextField("条文")

    class Meta:
        ordering = ["solicitation", "position"]
        verbose_name = "条文"
        verbose_name_plural = "条文"
        constraints = [
            models.UniqueConstraint(fields=["solicitation", "position"], name="participation_article_position"),
        ]

    def __str__(self):
        return self.label


class Decision(models.TextChoices):
    """采纳情况 of one comment or of a group of similar comments."""

    ADOPTED = "adopted", "采纳"
    PARTLY = "partly", "部分采纳"
    NOT_ADOPTED = "not_adopted", "不予采纳"


class AdoptionGroup(models.Model):
    """Similar comments answered together (归类答复): one decision and reason for all."""

    solicitation = models.ForeignKey(Solicitation, on_delete=models.CASCADE, related_name="groups", verbose_name="意见征集")
    title = models.CharField("意见归纳", max_length=300)
    decision = models.CharField("采纳情况", max_length=16, choices=Decision.choices)
    reason = models.TextField("理由说明")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="归类人")
    created_at = models.DateTimeField("归类时间", auto_now_add=True)

    class Meta:
        ordering = ["solicitation", "id"]
        verbose_name = "归类意见"
        verbose_name_plural = "归类意见"

    def __str__(self):
        return self.title


class Comment(models.Model):
    """A citizen's or enterprise's comment on the whole draft (article empty) or one article.

    Not public: staff may publish a copy masked of personal data (``published_text``).
    """

    solicitation = models.ForeignKey(Solicitation, on_delete=models.PROTECT, related_name="comments", verbose_name="意见征集")
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.PROTECT, related_name="comments", verbose_name="针对条文",
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="提出人")
    text = PersonalDataTextField("意见内容")
    created_at = models.DateTimeField("提交时间", auto_now_add=True, db_index=True)
    published_text = models.TextField("公开文本(已脱敏)", blank=True)
    published_at = models.DateTimeField("公开时间", null=True, blank=True)
    decision = models.CharField("采纳情况", max_length=16, choices=Decision.choices, blank=True)
    reason = PersonalDataTextField("理由说明", blank=True)
    group = models.ForeignKey(
        AdoptionGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments", verbose_name="归类",
    )

    class Meta:
        ordering = ["solicitation", "created_at", "id"]
        verbose_name = "意见"
        verbose_name_plural = "意见"
        indexes = [models.Index(fields=["author", "created_at"])]

    def __str__(self):
        return f"意见 {self.pk}"

    @property
    def effective_decision(self) -> str:
        return self.group.decision if self.group_id else self.decision

    @property
    def effective_reason(self) -> str:
        return self.group.reason if self.group_id else self.reason


# ------------------------------------------------------------------ 网上调查 / 评选


class Questionnaire(TimeStampedModel):
    class Kind(models.TextChoices):
        SURVEY = "survey", "网上调查"
        VOTE = "vote", "评选投票"

    class IdentityMode(models.TextChoices):
        REAL_NAME = "real_name", "实名:每位实名用户限填一次"
        BROWSER = "browser", "匿名:每个浏览器限填一次"

    class ResultsMode(models.TextChoices):
        LIVE = "live", "实时公开"
        AFTER_CLOSE = "after_close", "结束后公开"
        STAFF_ONLY = "staff_only", "不公开"

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"

    title = models.CharField("标题", max_length=200)
    description = models.TextField("说明", blank=True)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices, default=Kind.SURVEY)
    identity_mode = models.CharField("参与方式", max_length=16, choices=IdentityMode.choices, default=IdentityMode.REAL_NAME)
    results_mode = models.CharField("结果公开", max_length=16, choices=ResultsMode.choices, default=ResultsMode.AFTER_CLOSE)
    department = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="发起部门")
    opens_on = models.DateField("开始日期")
    closes_on = models.DateField("截止日期")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="创建人")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="发布人",
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        ordering = ["-opens_on", "-id"]
        verbose_name = "网上调查"
        verbose_name_plural = "网上调查"
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")), name="participation_questionnaire_period"),
        ]

    def __str__(self):
        return self.title

    def phase(self, today: date) -> str:
        return _phase(published=self.status == self.Status.PUBLISHED, opens_on=self.opens_on,
                      closes_on=self.closes_on, today=today)

    def results_public(self, today: date) -> bool:
        phase = self.phase(today)
        if self.results_mode == self.ResultsMode.LIVE:
            return phase in (Phase.OPEN, Phase.CLOSED)
        if self.results_mode == self.ResultsMode.AFTER_CLOSE:
            return phase == Phase.CLOSED
        return False


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", "单选"
        MULTIPLE = "multiple", "多选"
        TEXT = "text", "填空"
        RATING = "rating", "评分(1–5)"

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions", verbose_name="问卷")
    position = models.PositiveIntegerField("顺序")
    kind = models.CharField("题型", max_length=16, choices=Kind.choices)
    text = models.CharField("题目", max_length=500)
    required = models.BooleanField("必答", default=True)
    min_choices = models.PositiveSmallIntegerField("最少选择", default=0)
    max_choices = models.PositiveSmallIntegerField("最多选择", default=0)

    class Meta:
        ordering = ["questionnaire", "position"]
        verbose_name = "题目"
        verbose_name_plural = "题目"
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "position"], name="participation_question_position"),
        ]

    def __str__(self):
        return self.text

    @property
    def has_choices(self) -> bool:
        return self.kind in (self.Kind.SINGLE, self.Kind.MULTIPLE)


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices", verbose_name="题目")
    position = models.PositiveIntegerField("顺序")
    label = models.CharField("选项", max_length=200)

    class Meta:
        ordering = ["question", "position"]
        verbose_name = "选项"
        verbose_name_plural = "选项"
        constraints = [
            models.UniqueConstraint(fields=["question", "position"], name="participation_choice_position"),
        ]

    def __str__(self):
        return self.label


class Response(models.Model):
    """One submitted questionnaire.

    At most one per real-name respondent, or per browser token for anonymous polls: the
    database refuses the second row, so two concurrent submits cannot both succeed.
    """

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="responses", verbose_name="问卷")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="填写人",
    )
    browser_token = models.CharField("浏览器标识", max_length=64, null=True, blank=True)
    # HMAC of the client IP (keyed, per questionnaire): enough to rate-limit, not to trace a person.
    ip_digest = models.CharField("来源摘要", max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)

    class Meta:
        ordering = ["questionnaire", "id"]
        verbose_name = "答卷"
        verbose_name_plural = "答卷"
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "respondent"], condition=Q(respondent__isnull=False),
                name="participation_one_response_per_person",
            ),
            models.UniqueConstraint(
                fields=["questionnaire", "browser_token"], condition=Q(browser_token__isnull=False),
                name="participation_one_response_per_browser",
            ),
        ]

    def __str__(self):
        return f"答卷 {self.pk}"


class Answer(models.Model):
    """One answer: a chosen option (one row per option of a multiple choice), a rating or a text."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers", verbose_name="答卷")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers", verbose_name="题目")
    choice = models.ForeignKey(Choice, null=True, blank=True, on_delete=models.PROTECT, related_name="answers", verbose_name="选项")
    rating = models.PositiveSmallIntegerField("评分", null=True, blank=True)
    text = PersonalDataTextField("填写内容", blank=True)

    class Meta:
        ordering = ["response", "question", "id"]
        verbose_name = "答案"
        verbose_name_plural = "答案"
        indexes = [models.Index(fields=["question", "choice"]), models.Index(fields=["question", "rating"])]
        constraints = [
            models.UniqueConstraint(fields=["response", "question", "choice"], name="participation_answer_once"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="participation_rating_1_5",
            ),
        ]

    def __str__(self):
        return f"{self.response_id}/{self.question_id}"
