"""Cells of a CSV file that a spreadsheet opens: what a person typed must never run as a formula."""

# A cell starting with one of these is read as a formula (or a DDE call) by Excel, LibreOffice or
# Google Sheets (OWASP, "CSV Injection"): = + - @, and tab, carriage return or line feed, which
# some of them skip first; some fold the full-width forms to the ASCII ones.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def safe_cell(value) -> str:
    """The value as text, with a leading apostrophe when a spreadsheet would take it for a formula
    (OWASP's advice: the apostrophe shows the text as typed and is not part of the value)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
