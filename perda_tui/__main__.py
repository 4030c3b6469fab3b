"""`python -m perda_tui` runs the console script."""

from perda_tui.cli.main import main

raise SystemExit(main())
