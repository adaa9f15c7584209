"""The town a signer gives, without a postcode: the privacy page promises a town, never more."""

import re

# A Dutch postcode ("1012 AB") has letters of its own; any other word holding a digit is a postcode,
# a district number or a street number ("28001", "SW1A 1AA", "H2X 1Y4", "(1000)", "11e").
_POSTCODE = re.compile(r"\b\d{4} ?[A-Z]{2}\b|[(\[]?[^\s,;()\[\]]*\d[^\s,;()\[\]]*[)\]]?")
_EDGES = " ,;-/–—."


def without_postcode(place: str | None) -> str | None:
    """The town in what a signer typed as their town: "Madrid 28001" → "Madrid".

    None when nothing but a postcode was typed (the country then stands for the place).
    """
    if not place:
        return None
    town = " ".join(_POSTCODE.sub(" ", place).split())
    town = re.sub(r"\s*,(\s*,)+", ",", town).strip(_EDGES)
    return town or None
