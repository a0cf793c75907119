from django.core.management.base import BaseCommand

from blog import tasks as blog_tasks
from comments import tasks


class Command(BaseCommand):
    help = (
        "Asks the task workers for the comments' periodic work (run it every few minutes from cron or a "
        "timer): publish soft holds that have waited long enough (when enabled), delete old spam and old "
        "mails, and send any due mail whose own task was lost. A worker (`manage.py db_worker`) runs it."
    )

    def handle(self, *args, **options):
        waiting = blog_tasks.waiting(tasks.periodic_jobs).first()
        if waiting is not None:  # no worker has come for the last one: one in the queue is enough
            self.stdout.write(f"The comments' periodic jobs are already queued (task {waiting.id}).")
            return
        result = tasks.periodic_jobs.enqueue()
        self.stdout.write(f"The comments' periodic jobs are queued for the task workers (task {result.id}).")
