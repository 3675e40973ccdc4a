"""``python -m cstui``: the same command line as ``cstui``."""

from cstui.cli import main

if __name__ == "__main__":
    main()
