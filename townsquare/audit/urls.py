from django.urls import path

from townsquare.audit import views

app_name = "audit"
urlpatterns = [path("c/<slug:slug>/audit/", views.audit_trail, name="trail")]
