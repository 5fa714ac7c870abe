"""Load the invented demo partnerships and people (only into an empty database) and print the sign-ins."""

from typing import Any

from django.core.management.base import BaseCommand

from cspr.demo.partnerships import DEMO_PASSWORD, demo_logins, seed_demo


class Command(BaseCommand):
    help = "Load invented demo data if the database has no partnership yet, then print the demo sign-ins."

    def handle(self, *args: Any, **options: Any) -> None:
        loaded = seed_demo()
        self.stdout.write("Demo data loaded." if loaded else "Demo data already present: nothing loaded.")
        self.stdout.write("")
        self.stdout.write(f"Demo sign-ins (every account's password: {DEMO_PASSWORD})")
        logins = demo_logins()
        width = max(len(email) for email in logins)
        for email, roles in logins.items():
            self.stdout.write(f"  {email.ljust(width)}  {roles}")
