import sys

from pixverse_desktop.cli import main

sys.exit(main())
