"""The site's pages made of several features: the petition page (and the home page, which is the
featured petition's), with the signature form it holds, and the privacy page.

Features stand on their own (each imports `core` and its own modules); this package is where
they meet, so it may import any feature it shows: petitions (the text), counting (through
petitions' progress), signing (the form and its rules), comments (the preview) and sharing.
"""
