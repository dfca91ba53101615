from django.apps import AppConfig


class Config(AppConfig):
    name = "townsquare.inbox"
    label = "inbox"
    verbose_name = "Inbox"

    def ready(self) -> None:
        from townsquare.inbox.sla_jobs import CHECK_EVERY_SECONDS, CHECK_JOB
        from townsquare.jobs.registry import register
        from townsquare.jobs.schedule import every

        register(CHECK_JOB, "townsquare.inbox.sla_jobs.check_clocks")
        register("inbox.follow_on", "townsquare.inbox.follow_on.follow_on")
        register("inbox.second_pass", "townsquare.inbox.second_pass.second_pass")
        every(CHECK_JOB, CHECK_EVERY_SECONDS)

        from townsquare.inbox import (
            choices,  # noqa: F401  (moves a council's choices version on any change to them)
            replies,  # noqa: F401  (connects to the dispatch's "published" signal)
        )
