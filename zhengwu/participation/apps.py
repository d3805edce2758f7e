from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "zhengwu.participation"
    label = "participation"
    verbose_name = "意见征集与网上调查"
