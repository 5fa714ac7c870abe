from django.urls import path

from cspr.partnerships import views

app_name = "partnerships"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("people/", views.people, name="people"),
    path("switch/", views.switch, name="switch"),
]
