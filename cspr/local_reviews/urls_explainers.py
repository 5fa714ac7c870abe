"""Under /partnership/explainers/: the partnership's explainers for families, practitioners and agencies."""

from cspr.local_reviews import views_explainers

app_name = "explainers"

urlpatterns = views_explainers.routes.urlpatterns()
