"""`make bench`: run every benchmark and print one table."""

from bench.suite import main

raise SystemExit(main())
