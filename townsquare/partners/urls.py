from django.urls import path

from townsquare.partners import api, views, views_inbox, views_messages, views_summary

app_name = "partners"
urlpatterns = [
    path("all/", views.home, name="home"),
    path("all/choice/", views.choice, name="choice"),
    path("all/approvals/", views.approvals, name="approvals"),
    path("all/calendar/", views.calendar, name="calendar"),
    path("all/inbox/", views_inbox.inbox, name="inbox"),
    path("all/channels/", views.channels, name="channels"),
    path("all/channels/rationalisation/", views.rationalisation, name="rationalisation"),
    path("all/accounts-summary/", views_summary.combined_summary, name="summary"),
    path("all/accounts-summary/reviews/", views_summary.review_add, name="review_add"),
    path("all/messages/", views_messages.groups, name="groups"),
    path("all/messages/new/", views_messages.compose, name="compose"),
    path("all/messages/<int:pk>/", views_messages.group, name="group"),
    path("all/messages/<int:pk>/submit/", views_messages.group_submit, name="group_submit"),
    path("c/<slug:slug>/accounts-summary/", views_summary.council_summary, name="council_summary"),
    path("api/me/approvals/", api.MyApprovalsView.as_view(), name="api_my_approvals"),
]
