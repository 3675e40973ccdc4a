"""ACME Property's grading variant: a cstui plugin package.

Installed next to cstui (``pip install ./examples/cstui-acme``), it shows up in
``cstui schemes`` as ``acme-assistants`` and grades like any built-in scheme.
"""

import os
from importlib.resources import files

from cstui import hookimpl

__version__ = "1.2.0"


@hookimpl
def register_schemes(register):
    register(files(__name__) / "acme-assistants.toml")


@hookimpl
def period_closed(db_path, period, closed_by):
    # A real company would tell payroll here; the example appends a line to $ACME_CLOSE_LOG.
    log = os.environ.get("ACME_CLOSE_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as out:
            out.write(f"{period} closed by {closed_by} in {db_path}\n")
