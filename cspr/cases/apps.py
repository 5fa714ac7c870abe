from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cspr.cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        from cspr.cases.reminders import clock_reminders_send
        from cspr.messaging.periodic import register_periodic_job

        register_periodic_job("cases.clock_reminders", clock_reminders_send, every_seconds=900)
