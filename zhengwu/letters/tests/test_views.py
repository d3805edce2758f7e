"""Letter pages: writing, the query by code, my letters, staff handling, publication."""

import re

import pytest
from django.urls import reverse

from zhengwu.accounts.tests.mfa_helpers import login_verified
from zhengwu.core.tests.upload_samples import PDF_BYTES, upload
from zhengwu.letters import services
from zhengwu.letters.models import Letter, Publication

from .conftest import BODY, submit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.ZHENGWU_UPLOAD_ROOT = tmp_path / "uploads"


def _query(client, code):
    return client.post(reverse("letters:query"), {"code": code})


def test_anonymous_suggestion_gets_its_query_code_at_once(client, staff):
    response = client.post(reverse("letters:write", kwargs={"channel": "suggestion"}), {
        "category": "transport", "title": "增加公交班次", "body": "城关镇到河口乡的公交太少了,建议增加早晚班次。",
    })

    assert response.status_code == 302 and response["Location"] == reverse("letters:submitted")
    page = client.get(reverse("letters:submitted")).content.decode()
    letter = Letter.objects.get()
    assert letter.writer is None and letter.query_code in page


def test_a_petition_asks_anonymous_visitors_to_log_in(client, staff):
    page = client.get(reverse("letters:write", kwargs={"channel": "petition"})).content.decode()
    assert "须实名提交" in page and 'name="body"' not in page

    response = client.post(reverse("letters:write", kwargs={"channel": "petition"}), {
        "category": "labour", "title": "欠薪", "body": BODY})
    assert response.status_code == 403 and not Letter.objects.exists()


