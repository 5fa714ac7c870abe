"""The service's URLs plus one page that has no access policy (for the fail-closed test)."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def unlisted(request: HttpRequest) -> HttpResponse:
    return HttpResponse("secret content")


urlpatterns = [
    path("", include("cspr.urls")),
    path("unlisted/", unlisted, name="unlisted"),
]
