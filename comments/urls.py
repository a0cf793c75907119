from django.urls import path

from . import reader_views, views

app_name = "comments"

urlpatterns = [
    path("articles/<slug:slug>/comments/", views.post_comment, name="post"),
    path("comments/<int:pk>/", views.comment_link, name="link"),
    path("comments/<int:pk>/report/", views.report_comment, name="report"),
    path("comments/stop/<str:token>/", views.stop_mail, name="stop_mail"),
    path("comments/appeal/<str:token>/", views.appeal, name="appeal"),
    path("comments/decide/<str:token>/<str:action>/", views.decide, name="decide"),
    path("comments/policy/", views.policy, name="policy"),
    path("comments/<int:pk>/edit/", reader_views.edit_comment, name="edit"),
    path("comments/<int:pk>/delete/", reader_views.delete_comment, name="delete"),
    path("comments/mine/", reader_views.ask_for_link, name="mine"),
    path("comments/mine/<str:token>/", reader_views.mine_list, name="mine_list"),
    path("comments/mine/<str:token>/export/", reader_views.mine_export, name="mine_export"),
    path("comments/mine/<str:token>/erase/", reader_views.mine_erase, name="mine_erase"),
]
