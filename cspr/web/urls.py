from cspr.web import views

app_name = "core"

urlpatterns = views.routes.urlpatterns()
