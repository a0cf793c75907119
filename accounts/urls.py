from django.urls import include, path

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
]
