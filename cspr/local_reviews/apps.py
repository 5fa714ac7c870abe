from django.apps import AppConfig


class LocalReviewsConfig(AppConfig):
    name = "cspr.local_reviews"
    verbose_name = "Local reviews"

    def ready(self) -> None:
        from cspr.cases.panels import CasePanel, register_case_panel
        from cspr.cases.reminders import register_deadline_source

        # The report's drafts, the organisations' comments and the national review suggested (their own modules).
        from cspr.domain.letters import Decision
        from cspr.letters.selectors import register_decision_source
        from cspr.local_reviews import (  # noqa: F401 - the object-level rules; the transitions they make
            rules,
            rules_drafts,
            rules_people,
            services,
            services_drafts,
        )
        from cspr.local_reviews.drafts_views import case_panel as drafts_panel
        from cspr.local_reviews.presenters import case_panel
        from cspr.local_reviews.presenters_people import case_panel as people_panel
        from cspr.local_reviews.reminders import milestone_deadlines
        from cspr.local_reviews.reminders_drafts import comment_deadlines
        from cspr.local_reviews.selectors import case_page_annotations
        from cspr.local_reviews.selectors_drafts import inbox_items, national_suggested_on
        from cspr.returns.inbox import InboxSource, register_inbox_source

        register_deadline_source("local_review_comments", comment_deadlines)
        register_inbox_source(InboxSource("local_review_comments", "Comments asked on draft reports", inbox_items))
        register_decision_source(Decision.NATIONAL_REVIEW_SUGGESTED, national_suggested_on)
        register_case_panel(
            CasePanel(key="local-review-drafts", title="The review's report", order=27, build=drafts_panel)
        )

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
        register_case_panel(
            CasePanel(key="local-review-people", title="The review's people and messages", order=28, build=people_panel)
        )
