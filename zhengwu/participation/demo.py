"""Demo content of 公众参与 for the demo county (run by ``manage.py load_demo_county``).

The open solicitation and the open survey go through the ordinary services. The closed
solicitation (with its adoption summary) and the closed vote lie in the past, which no
service may create (comments and responses are only taken while open), so this loader
writes those rows itself and audits them as one ``participation.demo.load`` event. It only
adds what is missing, found by title, so running it again changes nothing.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from zhengwu.accounts.models import User
from zhengwu.core.audit import audit_record
from zhengwu.org.models import Unit

from . import services
from .models import (
    AdoptionGroup,
    Answer,
    Comment,
    Decision,
    Question,
    Questionnaire,
    Response,
    Solicitation,
)

DEPARTMENT_CODE = "SLX-31"  # 县人民政府办公室
EDITOR, PUBLISHER = "zfb_bianji", "zfb_fabu"

OPEN_TITLE = "示例县城区养犬管理办法(征求意见稿)"
OPEN_BODY = """第一章 总则
第一条 为了规范城区养犬行为,保障公民健康和人身安全,维护市容环境和社会公共秩序,根据有关法律法规,结合本县实际,制定本办法。
第二条 本办法适用于本县城关镇、城东街道范围内的养犬和犬类经营活动。
第三条 县公安局是养犬管理的主管部门;县城市管理局、县农业农村局、县卫生局按照各自职责做好相关工作。
第二章 养犬登记
第四条 个人养犬的,每户限养一只。养犬人应当自取得犬只之日起三十日内到县公安局办理养犬登记。
第五条 养犬人应当每年为犬只注射狂犬病疫苗,并凭免疫证明办理登记和年检。
第三章 养犬行为规范
第六条 携犬出户时,应当束犬链并由成年人牵领,主动避让老人、残疾人、孕妇和儿童。
第七条 犬只在户外排泄的粪便,携犬人应当立即清除。
第八条 禁止携犬进入市场、商店、学校、医院、公园、体育场馆等公共场所。
第四章 附则
第九条 本办法自发布之日起施行。"""

CLOSED_TITLE = "示例县城区停车收费管理规定(征求意见稿)"
CLOSED_BODY = """第一条 为了规范城区机动车停放收费行为,缓解停车难,制定本规定。
第二条 城区道路临时停车泊位实行分时段收费,首 30 分钟免费。
第三条 居住区周边道路夜间(20时至次日7时)停车免费。
第四条 收费标准由县发展和改革局会同县城市管理局制定并向社会公布。
第五条 本规定自发布之日起施行。"""


def _users():
    editor = User.objects.filter(username=EDITOR).first()
    publisher = User.objects.filter(username=PUBLISHER).first()
    citizen = User.objects.filter(kind=User.Kind.CITIZEN, is_demo=True).order_by("pk").first()
    enterprise = User.objects.filter(kind=User.Kind.ENTERPRISE, is_demo=True).order_by("pk").first()
    return editor, publisher, citizen, enterprise


def participation_demo_load() -> str:
    department = Unit.objects.filter(code=DEPARTMENT_CODE).first()
    editor, publisher, citizen, enterprise = _users()
    if department is None or editor is None or publisher is None:
        return "公众参与演示数据:缺少县人民政府办公室或其信息员、审核员,跳过"
    made = []
    today = timezone.localdate()
    with transaction.atomic():
        if not Solicitation.objects.filter(title=OPEN_TITLE).exists():
            _open_solicitation(department, editor, publisher, [u for u in (citizen, enterprise) if u], today)
            made.append("正在征集的征求意见稿 1 件")
        if not Solicitation.objects.filter(title=CLOSED_TITLE).exists() and (citizen or enterprise):
            _closed_solicitation(department, editor, publisher, citizen or enterprise, today)
            made.append("已公布采纳情况的征求意见稿 1 件")
        if not Questionnaire.objects.filter(title=OPEN_SURVEY_TITLE).exists():
            _open_survey(department, editor, publisher, today)
            made.append("进行中的网上调查 1 份")
        if not Questionnaire.objects.filter(title=VOTE_TITLE).exists():
            _closed_vote(department, editor, publisher, today)
            made.append("已结束的评选投票 1 项")
    return "公众参与演示数据:" + ("、".join(made) if made else "已存在,未改动")


def _open_solicitation(department, editor, publisher, commenters, today):
    s = services.solicitation_create(
        actor=editor, department=department, title=OPEN_TITLE, body=OPEN_BODY, is_major=True, opens_on=today,
        background="近年来城区养犬数量增长较快,犬只扰民、伤人事件时有发生。为广泛听取社会各界意见,现将征求意见稿全文公布。",
        contact="县人民政府办公室法制科,电话 0571-00000000,邮箱 fzk@example.gov.cn",
    )
    services.solicitation_publish(actor=publisher, solicitation=s)
    articles = list(s.articles.all())
    texts = [
        (articles[3] if len(articles) > 3 else None, "建议对已绝育的犬只适当放宽每户限养一只的规定。"),
        (articles[6] if len(articles) > 6 else None, "建议在小区和公园设置犬只粪便收集箱,方便养犬人清理。"),
        (None, "希望尽快出台,晚上遛狗不拴绳的现象比较多,老人孩子很害怕。"),
    ]
    for i, (article, text) in enumerate(texts):
        services.comment_submit(actor=commenters[i % len(commenters)], solicitation=s, text=text,
                                article_id=article.pk if article else None)


def _closed_solicitation(department, editor, publisher, commenter, today):
    opens = today - timedelta(days=60)
    s = services.solicitation_create(actor=editor, department=department, title=CLOSED_TITLE, body=CLOSED_BODY,
                                     opens_on=opens, closes_on=opens + timedelta(days=29))
    now = timezone.now()
    s.status = Solicitation.Status.PUBLISHED
    s.published_by, s.published_at = publisher, now - timedelta(days=60)
    s.summary = ("征求意见期间共收到意见 6 条。经研究,采纳 2 条,部分采纳 2 条,不予采纳 2 条。"
                 "已据此修改第二条、第三条,修改后的规定将另行公布。")
    s.summary_published_by, s.summary_published_at = publisher, now - timedelta(days=10)
    s.save()
    articles = list(s.articles.all())
    group = AdoptionGroup.objects.create(
        solicitation=s, title="建议延长免费停车时长", decision=Decision.PARTLY, created_by=publisher,
        reason="首 30 分钟免费调整为首 60 分钟免费仅适用于医院、学校周边泊位,其他路段维持 30 分钟,以保证泊位周转。",
    )
    rows = [
        (articles[1], "建议首一小时免费,30 分钟太短。", "", "", group),
        (articles[1], "医院门口看病时间长,希望免费时间长一点。", "", "", group),
        (articles[2], "建议夜间免费时段从 19 时开始。", Decision.ADOPTED, "已将夜间免费时段调整为 19 时至次日 7 时。", None),
        (articles[3], "收费标准应当听证。", Decision.ADOPTED, "收费标准制定将依法组织听证。", None),
        (None, "建议全部免费。", Decision.NOT_ADOPTED, "道路泊位资源有限,全部免费不利于泊位周转,与本规定目的不符。", None),
        (articles[0], "建议取消临时泊位,全部改为停车场。", Decision.NOT_ADOPTED, "城区停车场建设需要时间,临时泊位仍有必要。", None),
    ]
    for article, text, decision, reason, grp in rows:
        Comment.objects.create(solicitation=s, article=article, author=commenter, text=text, decision=decision,
                               reason=reason, group=grp)
    first = Comment.objects.filter(solicitation=s).order_by("id").first()
    first.published_text, first.published_at = first.text, now - timedelta(days=30)
    first.save()
    audit_record(actor=None, action="participation.demo.load", obj=s, details={"title": s.title, "comments": len(rows)})


OPEN_SURVEY_TITLE = "县政务服务中心办事体验满意度调查"
VOTE_TITLE = "2025 年度“十佳服务窗口”评选"


def _open_survey(department, editor, publisher, today):
    q = services.questionnaire_create(
        actor=editor, department=department, title=OPEN_SURVEY_TITLE, opens_on=today,
        closes_on=today + timedelta(days=30), kind=Questionnaire.Kind.SURVEY,
        identity_mode=Questionnaire.IdentityMode.REAL_NAME, results_mode=Questionnaire.ResultsMode.LIVE,
        description="为持续改进政务服务,请您花两分钟填写本问卷。每位实名用户限填一次。",
    )
    services.question_add(actor=editor, questionnaire=q, kind=Question.Kind.SINGLE, text="您最近一次办事的方式",
                          choices=["网上办理", "窗口办理", "代办点代办"])
    services.question_add(actor=editor, questionnaire=q, kind=Question.Kind.MULTIPLE, text="您希望优先改进哪些方面(最多选 2 项)",
                          choices=["等候时间", "材料要求", "网上办理", "工作人员态度", "办事指南"], max_choices=2)
    services.question_add(actor=editor, questionnaire=q, kind=Question.Kind.RATING, text="您对办事体验的总体评分")
    services.question_add(actor=editor, questionnaire=q, kind=Question.Kind.TEXT, text="其他意见和建议", required=False)
    services.questionnaire_publish(actor=publisher, questionnaire=q)


def _closed_vote(department, editor, publisher, today):
    opens = today - timedelta(days=40)
    q = services.questionnaire_create(
        actor=editor, department=department, title=VOTE_TITLE, opens_on=opens, closes_on=opens + timedelta(days=14),
        kind=Questionnaire.Kind.VOTE, identity_mode=Questionnaire.IdentityMode.BROWSER,
        results_mode=Questionnaire.ResultsMode.AFTER_CLOSE,
        description="请从下列候选窗口中选出您满意的窗口,最多 3 个。",
    )
    windows = ["户籍窗口", "社保窗口", "不动产登记窗口", "企业开办窗口", "公积金窗口", "税务窗口"]
    question = services.question_add(actor=editor, questionnaire=q, kind=Question.Kind.MULTIPLE,
                                     text="您满意的服务窗口(最多 3 个)", choices=windows, max_choices=3)
    q.status = Questionnaire.Status.PUBLISHED
    q.published_by, q.published_at = publisher, timezone.now() - timedelta(days=40)
    q.save()
    choices = list(question.choices.all())
    rng = random.Random(2025)  # the same demo numbers on every machine
    weights = [9, 7, 5, 8, 3, 4]
    answers = []
    for n in range(60):
        response = Response.objects.create(questionnaire=q, browser_token=f"demo-{n:03d}")
        picked, wanted = set(), rng.randint(1, 3)
        while len(picked) < wanted:
            picked.add(rng.choices(range(len(choices)), weights=weights)[0])
        answers.extend(Answer(response=response, question=question, choice=choices[i]) for i in sorted(picked))
    Answer.objects.bulk_create(answers)
    audit_record(actor=None, action="participation.demo.load", obj=q, details={"title": q.title, "responses": 60})
