"""SQL queries per request for the desk's main pages, counted with Django's test client
against the benchmark database (the same pages at 10 amendments and at 10,000)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Targets:
    """The rows the measured pages are about, found in the current data set."""

    chapter_slug: str
    paragraph_key: int
    amendment_id: int
    editor: str
    member: str
    queue_pages: int


def busiest(editor: str) -> Targets:
    """The paragraph with the most pending amendments, and its oldest pending amendment by
    someone other than ``editor``."""
    from django.db.models import Count

    from accounts.models import User
    from amendments.models import Amendment
    from manifesto.models import Paragraph

    row = (
        Amendment.objects.filter(status=Amendment.Status.PENDING)
        .values("paragraph_id")
        .annotate(n=Count("id"))
        .order_by("-n", "paragraph_id")
        .first()
    )
    assert row is not None, "the data set has no pending amendment"
    paragraph = Paragraph.objects.select_related("chapter").get(pk=row["paragraph_id"])
    amendment = (
        Amendment.objects.filter(paragraph=paragraph, status=Amendment.Status.PENDING)
        .exclude(author__username=editor)
        .order_by("pk")
        .first()
    )
    assert amendment is not None
    member = (
        User.objects.filter(role=User.Role.MEMBER)
        .exclude(pk=amendment.author_id)
        .order_by("username")
        .values_list("username", flat=True)
        .first()
    )
    assert member is not None
    return Targets(
        paragraph.chapter.slug, paragraph.key, amendment.pk, editor, member, _queue_pages()
    )


def _queue_pages() -> int:
    """How many pages the editors' queue has with its default filters."""
    from amendments.review_queue import QueueFilters, review_queue
    from manifesto.services import manifesto_get_or_create

    return int(review_queue(manifesto_get_or_create(), QueueFilters(), "1").page.paginator.count)


def _optional_url(name: str, *args: Any, query: str = "") -> str | None:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, args=args) + query
    except NoReverseMatch:
        return None


def pages(targets: Targets) -> list[tuple[str, str | None, str]]:
    """(label, URL or None when the page does not exist yet, who views it)."""
    from django.urls import reverse

    slug, key = targets.chapter_slug, targets.paragraph_key
    return [
        ("Manifesto index", reverse("manifesto:index"), "anonymous"),
        ("chapter page", reverse("manifesto:chapter", args=[slug]), "member"),
        ("paragraph page", reverse("manifesto:paragraph", args=[slug, key]), "member"),
        ("amendment page", reverse("amendments:detail", args=[targets.amendment_id]), "editor"),
        ("propose page", reverse("amendments:propose", args=[slug, key]), "member"),
        ("review queue, first page", reverse("amendments:queue"), "editor"),
        (
            "review queue, last page",
            reverse("amendments:queue") + f"?page={targets.queue_pages}",
            "editor",
        ),
        ("decision log", reverse("amendments:log", args=[slug]), "member"),
        ("amendment list, first page", reverse("amendments:list"), "anonymous"),
        (
            "amendment list, filtered, most supported",
            reverse("amendments:list") + f"?chapter={slug}&status=pending&sort=support&page=3",
            "member",
        ),
        ("my amendments", reverse("amendments:mine"), "member"),
        ("search page", reverse("amendments:search") + "?q=peasants", "member"),  # latency.py's
        # Issue 7's pages: measured once they exist, reported as "not built yet" until then.
        ("paragraph history", _optional_url("manifesto:history", slug, key), "member"),
        (
            "chapter compare",
            _optional_url("manifesto:compare", slug, query="?from=published&to=now"),
            "member",
        ),
    ]


def count_queries(targets: Targets) -> dict[str, dict[str, Any]]:
    """Queries (and status code) of each page, plus the ``wordcount`` command's ledger."""
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    clients = {"anonymous": Client()}
    for role, username in (("editor", targets.editor), ("member", targets.member)):
        client = Client()
        client.force_login(User.objects.get(username=username))
        clients[role] = client
    results: dict[str, dict[str, Any]] = {}
    for label, url, viewer in pages(targets):
        if url is None:
            # TODO(issue 7): drop this branch once the history and compare pages exist.
            print(f"  {label}: not built yet (no URL named for it), skipped")
            results[label] = {"queries": None, "status": None, "note": "not built yet"}
            continue
        clients[viewer].get(url)  # warm up: first-use lookups (content types, templates)
        with CaptureQueriesContext(connection) as captured:
            response = clients[viewer].get(url)
        results[label] = {
            "queries": len(captured),
            "status": response.status_code,
            "url": url,
            "viewer": viewer,
            "bytes": len(response.content),
        }
    with CaptureQueriesContext(connection) as captured:
        call_command("wordcount", "--json", stdout=_Null())
    results["ledger (manage.py wordcount)"] = {"queries": len(captured), "status": 0}
    return results


class _Null:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        return None
