from django.urls import path

from amendments.views import discussion, importing, listing, proposing, review, rounds, search

app_name = "amendments"

urlpatterns = [
    path("amendments/", listing.amendment_list_page, name="list"),
    path("amendments/amendments.csv", listing.amendment_list_csv, name="list_csv"),
    path("amendments/amendments.xlsx", listing.amendment_list_xlsx, name="list_xlsx"),
    path("amendments/mine/", proposing.mine, name="mine"),
    path("amendments/<int:pk>/", discussion.detail, name="detail"),
    path("amendments/<int:pk>/edit/", proposing.edit, name="edit"),
    path("amendments/<int:pk>/withdraw/", proposing.withdraw, name="withdraw"),
    path("amendments/<int:pk>/support/", proposing.support, name="support"),
    path("amendments/<int:pk>/comment/", discussion.comment_on_amendment, name="comment_amendment"),
    path("amendments/<int:pk>/accept/", review.accept, name="accept"),
    path(
        "amendments/<int:pk>/accept-with-changes/",
        review.accept_with_changes,
        name="accept_with_changes",
    ),
    path("amendments/<int:pk>/reject/", review.reject, name="reject"),
    path("amendments/<int:pk>/duplicate/", review.duplicate, name="duplicate"),
    path(
        "amendments/<int:pk>/not-a-duplicate/",
        review.unmark_duplicate,
        name="unmark_duplicate",
    ),
    path("amendments/<int:pk>/reopen/", review.reopen, name="reopen"),
    path("chapters/<slug:slug>/p/<int:key>/propose/", proposing.propose, name="propose"),
    path("chapters/<slug:slug>/p/<int:key>/preview/", proposing.preview, name="preview"),
    path(
        "chapters/<slug:slug>/p/<int:key>/comment/",
        discussion.comment_on_paragraph,
        name="comment_paragraph",
    ),
    path("chapters/<slug:slug>/p/<int:key>/revert/", review.revert, name="revert"),
    path("chapters/<slug:slug>/log/", review.decision_log, name="log"),
    path("chapters/<slug:slug>/limit/", review.set_limit, name="limit"),
    path("chapters/<slug:slug>/numbering/", review.set_reference, name="reference"),
    path("comments/<int:pk>/", discussion.comment_change, name="comment_change"),
    path("comments/<int:pk>/hide/", discussion.comment_hide_view, name="comment_hide"),
    path("review/", review.queue, name="queue"),
    path("review/batch/", review.batch, name="batch"),
    path("review/import/", importing.upload, name="import"),
    path("review/import/<str:token>/", importing.preview, name="import_preview"),
    path("review/manifesto-limit/", review.set_manifesto_limit, name="manifesto_limit"),
    path("review/numbering/", review.line_numbering, name="numbering"),
    path("search/", search.search, name="search"),
    path("review/round/", rounds.rounds, name="rounds"),
    path("review/round/<slug:slug>/", rounds.chapter_round_change, name="chapter_round"),
]
