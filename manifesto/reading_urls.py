from django.urls import path

from manifesto import views

app_name = "manifesto"

urlpatterns = [
    path("", views.index, name="index"),
    path("export/", views.export, name="export"),
    path("chapters/<slug:slug>/", views.chapter_detail, name="chapter"),
    path("chapters/<slug:slug>/p/<int:key>/", views.paragraph_detail, name="paragraph"),
    path("chapters/<slug:slug>/p/<int:key>/history/", views.paragraph_history, name="history"),
    path("chapters/<slug:slug>/compare/", views.compare, name="compare"),
    path("chapters/<slug:slug>/milestones/", views.milestone_add, name="milestone_add"),
]
