from django.urls import path

from cspr.cases.urls import ReferenceConverter  # noqa: F401 - registers the "caseref" converter
from cspr.returns import views

app_name = "returns"

CASE = "cases/<caseref:reference>/information/"
REQUEST = "inbox/<uuid:request_uuid>/"

urlpatterns = [
    # The business unit, the PRG and the Independent Chair, on one case.
    path(CASE, views.board, name="board"),
    path(f"{CASE}ask/", views.send, name="send"),
    path(f"{CASE}deadline/", views.clock_close, name="clock-close"),
    path(f"{CASE}chronology/", views.chronology, name="chronology"),
    path(f"{CASE}chronology.docx", views.chronology_docx, name="chronology-docx"),
    path(f"{CASE}<uuid:request_uuid>/", views.return_view, name="return"),
    path(f"{CASE}<uuid:request_uuid>/return.docx", views.return_docx, name="return-docx"),
    path(f"{CASE}<uuid:request_uuid>/chase/", views.chase, name="chase"),
    path(f"{CASE}<uuid:request_uuid>/not-involved/", views.not_involved, name="not-involved"),
    path(
        f"{CASE}<uuid:request_uuid>/attachments/<uuid:attachment_uuid>/",
        views.case_attachment,
        name="case-attachment",
    ),
    path("partnership/organisation-leads/", views.leads, name="leads"),
    # An agency's contributors: one inbox across their partnerships.
    path("inbox/", views.inbox, name="inbox"),
    path(REQUEST, views.request_page, name="request"),
    path(f"{REQUEST}assign/", views.assign, name="assign"),
    path(f"{REQUEST}return/", views.edit, name="edit"),
    path(f"{REQUEST}return/chronology/add/", views.entry_add, name="entry-add"),
    path(f"{REQUEST}return/chronology/<int:entry_id>/remove/", views.entry_remove, name="entry-remove"),
    path(f"{REQUEST}return/chronology/<int:entry_id>/change/", views.entry_change, name="entry-change"),
    path(f"{REQUEST}return/chronology/import/", views.chronology_import, name="import"),
    path(f"{REQUEST}return/attachments/add/", views.attachment_add, name="attachment-add"),
    path(
        f"{REQUEST}return/attachments/<uuid:attachment_uuid>/remove/",
        views.attachment_remove,
        name="attachment-remove",
    ),
    path(f"{REQUEST}attachments/<uuid:attachment_uuid>/", views.attachment, name="attachment"),
    path(f"{REQUEST}sign-off/", views.sign_off_request, name="sign-off-request"),
    path(f"{REQUEST}submit/", views.submit, name="submit"),
    path(f"{REQUEST}revise/", views.revise, name="revise"),
    path(f"{REQUEST}return.docx", views.own_docx, name="own-docx"),
]
