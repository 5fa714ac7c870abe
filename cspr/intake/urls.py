"""Report a serious incident: /cases/notify/… (names in the "notify" namespace; access in cspr.core.policy)."""

from django.urls import path

from cspr.intake import views

app_name = "notify"

urlpatterns = [
    path("", views.start, name="start"),
    path("new/", views.new, name="new"),
    path("drafts/", views.draft_list, name="drafts"),
    path("drafts/<uuid:draft>/", views.resume, name="resume"),
    path("drafts/<uuid:draft>/delete/", views.delete, name="delete"),
    path("drafts/<uuid:draft>/check/", views.check, name="check"),
    path("drafts/<uuid:draft>/children/add/", views.child, name="child-add"),
    path("drafts/<uuid:draft>/children/<slug:key>/", views.child, name="child"),
    path("drafts/<uuid:draft>/children/<slug:key>/remove/", views.child_remove, name="child-remove"),
    path("drafts/<uuid:draft>/household/add/", views.member, name="member-add"),
    path("drafts/<uuid:draft>/household/<slug:key>/", views.member, name="member"),
    path("drafts/<uuid:draft>/household/<slug:key>/remove/", views.member_remove, name="member-remove"),
    path("drafts/<uuid:draft>/documents/<slug:key>/remove/", views.document_remove, name="document-remove"),
    path("drafts/<uuid:draft>/<slug:step>/", views.page, name="page"),
    path("submitted/<str:reference>/", views.submitted, name="submitted"),
]
