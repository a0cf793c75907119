from django.core.management.base import BaseCommand

from comments import notifications, services


class Command(BaseCommand):
    help = (
        "The comments' periodic work (run it every few minutes from cron or a timer): publish soft holds "
        "that have waited long enough (when enabled), delete old spam, retry mails that could not be sent "
        "and delete old mails."
    )

    def handle(self, *args, **options):
        released = services.release_soft_holds()
        purged = services.purge_spam()
        sent, failing = notifications.send_queued()
        forgotten = services.purge_old_mail()
        self.stdout.write(
            f"{released} held comments released, {purged} spam comments deleted, "
            f"{sent} queued mails sent, {failing} still failing, {forgotten} old mails deleted."
        )
