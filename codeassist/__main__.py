"""`python -m codeassist`."""

from codeassist.cli import main

raise SystemExit(main())
