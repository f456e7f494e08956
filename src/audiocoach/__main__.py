"""Allows ``python -m audiocoach``."""

from audiocoach.cli import main

main()
