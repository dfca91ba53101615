from django.urls import path

from townsquare.notifications import views

app_name = "notifications"
urlpatterns = [path("notifications/", views.inbox, name="list")]
