from django.urls import include, path

from cspr.web.admin_site import operators_site

# The partnership's settings pages: people, closure days, procedure, undeliverable messages.
partnership_urls = [
    path("", include("cspr.partnerships.urls")),
    path("closure-days/", include("cspr.calendars.urls")),
    path("procedure/", include("cspr.procedure.urls")),
    path("messages/", include("cspr.messaging.urls")),
    path("explainers/", include("cspr.local_reviews.urls_explainers")),
]

case_urls = [
    path("notify/", include("cspr.intake.urls")),
    path("", include("cspr.cases.urls")),
    # After cases: cspr.cases.urls registers the "caseref" converter.
    path("<caseref:reference>/rapid-review/", include("cspr.rapid_reviews.urls")),
    path("<caseref:reference>/national-review/", include("cspr.national_reviews.urls")),
    path("<caseref:reference>/local-review/", include("cspr.local_reviews.urls")),
]

urlpatterns = [
    path("", include("cspr.web.urls")),
    path("accounts/", include("cspr.accounts.urls")),
    path("audit/", include("cspr.audit.urls")),
    path("partnership/", include(partnership_urls)),
    path("cases/", include(case_urls)),
    # Information requests and agency returns: /cases/<reference>/information/…, /inbox/…
    path("", include("cspr.returns.urls")),
    # Letters: the letterhead (/partnership/letterhead/) and a case's letters (/cases/<reference>/letters/)
    path("", include("cspr.letters.urls")),
    # The register of reviewers (/reviewers/…) and a case's reviewer (/cases/<reference>/reviewer/…).
    path("", include("cspr.reviewers.urls")),
    path("api/", include("cspr.api.urls")),
    # Superusers with a second factor, read only (cspr.web.admin_site).
    path("operators/", operators_site.urls),
]

handler403 = "cspr.web.views.permission_denied"
handler404 = "cspr.web.views.page_not_found"
handler500 = "cspr.web.views.server_error"
