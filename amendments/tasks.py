"""Work done by the worker (``manage.py db_worker``), not in a request."""

from __future__ import annotations

from django_tasks import default_task_backend, task

from amendments import mailing


@task()
def deliver_notifications(notification_ids: list[int]) -> dict[str, int]:
    """E-mail the notices of one event; the failed ones are tried again later, with a longer
    wait each time, up to ``mailing.MAX_ATTEMPTS`` tries."""
    delivery = mailing.deliver(notification_ids)
    if delivery.retry:
        if default_task_backend.supports_defer and delivery.retry_at is not None:
            deliver_notifications.using(run_after=delivery.retry_at).enqueue(delivery.retry)
        else:
            # A backend that cannot wait (the tests' immediate one) tries again at once.
            deliver_notifications.enqueue(delivery.retry)
    return {"sent": delivery.sent, "skipped": delivery.skipped, "failed": delivery.failed}


@task()
def tell_recommendations() -> int:
    """Tell of the recommendations whose publication time has come (enqueued to run then)."""
    # recommending imports the notices, which import this module: imported here, not above.
    from amendments.services.recommending import recommendations_tell_due

    return recommendations_tell_due()
