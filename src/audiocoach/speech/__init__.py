"""Speech: one small interface (:mod:`.voice`), so any engine can speak a session.

The engines (:mod:`.espeak`, :mod:`.piper`, the therapist's :mod:`.recorded` phrases), the
speech cache (:mod:`.cache`) and the choice of voice for a plan (:mod:`.voices`).
"""
