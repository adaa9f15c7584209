"""Spreading the petition: share links, preview cards, referral links, QR flyer, embeddable widget."""
