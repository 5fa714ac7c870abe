from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cspr.accounts"

    def ready(self) -> None:
        from cspr.accounts import signals  # noqa: F401 - connects the audit receivers
