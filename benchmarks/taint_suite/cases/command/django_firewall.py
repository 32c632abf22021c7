"""Django views of a self-hosted firewall and job runner."""

import configparser
import ipaddress
import os
import subprocess

from django.http import HttpResponseBadRequest, JsonResponse

JOB_COMMANDS = {"backup": "pg_dump app > /backups/app.sql", "vacuum": "vacuumdb --all --analyze"}
COMMAND_TEMPLATES = {"dump": "pg_dump {db} > /backups/{db}.sql"}
jobs = configparser.ConfigParser()
jobs.read("/etc/runner/jobs.ini")


def block_ip(request):
    ip = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[0].strip()
    os.system(f"iptables -A INPUT -s {ip} -j DROP")  # vuln: command
    return JsonResponse({"blocked": ip})


def block_ip_parsed(request):
    try:
        ip = ipaddress.ip_address(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[0].strip())
    except ValueError:
        return HttpResponseBadRequest("not an address")
    os.system(f"iptables -A INPUT -s {ip} -j DROP")  # safe: command
    return JsonResponse({"blocked": str(ip)})


def run_job(request):
    command = JOB_COMMANDS.get(request.POST.get("job"))
    if command is None:
        return HttpResponseBadRequest("unknown job")
    subprocess.run(command, shell=True, check=True)  # safe: command
    return JsonResponse({"ok": True})


def dump_database(request):
    command = COMMAND_TEMPLATES["dump"].format(db=request.POST["db"])
    subprocess.run(command, shell=True, check=True)  # vuln: command
    return JsonResponse({"ok": True})


def nightly(request):
    command = jobs.get("jobs", "nightly")
    subprocess.run(command, shell=True, check=True)  # safe: command
    return JsonResponse({"ok": True, "by": request.user.username})


def run_script(request):
    script = request.POST["script"]
    subprocess.run(" ".join(["/opt/scripts/run.sh", script, "--verbose"]), shell=True, check=True)  # vuln: command
    return JsonResponse({"ok": True})
