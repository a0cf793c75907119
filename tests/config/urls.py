"""The site's addresses, plus one whose view fails the way a bug would: with a reader's details in hand."""

from django.urls import path

from config.urls import urlpatterns as site


def failing_view(request):
    author_email = request.POST.get("author_email", "camille@example.com")
    raise ValueError(f"could not notify {author_email} writing from {request.META['REMOTE_ADDR']}")


urlpatterns = [path("failing/", failing_view), *site]
