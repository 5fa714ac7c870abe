from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Invented demo data (``seed_demo``): may import every app; nothing imports it but its command and tests."""

    name = "cspr.demo"
