from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts.models import User
from accounts.services import demo_password, user_create, user_set_role
from manifesto.models import Chapter

SEED_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "seed.json"
SEED_SLUG = "socialism-and-the-soviet-union"
DEMO_ACCOUNTS = (
    ("editor", "Demo Editor", User.Role.EDITOR),
    ("comrade", "Demo Comrade", User.Role.MEMBER),
    ("chair", "Demo Chair", User.Role.CHAIR),
)


class Command(BaseCommand):
    help = (
        "Load the seed chapter once (fixtures/seed.json) and, in local mode, (re)set the demo "
        "accounts 'editor', 'comrade' and 'chair' (the congress chair) with $DEMO_PASSWORD or "
        "a generated password."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-demo", action="store_true", help="Skip the demo accounts.")

    def handle(self, *args: object, **options: object) -> None:
        if Chapter.objects.filter(slug=SEED_SLUG).exists():
            self.stdout.write("Seed chapter already loaded.")
        else:
            call_command("loaddata", str(SEED_FIXTURE), verbosity=0)
            self.stdout.write(self.style.SUCCESS("Loaded the seed chapter."))
        if options["no_demo"]:
            return
        if settings.PRODUCTION:
            raise CommandError("Demo accounts exist only in local mode (APP_MODE=local).")
        password = os.environ.get("DEMO_PASSWORD") or demo_password()
        with transaction.atomic():
            for username, display_name, role in DEMO_ACCOUNTS:
                user = User.objects.filter(username=username).first()
                if user is None:
                    user_create(
                        username=username,
                        password=password,
                        display_name=display_name,
                        role=role,
                        email=f"{username}@example.org",
                        validate=False,
                    )
                else:
                    user.set_password(password)
                    user.save(update_fields=["password"])
                    user_set_role(user=user, role=role)
        self.stdout.write(
            self.style.WARNING(
                "Demo accounts (local mode only): "
                + "   ".join(f"{username} / {password}" for username, _, _ in DEMO_ACCOUNTS)
            )
        )
