from django.urls import path

from townsquare.inbox import api, sla_views, views

app_name = "inbox"
BASE = "c/<slug:slug>/inbox/"
API = "api/councils/<slug:slug>/inbox/"
urlpatterns = [
    path(BASE, views.inbox, name="inbox"),
    path(BASE + "<int:pk>/", views.item, name="item"),
    path(BASE + "<int:pk>/assign/", views.assign, name="assign"),
    path(BASE + "<int:pk>/status/", views.status, name="status"),
    path(BASE + "<int:pk>/notes/", views.note, name="note"),
    path(BASE + "<int:pk>/tags/", views.tag, name="tag"),
    path(BASE + "urgent/", sla_views.urgent_queue, name="urgent"),
    path(BASE + "overdue/", sla_views.overdue, name="overdue"),
    path(BASE + "on-call/", sla_views.on_call, name="on_call"),
    path(BASE + "on-call/<int:pk>/remove/", sla_views.shift_remove, name="shift_remove"),
    path(BASE + "service-levels/", sla_views.service_levels, name="service_levels"),
    path(BASE + "service-levels/<int:pk>/remove/", sla_views.target_remove, name="target_remove"),
    path(BASE + "working-hours/", sla_views.working_time, name="working_time"),
    path(BASE + "working-hours/closures/<int:pk>/remove/", sla_views.closure_remove, name="closure_remove"),
    path(API, api.InboxListView.as_view(), name="api_list"),
    path(API + "<int:pk>/", api.InboxItemView.as_view(), name="api_item"),
]
