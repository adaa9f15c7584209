"""`python -m petition.transparency verify URL | new-key`: no settings, no database."""

import sys

from petition.transparency.verify import main

sys.exit(main())
