"""The register (/reviewers/…) and a case's reviewer (/cases/<reference>/reviewer/…)."""

from cspr.cases.urls import ReferenceConverter  # noqa: F401 - registers the "caseref" converter
from cspr.reviewers import views

app_name = "reviewers"

urlpatterns = views.routes.urlpatterns()
