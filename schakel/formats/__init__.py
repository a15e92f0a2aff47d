"""Belgian date and number formats per language (settings.FORMAT_MODULE_PATH)."""
