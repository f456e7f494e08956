"""Speech: one small interface (:mod:`.voice`), so any engine can speak a session.

The engines, each a row of :mod:`.engines` (the bundled espeak-ng, :mod:`.espeak`, spoken by
:mod:`.speaker` through :mod:`.espeak_lib`; the system's voices, :mod:`.system`; Piper), the
therapist's :mod:`.recorded` phrases, the speech cache (:mod:`.cache`). Which voice speaks a
build is put together in :mod:`audiocoach.pipeline.voices`.
"""
