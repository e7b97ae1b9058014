"""``python -m cleaner``: the same command line as the ``cleaner`` script."""

from .cli import main

if __name__ == "__main__":
    main(prog_name="cleaner")
