"""Pages for applying (网上申请, 窗口录入, 代办), 我的办件 and the public status query."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from zhengwu.accounts.models import User
from zhengwu.core.access import (
    APPLICANT,
    AUTHENTICATED,
    PUBLIC,
    STAFF,
    access,
    forbidden,
)
from zhengwu.core.bounds import int_parse
from zhengwu.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed, errors_by_field
from zhengwu.core.uploads.pending import (
    FileSelection,
    file_selection_from_request,
    pending_upload_discard,
    upload_owner_for,
)
from zhengwu.core.identifiers import validate_resident_id
from zhengwu.core.masking import mask_phone
from zhengwu.org.roles import Role

from ..models import Case
from ..selectors import case_get_public
from ..selectors.apply import (
    agent_units_for,
    case_events,
    case_evidence_files,
    case_get_mine,
    case_list_mine,
    case_material_files,
    item_open_get,
    items_open_for_application,
)
from ..services.apply import NOTE_MAX, case_apply, case_contact_phone, case_resubmit
from ..status_limit import LIMIT_MESSAGE, status_query_allowed

PER_PAGE = 30
EXTRAS_FIELD = "extras"

CHANNEL_PAGES = {
    Case.Channel.ONLINE: {"items": "cases:apply_items", "form": "cases:apply", "title": "在线申请"},
    Case.Channel.WINDOW: {"items": "cases:window_items", "form": "cases:window_apply", "title": "窗口受理录入"},
    Case.Channel.AGENT: {"items": "cases:agent_items", "form": "cases:agent_apply", "title": "代办申请"},
}


class ApplyForm(forms.Form):
    note = forms.CharField(
        label="申请事由/说明", max_length=NOTE_MAX, required=False,
        # data-max-chars, not maxlength: the browser must not cut a paste (core/forms.js counts).
        widget=forms.Textarea(attrs={"rows": 4, "data-max-chars": NOTE_MAX}),
        error_messages={"max_length": f"申请事由不能超过{NOTE_MAX}个字,请删减后再提交"},
    )
    contact_phone = forms.CharField(
        label="联系电话", max_length=20, error_messages={"required": "请填写联系电话"},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "numeric"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django adds maxlength from max_length; a browser then cuts pasted text silently.
        self.fields["note"].widget.attrs.pop("maxlength", None)


class AssistedApplyForm(ApplyForm):
    """Window and agent entries also name the resident by ID number."""

    id_number = forms.CharField(
        label="申请人身份证号码", max_length=18, error_messages={"required": "请填写申请人身份证号码"},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    field_order = ("id_number", "note", "contact_phone")

    def clean_id_number(self):
        try:
            number = validate_resident_id(self.cleaned_data["id_number"])
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from None
        try:
            self.applicant = User.objects.get_by_id_number(number)
        except User.DoesNotExist:
            raise forms.ValidationError("未找到该身份证号码对应的注册用户,请先协助申请人注册") from None
        return number


class AgentApplyForm(AssistedApplyForm):
    agent_unit = forms.TypedChoiceField(label="代办点", coerce=int, error_messages={"required": "请选择代办点", "invalid_choice": "请选择您任职的代办点"})

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {u.pk: u for u in units}
        self.fields["agent_unit"].choices = [(u.pk, u.name) for u in units]
        if len(units) == 1:
            self.fields["agent_unit"].initial = units[0].pk


class StatusQueryForm(forms.Form):
    receipt_no = forms.CharField(label="受理编号", max_length=20, error_messages={"required": "请填写受理编号"})
    id_tail = forms.CharField(
        label="申请人证件号码后四位", min_length=4, max_length=4,
        error_messages={"required": "请填写证件号码后四位", "min_length": "请填写证件号码后四位(4个字符)", "max_length": "请填写证件号码后四位(4个字符)"},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


def _not_found(request, message):
    return render(request, "portal/error.html", {"status": 404, "title": "未找到", "message": message}, status=404)


def _items_page(request, channel):
    q = request.GET.get("q", "")
    online = channel == Case.Channel.ONLINE
    page = Paginator(items_open_for_application(q=q, online=online), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "cases/apply_items.html", {
        "nav": "services", "page_obj": page, "items": page.object_list, "q": q,
        "form_url_name": CHANNEL_PAGES[channel]["form"], "title": CHANNEL_PAGES[channel]["title"],
    })


def _apply_page(request, code, channel, *, form_class, form_kwargs=None, initial=None):
    try:
        item = item_open_get(code=code, online=channel == Case.Channel.ONLINE)
    except NotFound as exc:
        return _not_found(request, exc.message)
    except PermissionDenied as exc:
        # Not open online: say where and when to apply in person instead.
        offline = item_open_get(code=code)
        return render(request, "cases/apply_offline.html", {
            "nav": "services", "item": offline, "message": exc.message,
        }, status=exc.status)
    materials = list(item.materials.all())
    form_kwargs = form_kwargs or {}
    material_errors: dict[int, list[str]] = {}
    selections = {m.pk: FileSelection(field=f"material_{m.pk}") for m in materials}
    extras = FileSelection(field=EXTRAS_FIELD)
    if request.method == "POST":
        form = form_class(request.POST, **form_kwargs)
        # Files first: each chosen file is kept as a pending upload whatever else is wrong.
        owner = upload_owner_for(request)
        selections = {m.pk: file_selection_from_request(request, field_name=f"material_{m.pk}", owner=owner)
                      for m in materials}
        extras = file_selection_from_request(request, field_name=EXTRAS_FIELD, owner=owner)
        for pk, selection in selections.items():
            # One file per material: a newer choice replaces the earlier one.
            for older in selection.pending[:-1]:
                pending_upload_discard(owner=owner, token=older.token)
            selection.pending = selection.pending[-1:]
            if selection.errors:
                material_errors[pk] = list(selection.errors)
        dropped = extras.dropped or any(s.dropped for s in selections.values())
        files_ok = not material_errors and not extras.errors
        if not dropped and form.is_valid() and files_ok:
            data = form.cleaned_data
            applicant = getattr(form, "applicant", request.user)
            agent_unit = form.units.get(data["agent_unit"]) if channel == Case.Channel.AGENT else None
            try:
                case = case_apply(
                    actor=request.user, item=item, applicant=applicant, channel=channel,
                    note=data["note"], contact_phone=data["contact_phone"],
                    materials={pk: s.pending[0] for pk, s in selections.items() if s.pending},
                    extras=extras.pending, agent_unit=agent_unit,
                )
            except ValidationFailed as exc:
                for field, messages_ in errors_by_field(exc).items():
                    for message in messages_:
                        if field.startswith("material_") and field[9:].isdigit():
                            material_errors.setdefault(int(field[9:]), []).append("请上传此材料")
                        else:
                            form.add_error(field if field in form.fields else None, message)
                for pk in (exc.details or {}).get("missing", []):
                    material_errors.setdefault(pk, []).append("请上传此材料")
            else:
                return HttpResponseRedirect(reverse("cases:mine_detail", kwargs={"receipt_no": case.receipt_no}) + "?new=1")
        elif not dropped:
            form.is_valid()  # every field's message, together with the missing materials below
            for m in materials:
                if m.required and not selections[m.pk].pending and m.pk not in material_errors:
                    material_errors[m.pk] = ["请上传此材料"]
        status = 200 if dropped else 400
    else:
        form = form_class(initial=initial or {}, **form_kwargs)
        status = 200
    rows = [{
        "material": m, "errors": material_errors.get(m.pk, []), "selection": selections[m.pk],
        "label": f"{m.seq}. {m.name}" + ("(必需)" if m.required else ""),
    } for m in materials]
    return render(request, "cases/apply_form.html", {
        "nav": "services", "item": item, "form": form, "materials": rows, "channel": channel,
        "title": CHANNEL_PAGES[channel]["title"], "items_url_name": CHANNEL_PAGES[channel]["items"],
        "extras_field": EXTRAS_FIELD, "extras": extras, "material_errors": bool(material_errors),
        "note_max": NOTE_MAX,
    }, status=status)


# --- applicants -------------------------------------------------------------------


@access(APPLICANT)
@require_safe
def apply_items(request):
    return _items_page(request, Case.Channel.ONLINE)


@access(APPLICANT)
@require_http_methods(["GET", "HEAD", "POST"])
def apply(request, code):
    return _apply_page(request, code, Case.Channel.ONLINE, form_class=ApplyForm, initial={"contact_phone": request.user.phone})


@access(APPLICANT)
@require_safe
def mine(request):
    page = Paginator(case_list_mine(user=request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "cases/my_list.html", {"nav": "services", "page_obj": page, "cases": my_rows(page.object_list)})


def my_rows(cases) -> list[dict]:
    """The list's rows as shown, formatted once (plain dicts render several times faster
    than model attribute paths with ``date`` filters; ADR 0013)."""
    return [
        {
            "receipt_no": c.receipt_no,
            "url": reverse("cases:mine_detail", args=[c.receipt_no]),
            "item_name": c.item.name,
            "submitted": timezone.localtime(c.submitted_at).strftime("%Y-%m-%d %H:%M"),
            "status_label": c.get_status_display(),
            "step_name": c.current_step["name"],
            "due": c.clock.due_on.isoformat() if c.clock else "",
        }
        for c in cases
    ]


def _detail_page(request, case, *, correction_error: str = "", status: int = 200, note_value: str = ""):
    correcting = case.status == Case.Status.CORRECTION
    return render(request, "cases/my_detail.html", {
        "nav": "services", "case": case, "just_submitted": request.GET.get("new") == "1",
        "files": case_material_files(case=case), "events": case_events(case=case),
        "evidence": case_evidence_files(case=case),
        "note": (case.data or {}).get("note", ""),
        # Masked even for the applicant (PIPL: shown masked everywhere).
        "contact_phone": mask_phone(case_contact_phone(case)) if case.applicant_id == request.user.pk else "",
        "missing": (case.flags or {}).get("missing", []) if correcting else [],
        "correction_materials": list(case.item.materials.order_by("seq")) if correcting else [],
        "correction_error": correction_error,
        "correction_note": note_value,
        "note_max": NOTE_MAX,
        "extras_field": EXTRAS_FIELD,
        "is_applicant": case.applicant_id == request.user.pk,
        # The service decides; the form is offered to those it can accept it from.
        "can_resubmit": case.applicant_id == request.user.pk or case.agent_unit_id is not None,
    }, status=status)


@access(AUTHENTICATED)
@require_safe
def mine_detail(request, receipt_no):
    """The receipt (受理回执) and the case's progress, for its applicant or whoever entered it."""
    try:
        case = case_get_mine(user=request.user, receipt_no=receipt_no)
    except NotFound as exc:
        return _not_found(request, exc.message)
    return _detail_page(request, case)


