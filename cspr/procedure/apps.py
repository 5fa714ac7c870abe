from django.apps import AppConfig


class ProcedureConfig(AppConfig):
    name = "cspr.procedure"
    verbose_name = "Procedure"
