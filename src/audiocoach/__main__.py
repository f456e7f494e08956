"""Allows ``python -m audiocoach``.

The guard matters: encoding workers are spawned, and a spawned worker imports the main module
again; without the guard it would run the command line a second time.
"""

from audiocoach.cli import main

if __name__ == "__main__":
    main()
