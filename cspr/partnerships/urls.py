from cspr.partnerships import views

app_name = "partnerships"

urlpatterns = views.routes.urlpatterns()
