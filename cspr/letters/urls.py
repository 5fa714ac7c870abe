from cspr.cases.urls import ReferenceConverter  # noqa: F401 - registers the "caseref" converter
from cspr.letters import views

app_name = "letters"

urlpatterns = views.routes.urlpatterns()
