from cspr.procedure import views

app_name = "procedure"

urlpatterns = views.routes.urlpatterns()
