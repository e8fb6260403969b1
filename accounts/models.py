from __future__ import annotations

import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from common import clock


class NoticeEmail(models.TextChoices):
    """How a member hears by e-mail of what they follow (their notifications page has all)."""

    IMMEDIATELY = "immediate", "At once, one e-mail for each"
    DAILY = "daily", "Once a day, in a digest"
    NEVER = "never", "Never"


class User(AbstractUser):
    """A member of the organisation; ``role`` decides what they may do."""

    class Role(models.TextChoices):
        MEMBER = "member", "Member"
        EDITOR = "editor", "Editor"
        ADMIN = "admin", "Admin"
        # Records the congress's votes and drives the projector; otherwise a member.
        CHAIR = "chair", "Congress chair"

    display_name = models.CharField(
        max_length=80, blank=True, help_text="The name shown beside your amendments and comments."
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    wants_daily_digest = models.BooleanField(
        default=False, help_text="Editors: receive one e-mail a day listing new amendments."
    )
    notice_email = models.CharField(
        "E-mail me about what I follow",
        max_length=10,
        choices=NoticeEmail.choices,
        default=NoticeEmail.IMMEDIATELY,
        # In the database too: code that predates the column (a rollback) can still add users.
        db_default=NoticeEmail.IMMEDIATELY,
        help_text="Every notice is also on your notifications page.",
    )
    deadline_reminders = models.BooleanField(
        default=False,
        # In the database too: code that predates the column (a rollback) can still add users.
        db_default=False,
        help_text="E-mail me 48 hours before amendments to a chapter close.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=["member", "editor", "admin", "chair"]),
                name="user_role_valid",
            )
        ]

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        return self.display_name or self.username

    @property
    def role_label(self) -> str:
        """The role shown beside the name wherever it appears ("editor", "admin"), so that
        nobody can pass for one by the name alone; members show none."""
        if self.is_admin:
            return "admin"
        if self.is_editor:
            return "editor"
        return "congress chair" if self.is_congress_chair else ""

    @property
    def is_editor(self) -> bool:
        return self.is_active and (
            self.role in (self.Role.EDITOR, self.Role.ADMIN) or self.is_superuser
        )

    @property
    def is_admin(self) -> bool:
        return self.is_active and (self.role == self.Role.ADMIN or self.is_superuser)

    @property
    def is_congress_chair(self) -> bool:
        return self.is_active and self.role == self.Role.CHAIR

    @property
    def records_votes(self) -> bool:
        """Records the congress's votes and chooses the item under vote: editors (and admins)
        and the congress chair."""
        return self.is_editor or self.is_congress_chair


class NameClaim(models.Model):
    """A name a user goes by, their username or their display name, held by what it looks like
    (``textcore.oneline.name_skeleton``: case, spacing, invisible characters and compatibility
    forms do not count). The unique key is what stops a second person taking a name that looks
    the same, even when both ask at once."""

    key = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the name's skeleton.")
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="name_claims")

    def __str__(self) -> str:
        return f"{self.key[:8]}… of user {self.user_id}"


def _new_code() -> str:
    return secrets.token_urlsafe(9)


class Invitation(models.Model):
    """A code an admin hands out so that a person can sign up as a member."""

    code = models.CharField(max_length=40, unique=True, default=_new_code)
    note = models.CharField(max_length=200, blank=True, help_text="Who it is for; not shown.")
    max_uses = models.PositiveIntegerField(default=1)
    uses = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(uses__lte=models.F("max_uses")),
                name="invitation_uses_within_max",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.uses}/{self.max_uses})"

    @property
    def is_usable(self) -> bool:
        not_expired = self.expires_at is None or self.expires_at > clock.now()
        return self.uses < self.max_uses and not_expired


class RateCounter(models.Model):
    """Hits of one client on one action in one time window, shared by every worker and server.

    Kept in the database (not a process's memory) so a limit holds however many gunicorn workers
    and app servers answer; rows of past windows are deleted as new windows open.
    """

    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=64, help_text="SHA-256 of the client's IP or user id.")
    window_start = models.BigIntegerField(help_text="Unix time the window opened.")
    expires_at = models.BigIntegerField(db_index=True)
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "key", "window_start"], name="rate_counter_once_per_window"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key[:8]}… {self.hits}"
