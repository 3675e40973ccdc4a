"""``cstui plugin new``: the plugin author kit's scaffold, on the command line (registered on
:data:`cstui.cli.cli`)."""

from __future__ import annotations

from pathlib import Path

import click

from cstui.cli import cli, said_in_lang


@cli.group("plugin")
def plugin_group():
    """Start a plugin package of your own (see docs/plugins.md)."""


@plugin_group.command("new")
@click.argument("name")
@click.option(
    "--model",
    "with_model",
    is_flag=True,
    help="Add a document model skeleton (a count KPI with a band table), its scheme and tests.",
)
@click.option(
    "--dir",
    "parent",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Write the package into this directory, as cstui-NAME/.",
)
def plugin_new(name, with_model, parent):
    """Write the package cstui-NAME: a scheme (a variant of star-levels), tests that use
    cstui.testing and grade the demo, and with --model a model of your own."""
    from cstui.scaffold import name_problem, package_files, write_package

    problem = name_problem(name)
    if problem:
        raise click.BadParameter(said_in_lang(click.get_current_context(), problem), param_hint="NAME")
    root = write_package(name, parent, with_model)
    for relative in package_files(name, with_model):
        click.echo(f"  {root / relative}")
    click.echo(f"cstui-{name} written to {root}")
    click.echo(f"next: pip install -e '{root}[test]' && (cd {root} && pytest)")
