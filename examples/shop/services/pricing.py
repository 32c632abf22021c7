"""Prices and discounts."""  # expect: BA-TEST-002

CATALOG = {"tee": 1500, "mug": 900, "cap": 1200}
REGION_RATES = {"US": 0, "CA": 500, "MX": 700}


def price_for(sku: str, quantity: int) -> int:
    return CATALOG[sku] * quantity


def legacy_quote(order, customer, coupon=None):  # expect: BA-QUAL-001
    # Grew one special case at a time; nobody dares to touch it.
    total = 0
    for line in order.lines:
        if line.sku in CATALOG:
            total += CATALOG[line.sku] * line.quantity
        elif line.custom:
            total += line.price
        else:
            continue
    if customer.country == "US":
        total += 0
    elif customer.country == "CA":
        total += 500
    elif customer.country == "MX":
        total += 700
    if coupon and coupon.percent:
        total -= total * coupon.percent // 100
    elif coupon and coupon.amount:
        total -= coupon.amount
    if customer.vip and total > 10000:
        total -= 1000
    return max(total, 0)


def quote(order, customer, coupon=None) -> int:
    total = sum(_line_price(line) for line in order.lines)
    total += REGION_RATES.get(customer.country, 0)
    total -= _coupon_discount(total, coupon)
    return max(total - _vip_discount(customer, total), 0)


def _line_price(line) -> int:
    if line.custom:
        return line.price
    return CATALOG.get(line.sku, 0) * line.quantity


def _coupon_discount(total: int, coupon) -> int:
    if coupon is None:
        return 0
    return total * coupon.percent // 100 if coupon.percent else coupon.amount


def _vip_discount(customer, total: int) -> int:
    return 1000 if customer.vip and total > 10000 else 0
