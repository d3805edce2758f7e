"""Configuration screens for the catalog. Every save goes through catalog.services;
nothing is deleted here — items are retired with a reason instead."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse

from zhengwu.core.errors import DomainError

from . import selectors, services
from .models import Item, ItemMaterial, LifeEvent, WorkArea


class ItemMaterialInline(admin.TabularInline):
    model = ItemMaterial
    extra = 1
    fields = ("seq", "name", "form", "originals", "copies", "required", "note")
    verbose_name = "申请材料"
    verbose_name_plural = "申请材料(保存时按序号重新编号)"


class ItemAdminForm(forms.ModelForm):
    class Meta:
        model = Item
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        # Run the service's own rules here so a bad value becomes a form error, not a failed save.
        if self.instance.pk:
            category = self.instance.category
            names = [n for n in self.changed_data if n in services.EDITABLE_FIELDS]
        else:
            category = cleaned.get("category")
            names = [n for n in self.fields if n in services.EDITABLE_FIELDS]
        if not category or any(n in self.errors for n in names):
            return cleaned
        try:
            services.item_fields_validate(
                category=category,
                fields={n: cleaned.get(n) for n in names if n in cleaned},
                item=self.instance if self.instance.pk else None,
            )
        except DomainError as exc:
            field = exc.details.get("field")
            self.add_error(field if field in self.fields else None, exc.message)
        return cleaned


class GuideCompletenessFilter(admin.SimpleListFilter):
    """Lets administrators find items whose service guide (办事指南) lacks elements."""

    title = "办事指南完整性"
    parameter_name = "guide"

    def lookups(self, request, model_admin):
        return [("incomplete", "要素不全"), ("complete", "要素齐全")]

    def queryset(self, request, queryset):
        incomplete = selectors.guide_incomplete_q()
        if self.value() == "incomplete":
            return queryset.filter(incomplete)
        if self.value() == "complete":
            return queryset.filter(category__in=selectors.GUIDE_CATEGORIES).exclude(incomplete)
        return queryset


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    form = ItemAdminForm
    inlines = [ItemMaterialInline]
    list_display = ("code", "seq", "name", "category", "work_area", "department", "status", "source", "guide_missing")
    list_display_links = ("code", "name")
    list_filter = (GuideCompletenessFilter, "category", "status", "source", "audience", "life_events",
                   "township_level", "online_depth", "work_area")
    filter_horizontal = ("life_events",)
    search_fields = ("name", "code")
    list_select_related = ("work_area", "department")
    list_per_page = 50
    ordering = ("category", "seq", "id")
    actions = ["retire_items", "reinstate_items"]
    fieldsets = (
        ("基本信息", {"fields": ("code", "category", "work_area", "seq", "name", "content", "source",
                             "status", "retired_at", "retire_reason")}),
        ("编码与主体", {"fields": ("basic_code", "implementation_code", "business_code", "exercise_level",
                               "department", "implementing_body")}),
        ("办理要求", {"fields": ("legal_basis", "acceptance_conditions", "statutory_limit_days",
                             "promised_limit_days", "handling_type", "visits_required", "online_application")}),
        ("收费与地点", {"fields": ("fees", "fee_basis", "place", "hours", "consultation_phone",
                               "supervision_phone")}),
        ("网上办理与分类浏览", {"fields": ("online_depth", "audience", "life_events", "township_level")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(**selectors.guide_missing_annotations())

    @admin.display(description="办事指南缺少的要素")
    def guide_missing(self, obj):
        labels = selectors.guide_missing_labels(obj)
        return "、".join(labels) if labels else "—"

    def get_readonly_fields(self, request, obj=None):
        fixed = ("code", "seq", "source", "status", "retired_at", "retire_reason")
        return fixed + ("category",) if obj is not None else fixed

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        cleaned = form.cleaned_data
        if change:
            fresh = Item.objects.get(pk=obj.pk)
            fields = {n: cleaned[n] for n in form.changed_data if n in services.EDITABLE_FIELDS}
            saved = services.item_update(actor=request.user, item=fresh, **fields)
        else:
            fields = {n: cleaned[n] for n in form.fields
                      if n in services.EDITABLE_FIELDS and n not in ("work_area", "name") and n in cleaned}
            saved = services.item_create(
                actor=request.user, category=cleaned["category"], work_area=cleaned["work_area"],
                name=cleaned["name"], **fields,
            )
        # The admin goes on to use `obj` (inlines, log entry, redirect), so make it the saved row.
        obj.__dict__.update({k: v for k, v in saved.__dict__.items() if k != "_state"})
        obj._state.adding = False
        obj._state.db = saved._state.db

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            # formset.save() is never called (material_set writes), but the admin's
            # change message reads these attributes that save() would have set.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            if formset.model is not ItemMaterial or not formset.has_changed():
                continue
            rows = []
            for f in formset.forms:
                data = getattr(f, "cleaned_data", None)
                if not data or data.get("DELETE"):
                    continue
                rows.append(data)
            rows.sort(key=lambda d: (d.get("seq") is None, d.get("seq") or 0))
            materials = [{k: d.get(k) for k in services.MATERIAL_FIELDS} for d in rows]
            services.material_set(actor=request.user, item=form.instance, materials=materials)

    @admin.action(description="停用所选事项(需填写原因)")
    def retire_items(self, request, queryset):
        if request.POST.get("apply"):
            reason = (request.POST.get("reason") or "").strip()
            if reason:
                done = 0
                for item in queryset:
                    try:
                        services.item_retire(actor=request.user, item=item, reason=reason)
                        done += 1
                    except DomainError as exc:
                        self.message_user(request, exc.message, messages.WARNING)
                self.message_user(request, f"已停用 {done} 个事项。", messages.SUCCESS)
                return None
            self.message_user(request, "停用事项必须填写停用原因", messages.ERROR)
        return TemplateResponse(request, "admin/catalog/item/retire_confirmation.html", {
            **self.admin_site.each_context(request),
            "title": "停用事项",
            "opts": self.model._meta,
            "items": queryset,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        })

    @admin.action(description="恢复所选已停用事项")
    def reinstate_items(self, request, queryset):
        done = 0
        for item in queryset:
            try:
                services.item_reinstate(actor=request.user, item=item)
                done += 1
            except DomainError as exc:
                self.message_user(request, exc.message, messages.WARNING)
        self.message_user(request, f"已恢复 {done} 个事项。", messages.SUCCESS)


class WorkAreaAdminForm(forms.ModelForm):
    class Meta:
        model = WorkArea
        fields = ("department",)


@admin.register(WorkArea)
class WorkAreaAdmin(admin.ModelAdmin):
    form = WorkAreaAdminForm
    list_display = ("code", "category", "seq", "name", "department")
    list_filter = ("category",)
    search_fields = ("name", "code")
    list_select_related = ("department",)
    ordering = ("category", "seq")
    fields = ("code", "category", "seq", "name", "department")
    readonly_fields = ("code", "category", "seq", "name")

    def has_add_permission(self, request):
        # Work areas come from the basic catalog (load_catalog), not from this screen.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if "department" in form.changed_data:
            fresh = WorkArea.objects.get(pk=obj.pk)
            services.work_area_assign_department(
                actor=request.user, work_area=fresh, department=form.cleaned_data["department"],
            )

    def save_related(self, request, form, formsets, change):
        pass


@admin.register(LifeEvent)
class LifeEventAdmin(admin.ModelAdmin):
    list_display = ("name", "audience", "seq", "code", "icon")
    list_filter = ("audience",)
    ordering = ("audience", "seq")
    readonly_fields = ("code",)

    def has_add_permission(self, request):
        # The portal's browse pages and icons are built for the events the loader creates.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.life_event_update(actor=request.user, event=obj, fields={n: form.cleaned_data[n] for n in form.changed_data})
