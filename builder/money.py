"""Amounts of money as people read them: a currency code and a plain decimal number.

Fees and maximum costs come from records and request files written by strangers, so any size
must print as digits ("EUR 1234567"), never in scientific notation, and cents only when there
are some ("EUR 5", "EUR 7.50").
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal

_CENT = Decimal("0.01")
# Enough digits for the largest float (about 1.8e308) to be written out in full with its cents.
_WIDE = Context(prec=400)


def format_money(amount: float | int, currency: str | None) -> str:
    """`EUR 1234567`, `EUR 5`, `EUR 7.50`; the bare number when the currency is not known."""
    number = _plain_number(amount)
    return f"{currency} {number}" if currency else number


def _plain_number(amount: float | int) -> str:
    # str() first: a float's shortest spelling, so 7.1 stays 7.10 rather than its binary expansion.
    value = Decimal(str(amount))
    if not value.is_finite():
        return str(amount)
    cents = value.quantize(_CENT, rounding=ROUND_HALF_UP, context=_WIDE)
    return f"{cents:.0f}" if cents == cents.to_integral_value(context=_WIDE) else f"{cents:.2f}"
