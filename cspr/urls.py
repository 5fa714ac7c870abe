from django.urls import include, path

from cspr.core.admin_site import operators_site

urlpatterns = [
    path("", include("cspr.core.urls")),
    path("accounts/", include("cspr.accounts.urls")),
    path("partnership/", include("cspr.partnerships.urls")),
    path("partnership/closure-days/", include("cspr.calendars.urls")),
    path("audit/", include("cspr.audit.urls")),
    path("partnership/procedure/", include("cspr.procedure.urls")),
    path("partnership/messages/", include("cspr.messaging.urls")),
    path("cases/notify/", include("cspr.cases.notify_urls")),
    # Information requests and agency returns: /cases/<reference>/information/…, /inbox/…
    path("", include("cspr.returns.urls")),
    path("cases/", include("cspr.cases.urls")),
    # After cases: cspr.cases.urls registers the "caseref" converter.
    path("cases/<caseref:reference>/rapid-review/", include("cspr.rapid_reviews.urls")),
    path("api/", include("cspr.api.urls")),
    # Superusers with a second factor, read only (cspr.core.admin_site).
    path("operators/", operators_site.urls),
]

handler403 = "cspr.core.views.permission_denied"
handler404 = "cspr.core.views.page_not_found"
handler500 = "cspr.core.views.server_error"
