from django.urls import include, path

from cspr.web.admin_site import operators_site

urlpatterns = [
    path("", include("cspr.web.urls")),
    path("accounts/", include("cspr.accounts.urls")),
    path("partnership/", include("cspr.partnerships.urls")),
    path("partnership/closure-days/", include("cspr.calendars.urls")),
    path("audit/", include("cspr.audit.urls")),
    path("partnership/procedure/", include("cspr.procedure.urls")),
    path("partnership/messages/", include("cspr.messaging.urls")),
    path("cases/notify/", include("cspr.intake.urls")),
    # Information requests and agency returns: /cases/<reference>/information/…, /inbox/…
    path("", include("cspr.returns.urls")),
    path("cases/", include("cspr.cases.urls")),
    # After cases: cspr.cases.urls registers the "caseref" converter.
    path("cases/<caseref:reference>/rapid-review/", include("cspr.rapid_reviews.urls")),
    path("api/", include("cspr.api.urls")),
    # Superusers with a second factor, read only (cspr.web.admin_site).
    path("operators/", operators_site.urls),
]

handler403 = "cspr.web.views.permission_denied"
handler404 = "cspr.web.views.page_not_found"
handler500 = "cspr.web.views.server_error"
