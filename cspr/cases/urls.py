from django.urls import path, register_converter

from cspr.cases import views


class ReferenceConverter:
    """A case reference such as NVALE-2026-004 (so "/cases/notify/" and the like never match a case)."""

    regex = r"[A-Z][A-Z0-9]{1,9}-[0-9]{4}-[0-9]{3,}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ReferenceConverter, "caseref")

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("<caseref:reference>/", views.case_detail, name="detail"),
    path("<caseref:reference>/notification-and-decisions/", views.case_record, name="record"),
    path("<caseref:reference>/history/", views.case_history, name="history"),
    path("<caseref:reference>/documents/", views.case_documents, name="documents"),
    path("<caseref:reference>/identifying-details/", views.identifying_details, name="identifying-details"),
    path("<caseref:reference>/local-authority-decision/", views.la_decision, name="la-decision"),
    path("<caseref:reference>/route/<slug:transition>/", views.route, name="route"),
    path("<caseref:reference>/discretionary-review/", views.discretionary_review, name="discretionary-review"),
    path("<caseref:reference>/duties/", views.duty, name="duty"),
    path("<caseref:reference>/clocks/<slug:clock_id>/extend/", views.extension, name="extension"),
    path("<caseref:reference>/documents/add/", views.document_upload, name="document-upload"),
    path("<caseref:reference>/documents/<uuid:document_uuid>/", views.document_download, name="document-download"),
    path("<caseref:reference>/link/", views.link, name="link"),
    path("<caseref:reference>/links/<int:link_id>/dismiss/", views.duplicate_dismiss, name="duplicate-dismiss"),
]
