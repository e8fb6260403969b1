"""Root URLs: the reading pages, accounts, the amendment desk and the admin."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("amendments.reading_urls")),
    path("", include("amendments.urls")),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
]
