from django.urls import path

from cspr.partnerships import views

app_name = "partnerships"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("people/", views.people, name="people"),
    path("switch/", views.switch, name="switch"),
    path("people/invite/", views.invite, name="invite"),
    path("people/<int:membership_id>/change/", views.membership_change, name="membership-change"),
    path("people/<int:membership_id>/disable/", views.membership_disable, name="membership-disable"),
    path("people/<int:membership_id>/enable/", views.membership_enable, name="membership-enable"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation-accept"),
]
