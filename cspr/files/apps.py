from django.apps import AppConfig


class FilesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cspr.files"
    label = "files"
    verbose_name = "Stored files"
