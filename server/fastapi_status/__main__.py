from fastapi_status.cli.main import main

raise SystemExit(main())
