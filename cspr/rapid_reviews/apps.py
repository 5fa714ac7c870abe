from django.apps import AppConfig


class RapidReviewsConfig(AppConfig):
    name = "cspr.rapid_reviews"
    verbose_name = "Rapid reviews"

    def ready(self) -> None:
        from cspr.cases.panels import CasePanel, register_case_panel
        from cspr.rapid_reviews import rules  # noqa: F401 - registers the object-level rules
        from cspr.rapid_reviews.presenters import case_panel
        from cspr.rapid_reviews.selectors import CASE_PAGE_RELATED

        register_case_panel(
            CasePanel(key="rapid-review", title="Rapid review", order=20, build=case_panel, related=CASE_PAGE_RELATED)
        )
