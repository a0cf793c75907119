"""The comments' slow work, run by the task worker (`manage.py db_worker`), never inside a request."""

import logging

from django.core.management import call_command
from django_tasks import task

from blog import page_cache
from blog import tasks as blog_tasks

from . import notifications, services
from .models import JobLease

logger = logging.getLogger(__name__)
# Longer than the periodic jobs ever take: a worker killed while running them holds them this long.
PERIODIC_JOBS_LEASE_SECONDS = 30 * 60


@task()
def send_mail(mail_id):
    """Send one mail of the outbox, unless another worker holds it, it was sent, or it is not due yet."""
    sent, failed = notifications.send_due(pk=mail_id)
    return {"sent": sent, "failed": failed}


@task()
def periodic_jobs():
    """What `manage.py comment_jobs` asks for every few minutes: publish the soft holds that waited long
    enough (when enabled), delete old spam, old mail and old task records, erase old comments' network
    addresses and browsers (COMMENTS_ADDRESS_RETENTION_DAYS) and expired bans, write the day's lists of held
    comments for the moderators who chose them, and send any mail (or make any cover's renditions) whose own
    task was lost.

    One worker at a time: `comment_jobs` run by cron on two hosts at once queues the jobs twice, and the
    second worker to start them finds the lease held and stops (each step is also safe twice, but costs)."""
    lease = JobLease.take("periodic_jobs", seconds=PERIODIC_JOBS_LEASE_SECONDS)
    if lease is None:
        logger.info("Periodic jobs: skipped, another worker is running them.")
        return "Skipped: another worker is running them."
    try:
        return _periodic_jobs()
    finally:
        JobLease.give_back("periodic_jobs", lease)


def _periodic_jobs():
    released = services.release_soft_holds()
    purged = services.purge_spam()
    digests = notifications.held_digests()
    sent, failed = notifications.send_due(limit=None)
    forgotten = services.purge_old_mail()
    services.forget_old_addresses()
    anonymised = services.forget_network_addresses()
    blog_tasks.queue_missing_renditions()
    blog_tasks.prune_autosaves()
    page_cache.forget_old_versions()
    # The workers' own records of finished tasks: a week of them to look at in the admin, a month of failures.
    call_command("prune_db_task_results", min_age_days=7, failed_min_age_days=30, verbosity=0)
    summary = (
        f"{released} held comments released, {purged} spam comments deleted, {sent} queued mails sent, "
        f"{failed} still failing, {forgotten} old mails deleted, "
        f"{anonymised} comments' network addresses and browsers erased, "
        f"{digests} daily lists of held comments written."
    )
    logger.info("Periodic jobs: %s", summary)
    return summary
