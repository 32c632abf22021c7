"""Payment gateway client."""  # expect: BA-TEST-002

import logging

import requests

logger = logging.getLogger(__name__)

GATEWAY_URL = "https://payments.example.com/v1/charges"


class PaymentError(Exception):
    pass


def charge_legacy(order_id: int, amount_cents: int, api_token: str) -> dict:
    logger.info(f"charging order {order_id} for {amount_cents}")  # expect: BA-LOG-002
    logger.debug("using token %s", api_token)  # expect: BA-LOG-004
    try:
        resp = requests.post(GATEWAY_URL, json={"order": order_id, "amount": amount_cents},  # expect: BA-PERF-002
                             headers={"Authorization": f"Bearer {api_token}"})
        resp.raise_for_status()
        return resp.json()
    except requests.RequestException as exc:
        logger.error(f"charge failed: {exc}")  # expect: BA-LOG-001, BA-LOG-002
        return {"status": "failed"}


def charge(order_id: int, amount_cents: int, api_token: str) -> dict:
    logger.info("charging order", extra={"order_id": order_id, "amount_cents": amount_cents})
    logger.debug("using token ending %s", api_token[-4:])
    try:
        resp = requests.post(GATEWAY_URL, json={"order": order_id, "amount": amount_cents},
                             headers={"Authorization": f"Bearer {api_token}"}, timeout=(3.05, 10))
        resp.raise_for_status()
        return resp.json()
    except requests.RequestException:
        logger.exception("charge failed", extra={"order_id": order_id})
        return {"status": "failed"}
