"""Under /cases/<reference>/local-review/ (cspr/urls.py passes ``reference`` to every view)."""

from cspr.local_reviews import drafts_views, views, views_people

app_name = "local_reviews"

urlpatterns = views.routes.urlpatterns() + drafts_views.routes.urlpatterns() + views_people.routes.urlpatterns()
