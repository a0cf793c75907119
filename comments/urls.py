from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("articles/<slug:slug>/comments/", views.post_comment, name="post"),
    path("comments/<int:pk>/", views.comment_link, name="link"),
    path("comments/<int:pk>/report/", views.report_comment, name="report"),
    path("comments/stop/<str:token>/", views.stop_mail, name="stop_mail"),
    path("comments/appeal/<str:token>/", views.appeal, name="appeal"),
    path("comments/decide/<str:token>/<str:action>/", views.decide, name="decide"),
    path("comments/policy/", views.policy, name="policy"),
]
