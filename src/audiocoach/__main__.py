"""``python -m audiocoach`` and the ``audiocoach`` command.

Encoding workers are spawned, and a spawned worker imports the main module again (this one,
or the installed ``audiocoach`` script, which imports :func:`main` from here). So this module
imports nothing at the top: the command line and all it needs are loaded only when it runs,
and each worker stays small. The guard keeps a worker from running the command line again.
"""

from __future__ import annotations


def main() -> None:
    """Run the command line."""
    from audiocoach.cli import main as run

    run()


if __name__ == "__main__":
    main()
