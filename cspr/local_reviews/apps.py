from django.apps import AppConfig


class LocalReviewsConfig(AppConfig):
    name = "cspr.local_reviews"
    verbose_name = "Local reviews"

    def ready(self) -> None:
        from cspr.cases.panels import CasePanel, register_case_panel
        from cspr.cases.reminders import register_deadline_source
        from cspr.local_reviews import rules, services  # noqa: F401 - the object-level rules; the transition it makes
        from cspr.local_reviews.presenters import case_panel
        from cspr.local_reviews.reminders import milestone_deadlines
        from cspr.local_reviews.selectors import case_page_annotations

        # The milestones are reminded of by the case clocks' sweep, not a second one.
        register_deadline_source("local_review_milestones", milestone_deadlines)
        register_case_panel(
            CasePanel(
                key="local-review",
                title="Local review",
                order=26,
                build=case_panel,
                annotations=case_page_annotations,
            )
        )
