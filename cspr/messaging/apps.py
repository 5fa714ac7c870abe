from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "cspr.messaging"
    verbose_name = "Messages (durable outbox)"

    def ready(self) -> None:
        from cspr.messaging import checks  # noqa: F401 - registers the system check
