from django.apps import AppConfig


class DisclosureRequestsConfig(AppConfig):
    name = "zhengwu.disclosure_requests"
    label = "disclosure_requests"
    verbose_name = "依申请公开"
