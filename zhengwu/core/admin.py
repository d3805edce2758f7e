"""Configuration screens for core: the working-day calendar, the site identity, the audit trail.

Calendar writes go through the calendar services (audited, ordinals recomputed); the
audit trail is read-only here as everywhere.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from zhengwu.core.access import AUDIT_ADMIN_ROLE, holds_any_role
from zhengwu.core.audit import audit_record
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.models import AuditEvent, CalendarDay, CalendarYear, SiteIdentity
from zhengwu.core.workdays import (
    MAX_YEAR,
    MIN_YEAR,
    PROVISIONAL_READING,
    calendar_coverage,
    calendar_day_set,
    calendar_import_year,
    calendar_missing_years,
    calendar_provisional_years,
    moved_clock_lines,
    parse_arrangement_text,
)

MAX_UPLOAD_BYTES = 64 * 1024

EXAMPLE_TEXT = """# 每行一条:日期(或日期范围) 类型 名称;# 之后为注释
2027-01-01 假日 元旦
2027-02-06..2027-02-12 假日 春节
2027-02-14 调休 春节调休上班
"""


def _calendar_context() -> dict:
    return {
        "calendar_missing_years": calendar_missing_years(),
        "calendar_provisional_years": calendar_provisional_years(),
        "calendar_provisional_reading": PROVISIONAL_READING,
        "calendar_coverage": calendar_coverage(),
    }


class CalendarImportForm(forms.Form):
    year = forms.IntegerField(label="年份", min_value=MIN_YEAR, max_value=MAX_YEAR)
    notice = forms.CharField(label="国务院通知文号", max_length=200, required=False,
                             help_text="例如:国办发明电〔2026〕7号")
    file = forms.FileField(label="安排文件(UTF-8 文本)", required=False)
    text = forms.CharField(
        label="或直接填写安排", required=False,
        widget=forms.Textarea(attrs={"rows": 14, "cols": 70, "placeholder": EXAMPLE_TEXT}),
    )

    def clean(self):
        data = super().clean()
        upload, text = data.get("file"), (data.get("text") or "").strip()
        if upload and text:
            raise forms.ValidationError("请只选择一种方式:上传文件或直接填写,不要同时使用。")
        if not upload and not text:
            raise forms.ValidationError("请上传安排文件或直接填写安排内容。")
        if upload:
            if upload.size > MAX_UPLOAD_BYTES:
                raise forms.ValidationError("文件过大(最多 64 KB),请确认上传的是节假日安排文本文件。")
            raw = upload.read()
            for encoding in ("utf-8-sig", "gb18030"):
                try:
                    text = raw.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
            else:
                raise forms.ValidationError("无法读取文件内容,请保存为 UTF-8 编码的文本文件。")
            data["source"] = CalendarYear.Source.FILE
        else:
            data["source"] = CalendarYear.Source.FORM
        data["arrangement_text"] = text
        return data


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "source", "notice", "loaded_at")
    list_filter = ("source",)
    readonly_fields = ("year", "source", "notice", "loaded_at")
    change_list_template = "core/admin/calendaryear_change_list.html"

    def has_add_permission(self, request):
        return False  # years are loaded through the import view or calendar_seed

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        custom = [
            path("import/", self.admin_site.admin_view(self.import_view), name="core_calendaryear_import"),
        ]
        return custom + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra = {**_calendar_context(), "can_import": self._can_import(request), **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra)

    @staticmethod
    def _can_import(request) -> bool:
        return request.user.has_perm("core.add_calendaryear")

    def import_view(self, request):
        if not self._can_import(request):
            raise PermissionDenied
        form = CalendarImportForm(request.POST or None, request.FILES or None)
        line_errors: list[str] = []
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                parsed = parse_arrangement_text(data["arrangement_text"], year=data["year"])
                result = calendar_import_year(
                    actor=request.user,
                    year=data["year"],
                    holidays=parsed.holidays,
                    makeup_workdays=parsed.makeup_workdays,
                    notice=data["notice"],
                    source=data["source"],
                )
            except ValidationFailed as exc:
                line_errors = exc.details.get("errors") or [exc.message]
                form.add_error(None, "导入失败,请根据下面的提示修改后重新提交。" if exc.details.get("errors") else exc.message)
            else:
                messages.success(
                    request,
                    f"已导入 {data['year']} 年节假日安排:假日 {len(parsed.holidays)} 天,"
                    f"调休上班 {len(parsed.makeup_workdays)} 天。",
                )
                if result.moved_clocks:
                    messages.warning(
                        request,
                        f"{len(result.moved_clocks)} 个在办时限的到期日随之变动(已重新计算):"
                        + ";".join(moved_clock_lines(result.moved_clocks, limit=20)),
                    )
                else:
                    messages.info(request, "没有在办时限的到期日因此变动。")
                return redirect(reverse("admin:core_calendaryear_changelist"))
        context = {
            **self.admin_site.each_context(request),
            **_calendar_context(),
            "title": "导入年度节假日安排",
            "form": form,
            "line_errors": line_errors,
            "example_text": EXAMPLE_TEXT,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "core/admin/calendar_import.html", context)


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ("is_workday", "note")


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    form = CalendarDayForm
    list_display = ("date", "weekday", "kind", "is_workday", "note", "workday_ordinal")
    list_filter = ("kind", "is_workday")
    date_hierarchy = "date"
    search_fields = ("note",)
    readonly_fields = ("date", "kind", "workday_ordinal")
    fields = ("date", "kind", "is_workday", "note", "workday_ordinal")
    change_list_template = "core/admin/calendarday_change_list.html"
    list_per_page = 62

    @admin.display(description="星期")
    def weekday(self, obj):
        return "周" + "一二三四五六日"[obj.date.weekday()]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, extra_context={**_calendar_context(), **(extra_context or {})})

    def save_model(self, request, obj, form, change):
        # The service sets the kind, recomputes every ordinal and writes the audit row.
        saved = calendar_day_set(
            actor=request.user,
            date=obj.date,
            is_workday=form.cleaned_data["is_workday"],
            note=form.cleaned_data.get("note", ""),
        )
        obj.kind, obj.workday_ordinal = saved.kind, saved.workday_ordinal


@admin.register(SiteIdentity)
class SiteIdentityAdmin(admin.ModelAdmin):
    list_display = ("site_name", "sponsor", "site_code", "icp_record", "police_record", "updated_at")

    def has_add_permission(self, request):
        return not SiteIdentity.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            obj.save()
            audit_record(
                actor=request.user,
                action="core.site_identity.update" if change else "core.site_identity.create",
                obj=obj,
                details={"changed": list(form.changed_data)},
            )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = (
        "id", "created_at", "actor_label", "role", "ip", "action", "object_type", "object_id",
        "result", "request_id",
    )
    list_filter = ("result", "action")
    search_fields = ("action", "actor_label", "object_type", "object_id", "request_id")
    date_hierarchy = "created_at"
    actions = None
    list_select_related = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    # 三员分立: the audit administrator alone reads the trail; not the system or security
    # administrator, and not a superuser (is_superuser grants nothing).
    def has_view_permission(self, request, obj=None):
        return holds_any_role(request.user, {AUDIT_ADMIN_ROLE}) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
