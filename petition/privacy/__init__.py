"""Signers' rights: consent records, the mailed link to see, download and erase one's data, and
the retention rules (anonymisation after a petition closes, purges of mail and network hashes)."""
