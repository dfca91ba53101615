from django.urls import path

from townsquare.policy import api, views

app_name = "policy"
urlpatterns = [
    path("c/<slug:slug>/policy/", views.rules, name="rules"),
    path("c/<slug:slug>/policy/rules/<str:rule_id>/", views.rule_edit, name="rule_edit"),
    path("c/<slug:slug>/policy/elections/", views.elections, name="elections"),
    path("c/<slug:slug>/policy/elections/new/", views.election_edit, name="election_new"),
    path("c/<slug:slug>/policy/elections/<int:pk>/", views.election_edit, name="election_edit"),
    path("c/<slug:slug>/policy/elections/<int:pk>/remove/", views.election_remove, name="election_remove"),
    path("c/<slug:slug>/policy/referendums/", views.referendums, name="referendums"),
    path("c/<slug:slug>/policy/referendums/new/", views.referendum_edit, name="referendum_new"),
    path("c/<slug:slug>/policy/referendums/<int:pk>/", views.referendum_edit, name="referendum_edit"),
    path("c/<slug:slug>/policy/referendums/<int:pk>/remove/", views.referendum_remove, name="referendum_remove"),
    path("c/<slug:slug>/policy/areas/", views.channel_areas, name="channel_areas"),
    path("c/<slug:slug>/policy/areas/<int:channel_pk>/", views.channel_area_edit, name="channel_area_edit"),
    path("c/<slug:slug>/policy/overrides/", views.overrides, name="overrides"),
    path("c/<slug:slug>/policy/try/", views.try_draft, name="try"),
    path("c/<slug:slug>/policy/try/check/", views.try_draft_partial, name="try_check"),
    path("api/councils/<slug:slug>/policy/check/", api.PolicyCheckView.as_view(), name="api_check"),
]
