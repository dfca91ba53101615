from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView

from townsquare.api import views

app_name = "api"
urlpatterns = [
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="schema"),
    path("me/", views.MeView.as_view(), name="me"),
    path("councils/", views.CouncilListView.as_view(), name="councils"),
    path("councils/<slug:slug>/channels/", views.ChannelListView.as_view(), name="channels"),
    path("councils/<slug:slug>/channels/<int:pk>/", views.ChannelDetailView.as_view(), name="channel"),
    path("councils/<slug:slug>/rationalisation/", views.RationalisationView.as_view(), name="rationalisation"),
    path("councils/<slug:slug>/audit-events/", views.AuditEventListView.as_view(), name="audit_events"),
]
