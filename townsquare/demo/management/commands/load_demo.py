from typing import Any

from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from townsquare.demo.data import PASSWORD, PEOPLE
from townsquare.demo.services import demo_load


class Command(BaseCommand):
    help = "Load the demo councils (riverside, hillcrest), their people, channels and registers, once."

    def handle(self, *args: Any, **options: Any) -> None:
        # The demo's people are made up (.example addresses): loading tells them about policies and
        # posts in the app as usual, but the emails that would go with it are dropped, not sent.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            loaded = demo_load()
        if loaded:
            self.stdout.write(f"Demo data loaded. Sign in with any of these (password: {PASSWORD}):")
            for email, _name, title, _roles in PEOPLE:
                self.stdout.write(f"  {email:32} {title}")
        else:
            self.stdout.write("Demo data already present.")
