"""`python -m codeassist`."""

from codeassist.cli.main import main
raise SystemExit(main())
