from django.urls import path

from townsquare.publishing import (
    api,
    approval_views,
    calendar_views,
    draft_views,
    published_api,
    published_views,
    settings_views,
    views,
)

app_name = "publishing"
urlpatterns = [
    path("c/<slug:slug>/posts/", views.post_list, name="list"),
    path("c/<slug:slug>/posts/new/", views.compose, name="new"),
    path("c/<slug:slug>/posts/approvals/", approval_views.queue, name="queue"),
    path("c/<slug:slug>/posts/settings/", settings_views.publishing_settings, name="settings"),
    path("c/<slug:slug>/posts/<int:pk>/", approval_views.detail, name="detail"),
    path("c/<slug:slug>/posts/<int:pk>/edit/", views.compose, name="edit"),
    path("c/<slug:slug>/posts/<int:pk>/autosave/", views.autosave, name="autosave"),
    path("c/<slug:slug>/posts/<int:pk>/images/", views.image_add, name="image_add"),
    path("c/<slug:slug>/posts/<int:pk>/images/<int:image_pk>/", views.image_change, name="image_change"),
    path("c/<slug:slug>/posts/<int:pk>/images/<int:image_pk>/file", views.image_file, name="image_file"),
    path("c/<slug:slug>/posts/<int:pk>/decide/", approval_views.decide, name="decide"),
    path("c/<slug:slug>/posts/<int:pk>/retry/", approval_views.retry_failed, name="retry"),
    path("c/<slug:slug>/posts/<int:pk>/reschedule/", approval_views.reschedule, name="reschedule"),
    path("c/<slug:slug>/posts/<int:pk>/cancel/", approval_views.cancel, name="cancel"),
    path("c/<slug:slug>/posts/<int:pk>/delete/", draft_views.delete, name="delete"),
    path("c/<slug:slug>/posts/<int:pk>/channels/<int:target_pk>/resolve/", approval_views.resolve, name="resolve"),
    path(
        "c/<slug:slug>/posts/<int:pk>/channels/<int:target_pk>/published/",
        published_views.change,
        name="published_change",
    ),
    path("c/<slug:slug>/calendar/", calendar_views.calendar, name="calendar"),
    path("c/<slug:slug>/calendar/schedule.ics", calendar_views.calendar_ics, name="calendar_ics"),
    path("api/councils/<slug:slug>/posts/", api.PostListView.as_view(), name="api_posts"),
    path("api/councils/<slug:slug>/posts/<int:pk>/", api.PostDetailView.as_view(), name="api_post"),
    path("api/councils/<slug:slug>/posts/<int:pk>/submit/", api.PostSubmitView.as_view(), name="api_submit"),
    path("api/councils/<slug:slug>/posts/<int:pk>/approve/", api.PostApproveView.as_view(), name="api_approve"),
    path("api/councils/<slug:slug>/posts/<int:pk>/reject/", api.PostRejectView.as_view(), name="api_reject"),
    path(
        "api/councils/<slug:slug>/posts/<int:pk>/channels/<int:target_pk>/edit/",
        published_api.PublishedEditView.as_view(),
        name="api_published_edit",
    ),
    path(
        "api/councils/<slug:slug>/posts/<int:pk>/channels/<int:target_pk>/delete/",
        published_api.PublishedDeleteView.as_view(),
        name="api_published_delete",
    ),
    path(
        "api/councils/<slug:slug>/posts/<int:pk>/channels/<int:target_pk>/check/",
        published_api.PublishedCheckView.as_view(),
        name="api_published_check",
    ),
    path(
        "api/councils/<slug:slug>/posts/<int:pk>/channels/<int:target_pk>/settle/",
        published_api.PublishedSettleView.as_view(),
        name="api_published_settle",
    ),
]
