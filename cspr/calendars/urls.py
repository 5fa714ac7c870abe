from django.urls import path

from cspr.calendars import views

app_name = "calendars"

urlpatterns = [
    path("", views.closure_days, name="closure-days"),
    path("add/", views.closure_day_add, name="closure-day-add"),
    path("<int:closure_day_id>/remove/", views.closure_day_remove, name="closure-day-remove"),
]