@access(AUTHENTICATED)
@require_http_methods(["GET", "HEAD", "POST"])
def resubmit(request, receipt_no):
    """补正: upload the materials a correction notice listed and send the case back to its step."""
    try:
        case = case_get_mine(user=request.user, receipt_no=receipt_no)
    except NotFound as exc:
        return _not_found(request, exc.message)
    detail_url = reverse("cases:mine_detail", kwargs={"receipt_no": case.receipt_no})
    if request.method != "POST":
        return HttpResponseRedirect(detail_url)
    note = request.POST.get("note", "")
    try:
        expected_version = int_parse(request.POST.get("expected_version", ""), label="页面版本", low=0)
        if expected_version is None:
            raise ValidationFailed("页面版本信息缺失", code="version_missing")
    except ValidationFailed:
        return _detail_page(request, case, correction_error="页面版本信息缺失,请刷新后重试。", status=400, note_value=note)
    chosen = {}
    for m in case.item.materials.all():
        upload = request.FILES.get(f"material_{m.pk}")
        if upload:
            chosen[m.pk] = upload
    try:
        case_resubmit(
            actor=request.user, case=case, expected_version=expected_version, materials=chosen,
            extras=request.FILES.getlist(EXTRAS_FIELD), note=note,
        )
    except DomainError as exc:
        # Show the case as it is now (a colleague may have acted) with the refusal.
        case = case_get_mine(user=request.user, receipt_no=receipt_no)
        return _detail_page(request, case, correction_error=exc.message, status=exc.status, note_value=note[:NOTE_MAX])
    messages.success(request, "补正材料已提交,办件已回到原环节继续办理。")
    return HttpResponseRedirect(detail_url)


