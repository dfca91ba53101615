from typing import Any

from django.core.management.base import BaseCommand, CommandError

from townsquare.accounts.models import User
from townsquare.api.services import token_issue


class Command(BaseCommand):
    help = "Print a new API token for a person (stored hashed; revoke it from their account page)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", default="API token")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["email"].strip()).first()
        if user is None:
            raise CommandError(f"No person with the email address {options['email']}.")
        _, key = token_issue(user=user, name=options["name"])
        self.stdout.write(key)
