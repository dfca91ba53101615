from django.apps import AppConfig


class Config(AppConfig):
    name = "townsquare.publishing"
    label = "publishing"
    verbose_name = "Publishing"

    def ready(self) -> None:
        from townsquare.jobs.registry import register
        from townsquare.jobs.schedule import every

        register("publishing.dispatch", "townsquare.publishing.jobs.dispatch")
        register("publishing.dispatch_due", "townsquare.publishing.jobs.dispatch_due")
        register("publishing.check_unconfirmed", "townsquare.publishing.jobs.check_unconfirmed")
        # The sweep catches what the due-time jobs cannot: a lost job, a deferral, a dead worker's call.
        every("publishing.dispatch_due", 15)
        every("publishing.check_unconfirmed", 60)
