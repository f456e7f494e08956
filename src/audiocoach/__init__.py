"""audiocoach: a physiotherapist's home-exercise card as voice-guided Dutch audio sessions."""

from __future__ import annotations

__version__ = "0.1.0"
