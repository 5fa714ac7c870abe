from django.urls import include, path

urlpatterns = [
    path("", include("cspr.core.urls")),
    path("accounts/", include("cspr.accounts.urls")),
    path("partnership/", include("cspr.partnerships.urls")),
    path("partnership/closure-days/", include("cspr.calendars.urls")),
    path("audit/", include("cspr.audit.urls")),
    path("partnership/procedure/", include("cspr.procedure.urls")),
    path("partnership/messages/", include("cspr.messaging.urls")),
]

handler403 = "cspr.core.views.permission_denied"
handler404 = "cspr.core.views.page_not_found"
handler500 = "cspr.core.views.server_error"
