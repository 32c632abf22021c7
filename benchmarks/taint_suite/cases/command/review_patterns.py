"""A command-line entry point: its arguments are the operator's, not a request's."""

import os

import click


@click.command()
@click.argument("lang")
def translations_init(lang):
    os.system("pybabel init -i messages.pot -d translations -l " + lang)  # safe: command
