"""Importing organisations and contacts from CSV/XLSX files, and the KBO Open Data extract.

Entry points other code calls:

- `service.run_file_import(path, ...)` validates (and, with `apply=True`, writes) one file;
  the CLI (`schakel register import`) and the background job share it.
- `service.store_upload(upload)` / `service.remove_upload(job)` keep uploads under
  MEDIA_ROOT/imports/ with a random name.
- `jobs` registers the "register.import" job handler (validate, then apply on confirm).
- `kbo.import_kbo(directory, ...)` reads the KBO Open Data extract (`schakel register import-kbo`).
"""
