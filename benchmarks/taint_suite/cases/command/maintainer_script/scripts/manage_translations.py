"""A maintainer's script run from a terminal: the languages are the operator's own arguments (python-fire
calls the function with the command line's values)."""

from subprocess import PIPE, Popen

import fire


def check_diff(lang, base_path="locale"):
    po_path = "{}/{}/LC_MESSAGES/django.po".format(base_path, lang)
    return Popen("git diff -U0 {} | grep -c msgid".format(po_path), stdout=PIPE, shell=True)  # safe: command


if __name__ == "__main__":
    fire.Fire({"diff": check_diff})
