"""The reading pages' URLs. They keep the namespace "manifesto" (manifesto:index,
manifesto:chapter…) although the views live in the desk, which shows its figures beside the
text: the names are what templates, e-mails and bookmarks know them by."""

from django.urls import path

from amendments.views import reading

app_name = "manifesto"

urlpatterns = [
    path("", reading.index, name="index"),
    path("export/", reading.export, name="export"),
    path("chapters/<slug:slug>/", reading.chapter_detail, name="chapter"),
    path("chapters/<slug:slug>/p/<int:key>/", reading.paragraph_detail, name="paragraph"),
    path("chapters/<slug:slug>/p/<int:key>/history/", reading.paragraph_history, name="history"),
    path("chapters/<slug:slug>/compare/", reading.compare, name="compare"),
    path("chapters/<slug:slug>/milestones/", reading.milestone_add, name="milestone_add"),
]
