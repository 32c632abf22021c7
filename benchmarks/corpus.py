#!/usr/bin/env python3
"""The precision review corpus: real open-source backends at pinned commits, laid out outside this repository.

    python benchmarks/corpus.py                        # every project into /tmp/ba-corpus/<name>
    python benchmarks/corpus.py pretalx vulpy --dest DIR --mirror-root /work/.mirror
    python benchmarks/corpus.py --list                 # the table ("held-out" marks the blind set)
    python benchmarks/corpus.py --held-out             # only the held-out projects

Each project comes from a bare git mirror (`<mirror-root>/<owner>+<name>/repo`, any `git clone --bare` that
has the pinned commit) through `git --git-dir=<mirror> archive <commit> | tar -x`: no work tree of the
scanned project is ever checked out, so none of its git config, hooks or attributes run. Corpus code is never
copied into this repository (the destination must lie outside it).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DEST = Path("/tmp/ba-corpus")
DEFAULT_MIRRORS = Path("/work/.mirror")


@dataclass(frozen=True)
class Project:
    name: str
    github: str
    commit: str
    why: str
    # held out: never scanned or read while rules are tuned, only measured (docs/precision.md); left out of
    # the default selection so that tuning on "the corpus" cannot touch it by accident
    held_out: bool = False


# Well-kept backends (where findings are mostly false positives unless the rules are precise) next to
# deliberately vulnerable ones (where the true positives must stay found).
PROJECTS = (
    Project("paperless-ngx", "paperless-ngx/paperless-ngx", "b0e0e8a35373a5d9d588a507cb63c79e50a23403",
            "Django/DRF document manager, well kept"),
    Project("pretalx", "pretalx/pretalx", "5a3c2f61ecafc83cfa85aa518cc5af3d564b16ef",
            "Django conference planner, well kept"),
    Project("mealie", "mealie-recipes/mealie", "b5643a9399465d8b4ea339e7a6639df2d697741b",
            "FastAPI/SQLAlchemy recipe manager, well kept"),
    Project("ctfd", "CTFd/CTFd", "91ced62d44d3ec3142a0948ee96ed19947cfc979", "Flask CTF platform"),
    Project("vulpy", "fportantier/vulpy", "5249cc8b05a1c37f6b2f757b1cf16a509c327122",
            "deliberately vulnerable Flask app"),
    Project("django.nv", "nVisium/django.nV", "a48901f106da4888417339b7b44b8ed56b64c63f",
            "deliberately vulnerable Django app"),
    Project("full-stack-fastapi-template", "fastapi/full-stack-fastapi-template",
            "68adb40d37425f6f8668ec7e5a054500d045e43e", "small FastAPI/SQLModel app"),
    Project("netbox", "netbox-community/netbox", "43fe81f9e833228c9869f7ddadb67e6c5f145060",
            "large Django/DRF/GraphQL app"),
    # held out: added after the fixes, reviewed once, never tuned on (docs/precision.md)
    Project("healthchecks", "healthchecks/healthchecks", "29b5ec251059034b79e0120e2ff0c3e35d7bd9f8",
            "Django cron monitoring service (held out)"),
    Project("librephotos", "LibrePhotos/librephotos", "e675a0dc1000af0faa51c4e9411d6bea82e3ac1a",
            "Django/DRF photo manager (held out, measured blind)"),
    Project("microblog", "miguelgrinberg/microblog", "a975ef64864354867c88e0ed3a17ba7d17dca752",
            "Flask tutorial app (held out, measured blind)"),
    # held out from session 26 on: reviewed blind against main at 91089e0, before that session's FP fixes
    Project("taiga-back", "taigaio/taiga-back", "3bea7114007afd83478a8d6f2a70afd70d94dc21",
            "Django/DRF project management backend", held_out=True),
    Project("redash", "getredash/redash", "ca79fe988d81cdac9675b412f3dfcab107bc1fbc",
            "Flask/SQLAlchemy data query and dashboard service", held_out=True),
    Project("dispatch", "Netflix/dispatch", "dd2837e82a0bf5565b1b4b4b91ea30b7262d4061",
            "FastAPI/SQLAlchemy incident management", held_out=True),
    # held out, set C (blind against c95a39f): reviewed by one engineer while the others tuned on set B
    Project("bookwyrm", "bookwyrm-social/bookwyrm", "db40a61c9eaa6872607ca499b91893914dc1c8cf",
            "Django/Celery federated book social network", held_out=True),
    Project("ihatemoney", "spiral-project/ihatemoney", "52e5720ec78d32eab963cd7e73d4826ae3a16950",
            "small Flask/SQLAlchemy shared-budget manager", held_out=True),
    Project("lnbits", "lnbits/lnbits", "7d98c6b0808efab3edafc21310ec34d1c38c23df",
            "FastAPI Lightning wallet and accounts system", held_out=True),
    # held out, set D (blind against b2d855d)
    Project("wger", "wger-project/wger", "aaba20184527b018e10f1be576202aa7e7cb4c21",
            "Django/DRF fitness and nutrition manager", held_out=True),
    Project("flaskbb", "flaskbb/flaskbb", "4b78af85e96b375fdbc4d53723cedea459c99ac4",
            "Flask/SQLAlchemy forum software", held_out=True),
    Project("fief", "fief-dev/fief", "a77e7fb65fc54d7994740619684a87e85d1293ed",
            "FastAPI/SQLAlchemy OAuth2 and user-management server", held_out=True),
    # held out, set E (blind against 56091f5): reviewed by one engineer while others tuned on sets B-D
    Project("babybuddy", "babybuddy/babybuddy", "fa8bf4cd66ed149e23c215763a49a2f76dbcd2b7",
            "Django/DRF baby-care tracker", held_out=True),
    Project("lemur", "Netflix/lemur", "3a3c2c201d42db0eed06e79297eb8dc252c39288",
            "Flask/SQLAlchemy TLS certificate manager", held_out=True),
    Project("polar", "polarsource/polar", "c6c3645e639ee8eeaa05aa0835cf8e39e330382f",
            "FastAPI/SQLAlchemy payments and subscriptions platform (server/)", held_out=True),
    # held out, set F (blind against 56091f5, kept blind through session 27's two rounds of fixes)
    Project("recipes", "TandoorRecipes/recipes", "d206eddbd32bd3c40feff70ad780b0f91f325eaa",
            "Django/DRF recipe manager (Tandoor)", held_out=True),
    Project("privacyidea", "privacyidea/privacyidea", "55410007d118b505d9ff300b6114c2701e9bdb3c",
            "Flask/SQLAlchemy multi-factor authentication server", held_out=True),
    Project("tracecat", "TracecatHQ/tracecat", "4209a655bc1da1a36d75ea29edfea69daffbdd23",
            "FastAPI/SQLAlchemy security automation platform", held_out=True),
    # held out, set G (blind against cc420a8, main at the end of session 27: what a new user sees today)
    Project("mediacms", "mediacms-io/mediacms", "90b9fad55bc7e93827956b53822a4b520bf999b9",
            "Django/DRF video and media CMS", held_out=True),
    Project("zou", "cgwire/zou", "4bf77e6da49b9d06521aaead52927daf6449a99d",
            "Flask/SQLAlchemy production-tracking API (Kitsu)", held_out=True),
    Project("realworld-fastapi", "nsidnev/fastapi-realworld-example-app", "029eb7781c60d5f563ee8990a0cbfb79b244538c",
            "FastAPI/asyncpg RealWorld (Conduit) API", held_out=True),
    # held out, set H (blind against 7fecb15, main at the start of session 28; verdicts kept off main until opened)
    Project("kiwi", "kiwitcms/Kiwi", "dfcf75920db11b4cb67bb66b37b378afda5cef32",
            "Django/DRF/JSON-RPC test case management system", held_out=True),
    Project("alerta", "alerta/alerta", "4ac0106300cd428b26ad4b373cf4a78f55f6b542",
            "Flask monitoring alert API", held_out=True),
    Project("chainlit", "Chainlit/chainlit", "488b74579ace74ad917556a1560e9db68e011219",
            "FastAPI/Socket.IO conversational-app server (backend/)", held_out=True),
    # set I (session 29): drawn blind, reviewed against the commit that pinned them
    Project("linkding", "sissbruecker/linkding", "65813a75404b1319aca8b09700fadc0b15adabaf",
            "Django bookmark manager with a DRF API", held_out=True),
    Project("changedetection", "dgtlmoon/changedetection.io", "fce24780e74199bf34c62a0d90188cc2fc12f061",
            "Flask website change monitor", held_out=True),
    Project("khoj", "khoj-ai/khoj", "ae229ca894c0b80ad84664afcfdde523b5e87057",
            "FastAPI/Django AI assistant server", held_out=True),
    # set J (end of session 29): drawn blind to measure session 29's general level rules on unseen code
    Project("misago", "rafalp/Misago", "c7ffe0b6d3739efc534d0e6d60a6b9ee959ae789",
            "Django/DRF forum software", held_out=True),
    Project("gramps-web-api", "gramps-project/gramps-web-api", "370d5917e6ecec546c0e53cbd02e5ace032c4c00",
            "Flask/webargs genealogy REST API", held_out=True),
    # set K (session 30): drawn blind to measure set J's fixes and the level rules on code nobody has tuned on
    Project("ghostwriter", "GhostManager/Ghostwriter", "0a8d74cf20384415ffef4e9da222f964e332e700",
            "Django/GraphQL red-team reporting platform", held_out=True),
    Project("securedrop", "freedomofpress/securedrop", "b80c941a3bf3355aefd098beeb1f246d4ff38933",
            "Flask whistleblower submission system", held_out=True),
    Project("flagsmith", "Flagsmith/flagsmith", "1ad8487ba7aabedd3cdfbcf3e7d772784d3e1aae",
            "Django/DRF feature-flag service (api/)", held_out=True),
    Project("bitcart", "bitcart/bitcart", "065c842107218459e0b1f3ba3c8cfeda3e5c8edf",
            "FastAPI/SQLAlchemy crypto payment processor", held_out=True),
    # set L (session 30): drawn blind to measure the fixes made for set K on code nobody has tuned on
    Project("powerdns-admin", "PowerDNS-Admin/PowerDNS-Admin", "742dd103e63d2e57e387e3487980c01d290e1cc2",
            "Flask/SQLAlchemy DNS management web app", held_out=True),
    Project("umap", "umap-project/umap", "4508ce0c99c05031ac9d906f24606276bdd9d9ff",
            "Django map-making service", held_out=True),
    Project("surfsense", "MODSetter/SurfSense", "b4d57e9b471891962a24bbd5c77620983509abfa",
            "FastAPI/SQLAlchemy research-assistant backend (surfsense_backend/)", held_out=True),
    Project("mailu", "Mailu/Mailu", "bbb1c206f9c8e438bb7f7193bdd8eea2ed09d7fd",
            "Flask/SQLAlchemy mail server admin and API (core/admin)", held_out=True),
    Project("tubearchivist", "tubearchivist/tubearchivist", "7dcb43f4367a7a2b8e44b01f352d88f664962c97",
            "Django/DRF self-hosted video archive (backend/)", held_out=True),
    Project("modoboa", "modoboa/modoboa", "9ec749703cde97636ea5a9db95f4accea63b8a87",
            "Django/DRF mail hosting and management platform", held_out=True),
    Project("shynet", "milesmcc/shynet", "ca35caba3af2b888acc990b99152c500a1c44461",
            "Django privacy-friendly web analytics", held_out=True),
    Project("django-helpdesk", "django-helpdesk/django-helpdesk", "360bace463c78314adb07d6b8bffc4676b73be29",
            "Django/DRF ticket tracker (reusable app with a demo project)", held_out=True),
    Project("saleor", "saleor/saleor", "723cd4eba87dfc72822ade45dc08a3caa548428d",
            "Django/GraphQL (graphene) e-commerce platform", held_out=True),
    Project("plane", "makeplane/plane", "4ca6d6c7b807ad09bb571af2c43e85bf47c3ec6b",
            "Django/DRF project-tracking backend (apps/api)", held_out=True),
    Project("pinry", "pinry/pinry", "08f97b5208f53fa650372218d21e7736651d69b1",
            "small Django/DRF image-board", held_out=True),
    Project("calibre-web", "janeczku/calibre-web", "7ec475e1fe20893730fd8863f771489049c99d16",
            "Flask/SQLAlchemy e-book library web app", held_out=True),
    Project("karrot", "karrot-dev/karrot-backend", "dbe42a10ff010c4b8b4a8b86933dd0c68e96f136",
            "Django/DRF/Channels grassroots-group organiser (last GitHub commit before the move)", held_out=True),
    Project("pontoon", "mozilla/pontoon", "eb868358ac2c585a0d22dfec9ae0776e86de2e20",
            "Django localization platform (Mozilla)", held_out=True),
    Project("libretranslate", "LibreTranslate/LibreTranslate", "39429cbe7f27987fc0ba771c4ad060d6321423ff",
            "small Flask machine-translation API", held_out=True),
    Project("opencve", "opencve/opencve", "bd7eb22deff08d5e263fdf7245413c8b04a57d3a",
            "Django/DRF CVE alerting platform", held_out=True),
    Project("apprise-api", "caronc/apprise-api", "69b61871491bb3d1b80d8a15b5d100c10bd3d076",
            "small Django notification gateway API", held_out=True),
    Project("isso", "isso-comments/isso", "9c24f9b3d9f259cff84b67e50875e6137b459ef7",
            "small werkzeug comment server", held_out=True),
    Project("ralph", "allegro/ralph", "c33ead2c5c99808e6e027af5b411a9c7bb160aad",
            "large Django/DRF asset-management (CMDB) system", held_out=True),
    Project("mathesar", "mathesar-foundation/mathesar", "e214743031f1e5aa762b22ac53b321755223da57",
            "Django/DRF + JSON-RPC spreadsheet UI over Postgres", held_out=True),
    Project("searxng", "searxng/searxng", "9fea41204fdfa7a5cfa15b0ebd12904c520478ce",
            "Flask metasearch engine", held_out=True),
    Project("archivebox", "ArchiveBox/ArchiveBox", "81d6d36fb3cdd1bfb350c2d4a4fb0272921397a8",
            "Django/django-ninja web archiver", held_out=True),
    Project("openwisp-controller", "openwisp/openwisp-controller", "a795388fe0633f23e9cdd23ca72a8a113a33db3d",
            "Django/DRF network-device controller (reusable apps with a test project)", held_out=True),
    Project("pulpcore", "pulp/pulpcore", "107800ebf38a18623f0c5e580445db92a5e3dc31",
            "Django/DRF content-repository platform", held_out=True),
    Project("etesync", "etesync/server", "6ac54121048e104437eec861f142e7dc1bebf7eb",
            "small Django/FastAPI end-to-end-encrypted sync server", held_out=True),
    Project("spiff-arena", "sartography/spiff-arena", "d7678cf75bd1bc1b6dd0d05ba54c0f0dfa730952",
            "Flask/connexion workflow-engine backend", held_out=True),
    Project("tournesol", "tournesol-app/tournesol", "f8110b95c34978a750c50014f5a40b4391a3f74c",
            "Django/DRF collaborative video-recommendation platform (backend/)", held_out=True),
    Project("lasuite-docs", "suitenumerique/docs", "4111e4e5ed848b2e764837176851e1155ffca58a",
            "Django/DRF collaborative document editor (La Suite numerique)", held_out=True),
    Project("robotoff", "openfoodfacts/robotoff", "d5b7b9168d117162d6ac98e8a756e0d24e81d37c",
            "Falcon API and workers of Open Food Facts' prediction service", held_out=True),
    Project("kinto", "Kinto/kinto", "8050e50e5bdf55ce36fc590639b678cdd8f8f83a",
            "Pyramid JSON storage service (Mozilla)", held_out=True),
    # set U (session 34): pinned before the session's fixes merged, laid out only for its blind review
    Project("django-wiki", "django-wiki/django-wiki", "0861f3d122609f9269c23b39f381d2fcbc86851c",
            "Django wiki application with a test project", held_out=True),
    Project("open-event-server", "fossasia/open-event-server", "071d1595b4af5a711875706a8fd47ee2887656fe",
            "Flask/SQLAlchemy JSON:API event-management server (FOSSASIA)", held_out=True),
    Project("letta", "letta-ai/letta", "56ba9c25552605eec89de8ed3dc6394b625c1993",
            "FastAPI/SQLAlchemy stateful-agent server (last commit before the repository was archived)",
            held_out=True),
    Project("shuup", "shuup/shuup", "25f78cfe370109b9885b903e503faac295c7b7f2",
            "Django multi-vendor e-commerce platform", held_out=True),
    # set V (session 35): pinned at the start of the session, reviewed blind against its start rules (42ed5af)
    Project("warehouse", "pypi/warehouse", "6b62157124ab7865029afeeadf282bce27d601d9",
            "Pyramid/SQLAlchemy backend of the Python Package Index", held_out=True),
    Project("mwdb-core", "CERT-Polska/mwdb-core", "88f0ea5ff2a3bff245d7e0a4f7d235cdffc0c537",
            "Flask/SQLAlchemy malware repository (CERT Polska)", held_out=True),
    Project("vas3k-club", "vas3k/vas3k.club", "bcf60c509fdfa3110463d01ac125c69cdd2f250d",
            "Django community site with OAuth provider and bots", held_out=True),
    Project("fides", "ethyca/fides", "96aa40cba74e44a369d637b056f08310132b65ba",
            "FastAPI/SQLAlchemy privacy-engineering platform (Ethyca)", held_out=True),
    Project("jumpserver", "jumpserver/jumpserver", "54b5d374e36b17b99d6377997272c648e9978601",
            "Django/DRF privileged-access-management bastion", held_out=True),
    # set W (session 36): pinned at the start of the session, reviewed blind against its start rules (eaf41c7d)
    Project("pyload", "pyload/pyload", "3776f8bd4814e74a0926cf18899276a415437fb6",
            "Flask download manager with a web UI and JSON API", held_out=True),
    Project("defectdojo", "DefectDojo/django-DefectDojo", "7cfa159a6767b0ac6e66f3b1597a997e607e7308",
            "Django/DRF vulnerability management platform", held_out=True),
    Project("ckan", "ckan/ckan", "2dbe2c18f65ec75798c3667dd412c2320ac44ab0",
            "Flask/SQLAlchemy open-data portal with an action API", held_out=True),
    Project("kitsune", "mozilla/kitsune", "dcfa333911ed376a14c59eee83bde0345d03ea20",
            "Django support site (Mozilla SUMO)", held_out=True),
    Project("skyvern", "Skyvern-AI/skyvern", "07222e7a7caae79aacd5908c30e4a4445fce5f9b",
            "FastAPI/SQLAlchemy browser-automation service", held_out=True),
    # set X (session 37): pinned at the start of the session, reviewed blind against its start rules (05ca6930)
    Project("peering-manager", "peering-manager/peering-manager", "1d546476fb55c39bc7bf040b486ecd7e4f356347",
            "Django/DRF BGP peering management (netbox-like)", held_out=True),
    Project("octoprint", "OctoPrint/OctoPrint", "744c835969d6a0adc512a668a5d5abec0415dda0",
            "Flask/Tornado 3D-printer host with a plugin API", held_out=True),
    Project("intelowl", "intelowlproject/IntelOwl", "987765d03c7baf0aa1e0182d19b9f74938331f5d",
            "Django/DRF threat-intelligence platform with Celery analyzers", held_out=True),
    Project("gns3-server", "GNS3/gns3-server", "713dbb7f4513417d62aba740bbeac1e94fdc8ade",
            "aiohttp network-emulator server with its own route decorator (2.2 branch)", held_out=True),
    Project("online-judge", "DMOJ/online-judge", "9d6f4f61527773ca17ff41acf3b7b13ce0952ce0",
            "Django programming-contest judge site (DMOJ)", held_out=True),
)


class CorpusError(Exception):
    """A project cannot be laid out; the message says what to do."""


def by_name(names: list[str] | None, held_out: bool = False) -> list[Project]:
    """The named projects; without names the tuning corpus, or with `held_out` the held-out set."""
    if not names:
        return [p for p in PROJECTS if p.held_out == held_out]
    known = {p.name: p for p in PROJECTS}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise CorpusError(f"unknown project(s) {', '.join(unknown)}; known: {', '.join(known)}")
    return [known[n] for n in names]


def mirror_of(project: Project, mirror_root: Path) -> Path:
    return mirror_root / project.github.replace("/", "+") / "repo"


def _git(mirror: Path, *args: str) -> subprocess.CompletedProcess:
    # --git-dir on a bare mirror, no work tree, system/global config ignored: nothing of the project's runs
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_TERMINAL_PROMPT": "0"}
    return subprocess.run(["git", f"--git-dir={mirror}", "-c", "core.hooksPath=/dev/null", *args],
                          capture_output=True, env=env, timeout=600)


def _missing_blobs(mirror: Path, commit: str) -> list[str]:
    listing = _git(mirror, "ls-tree", "-r", "-z", commit)
    if listing.returncode != 0:
        raise CorpusError(f"{mirror}: git ls-tree failed: {listing.stderr.decode(errors='replace').strip()}")
    blobs = {}
    for entry in listing.stdout.split(b"\0"):
        if not entry:
            continue
        meta, _, path = entry.partition(b"\t")
        _mode, kind, sha = meta.split()
        if kind == b"blob":
            blobs.setdefault(sha.decode(), []).append(path.decode("utf-8", "surrogateescape"))
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    check = subprocess.run(["git", f"--git-dir={mirror}", "cat-file", "--batch-check"], input="".join(
        f"{sha}\n" for sha in blobs).encode(), capture_output=True, env=env, timeout=600)
    absent = [line.split()[0].decode() for line in check.stdout.splitlines() if line.endswith(b" missing")]
    return sorted(path for sha in absent for path in blobs[sha])


def _outside_repo(dest: Path) -> None:
    dest, repo = dest.resolve(), REPO.resolve()
    if dest == repo or repo in dest.parents:
        raise CorpusError(f"--dest {dest} lies inside this repository; corpus code is never copied into it")


def lay_out(project: Project, mirror_root: Path, dest_root: Path, force: bool = False) -> Path:
    """Extract `project` at its pinned commit into dest_root/<name>; returns that directory."""
    _outside_repo(dest_root)
    mirror = mirror_of(project, mirror_root)
    if not mirror.is_dir():
        raise CorpusError(
            f"{project.name}: no mirror at {mirror}; get one with "
            f"`git clone --bare https://github.com/{project.github} {mirror}` "
            f"(it must contain commit {project.commit})")
    target = dest_root / project.name
    stamp = target / ".ba-corpus-commit"
    if target.exists() and not force and stamp.is_file() and stamp.read_text().strip() == project.commit:
        return target
    if _git(mirror, "cat-file", "-e", f"{project.commit}^{{commit}}").returncode != 0:
        raise CorpusError(f"{project.name}: mirror {mirror} lacks commit {project.commit}; "
                          f"`git --git-dir={mirror} fetch origin {project.commit}`")
    missing = _missing_blobs(mirror, project.commit)
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    # a snapshot mirror may lack its largest blobs (data files); archive the rest and list them
    excludes = [f":(exclude,literal){path}" for path in missing]
    cmd = ["git", f"--git-dir={mirror}", "archive", "--format=tar", project.commit]
    if missing:
        cmd += ["--", ".", *excludes]
    proc = subprocess.Popen(cmd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull})
    with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
        # the "data" filter refuses absolute paths, `..` and links leaving the target
        if hasattr(tarfile, "data_filter"):
            tar.extractall(target, filter="data")
        else:  # Python < 3.11.4: no filters; git archive of a commit holds no absolute or `..` members
            tar.extractall(target)
    err = proc.stderr.read().decode(errors="replace")
    if proc.wait() != 0:
        raise CorpusError(f"{project.name}: git archive failed: {err.strip()}")
    if missing:
        (target / ".ba-corpus-missing").write_text("".join(f"{m}\n" for m in missing))
        print(f"note: {project.name}: {len(missing)} file(s) absent from the mirror, not laid out "
              f"(listed in {target / '.ba-corpus-missing'})", file=sys.stderr)
    stamp.write_text(project.commit + "\n")
    return target


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("projects", nargs="*", help="project names (default: all)")
    ap.add_argument("--dest", type=Path, default=Path(os.environ.get("BA_CORPUS", DEFAULT_DEST)),
                    help="where to lay the projects out (default $BA_CORPUS or /tmp/ba-corpus)")
    ap.add_argument("--mirror-root", type=Path, default=DEFAULT_MIRRORS,
                    help="bare mirrors as <owner>+<name>/repo (default /work/.mirror)")
    ap.add_argument("--force", action="store_true", help="extract again even when already laid out")
    ap.add_argument("--list", action="store_true", help="print the table (every project) and exit")
    ap.add_argument("--held-out", action="store_true",
                    help="without project names: the held-out projects instead of the tuning corpus")
    args = ap.parse_args(argv)
    try:
        if args.list:
            for p in by_name(args.projects) if args.projects else PROJECTS:
                print(f"{p.name:30} {p.github:40} {p.commit}  {'held-out  ' if p.held_out else ''}{p.why}")
            return 0
        projects = by_name(args.projects, args.held_out)
        failed = 0
        for p in projects:
            try:
                print(f"{p.name:30} {lay_out(p, args.mirror_root, args.dest, args.force)}")
            except CorpusError as exc:
                print(f"error: {exc}", file=sys.stderr)
                failed += 1
        return 2 if failed else 0
    except CorpusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
