"""Under /cases/<reference>/rapid-review/ (cspr/urls.py passes ``reference`` to every view)."""

from django.urls import path

from cspr.rapid_reviews import views

app_name = "rapid_reviews"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("record/<slug:section>/", views.section, name="section"),
    path("check/", views.check, name="check"),
    path("meeting/", views.meeting, name="meeting"),
    path("meeting/held/", views.meeting_held, name="meeting-held"),
    path("meeting/papers/add/", views.paper_upload, name="paper-upload"),
    path("meeting/papers/<uuid:paper_uuid>/", views.paper_download, name="paper-download"),
    path("sign-off/", views.sign_off, name="sign-off"),
    path("ratify/", views.ratify, name="ratify"),
    path("rationale-sent/", views.rationale_sent, name="rationale-sent"),
    path("document/", views.document, name="document"),
    path("document/with-identifying-details/", views.document_identifying, name="document-identifying"),
    path("print/", views.print_view, name="print"),
    path("panel/sent/", views.submit, name="submit"),
    path("panel/response/", views.panel_response, name="panel-response"),
    path("close/", views.close, name="close"),
    path("family/", views.family, name="family"),
]
