"""The app's URLs and, for the benchmark alone, the bare reference page."""

from django.urls import path

from bench.views import reference
from desk.urls import urlpatterns as app_urlpatterns

urlpatterns = [
    path("bench/reference/<slug:slug>/", reference, name="bench_reference"),
    *app_urlpatterns,
]
