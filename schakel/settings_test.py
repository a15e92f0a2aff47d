"""Test settings: the base settings with cheap hashing and in-memory e-mail."""

import os

os.environ.setdefault("DEBUG", "true")

from schakel.settings import *  # noqa: E402,F403
from schakel.settings import DATABASES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SECURE_SSL_REDIRECT = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Each xdist worker gets its own test database file (pytest-django suffixes it).
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(VAR_DIR, "test.sqlite3")}  # noqa: F405