# --- window clerks and agents ------------------------------------------------------


@access(STAFF, roles=[Role.WINDOW_CLERK])
@require_safe
def window_items(request):
    return _items_page(request, Case.Channel.WINDOW)


@access(STAFF, roles=[Role.WINDOW_CLERK])
@require_http_methods(["GET", "HEAD", "POST"])
def window_apply(request, code):
    return _apply_page(request, code, Case.Channel.WINDOW, form_class=AssistedApplyForm)


NOT_AGENT = "只有在乡镇(街道)或代办点任职的工作人员可以代办申请。"


@access(STAFF)
@require_safe
def agent_items(request):
    if not agent_units_for(user=request.user):
        return forbidden(request, NOT_AGENT)
    return _items_page(request, Case.Channel.AGENT)


@access(STAFF)
@require_http_methods(["GET", "HEAD", "POST"])
def agent_apply(request, code):
    units = agent_units_for(user=request.user)
    if not units:
        return forbidden(request, NOT_AGENT)
    return _apply_page(request, code, Case.Channel.AGENT, form_class=AgentApplyForm, form_kwargs={"units": units})


# --- the public status query -------------------------------------------------------


@access(PUBLIC)
@require_http_methods(["GET", "HEAD", "POST"])
def status_query(request):
    """受理编号 + 证件号码后四位, no login. Posted, so the tail stays out of URLs and logs."""
    result = None
    error = ""
    status = 200
    if request.method == "POST":
        form = StatusQueryForm(request.POST)
        if not status_query_allowed(request):
            error, status = LIMIT_MESSAGE, 429
        elif form.is_valid():
            try:
                result = case_get_public(receipt_no=form.cleaned_data["receipt_no"], id_tail=form.cleaned_data["id_tail"])
            except NotFound as exc:
                error, status = exc.message, 404
        else:
            status = 400
    else:
        form = StatusQueryForm()
    return render(request, "cases/status_query.html", {
        "nav": "services", "form": form, "result": result, "error": error,
    }, status=status)
