from django.apps import AppConfig


class CasesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cspr.cases"
    label = "cases"
    verbose_name = "Cases"
