from django.apps import AppConfig


class FilesConfig(AppConfig):
    name = "cspr.files"
    verbose_name = "Stored files"
