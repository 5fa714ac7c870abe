from cspr.cases.urls import ReferenceConverter  # noqa: F401 - registers the "caseref" converter
from cspr.returns import views

app_name = "returns"

urlpatterns = views.routes.urlpatterns()
