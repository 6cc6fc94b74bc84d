"""``python -m govindex``: the same command line as the installed ``govindex`` script."""

from govindex.cli import main

if __name__ == "__main__":
    main()
