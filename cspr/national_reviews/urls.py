"""Under /cases/<reference>/national-review/ (cspr/urls.py passes ``reference`` to every view)."""

from cspr.national_reviews import views

app_name = "national_reviews"

urlpatterns = views.routes.urlpatterns()
