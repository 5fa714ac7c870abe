from cspr.messaging import views

app_name = "messaging"

urlpatterns = views.routes.urlpatterns()
