"""WSGI entry point for production servers (gunicorn schakel.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schakel.settings")
application = get_wsgi_application()

# Everything loaded so far (Django, the apps, their modules) lives as long as the process:
# move it out of the collector's sight, so a full collection triggered by a large answer (a
# year of bookings) no longer walks it: that walk was the slowest tenth of API answers.
gc.freeze()
