from django.urls import path

from townsquare.inbox import api, auto_reply_views, sla_views, views, work_api, work_views

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
    path(BASE + "<int:pk>/classification/", views.classification, name="classification"),
    path(BASE + "<int:pk>/reply/", work_views.reply, name="reply"),
    path(BASE + "<int:pk>/hide/", work_views.hide, name="hide"),
    path(BASE + "<int:pk>/presence/", work_views.beat, name="presence"),
    path(BASE + "bulk/", work_views.bulk_action, name="bulk"),
    path(BASE + "views/", work_views.view_save, name="view_save"),
    path(BASE + "views/<int:view_pk>/delete/", work_views.view_delete, name="view_delete"),
    path(BASE + "auto-replies/", auto_reply_views.auto_replies, name="auto_replies"),
    path(BASE + "saved-replies/", work_views.saved_replies_page, name="saved_replies"),
    path(BASE + "saved-replies/<int:saved_pk>/", work_views.saved_replies_page, name="saved_reply"),
    path(API + "<int:pk>/assign/", work_api.AssignView.as_view(), name="api_assign"),
    path(API + "<int:pk>/status/", work_api.StatusView.as_view(), name="api_status"),
    path(API + "<int:pk>/reply/", work_api.ReplyView.as_view(), name="api_reply"),
    path(API + "<int:pk>/classification/", work_api.ClassificationView.as_view(), name="api_classification"),
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
