"""`schakel demo`: load the demo data of every installed app (see `schakel.core.demo`)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from schakel.core.demo import DEMO_PASSWORD, demo_modules, site_url


class Command(BaseCommand):
    help = (
        "Load demo data: the real partners, facilities and funds of West Flanders, fictional "
        "companies and one login per role. Safe to run again: nothing is duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--companies",
            type=int,
            default=2000,
            help="Number of fictional companies (default 2000).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the register already holds organisations or demo users.",
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help="Random seed; the same seed gives the same data."
        )

    def handle(self, *args, **options):
        if options["companies"] < 0:
            raise CommandError(_("--companies must be zero or more."))
        if options["if_empty"] and self.has_data():
            self.stdout.write(_("The database already holds data; demo data not loaded."))
            self.print_logins()
            return
        started = time.perf_counter()
        for module in demo_modules():
            app_started = time.perf_counter()
            module.load(options, self.stdout)
            if options["verbosity"] >= 2:
                self.stdout.write(
                    _("%(module)s loaded in %(seconds).1f s")
                    % {"module": module.__name__, "seconds": time.perf_counter() - app_started}
                )
        self.stdout.write(
            self.style.SUCCESS(
                _("Demo data loaded in %(seconds).1f s.")
                % {"seconds": time.perf_counter() - started}
            )
        )
        self.print_logins()

    def has_data(self) -> bool:
        """The marker for --if-empty: any organisation, or the demo administrator, exists."""
        from django.apps import apps

        from schakel.accounts.demo import ADMIN_USERNAME

        Organisation = apps.get_model("register", "Organisation")
        User = apps.get_model("accounts", "User")
        return (
            Organisation.objects.exists() or User.objects.filter(username=ADMIN_USERNAME).exists()
        )

    def print_logins(self) -> None:
        if self.verbosity_level == 0:
            return
        self.stdout.write("")
        self.stdout.write(_("Open %(url)s and log in as:") % {"url": site_url()})
        for module in demo_modules():
            logins = getattr(module, "logins", None)
            if logins is None:
                continue
            for role, username in logins():
                self.stdout.write(f"  {username:<12} {role}")
        self.stdout.write(
            _("Password for every demo login: %(password)s") % {"password": DEMO_PASSWORD}
        )

    def execute(self, *args, **options):
        self.verbosity_level = options.get("verbosity", 1)
        return super().execute(*args, **options)
