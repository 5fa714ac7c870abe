from django.apps import AppConfig


class NationalReviewsConfig(AppConfig):
    name = "cspr.national_reviews"
    verbose_name = "National reviews"

    def ready(self) -> None:
        from cspr.cases.facts import register_case_facts
        from cspr.cases.panels import CasePanel, register_case_panel
        from cspr.national_reviews import rules  # noqa: F401 - registers the object-level rules
        from cspr.national_reviews.presenters import case_panel
        from cspr.national_reviews.selectors import case_page_annotations, national_review_facts

        # A case that the Panel took on moves to learning and actions only once its national review is finished.
        register_case_facts("national_review", national_review_facts)
        register_case_panel(
            CasePanel(
                key="national-review",
                title="National review",
                order=25,
                build=case_panel,
                annotations=case_page_annotations,
            )
        )
