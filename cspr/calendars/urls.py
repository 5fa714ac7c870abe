from cspr.calendars import views

app_name = "calendars"

urlpatterns = views.routes.urlpatterns()
