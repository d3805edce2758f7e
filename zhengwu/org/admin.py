"""Configuration screens for the org tree and posts; every write goes through services.

Forms run the services' own checks in ``clean()`` so a refused change shows as a
Chinese form error, and ``save_model`` then calls the service that writes and audits.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied

from zhengwu.core.errors import DomainError, PermissionDenied

from . import services
from .models import Assignment, Unit
from .roles import Role
from .selectors import user_holds_any_role

_UNIT_FIELDS = ("code", "name", "kind", "parent", "responsibilities", "address", "phone", "sort_order", "is_active")


def _as_form_error(form, exc: DomainError) -> None:
    field = exc.details.get("field")
    form.add_error(field if field in form.fields else None, exc.message)


class UnitAdminForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = _UNIT_FIELDS

    def clean(self):
        data = super().clean()
        if "kind" in data:
            try:
                services.unit_placement_check(
                    kind=data["kind"], parent=data.get("parent"), unit=self.instance if self.instance.pk else None
                )
            except DomainError as exc:
                _as_form_error(self, exc)
        return data


def _call(fn):
    try:
        return fn()
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    form = UnitAdminForm
    list_display = ("code", "name", "kind", "parent", "is_active", "sort_order")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    fields = _UNIT_FIELDS

    def get_readonly_fields(self, request, obj=None):
        return ("code",) if obj else ()

    def has_delete_permission(self, request, obj=None):
        return False  # units are deactivated, never deleted (items and posts point at them)

    def save_model(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in _UNIT_FIELDS if f in form.cleaned_data and f != "code"}
        if change:
            # The form has already copied the new values onto ``obj``; the service
            # compares against the stored row, so pass a fresh one.
            stored = Unit.objects.get(pk=obj.pk)
            saved = _call(lambda: services.unit_update(actor=request.user, unit=stored, **data))
        else:
            is_active = data.pop("is_active", True)
            saved = _call(lambda: services.unit_create(actor=request.user, code=form.cleaned_data["code"], **data))
            if not is_active:
                saved = services.unit_update(actor=request.user, unit=saved, is_active=False)
        obj.pk = saved.pk


class AssignmentAdminForm(forms.ModelForm):
    class Meta:
        model = Assignment
        fields = ("user", "unit", "role")

    def clean(self):
        data = super().clean()
        if all(data.get(k) for k in ("user", "unit", "role")):
            try:
                services.assignment_grant_check(
                    actor=getattr(self, "actor", None), user=data["user"], unit=data["unit"], role=data["role"]
                )
            except DomainError as exc:
                _as_form_error(self, exc)
        return data


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    form = AssignmentAdminForm
    list_display = ("user", "unit", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__real_name", "unit__name")
    list_select_related = ("user", "unit")
    autocomplete_fields = ("unit",)
    raw_id_fields = ("user",)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.actor = request.user
        return form

    # 三员分立: only the security administrator sees, grants and revokes posts; model
    # permissions alone are not enough (a stray group or permission must not open it).
    def _is_security_admin(self, request) -> bool:
        return user_holds_any_role(request.user, {Role.SECURITY_ADMIN})

    def has_module_permission(self, request):
        return self._is_security_admin(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._is_security_admin(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return self._is_security_admin(request) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self._is_security_admin(request) and super().has_delete_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return False  # a post is granted or revoked, never edited in place

    def save_model(self, request, obj, form, change):
        saved = _call(lambda: services.assignment_grant(
            actor=request.user, user=form.cleaned_data["user"], unit=form.cleaned_data["unit"],
            role=form.cleaned_data["role"],
        ))
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        _call(lambda: services.assignment_revoke(actor=request.user, assignment=obj))

    def delete_queryset(self, request, queryset):
        for obj in list(queryset):
            self.delete_model(request, obj)
