from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "cspr.returns"
    verbose_name = "Information requests and agency returns"

    def ready(self) -> None:
        from cspr.messaging.periodic import register_periodic_job
        from cspr.returns import panels, services

        register_periodic_job("returns.reminders", services.returns_reminders_send, every_seconds=900)
        panels.register()
