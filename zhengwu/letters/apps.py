from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "zhengwu.letters"
    label = "letters"
    verbose_name = "信件与信访"

    def ready(self):
        # Chinese names of this app's audit actions on the audit page.
        from zhengwu.core.registries.audit_labels import register_audit_labels

        from . import audit_labels

        register_audit_labels(audit_labels.LABELS)
        from zhengwu.core.registries.personal_data import register_personal_data_source

        from . import data_export

        register_personal_data_source("letters", "信件", data_export.letters_export, retention=data_export.RETENTION,
                                      order=30)

        # Explicit wiring into the lower layers' registries (no signals).
        from zhengwu.core.uploads import register_download_rule
        from zhengwu.core.registries.demo import register_demo_loader
        from zhengwu.core.registries.portal import (
            register_office_link,
            register_section_panel,
        )
        from zhengwu.core.registries.search import register_search_source

        from zhengwu.core.registries.moderation import register_word_filter

        from . import demo, moderation, registrations
        from .registrations import search
        from zhengwu.org.roles import Role

        from .posts import STAFF_ROLES
        from .services.submission import ATTACHMENT_PURPOSE

        register_download_rule(ATTACHMENT_PURPOSE.split(":")[0], registrations.attachment_download_rule)
        register_search_source(search.DOC_TYPE, "信件答复", search.iter_all, search.get_one)
        register_section_panel("participation", registrations.participation_panel, order=10)
        register_section_panel("home", registrations.home_panel, order=50)
        register_office_link("信件办理", "letters:staff_inbox", note="县长信箱、部门信箱、网上信访、咨询投诉的分办与办理",
                             order=30, roles=STAFF_ROLES)
        register_office_link("敏感词维护", "letters:staff_words", note="信件与公众参与的敏感词表",
                             order=31, roles=[Role.LETTER_CLERK])
        register_word_filter(moderation.moderation_check)
        from zhengwu.core.registries.workbench import register_workbench_counter

        from . import selectors

        register_workbench_counter(
            "letters", "信件办理", "letters:staff_inbox", selectors.letter_workbench_counts,
            deadlines=selectors.letter_workbench_deadlines, roles=STAFF_ROLES, order=30,
        )
        from zhengwu.core.owners import register_owner_type

        from .owners import HOP

        register_owner_type(HOP)
        # Published replies are public pages (zhengwu.core.page_cache); preparing one is not.
        from zhengwu.core.registries.public_content import register_public_actions

        register_public_actions("letters.publication.publish", "letters.publication.withdraw")
        register_demo_loader("letters", demo.letters_demo_load, order=40)
