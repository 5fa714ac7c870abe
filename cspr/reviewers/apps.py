from django.apps import AppConfig


class ReviewersConfig(AppConfig):
    name = "cspr.reviewers"
    verbose_name = "Reviewers"

    def ready(self) -> None:
        from cspr.cases.facts import CaseDetail, register_case_detail
        from cspr.cases.panels import CasePanel, register_case_panel
        from cspr.reviewers import rules  # noqa: F401 - registers the object-level rules
        from cspr.reviewers.presenters import case_panel
        from cspr.reviewers.selectors import case_page_annotations, reviewer_name_for_case

        register_case_panel(
            CasePanel(key="reviewer", title="Reviewer", order=27, build=case_panel, annotations=case_page_annotations)
        )
        # The local review's page and the letters telling the national bodies who the reviewer is (§4.7) name them
        # from the register.
        register_case_detail(CaseDetail.REVIEWER, lambda case: reviewer_name_for_case(case=case))
