"""Accepting an amendment on a paragraph with 150 pending amendments, through the real
service: each acceptance rebases the 149 others (carried forward, in conflict or obsolete).

Each acceptance runs in a transaction that is rolled back afterwards, so all twenty start
from the same 150 pending amendments. What the service leaves for after the commit (since the
notices, enqueueing the task that e-mails the followers of the amendments put in conflict) runs
too, before the rollback, and is timed apart."""

from __future__ import annotations

import statistics
import time
from collections import Counter
from typing import Any

ACCEPTANCES = 20


class _Rollback(Exception):
    pass


def measure(paragraph_id: int, editor: str, count: int = ACCEPTANCES) -> dict[str, Any]:
    from django.db import connection, transaction
    from django.test.utils import override_settings

    from accounts.models import User
    from amendments.models import Amendment
    from amendments.services.deciding import amendment_accept

    editor_user = User.objects.get(username=editor)
    pending = list(
        Amendment.objects.filter(
            paragraph_id=paragraph_id,
            status=Amendment.Status.PENDING,
            kind=Amendment.Kind.REPLACE,
        )
        .exclude(author=editor_user)
        .order_by("pk")
    )
    others = len(pending) - 1
    # Spread the picks over the pile: small edits and full rewrites alike.
    step = max(1, len(pending) // count)
    picks = pending[::step][:count]
    service, mail, outcomes = [], [], []
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        for amendment in picks:
            try:
                with transaction.atomic():
                    start = time.perf_counter()
                    amendment_accept(amendment=amendment, editor=editor_user)
                    service.append(time.perf_counter() - start)
                    callbacks = list(connection.run_on_commit)
                    start = time.perf_counter()
                    for entry in callbacks:
                        entry[1]()
                    mail.append(time.perf_counter() - start)
                    outcomes.append(
                        Counter(
                            Amendment.objects.filter(
                                paragraph_id=paragraph_id, pk__in=[p.pk for p in pending]
                            )
                            .exclude(pk=amendment.pk)
                            .values_list("status", flat=True)
                        )
                    )
                    raise _Rollback
            except _Rollback:
                pass
    statuses = Counter[str]()
    for outcome in outcomes:
        statuses.update(outcome)
    return {
        "paragraph_id": paragraph_id,
        "pending_on_paragraph": len(pending),
        "rebased_per_acceptance": others,
        "acceptances": len(service),
        "median_s": round(statistics.median(service), 3),
        "max_s": round(max(service), 3),
        "min_s": round(min(service), 3),
        "mail_after_commit_median_s": round(statistics.median(mail), 3),
        "mail_after_commit_max_s": round(max(mail), 3),
        "outcome_of_the_others_mean": {
            status: round(total / len(outcomes), 1) for status, total in sorted(statuses.items())
        },
    }
