from __future__ import annotations

import getpass
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from accounts.services import user_create, user_set_role


class Command(BaseCommand):
    help = "Create a user with a role (member, editor or admin), or change an existing user's role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", choices=User.Role.values, default=User.Role.MEMBER)
        parser.add_argument("--email", default="")
        parser.add_argument("--display-name", default="")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from standard input (for scripts); otherwise it is prompted.",
        )
        parser.add_argument(
            "--set-role",
            action="store_true",
            help="The user exists: only change their role.",
        )

    def handle(self, *args: object, **options: object) -> None:
        username = str(options["username"])
        role = str(options["role"])
        if options["set_role"]:
            user = User.objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"No user “{username}”.")
            user_set_role(user=user, role=role)
            self.stdout.write(self.style.SUCCESS(f"{username} is now {role}."))
            return
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords differ.")
        try:
            user_create(
                username=username,
                password=password,
                email=str(options["email"]),
                display_name=str(options["display_name"]),
                role=role,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"Created {role} “{username}”."))
