from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "zhengwu.participation"
    label = "participation"
    verbose_name = "意见征集与网上调查"

    def ready(self):
        from zhengwu.demo.services import register_demo_loader
        from zhengwu.portal.extensions import (
            register_office_link,
            register_section_panel,
        )
        from zhengwu.search.sources import register_search_source

        from . import portal_hooks
        from .demo import participation_demo_load

        register_section_panel("participation", portal_hooks.section_panel, order=10)
        register_section_panel("home", portal_hooks.home_panel, order=60)
        register_office_link("意见征集与网上调查", "participation:office",
                             note="发布征求意见稿、公布采纳情况;网上调查与评选", visible=portal_hooks.office_link_visible)
        register_search_source("solicitation", "意见征集", portal_hooks.search_iter_all, portal_hooks.search_get_one)
        register_demo_loader("participation", participation_demo_load, order=60)
