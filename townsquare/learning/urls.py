from django.urls import path

from townsquare.learning import api, authoring, report_views, views

app_name = "learning"
L = "c/<slug:slug>/learning/"
M = L + "manage/<slug:mslug>/"

urlpatterns = [
    path(L, views.my_modules, name="mine"),
    path(L + "reports/", report_views.report, name="report"),
    path(L + "reports.csv", report_views.report_download, name="report_csv"),
    path(L + "import/", report_views.import_completions, name="import"),
    path(L + "manage/", authoring.manage, name="manage"),
    path(L + "manage/new/", authoring.module_edit, name="module_new"),
    path(M, authoring.module_admin, name="module_admin"),
    path(M + "edit/", authoring.module_edit, name="module_edit"),
    path(M + "draft/", authoring.draft_start, name="draft_start"),
    path(M + "pages/new/", authoring.page_edit, name="page_new"),
    path(M + "pages/<int:pk>/", authoring.page_edit, name="page_edit"),
    path(M + "questions/new/", authoring.question_edit, name="question_new"),
    path(M + "questions/<int:pk>/", authoring.question_edit, name="question_edit"),
    path(M + "<str:kind>/<int:pk>/delete/", authoring.content_remove, name="content_remove"),
    path(M + "publish/", authoring.publish, name="publish"),
    path(M + "scorm.zip", authoring.export, name="export"),
    path(L + "<slug:mslug>/", views.module_start, name="start"),
    path(L + "<slug:mslug>/pages/<int:number>/", views.module_page, name="page"),
    path(L + "<slug:mslug>/quiz/", views.quiz, name="quiz"),
    path(L + "<slug:mslug>/results/<int:pk>/", views.result, name="result"),
    path("api/councils/<slug:slug>/learning/modules/", api.MyModulesView.as_view(), name="api_mine"),
    path("api/councils/<slug:slug>/learning/report/", api.ReportView.as_view(), name="api_report"),
]
