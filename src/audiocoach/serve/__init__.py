"""``audiocoach serve``: the therapist's own screen, a local web app on 127.0.0.1.

A physiotherapist does not open a terminal or edit TOML. This package gives them one page to
make a patient's sessions with the library the command line uses:

- :mod:`.form` reads the page's form with the command line's own parsing and checks
  (:func:`~audiocoach.model.dosage.cli_overrides`,
  :func:`~audiocoach.model.patient.plan_from_options`), so a
  bad value gets the very sentence ``audiocoach build`` would print, and writes the patient
  file the form describes;
- :mod:`.worker` runs every build and preview, one at a time, in one process of its own (the
  speech engine is one per process and must never run in the web server's threads);
- :mod:`.app` is the Starlette application: routes, the Host and CSRF checks, the files;
- :mod:`.pages` makes what the pages show ready for the templates (lengths, script, fields).
"""

from __future__ import annotations
