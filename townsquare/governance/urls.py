from django.urls import path

from townsquare.governance import api, plan_views, policy_views, training_views, views

app_name = "governance"
G = "c/<slug:slug>/governance/"
A = "api/councils/<slug:slug>/governance/"
urlpatterns = [
    path(G, views.home, name="home"),
    path(G + "settings/", views.settings_page, name="settings"),
    path(G + "policies/", policy_views.policies, name="policies"),
    path(G + "policies/new/", policy_views.policy_edit, name="policy_new"),
    path(G + "policies/<int:pk>/", policy_views.policy_detail, name="policy"),
    path(G + "policies/<int:pk>/edit/", policy_views.policy_edit, name="policy_edit"),
    path(G + "policies/<int:pk>/publish/", policy_views.policy_publish, name="policy_publish"),
    path(G + "policies/<int:pk>/reviewed/", policy_views.policy_reviewed, name="policy_reviewed"),
    path(
        G + "policies/<int:pk>/versions/<int:version_pk>/acknowledge/",
        policy_views.policy_acknowledge_view,
        name="policy_acknowledge",
    ),
    path(G + "actions/", plan_views.plans, name="plans"),
    path(G + "actions/new/", plan_views.plan_new, name="plan_new"),
    path(G + "actions/import/", plan_views.plan_import, name="plan_import"),
    path(G + "actions/<int:pk>/", plan_views.plan_detail, name="plan"),
    path(G + "actions/<int:plan_pk>/add/", plan_views.recommendation_edit, name="recommendation_new"),
    path(G + "actions/<int:plan_pk>/<int:pk>/edit/", plan_views.recommendation_edit, name="recommendation_edit"),
    path(
        G + "actions/<int:plan_pk>/<int:pk>/progress/",
        plan_views.recommendation_progress,
        name="recommendation_progress",
    ),
    path(G + "strategy/", plan_views.strategy, name="strategy"),
    path(G + "strategy/new/", plan_views.phase_edit, name="phase_new"),
    path(G + "strategy/<int:pk>/edit/", plan_views.phase_edit, name="phase_edit"),
    path(G + "training/", training_views.training, name="training"),
    path(G + "training/mine/", training_views.my_training, name="my_training"),
    path(G + "training/new/", training_views.module_edit, name="module_new"),
    path(G + "training/modules/<int:pk>/", training_views.module_detail, name="module"),
    path(G + "training/modules/<int:pk>/edit/", training_views.module_edit, name="module_edit"),
    path(G + "training/modules/<int:module_pk>/sessions/new/", training_views.session_new, name="session_new"),
    path(G + "training/sessions/<int:pk>/", training_views.session_detail, name="session"),
    path(G + "training/sessions/<int:pk>/invite/", training_views.session_invite, name="session_invite"),
    path(G + "training/completions/new/", training_views.completion_new, name="completion_new"),
    path(G + "training/requirements/new/", training_views.requirement_new, name="requirement_new"),
    path(G + "publishing-rights/", training_views.rights, name="rights"),
    path(G + "publishing-rights/<int:pk>/revoke/", training_views.right_revoke, name="right_revoke"),
    path(G + "breaches/", views.breaches, name="breaches"),
    path(G + "breaches/new/", views.breach_edit, name="breach_new"),
    path(G + "breaches/access/", views.breach_access, name="breach_access"),
    path(G + "breaches/<int:pk>/", views.breach_edit, name="breach"),
    # JSON API (token or session), the same rules as the pages.
    path(A + "policies/", api.PolicyListView.as_view(), name="api_policies"),
    path(A + "policies/<int:pk>/acknowledgements/", api.AcknowledgementListView.as_view(), name="api_acknowledgements"),
    path(A + "policies/<int:pk>/acknowledge/", api.AcknowledgeView.as_view(), name="api_acknowledge"),
    path(A + "action-plans/", api.ActionPlanListView.as_view(), name="api_plans"),
    path(A + "action-plans/import/", api.ActionPlanImportView.as_view(), name="api_plan_import"),
    path(A + "action-plans/<int:pk>/", api.ActionPlanDetailView.as_view(), name="api_plan"),
    path(A + "strategy-timetable/", api.StrategyPhaseListView.as_view(), name="api_strategy"),
    path(A + "training/mine/", api.MyTrainingView.as_view(), name="api_my_training"),
    path(A + "training/overdue/", api.TrainingOverdueView.as_view(), name="api_training_overdue"),
    path(A + "publishing-rights/mine/", api.MyPublishingRightsView.as_view(), name="api_my_rights"),
    path(A + "breaches/", api.BreachListView.as_view(), name="api_breaches"),
]
