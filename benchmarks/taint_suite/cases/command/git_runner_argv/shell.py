import subprocess


def run_argv(argv):
    return subprocess.run(argv, check=True, capture_output=True)  # safe: command
