from django.apps import AppConfig


class RapidReviewsConfig(AppConfig):
    name = "cspr.rapid_reviews"
    verbose_name = "Rapid reviews"

    def ready(self) -> None:
        from cspr.cases.facts import register_case_facts
        from cspr.cases.panels import CasePanel, register_case_panel
        from cspr.rapid_reviews import rules  # noqa: F401 - registers the object-level rules
        from cspr.rapid_reviews.presenters import case_panel
        from cspr.rapid_reviews.selectors import CASE_PAGE_RELATED, case_page_annotations, learning_actions_facts

        # A case closes only once every learning action is done or closed with a reason (§7.10).
        register_case_facts("rapid_review_actions", learning_actions_facts)
        register_case_panel(
            CasePanel(
                key="rapid-review",
                title="Rapid review",
                order=20,
                build=case_panel,
                related=CASE_PAGE_RELATED,
                annotations=case_page_annotations,
            )
        )
