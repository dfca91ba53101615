from django.apps import AppConfig


class Config(AppConfig):
    name = "townsquare.governance"
    label = "governance"
    verbose_name = "Governance"

    def ready(self) -> None:
        from townsquare.jobs.registry import register
        from townsquare.jobs.schedule import every

        register("governance.review_reminders", "townsquare.governance.jobs.review_reminders")
        register("governance.training_lapses", "townsquare.governance.jobs.training_lapses")
        # Reviews fall due by the day; a lapse should cost publishing rights within the hour.
        every("governance.review_reminders", 6 * 3600)
        every("governance.training_lapses", 3600)
