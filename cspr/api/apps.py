from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "cspr.api"
    verbose_name = "JSON API"

    def ready(self) -> None:
        from cspr.api.services import idempotent_requests_expire
        from cspr.messaging.periodic import register_periodic_job

        # Answers kept for Idempotency-Key retries are removed once their day is over.
        register_periodic_job("api.idempotent_requests_expire", idempotent_requests_expire, every_seconds=3600)
