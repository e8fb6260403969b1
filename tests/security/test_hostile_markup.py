"""Markup written into any field is shown as text everywhere: the desk's pages, the diffs, the
e-mails, every export format and the Django admin."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from django.contrib import admin
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from lxml import etree
from simple_history.admin import SimpleHistoryAdmin

from amendments.services.notifications import send_editor_digest
from tests.conftest import client_for
from tests.security.conftest import XSS, HostileDesk, assert_escaped
from tests.textcore.export_fixtures import markdown_parser, parse_html
from textcore.oneline import FSI, PDI

pytestmark = pytest.mark.django_db


def _pages(desk: HostileDesk) -> list[tuple[object, str]]:
    """(who looks, address) for every page that shows something a member wrote."""
    chapter, paragraphs = desk.chapter, desk.paragraphs
    slug = chapter.slug
    amendments = [desk.pending, desk.rejected, desk.accepted_with_changes, desk.in_conflict]
    everyone = [None, desk.member, desk.mallory, desk.editor]
    pages: list[tuple[object, str]] = [
        (user, url)
        for user in everyone
        for url in [
            reverse("manifesto:index"),
            chapter.get_absolute_url(),
            reverse("amendments:log", args=[slug]),
            reverse("manifesto:compare", args=[slug]),
            reverse("manifesto:compare", args=[slug]) + f"?from=milestone:{XSS}&to=now",
            reverse("manifesto:compare", args=[slug]) + f"?from=date&from_time={XSS}",
            *(p.get_absolute_url() for p in paragraphs),
            *(reverse("manifesto:history", args=[slug, p.key]) for p in paragraphs),
            *(a.get_absolute_url() for a in amendments),
        ]
    ]
    pages += [
        (desk.mallory, reverse("amendments:mine")),
        (desk.mallory, reverse("accounts:profile")),
        (desk.mallory, reverse("amendments:edit", args=[desk.pending.pk])),
        (desk.mallory, reverse("amendments:edit", args=[desk.in_conflict.pk])),
        (desk.mallory, reverse("amendments:comment_change", args=[desk.comment.pk])),
        (desk.mallory, reverse("amendments:propose", args=[slug, paragraphs[0].key])),
        (desk.editor, reverse("amendments:queue") + "?status=all"),
        (desk.editor, reverse("amendments:queue") + f"?author={XSS}"),
        (None, reverse("amendments:list")),
        (None, reverse("amendments:list") + f"?author={XSS}&paragraph={XSS}&lines={XSS}"),
        (desk.mallory, reverse("amendments:list") + f"?mine=1&chapter={XSS}&sort=newest"),
        (desk.editor, reverse("amendments:accept_with_changes", args=[desk.pending.pk])),
        (desk.editor, reverse("amendments:limit", args=[slug])),
        (desk.editor, reverse("amendments:comment_hide", args=[desk.comment.pk])),
    ]
    return pages


def test_every_page_shows_hostile_text_as_text(hostile_desk: HostileDesk) -> None:
    for user, url in _pages(hostile_desk):
        response = client_for(user).get(url)  # type: ignore[arg-type]
        assert response.status_code == 200, (user, url)
        assert_escaped(response.content.decode(), f"{url} as {user}")


def test_the_confirmation_of_a_batch_rejection_escapes_titles(hostile_desk: HostileDesk) -> None:
    response = client_for(hostile_desk.editor).post(
        reverse("amendments:batch"),
        {"ids": [hostile_desk.pending.pk], "action": "reject", "query": f"author={XSS}"},
    )
    assert response.status_code == 200
    assert_escaped(response.content.decode(), "the batch confirmation")


def test_the_live_preview_escapes_the_text_being_written(hostile_desk: HostileDesk) -> None:
    paragraph = hostile_desk.paragraphs[1]
    response = client_for(hostile_desk.mallory).post(
        reverse("amendments:preview", args=[hostile_desk.chapter.slug, paragraph.key]),
        {"kind": "replace", "text": f"{paragraph.text} {XSS}"},
    )
    assert response.status_code == 200
    assert_escaped(response.content.decode(), "the live preview")


def test_the_diffs_mark_changes_with_our_tags_only(hostile_desk: HostileDesk) -> None:
    page = client_for(None).get(hostile_desk.accepted_with_changes.get_absolute_url())
    root = parse_html(page.content.decode())
    diffs = [el for el in root.iter() if "diff" in (el.get("class") or "").split()]
    assert diffs, "the amendment page shows its diffs"
    for diff in diffs:
        tags = {el.tag for el in diff.iter()} - {diff.tag}
        assert tags <= {"ins", "del", "span"}, tags
        assert XSS in "".join(diff.itertext()) or "xss" in "".join(diff.itertext())


# --- e-mails --------------------------------------------------------------------------------


def _check_plain_text_mail(message: mail.EmailMessage) -> None:
    # Plain-text mail shows what was written, character for character: escaping it would
    # put "&lt;" in front of the reader. There is no HTML part that could run anything.
    assert message.content_subtype == "plain"
    assert not getattr(message, "alternatives", [])
    assert "&lt;" not in message.body and "&quot;" not in message.body
    assert "\n" not in message.subject and "\r" not in message.subject


def test_decision_and_conflict_mails_carry_the_text_verbatim(hostile_desk: HostileDesk) -> None:
    by_subject = {m.subject: m for m in mail.outbox}
    rejected = [s for s in by_subject if s.startswith(f"Amendment #{hostile_desk.rejected.pk} ")]
    conflict = [s for s in by_subject if s.startswith(f"Amendment #{hostile_desk.in_conflict.pk} ")]
    assert rejected and conflict, list(by_subject)
    for subject in rejected + conflict:
        message = by_subject[subject]
        _check_plain_text_mail(message)
        assert XSS[:40] in message.subject  # the title, cut to 60 characters
        assert hostile_desk.mallory.email in message.to
    assert f"Reason: {FSI}{XSS}{PDI}" in by_subject[rejected[0]].body
    assert f'"{FSI}{XSS}{PDI}"' in by_subject[conflict[0]].body


def test_the_editors_digest_carries_titles_and_names_verbatim(hostile_desk: HostileDesk) -> None:
    mail.outbox.clear()
    send_editor_digest(since=timezone.now() - timedelta(days=1))
    (digest,) = mail.outbox
    _check_plain_text_mail(digest)
    assert f"#{hostile_desk.pending.pk} {FSI}{XSS}{PDI}" in digest.body
    assert f"by {FSI}{XSS}{PDI}" in digest.body


def test_the_password_reset_mail_greets_by_the_name_verbatim(hostile_desk: HostileDesk) -> None:
    mail.outbox.clear()
    response = client_for(None).post(
        reverse("accounts:password_reset"), {"email": hostile_desk.mallory.email}
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    _check_plain_text_mail(message)
    assert f"Hello {FSI}{XSS}{PDI}," in message.body


# --- exports --------------------------------------------------------------------------------


def _export(desk: HostileDesk, fmt: str, **params: str) -> bytes:
    response = client_for(None).get(
        reverse("manifesto:export"), {"chapter": desk.chapter.slug, "format": fmt, **params}
    )
    assert response.status_code == 200, (fmt, params, response.content[:500])
    assert response["Content-Disposition"].startswith('attachment; filename="')
    return response.content


def _assert_safe_html(source: str, what: str) -> None:
    root = parse_html(source)
    tags = {el.tag for el in root.iter() if isinstance(el.tag, str)}
    assert not tags & {"script", "img", "iframe", "object"}, (what, tags)
    handlers = [name for el in root.iter() for name in el.attrib if name.lower().startswith("on")]
    assert not handlers, (what, handlers)
    assert XSS in "".join(root.itertext()), f"{what} does not show the text"


def _docx_text(data: bytes) -> str:
    texts = []
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            if name.startswith("word/") and name.endswith(".xml"):
                root = etree.fromstring(package.read(name))
                assert not [el for el in root.iter() if etree.QName(el).localname == "script"]
                texts.append("".join(root.itertext()))
    return "\n".join(texts)


@pytest.mark.parametrize(
    "moment", [{"at": "now"}, {"at": f"milestone:{XSS}"}, {"at": "published"}], ids=str
)
def test_html_export_is_escaped(hostile_desk: HostileDesk, moment: dict[str, str]) -> None:
    _assert_safe_html(_export(hostile_desk, "html", **moment).decode(), f"html {moment}")


def test_the_changes_report_is_escaped(hostile_desk: HostileDesk) -> None:
    source = _export(hostile_desk, "changes-html", since="published").decode()
    _assert_safe_html(source, "changes report")
    assert source.count("&lt;script&gt;") >= 4  # title, reason, author and the changed text


def test_markdown_export_renders_no_markup(hostile_desk: HostileDesk) -> None:
    source = _export(hostile_desk, "md").decode()
    rendered = markdown_parser().render(source)
    _assert_safe_html(rendered, "the Markdown rendered by markdown-it")


def test_plain_text_export_keeps_the_text_verbatim(hostile_desk: HostileDesk) -> None:
    text = _export(hostile_desk, "txt").decode()
    assert f"The chapter {XSS}" in text and f"other {XSS} words" in text
    assert "&lt;" not in text


@pytest.mark.parametrize("fmt", ["docx", "tracked-docx", "changes-docx"])
def test_word_exports_hold_the_text_as_text(hostile_desk: HostileDesk, fmt: str) -> None:
    assert XSS in _docx_text(_export(hostile_desk, fmt, since="published"))


# --- the Django admin -----------------------------------------------------------------------


def _admin_pages(desk: HostileDesk) -> list[str]:
    pages = [reverse("admin:index"), reverse("admin:amendments_amendment_changelist") + "?q=<b>"]
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        pages.append(reverse(f"{prefix}_changelist"))
        for obj in model._default_manager.all()[:3]:
            pages.append(reverse(f"{prefix}_change", args=[obj.pk]))
            pages.append(reverse(f"{prefix}_history", args=[obj.pk]))
            if isinstance(model_admin, SimpleHistoryAdmin):
                for row in obj.history.all()[:2]:  # type: ignore[attr-defined]
                    pages.append(reverse(f"{prefix}_simple_history", args=[obj.pk, row.pk]))
    return pages


def test_the_admin_escapes_every_changelist_and_change_page(hostile_desk: HostileDesk) -> None:
    client = client_for(hostile_desk.admin)
    shown = 0
    for url in _admin_pages(hostile_desk):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for raw in ("<script>alert", "<img src=x"):
            assert raw not in html, url
        shown += "&lt;script&gt;alert(" in html
    assert shown >= 10, "the hostile text should show on many admin pages"
