"""Under /cases/<reference>/rapid-review/ (cspr/urls.py passes ``reference`` to every view)."""

from cspr.rapid_reviews import views

app_name = "rapid_reviews"

urlpatterns = views.routes.urlpatterns()
