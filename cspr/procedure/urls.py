from django.urls import path

from cspr.procedure import views

app_name = "procedure"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("clocks/<slug:clock_id>/", views.clock_edit, name="clock-edit"),
    path("criteria/<slug:code>/", views.criterion_edit, name="criterion-edit"),
]
