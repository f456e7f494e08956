"""Speech: one small interface (:mod:`.voice`), so any engine can speak a session.

The engines (:mod:`.espeak`, the bundled espeak-ng, spoken by :mod:`.speaker` through
:mod:`.espeak_lib`; :mod:`.system`, the system's voices through pyttsx3; :mod:`.piper`; the
therapist's :mod:`.recorded` phrases), the speech cache (:mod:`.cache`). Which voice speaks
a build is chosen in :mod:`audiocoach.pipeline.voices`.
"""
