"""Flask endpoints of a network-tools panel that shell out to system utilities."""

import base64
import html
import os
import re
import shlex
import subprocess

from flask import Flask, abort, jsonify, request

app = Flask(__name__)
ALLOWED_TARGETS = {"gateway", "dns1", "dns2"}
SAFE_SHELL = True
HOSTNAME = re.compile(r"^[a-z0-9.-]{1,253}$")


@app.get("/ping")
def ping():
    host = request.args.get("host", "")
    out = subprocess.run(f"ping -c 1 {host}", shell=True, capture_output=True, text=True)  # vuln: command
    return jsonify(stdout=out.stdout)


@app.get("/ping-argv")
def ping_argv():
    host = request.args.get("host", "")
    out = subprocess.run(["ping", "-c", "1", "--", host], capture_output=True, text=True)  # safe: command
    return jsonify(stdout=out.stdout)


@app.get("/ping-quoted")
def ping_quoted():
    host = request.args.get("host", "")
    out = subprocess.run("ping -c 1 " + shlex.quote(host), shell=True, capture_output=True, text=True)  # safe: command
    return jsonify(stdout=out.stdout)


@app.get("/ping-escaped")
def ping_escaped():
    # html.escape leaves ; | $( ) and backticks alone: no protection for a shell
    host = html.escape(request.args.get("host", ""))
    out = subprocess.run("ping -c 1 " + host, shell=True, capture_output=True, text=True)  # vuln: command
    return jsonify(stdout=out.stdout)


@app.get("/uptime")
def uptime():
    out = subprocess.run("uptime | awk '{print $3}'", shell=True, capture_output=True, text=True)  # safe: command
    return jsonify(uptime=out.stdout.strip())


@app.get("/dig")
def dig():
    name = request.args["name"]
    return jsonify(answer=os.popen("dig +short " + name).read())  # vuln: command


@app.get("/dig-checked")
def dig_checked():
    name = request.args["name"]
    if not HOSTNAME.fullmatch(name):
        abort(400)
    return jsonify(answer=os.popen("dig +short " + name).read())  # safe: command


@app.post("/traceroute")
def traceroute():
    target = request.form["target"]
    if target not in ALLOWED_TARGETS:
        abort(403)
    os.system(f"traceroute {target} > /tmp/trace.txt")  # safe: command
    return "", 202


@app.post("/traceroute-any")
def traceroute_any():
    target = request.form["target"]
    if target not in ALLOWED_TARGETS:
        app.logger.info("traceroute to a new target %s", target)
    os.system(f"traceroute {target} > /tmp/trace.txt")  # vuln: command
    return "", 202


@app.post("/archive")
def archive():
    name = request.form["name"]
    subprocess.run(["sh", "-c", f"tar czf /backups/{name}.tgz /srv/data"], check=True)  # vuln: command
    return "", 201


@app.post("/archive-argv")
def archive_argv():
    name = request.form["name"]
    subprocess.run(["tar", "czf", f"/backups/{name}.tgz", "/srv/data"], check=True)  # safe: command
    return "", 201


@app.get("/whois")
def whois():
    # the query arrives base64-encoded from the front end
    domain = base64.b64decode(request.args["d"]).decode()
    return subprocess.check_output("whois %s" % domain, shell=True)  # vuln: command


@app.get("/nslookup")
def nslookup():
    opts = {"server": "1.1.1.1", "name": request.args["name"]}
    return subprocess.check_output(f"nslookup {opts['name']} {opts['server']}", shell=True)  # vuln: command


@app.get("/nslookup-server")
def nslookup_server():
    opts = {"server": "1.1.1.1", "name": request.args["name"]}
    return subprocess.check_output(["nslookup", opts["name"], opts["server"]]) + \
        subprocess.check_output(f"nslookup example.com {opts['server']}", shell=True)  # safe: command


@app.get("/port")
def port_check():
    port = int(request.args["port"])
    return subprocess.check_output(f"ss -ltn sport = :{port}", shell=True)  # safe: command


@app.get("/port-raw")
def port_check_raw():
    port = request.args["port"]
    return subprocess.check_output(f"ss -ltn sport = :{port}", shell=True)  # vuln: command


@app.get("/logs")
def tail_logs():
    service = request.args.get("service", "web")
    if SAFE_SHELL:
        return subprocess.check_output(["journalctl", "-u", service, "-n", "50"])
    return subprocess.check_output("journalctl -u " + service + " -n 50", shell=True)  # safe: command


@app.get("/logs-grep")
def grep_logs():
    words = request.args.getlist("w")
    pattern = "|".join(words)
    return subprocess.check_output(f"grep -E '{pattern}' /var/log/app.log", shell=True)  # vuln: command


@app.get("/logs-grep-quoted")
def grep_logs_quoted():
    words = request.args.getlist("w")
    cmd = shlex.join(["grep", "-E", "|".join(words), "/var/log/app.log"])
    return subprocess.check_output(cmd, shell=True)  # safe: command
