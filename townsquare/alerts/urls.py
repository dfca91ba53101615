from django.urls import path

from townsquare.alerts import views

app_name = "alerts"
BASE = "c/<slug:slug>/alerts/"
urlpatterns = [
    path(BASE, views.log, name="log"),
    path(BASE + "destinations/", views.destinations, name="destinations"),
    path(BASE + "destinations/<int:pk>/test/", views.destination_test, name="test"),
    path(BASE + "destinations/<int:pk>/remove/", views.destination_remove, name="remove"),
]
