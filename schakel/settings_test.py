"""Test settings: the base settings with cheap hashing and in-memory e-mail."""

import os

os.environ.setdefault("DEBUG", "true")

from schakel.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SECURE_SSL_REDIRECT = False
# SQLite tests run in memory (Django's default test name): every process, xdist
# worker or developer gets its own database, and the live server shares it.
# Matching runs on word matching in tests (fast); one test loads the real encoder.
MATCHING_ENCODER = os.environ.get("MATCHING_ENCODER", "none")
# Tests reuse primary keys across rolled-back data; the availability cache is tested on its own.
AVAILABILITY_CACHE_SIZE = 0
