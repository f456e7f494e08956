"""Sound: samples, the timeline, rendering, the tones, loudness and MP3 encoding.

Encoding workers import from here, so this package's ``__init__`` imports nothing: a worker
loads only the modules that rendering needs.
"""
