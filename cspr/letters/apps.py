from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "cspr.letters"
    verbose_name = "Letters"

    def ready(self) -> None:
        from cspr.letters import rules  # noqa: F401 - registers the object-level rules
        from cspr.letters.presenters import register_panel

        register_panel()
