"""E-mails to authors and supporters, sent only once the deciding transaction commits."""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string

from accounts.models import User
from amendments.models import Amendment

logger = logging.getLogger(__name__)


def _recipients(amendment: Amendment) -> list[str]:
    users = User.objects.filter(
        Q(pk=amendment.author_id) | Q(supports__amendment=amendment), is_active=True
    ).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def _send(amendment_id: int, template: str) -> None:
    # Runs after the decision committed: a mail server failure must not turn the editor's
    # completed action into an error page, so it is logged instead.
    try:
        amendment = Amendment.objects.select_related(
            "chapter", "paragraph", "author", "decided_by", "conflict_with", "cited_reference"
        ).get(pk=amendment_id)
        recipients = _recipients(amendment)
        if not recipients:
            return
        context = {
            "amendment": amendment,
            "url": settings.SITE_URL.rstrip("/") + amendment.get_absolute_url(),
        }
        subject = render_to_string(f"amendments/email/{template}_subject.txt", context)
        body = render_to_string(f"amendments/email/{template}.txt", context)
        send_mass_mail(
            [(subject.strip(), body, settings.DEFAULT_FROM_EMAIL, [to]) for to in recipients],
            fail_silently=False,
        )
    except Exception:
        logger.exception("Could not send the %s e-mail for amendment #%s", template, amendment_id)


def on_decided(amendment: Amendment) -> None:
    """Tell the author and supporters that ``amendment`` was decided (after commit)."""
    transaction.on_commit(lambda: _send(amendment.pk, "decided"))


def on_conflict(amendment: Amendment) -> None:
    """Tell the author and supporters that ``amendment`` went into conflict (after commit)."""
    transaction.on_commit(lambda: _send(amendment.pk, "conflict"))


def send_editor_digest(*, since: datetime) -> tuple[int, int]:
    """Send one e-mail per subscribed editor listing the amendments proposed since ``since``;
    returns (editors mailed, amendments listed). Nothing is sent when nothing is new."""
    amendments = list(
        Amendment.objects.filter(created_at__gte=since)
        .select_related("chapter", "author", "paragraph")
        .order_by("chapter__order", "created_at")
    )
    editors = list(
        User.objects.filter(is_active=True, wants_daily_digest=True)
        .filter(Q(role__in=[User.Role.EDITOR, User.Role.ADMIN]) | Q(is_superuser=True))
        .exclude(email="")
    )
    if not amendments or not editors:
        return 0, len(amendments)
    context = {
        "amendments": amendments,
        "since": since,
        "site": settings.SITE_URL.rstrip("/"),
    }
    subject = f"{len(amendments)} new amendment(s) to review"
    body = render_to_string("amendments/email/digest.txt", context)
    send_mass_mail(
        [(subject, body, settings.DEFAULT_FROM_EMAIL, [editor.email]) for editor in editors],
        fail_silently=False,
    )
    return len(editors), len(amendments)
