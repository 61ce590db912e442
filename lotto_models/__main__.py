import sys

from lotto_models.cli import main

sys.exit(main())
