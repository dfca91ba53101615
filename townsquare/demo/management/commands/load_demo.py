from typing import Any

from django.core.management.base import BaseCommand

from townsquare.demo.data import PASSWORD, PEOPLE
from townsquare.demo.services import demo_load


class Command(BaseCommand):
    help = "Load the demo councils (riverside, hillcrest), their people and channels, once."

    def handle(self, *args: Any, **options: Any) -> None:
        if demo_load():
            self.stdout.write(f"Demo data loaded. Sign in with any of these (password: {PASSWORD}):")
            for email, _name, title, _roles in PEOPLE:
                self.stdout.write(f"  {email:32} {title}")
        else:
            self.stdout.write("Demo data already present.")
