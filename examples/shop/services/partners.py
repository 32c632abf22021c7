"""Partner integrations: stock API, legacy price feed, saved carts."""

import os
import pickle

import httpx
import requests as r
import yaml

PARTNER_API_KEY = os.environ.get("PARTNER_API_KEY", "pk_live_4f9a8b7c6d5e3a2b")  # expect: BA-SEC-001
CATALOG_TOKEN = os.environ["CATALOG_TOKEN"]
PARTNER_CA_BUNDLE = "/etc/ssl/certs/partner-ca.pem"


def fetch_stock(url: str) -> dict:
    resp = httpx.get(url, headers={"X-Api-Key": CATALOG_TOKEN}, verify=PARTNER_CA_BUNDLE, timeout=5)
    return resp.json()


def fetch_legacy_prices(url: str) -> dict:
    resp = r.get(url, verify=False, timeout=5)  # expect: BA-SEC-002
    return resp.json()


def parse_price_list(body: bytes) -> dict:
    return yaml.safe_load(body)


def parse_legacy_price_list(body: bytes) -> dict:
    return yaml.load(body, Loader=yaml.FullLoader)  # expect: BA-INP-004


def restore_cart(blob: bytes) -> dict:
    return pickle.loads(blob)  # expect: BA-INP-004
