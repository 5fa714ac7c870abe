from django.urls import register_converter

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

urlpatterns = views.routes.urlpatterns()
