"""Root URLs: the reading pages, accounts, amendments and the admin."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("manifesto.reading_urls")),
    path("admin/", admin.site.urls),
]
