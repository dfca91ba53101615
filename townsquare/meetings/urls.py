from django.urls import path

from townsquare.meetings import api, stream_views, views

app_name = "meetings"
urlpatterns = [
    path("c/<slug:slug>/meetings/", views.meeting_list, name="list"),
    path("c/<slug:slug>/meetings/import/", views.meeting_import, name="import"),
    path("c/<slug:slug>/meetings/settings/", views.meeting_settings, name="settings"),
    path("c/<slug:slug>/meetings/settings/offsets/<int:pk>/", views.offset_edit, name="offset"),
    path("c/<slug:slug>/meetings/<int:pk>/", views.meeting_detail, name="detail"),
    path("c/<slug:slug>/meetings/<int:pk>/draft/", views.meeting_draft, name="draft"),
    path("c/<slug:slug>/meetings/streams/", stream_views.stream_list, name="streams"),
    path("c/<slug:slug>/meetings/streams/new/", stream_views.stream_new, name="stream_new"),
    path("c/<slug:slug>/meetings/streams/<int:pk>/", stream_views.stream_detail, name="stream"),
    path("c/<slug:slug>/meetings/streams/<int:pk>/edit/", stream_views.stream_edit, name="stream_edit"),
    path("c/<slug:slug>/meetings/streams/<int:pk>/agree/", stream_views.stream_agree, name="stream_agree"),
    path("c/<slug:slug>/meetings/streams/<int:pk>/status/", stream_views.stream_status, name="stream_status"),
    path("c/<slug:slug>/meetings/streams/<int:pk>/announce/", stream_views.stream_announce, name="stream_announce"),
    path("c/<slug:slug>/meetings/streams/<int:pk>/figures/", stream_views.stream_figures, name="stream_figures"),
    path("api/councils/<slug:slug>/meetings/", api.MeetingListView.as_view(), name="api_meetings"),
    path("api/councils/<slug:slug>/meetings/streams/", api.LiveStreamListView.as_view(), name="api_streams"),
    path("api/councils/<slug:slug>/meetings/streams/<int:pk>/", api.LiveStreamDetailView.as_view(), name="api_stream"),
    path("api/councils/<slug:slug>/meetings/<int:pk>/", api.MeetingDetailView.as_view(), name="api_meeting"),
]
