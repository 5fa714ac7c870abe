from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cspr.core"
    verbose_name = "Core"
