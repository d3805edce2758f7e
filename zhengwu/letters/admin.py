"""Configuration screen for the per-channel rules (ChannelPolicy); saves go through the service.

The sensitive-word list is kept on the staff page /office/letters/words/ (letters office
and system administrator).
"""

from django import forms
from django.contrib import admin

from zhengwu.core.errors import DomainError

from . import services
from .models import ChannelPolicy
from .services.config import POLICY_FIELDS, channel_policy_changes


class ChannelPolicyForm(forms.ModelForm):
    class Meta:
        model = ChannelPolicy
        fields = POLICY_FIELDS

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        # The service's own rules, run here so a bad value is a form error, not a failed save.
        saved = ChannelPolicy.objects.get(pk=self.instance.pk)
        try:
            channel_policy_changes(policy=saved, **{f: cleaned[f] for f in POLICY_FIELDS if f in cleaned})
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from None
        return cleaned


@admin.register(ChannelPolicy)
class ChannelPolicyAdmin(admin.ModelAdmin):
    form = ChannelPolicyForm
    list_display = ("channel", "allow_anonymous", "accept_days", "handle_days", "extension_days", "warn_days", "publishable")
    readonly_fields = ("channel",)

    def has_add_permission(self, request):
        return False  # one row per channel, made by the migration

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.channel_policy_update(
            actor=request.user, policy=ChannelPolicy.objects.get(pk=obj.pk),
            **{name: form.cleaned_data[name] for name in POLICY_FIELDS if name in form.cleaned_data},
        )
