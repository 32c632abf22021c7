import subprocess


def run_shell(command):
    return subprocess.run(command, shell=True, check=True, capture_output=True)  # vuln: command
