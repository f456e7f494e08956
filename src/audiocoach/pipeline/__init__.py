"""The build from card to files: sessions, worker processes, one phase's file, a day's
patients, and the preview.

Workers import :mod:`audiocoach.pipeline.phase_file`; this ``__init__`` stays empty so they
import nothing else.
"""
