from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running the platform: backup and restore (the operations desk of seed article 8 follows).

    Sits on top of the layers like ``demo``: a restore rebuilds derived data (the search
    index) of every app, so it may call any app's services; no app imports it.
    """

    name = "zhengwu.operations"
    label = "operations"
    verbose_name = "运维"
