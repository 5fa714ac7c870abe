from django.apps import AppConfig


class ProcedureConfig(AppConfig):
    name = "cspr.procedure"
    label = "procedure"
    verbose_name = "Procedure"
