"""Who may do what with an amendment: one rule, read by the amendment's page and its
templates (which actions to offer) and by the services (which actions to refuse, each with
its own message). It reads only the user, the amendment and the amendment's chapter (and its
Manifesto, whose round the chapter may follow)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from amendments.models import Amendment
from common import clock
from manifesto.rounds import chapter_round

# The decisions an admin may reopen: the text did not change, so the amendment can compete
# again. An accepted amendment changed the text; it is undone by reverting the paragraph.
REOPENABLE_STATUSES = (
    Amendment.Status.REJECTED,
    Amendment.Status.DUPLICATE,
    Amendment.Status.OBSOLETE,
)


@dataclass(frozen=True)
class AmendmentPermissions:
    """What one user may do with one amendment now."""

    edit: bool  # rewrite it: its author, while it is open (pending or in conflict)
    withdraw: bool  # its author, while it is open
    support: bool  # add or take back one's support: another member, while it is open
    comment: bool  # anyone logged in
    accept: bool  # an editor who is not its author, while it is pending
    accept_with_changes: bool  # the same, in the editor's wording: not for a deletion
    reject: bool  # an editor who is not its author, while pending or in conflict (not while
    # it is still collecting support)
    mark_duplicate: bool  # the same as rejecting
    undo_duplicate: bool  # an editor who is not its author, while the chapter takes amendments
    reopen: bool  # an admin, once it was rejected, marked as a duplicate or made obsolete

    @property
    def decide(self) -> bool:
        """Any of the editors' decisions on it (the page's decision panel)."""
        return self.accept or self.reject or self.mark_duplicate


def amendment_permissions(
    user: User | AnonymousUser | None, amendment: Amendment
) -> AmendmentPermissions:
    """What ``user`` (anonymous or logged in) may do with ``amendment`` now."""
    member = user if isinstance(user, User) and user.is_authenticated else None
    is_author = member is not None and amendment.author_id == member.pk
    is_open = amendment.status in Amendment.OPEN_STATUSES
    reviewable = amendment.status in Amendment.REVIEWABLE_STATUSES
    deciding = member is not None and member.is_editor and not is_author
    pending = amendment.status == Amendment.Status.PENDING
    return AmendmentPermissions(
        edit=is_author and is_open,
        withdraw=is_author and is_open,
        support=member is not None and not is_author and is_open,
        comment=member is not None,
        accept=deciding and pending,
        accept_with_changes=deciding and pending and amendment.kind != Amendment.Kind.DELETE,
        reject=deciding and reviewable,
        mark_duplicate=deciding and reviewable,
        undo_duplicate=deciding
        and amendment.status == Amendment.Status.DUPLICATE
        and chapter_round(amendment.chapter).accepts_proposals(clock.now()),
        reopen=member is not None and member.is_admin and amendment.status in REOPENABLE_STATUSES,
    )
