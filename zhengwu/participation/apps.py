from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "zhengwu.participation"
    label = "participation"
    verbose_name = "意见征集与网上调查"

    def ready(self):
        # Chinese names of this app's audit actions on the audit page.
        from zhengwu.core.registries.audit_labels import register_audit_labels

        from . import audit_labels

        register_audit_labels(audit_labels.LABELS)
        from zhengwu.core.registries.personal_data import register_personal_data_source

        from . import data_export

        register_personal_data_source("comments", "意见征集中提出的意见", data_export.comments_export, order=50)
        register_personal_data_source("survey_answers", "网上调查答卷", data_export.answers_export, order=60)

        from zhengwu.core.registries.demo import register_demo_loader
        from zhengwu.core.registries.portal import (
            register_office_link,
            register_section_panel,
        )
        from zhengwu.core.registries.search import register_search_source

        from . import registrations
        from .demo import participation_demo_load

        register_section_panel("participation", registrations.section_panel, order=10)
        register_section_panel("home", registrations.home_panel, order=60)
        register_office_link("意见征集与网上调查", "participation:office",
                             note="发布征求意见稿、公布采纳情况;网上调查与评选", roles=registrations.DRAFT_ROLES)
        register_search_source("solicitation", "意见征集", registrations.search_iter_all, registrations.search_get_one)
        register_demo_loader("participation", participation_demo_load, order=60)
        # What changes public participation pages (zhengwu.core.page_cache). Drafts and
        # exports change nothing public. A comment or a survey answer only changes the
        # counts on the participation pages, which add the PARTICIPATION_SCOPE to their key.
        from zhengwu.core.registries.public_content import register_public_actions

        from .views import PARTICIPATION_SCOPE

        register_public_actions(
            "participation.solicitation.publish", "participation.solicitation.summary_publish",
            "participation.comment.publish", "participation.comment.unpublish", "participation.comment.decide",
            "participation.adoption_group.create", "participation.questionnaire.publish", "participation.demo.load",
        )
        register_public_actions("participation.comment.create", "participation.response.create",
                                scope=PARTICIPATION_SCOPE)
