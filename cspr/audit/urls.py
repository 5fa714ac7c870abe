from cspr.audit import views

app_name = "audit"

urlpatterns = views.routes.urlpatterns()
