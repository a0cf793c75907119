from django.urls import include, path

from comments import reader_views

from .views import PasswordResetView

# No app_name, unlike the other apps: Django's auth views and the admin reverse these views by their bare
# names ("login", "password_reset_confirm", ...), which a namespace would break.
reset = PasswordResetView.as_view()

urlpatterns = [
    # The reset mail names the site, not its host name (Django's default without the sites framework).
    path("password_reset/", reset, name="password_reset"),
    # The same page under the name the admin's login page looks for to show "Forgotten your password?".
    path("password_reset/", reset, name="admin_password_reset"),
    path("", include("django.contrib.auth.urls")),
    # A signed-in reader's own comments: the "my comments" page of those who comment with an account.
    path("comments/", reader_views.account_comments, name="account_comments"),
    path("comments/export/", reader_views.account_comments_export, name="account_comments_export"),
    path("comments/erase/", reader_views.account_comments_erase, name="account_comments_erase"),
]