def test_bad_input_re_renders_the_form_with_a_chinese_error(client, citizen, staff):
    client.force_login(citizen)

    response = client.post(reverse("letters:write", kwargs={"channel": "county_head"}), {
        "category": "environment", "title": "油烟<script>alert(1)</script>", "body": "短"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "至少 10 个字" in page and "<script>alert(1)</script>" not in page


def test_unknown_channel_is_404(client):
    assert client.get("/letters/write/nonsense/").status_code == 404


def test_attachments_are_stored_and_only_the_writer_and_handling_staff_download_them(client, citizen, other_citizen, staff):
    client.force_login(citizen)
    client.post(reverse("letters:write", kwargs={"channel": "county_head"}), {
        "category": "environment", "title": "油烟", "body": BODY, "attachments": [upload("现场照片说明.pdf", PDF_BYTES)]})
    letter = Letter.objects.get()
    services.letter_assign(actor=staff["clerk"], letter=letter, department="LX-HB")
    from zhengwu.core.uploads import file_list

    [stored] = file_list(object_type="letters.letter", object_id=letter.pk)
    url = reverse("core:file_download", kwargs={"file_id": stored.pk})

    assert client.get(url).status_code == 200
    client.force_login(other_citizen)
    assert client.get(url).status_code == 404
    for who, status in (("env_handler", 200), ("clerk", 200), ("labour_handler", 404)):
        client.logout()
        login_verified(client, staff[who])
        assert client.get(url).status_code == status, who


def test_a_wrong_code_and_a_malformed_code_answer_the_same_404(client, citizen, staff):
    submit(citizen)

    wrong = _query(client, "ABCDEFGHJKMN")
    malformed = _query(client, "<script>\x00")
    empty = _query(client, "")

    assert wrong.status_code == malformed.status_code == empty.status_code == 404
    message = "未找到该查询码对应的信件"
    assert message in wrong.content.decode() and message in malformed.content.decode()
    strip = lambda r: re.sub(r'value="[^"]*"|csrfmiddlewaretoken[^>]*', "", r.content.decode())
    assert strip(wrong) == strip(empty)


def test_the_query_shows_status_reduced_timeline_and_reply_without_the_writer(client, citizen, staff):
    letter = submit(citizen)
    services.letter_assign(actor=staff["clerk"], letter=letter, department="LX-HB", co_departments=["LX-RS"])
    services.letter_joint_opinion(actor=staff["labour_handler"], letter=letter, opinion="内部会办意见")
    services.letter_reply_draft(actor=staff["env_handler"], letter=letter, body="已责令饭店整改。")
    services.letter_reply_decide(actor=staff["env_head"], letter=letter, approve=True)

    page = _query(client, letter.query_code.lower()).content.decode()

    assert "已答复" in page and "已责令饭店整改" in page and "县环境保护局" in page
    assert "内部会办意见" not in page and citizen.real_name not in page


def test_query_lookups_are_rate_limited_per_ip(client, staff):
    for _ in range(20):
        _query(client, "ABCDEFGHJKMN")
    response = _query(client, "ABCDEFGHJKMN")
    assert response.status_code == 429 and "操作过于频繁" in response.content.decode()


def test_my_letters_list_and_another_persons_letter_is_404(client, citizen, other_citizen, staff):
    letter = submit(citizen)
    client.force_login(citizen)
    assert letter.query_code in client.get(reverse("letters:mine")).content.decode()
    url = reverse("letters:mine_detail", kwargs={"query_code": letter.query_code})
    assert client.get(url).status_code == 200

    client.force_login(other_citizen)
    assert client.get(url).status_code == 404


def test_writer_rates_and_asks_once_for_rehandling_from_the_page(client, citizen, staff):
    letter = submit(citizen)
    services.letter_assign(actor=staff["clerk"], letter=letter, department="LX-HB")
    services.letter_reply_draft(actor=staff["env_handler"], letter=letter, body="已处理。谢谢。")
    services.letter_reply_decide(actor=staff["env_head"], letter=letter, approve=True)
    client.force_login(citizen)
    url = reverse("letters:mine_detail", kwargs={"query_code": letter.query_code})

    assert client.post(url, {"action": "rate", "satisfaction": "unsatisfied", "comment": "没解决"}).status_code == 302
    assert "申请重新办理" in client.get(url).content.decode()
    assert client.post(url, {"action": "rehandle", "reason": "油烟依旧"}).status_code == 302
    letter.refresh_from_db()
    assert letter.status == Letter.Status.HANDLING and letter.rehandle_count == 1

    response = client.post(url, {"action": "rehandle", "reason": "再来一次"})
    assert response.status_code == 409 and "只能申请一次重新办理" in response.content.decode()


def test_staff_triage_and_handle_from_the_pages(client, citizen, staff):
    letter = submit(citizen)
    url = reverse("letters:staff_detail", kwargs={"letter_id": letter.pk})

    login_verified(client, staff["clerk"])
    page = client.get(url).content.decode()
    assert "交办" in page and "不予受理" in page
    client.post(url, {"action": "assign", "department": "LX-HB", "reason": "环保职责"})
    letter.refresh_from_db()
    assert letter.status == Letter.Status.HANDLING

    client.logout()
    login_verified(client, staff["env_handler"])
    assert letter.title in client.get(reverse("letters:staff_inbox")).content.decode()
    client.post(url, {"action": "reply_draft", "body": "已责令饭店整改。"})
    client.logout()
    login_verified(client, staff["env_head"])
    assert "批准答复" in client.get(url).content.decode()
    client.post(url, {"action": "reply_approve", "body": "已责令饭店整改,并将回访。"})
    letter.refresh_from_db()
    assert letter.status == Letter.Status.REPLIED
    assert letter.replies.get().body == "已责令饭店整改,并将回访。"


def test_a_refused_action_shows_its_chinese_message(client, citizen, staff):
    letter = submit(citizen)
    services.letter_assign(actor=staff["clerk"], letter=letter, department="LX-HB")
    url = reverse("letters:staff_detail", kwargs={"letter_id": letter.pk})
    login_verified(client, staff["env_handler"])

    response = client.post(url, {"action": "transfer", "department": "LX-RS", "reason": ""}, follow=True)

    assert "请填写转办理由" in response.content.decode()


def test_staff_of_another_department_get_404(client, citizen, staff):
    letter = submit(citizen)
    services.letter_assign(actor=staff["clerk"], letter=letter, department="LX-HB")
    login_verified(client, staff["labour_handler"])

    assert client.get(reverse("letters:staff_detail", kwargs={"letter_id": letter.pk})).status_code == 404
    assert client.post(reverse("letters:staff_detail", kwargs={"letter_id": letter.pk}),
                       {"action": "reply_draft", "body": "x"}).status_code == 404


def _replied_for_publication(client, citizen, staff, *, body=BODY, reply="您好,已处理完毕。"):
    """A letter answered by the environment bureau, its publication page open for the clerk."""
    letter = submit(citizen, body=body)
    services.letter_assign(actor=staff["clerk"], letter=letter, department="LX-HB")
    services.letter_reply_draft(actor=staff["env_handler"], letter=letter, body=reply)
    services.letter_reply_decide(actor=staff["env_head"], letter=letter, approve=True)
    login_verified(client, staff["clerk"])
    return reverse("letters:staff_publication", kwargs={"letter_id": letter.pk})


def test_publication_from_the_pages_shows_only_masked_text_to_the_public(client, citizen, staff):
    url = _replied_for_publication(client, citizen, staff, body="我叫王小明,电话13912345678,楼下饭店油烟很大,请处理。",
                                   reply="王小明您好,已处理。")

    client.post(url, {"action": "prepare"})
    page = client.get(url).content.decode()
    # The reviewer sees what was found and where, masked: the stored findings hold no values.
    assert "手机号" in page and "139****5678" in page and "来信内容第 9 字起" in page
    draft = Publication.objects.get()
    assert {"kind": "phone", "part": "body", "start": 8, "end": 19} in draft.findings
    assert "13912345678" not in str(draft.findings) and "王小明" not in str(draft.findings)
    client.post(url, {"action": "publish", "title": draft.title, "body": draft.body, "reply": draft.reply})
    client.logout()

    public = client.get(reverse("letters:published_detail", kwargs={"publication_id": draft.pk})).content.decode()
    assert "油烟很大" in public and "13912345678" not in public and "王小明" not in public
    assert draft.title in client.get(reverse("letters:published_list")).content.decode()


def test_statistics_page_and_participation_panel(client, citizen, staff):
    submit(citizen)

    assert "来信办理统计" in client.get(reverse("letters:stats")).content.decode()
    page = client.get(reverse("portal:participation")).content.decode()
    assert reverse("letters:write", kwargs={"channel": "county_head"}) in page


def test_sensitive_word_page_for_the_clerk(client, staff):
    login_verified(client, staff["clerk"])
    client.post(reverse("letters:staff_words"), {"action": "add", "word": "刷单返利", "level": "block"})

    assert "刷单返利" in client.get(reverse("letters:staff_words")).content.decode()


def test_the_clerk_sees_route_suggestions_and_the_choice_is_recorded(client, citizen, staff):
    from zhengwu.routing.models import RoutingDecision

    letter = submit(citizen)
    url = reverse("letters:staff_detail", kwargs={"letter_id": letter.pk})
    login_verified(client, staff["clerk"])
    page = client.get(url).content.decode()
    assert 'name="suggested_shown" value="1"' in page

    client.post(url, {"action": "assign", "department": "LX-HB", "suggested": "LX-RS,LX-HB", "suggested_shown": "1"})

    decision = RoutingDecision.objects.get(letter_id=letter.pk)
    assert decision.chosen_code == "LX-HB" and decision.suggested_codes == ["LX-RS", "LX-HB"]
    assert decision.followed_top3 and not decision.followed_top1


def test_forged_client_addresses_do_not_escape_the_anonymous_letter_limit(client, staff, settings):
    # Issue 15 finding 5: rotating X-Real-IP used to give a fresh allowance per letter.
    settings.ZHENGWU_LETTERS_RATE_IP = (2, 3600)
    url = reverse("letters:write", kwargs={"channel": "suggestion"})
    answers = [
        client.post(url, {"category": "transport", "title": f"增加公交班次{n}", "body": BODY + "一二三"[n]},
                    REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP=f"203.0.113.{n + 1}",
                    HTTP_X_FORWARDED_FOR=f"198.51.100.{n + 1}")
        for n in range(3)
    ]
    assert [a.status_code for a in answers] == [302, 302, 429]
    assert Letter.objects.count() == 2


def test_the_letter_limit_answers_429_with_retry_after(client, staff, settings):
    settings.ZHENGWU_LETTERS_RATE_IP = (1, 3600)
    url = reverse("letters:write", kwargs={"channel": "suggestion"})
    client.post(url, {"category": "transport", "title": "增加公交班次", "body": BODY})

    refused = client.post(url, {"category": "transport", "title": "增加公交班次二", "body": BODY + "二"})

    assert refused.status_code == 429 and "操作过于频繁" in refused.content.decode()
    assert 0 < int(refused["Retry-After"]) <= 3600


def test_the_letter_query_limit_answers_429_with_retry_after(client, staff):
    for _ in range(20):
        _query(client, "ABCDEFGHJKMN")
    response = _query(client, "ABCDEFGHJKMN")
    assert response.status_code == 429 and 0 < int(response["Retry-After"]) <= 3600


def test_the_letter_query_api_limit_answers_429_with_retry_after(client, staff):
    for _ in range(20):
        client.get("/api/v1/letters/query/ABCDEFGHJKMN")
    response = client.get("/api/v1/letters/query/ABCDEFGHJKMN")
    assert response.status_code == 429 and response.json()["code"] == "rate_limited"
    assert int(response["Retry-After"]) > 0


def test_three_mistakes_are_reported_together_and_the_attachment_is_kept(client, citizen, staff):
    """Issue 16: all errors at once; a file posted without JavaScript stays as a pending upload."""
    from zhengwu.core.models import PendingUpload

    client.force_login(citizen)
    url = reverse("letters:write", kwargs={"channel": "county_head"})

    response = client.post(url, {"category": "", "title": "", "body": "太短",
                                 "attachments": [upload("现场照片说明.pdf", PDF_BYTES)]})

    page = response.content.decode()
    assert response.status_code == 400
    assert "请选择正确的信件类别" in page and "请填写标题" in page and "至少 10 个字" in page
    assert "已选择: 现场照片说明.pdf" in page
    [pending] = PendingUpload.objects.all()
    assert pending.token in page and not Letter.objects.exists()

    # Corrected and sent again with only the token: the letter carries the file.
    response = client.post(url, {"category": "environment", "title": "油烟", "body": BODY,
                                 "attachments__token": pending.token})
    assert response.status_code == 302
    from zhengwu.core.uploads import file_list

    [stored] = file_list(object_type="letters.letter", object_id=Letter.objects.get().pk)
    assert stored.original_name == "现场照片说明.pdf" and not PendingUpload.objects.exists()


def test_over_long_text_is_refused_with_its_length_and_kept_in_the_form(client, citizen, staff):
    client.force_login(citizen)
    body = "油" * (services.BODY_MAX + 7)

    response = client.post(reverse("letters:write", kwargs={"channel": "county_head"}),
                           {"category": "environment", "title": "油烟", "body": body})

    page = response.content.decode()
    assert response.status_code == 400 and not Letter.objects.exists()
    assert f"不能超过 {services.BODY_MAX} 个字(当前 {services.BODY_MAX + 7} 个字)" in page
    assert body in page  # the whole text comes back, not a cut copy
    assert 'maxlength="' not in page.split('id="letter-form"')[1]  # the browser never cuts a paste


def test_a_remove_button_without_javascript_drops_the_file_and_sends_nothing(client, citizen, staff):
    from zhengwu.core.models import PendingUpload

    client.force_login(citizen)
    url = reverse("letters:write", kwargs={"channel": "county_head"})
    client.post(url, {"category": "", "title": "", "body": "", "attachments": [upload("a.pdf", PDF_BYTES)]})
    token = PendingUpload.objects.get().token

    response = client.post(url, {"category": "environment", "title": "油烟", "body": BODY,
                                 "attachments__token": token, "attachments__drop": token})

    assert response.status_code == 200 and not Letter.objects.exists() and not PendingUpload.objects.exists()
    assert "已选择: a.pdf" not in response.content.decode()


def _alerts(html: str) -> list[str]:
    import lxml.html

    page = lxml.html.fromstring(html)
    return [li.text_content().strip() for li in page.xpath('//*[@id="form-error-summary"]//li')]


def test_the_assign_form_reports_every_mistake_at_once_and_keeps_what_was_entered(client, citizen, staff):
    letter = submit(citizen)
    url = reverse("letters:staff_detail", kwargs={"letter_id": letter.pk})
    login_verified(client, staff["clerk"])

    response = client.post(url, {
        "action": "assign", "department": "NO-SUCH", "co_departments": ["LX-RS", "GONE"],
        "reason": "请环保局牵头" + "说明" * 300,
    })

    assert response.status_code == 400
    html = response.content.decode()
    alerts = _alerts(html)
    assert alerts[:2] == ["请选择正确的承办部门", "请选择正确的会办部门"] and len(alerts) == 3
    assert alerts[2].startswith("交办说明") and "500" in alerts[2]
    assert "提交的内容有 3 处需要修改" in html
    assert "请环保局牵头说明说明" in html  # the typed note is back in its box
    assert re.search(r'<option value="LX-RS" selected>', html)  # and the chosen co-department
    letter.refresh_from_db()
    assert letter.status == Letter.Status.SUBMITTED


def test_the_transfer_form_reports_both_mistakes_and_the_reply_draft_keeps_its_text(client, citizen, staff):
    letter = submit(citizen)
    services.letter_assign(actor=staff["clerk"], letter=letter, department="LX-HB")
    url = reverse("letters:staff_detail", kwargs={"letter_id": letter.pk})
    login_verified(client, staff["env_handler"])

    html = client.post(url, {"action": "transfer", "department": "LX-HB", "reason": " "}).content.decode()
    assert _alerts(html) == ["转办部门与当前承办部门相同", "请填写转办理由"]

    response = client.post(url, {"action": "reply_draft", "body": "已处理"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "答复内容至少 5 个字" in html and ">已处理</textarea>" in html
    letter.refresh_from_db()
    assert (letter.status, letter.department.code) == (Letter.Status.HANDLING, "LX-HB")


def test_the_publication_form_reports_all_three_empty_parts(client, citizen, staff):
    url = _replied_for_publication(client, citizen, staff)
    client.post(url, {"action": "prepare"})

    response = client.post(url, {"action": "publish", "title": "", "body": "", "reply": ""})

    assert response.status_code == 400
    assert _alerts(response.content.decode()) == ["请填写公开标题", "请填写公开来信内容", "请填写公开答复内容"]
    assert not Publication.objects.filter(status=Publication.Status.PUBLISHED).exists()


def test_a_signed_in_citizens_anonymous_letter_keeps_its_file_but_not_a_trail_to_them(client, citizen, staff):
    """Issue 16: a file chosen while signed in joins an anonymous letter under a new id, no uploader."""
    from zhengwu.core.models import AuditEvent, PendingUpload
    from zhengwu.core.uploads import file_list

    client.force_login(citizen)
    url = reverse("letters:write", kwargs={"channel": "suggestion"})
    client.post(url, {"category": "", "title": "", "body": "太短", "attachments": [upload("照片说明.pdf", PDF_BYTES)]})
    [pending] = PendingUpload.objects.all()
    chosen_id = pending.stored_file_id

    response = client.post(url, {"category": "transport", "title": "增加公交班次", "body": BODY, "anonymous": "1",
                                 "attachments__token": pending.token})

    assert response.status_code == 302
    letter = Letter.objects.get()
    assert letter.writer is None
    [stored] = file_list(object_type="letters.letter", object_id=letter.pk)
    assert stored.original_name == "照片说明.pdf" and stored.pk != chosen_id and stored.uploaded_by is None
    mine = AuditEvent.objects.filter(actor=citizen)
    assert not mine.filter(object_id=str(stored.pk)).exists()
    assert not any(stored.sha256 in str(row.details) for row in mine)
